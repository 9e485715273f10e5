"""SQLite statements in one trip to aiosqlite's thread instead of four.

aiosqlite runs each SQLite connection on a thread of its own, and SQLAlchemy's adapter makes a trip there to
create a cursor, another to execute, another to fetch and another to close it. Each trip is a hand-off to
that thread and a wake-up of the event loop through its self-pipe; on the declare path the trips cost more
CPU than the SQL (bench/ack.py). The cursor here does all four in one function run on that thread, and keeps
what SQLAlchemy reads afterwards (description, rowcount, lastrowid, the rows) on the event loop's side.

It relies on two private details: aiosqlite's `Connection._execute` (run a function on the connection's
thread; SQLAlchemy's adapter itself queues work on that thread for the same reason) and the attributes of
SQLAlchemy's adapted cursor. `adopt` checks both and leaves the stock cursor in place (logging why) when an
upgrade changed them, so an upgrade can cost speed but not correctness; tests/test_sqlite_cursor.py pins the
behaviour SQLAlchemy relies on.
"""

from __future__ import annotations

import collections
import logging
import sqlite3
from typing import Any, cast

import aiosqlite
from sqlalchemy.connectors.asyncio import AsyncAdapt_dbapi_cursor
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor

log = logging.getLogger(__name__)

_CURSOR_SLOTS = {"_adapt_connection", "_connection", "_cursor", "_rows", "_soft_closed_memoized"}


class _Outcome:
    """What a statement left on its sqlite3 cursor (closed by now), where SQLAlchemy looks for it."""

    __slots__ = ("arraysize", "description", "lastrowid", "rowcount")

    def __init__(self) -> None:
        self.description: Any = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1


def _run(
    connection: sqlite3.Connection, operation: str, parameters: Any, many: bool
) -> tuple[Any, list[Any], int, int | None]:
    """On aiosqlite's thread: execute, fetch what the statement returns, close the cursor."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description and not many else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ()

    def __init__(self, adapt_connection: Any) -> None:  # no trip: the sqlite3 cursor is made when executing
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = cast(Any, _Outcome())
        self._soft_closed_memoized = cast(Any, {})
        self._rows = collections.deque()

    async def _trip(self, operation: Any, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            connection = cast(aiosqlite.Connection, self._connection)
            outcome = cast(_Outcome, self._cursor)
            trip: Any = connection._execute  # private and unannotated in aiosqlite (see the module's docstring)
            description, rows, outcome.rowcount, outcome.lastrowid = await trip(
                _run, connection._conn, operation, parameters, many
            )
            outcome.description = description
            self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        await self._trip(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        await self._trip(operation, seq_of_parameters, many=True)

    async def _async_soft_close(self) -> None:
        """Nothing to close: the sqlite3 cursor was closed on its thread."""

    def close(self) -> None:
        self._rows.clear()

    def setinputsizes(self, *inputsizes: Any) -> None:
        """A no-op, as PEP 249 allows and sqlite3 does."""


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    """The adapted connection, with the one-trip cursor (server-side cursors are left as they are)."""

    __slots__ = ()
    _cursor_cls = OneTripCursor


def _supported(dbapi_connection: Any) -> str | None:
    """Why the one-trip cursor can't be used on `dbapi_connection`, or None when it can."""
    if type(dbapi_connection) is not AsyncAdapt_aiosqlite_connection:
        return f"the connection is a {type(dbapi_connection).__name__}, not SQLAlchemy's aiosqlite adapter"
    if not callable(getattr(aiosqlite.Connection, "_execute", None)):
        return "aiosqlite.Connection has no _execute"
    slots = {name for cls in AsyncAdapt_dbapi_cursor.__mro__ for name in getattr(cls, "__slots__", ())}
    if missing := _CURSOR_SLOTS - slots:
        return f"SQLAlchemy's adapted cursor has no {sorted(missing)}"
    if not isinstance(getattr(dbapi_connection, "_connection", None), aiosqlite.Connection):
        return "the adapter does not wrap an aiosqlite.Connection"
    return None


def adopt(dbapi_connection: Any) -> bool:
    """Give a new connection (from the engine's "connect" event) the one-trip cursor; False if it can't be."""
    problem = _supported(dbapi_connection)
    if problem is not None:
        log.warning("SQLite statements keep SQLAlchemy's stock aiosqlite cursor: %s", problem)
        return False
    dbapi_connection.__class__ = OneTripConnection  # same slots, so the instance can change class in place
    return True
