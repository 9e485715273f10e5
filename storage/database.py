"""Engines and sessions. SQLite (the embedded default) gets WAL, foreign keys and one serialised writer.

SQLite allows one writer at a time. Transactions that read first and write later can deadlock each other
(SQLITE_BUSY without waiting), so writes take the lock up front with BEGIN IMMEDIATE on a dedicated
one-connection engine, which also queues writers in-process without busy-looping; reads use their own pool
and, thanks to WAL, never wait for the writer. PostgreSQL needs none of this: one engine serves both.
"""

from __future__ import annotations

import asyncio
import os
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import Session

from storage import sqlite_cursor
from storage.read_cache import ReadCache

# Readers on SQLite: each aiosqlite connection is a thread, and threads beyond a few only fight over the GIL
# (queries are short and WAL never makes a reader wait), so a small fixed pool beats the default 5 + 10.
SQLITE_READERS = 3


def _sqlite_engine(url: str, *, writer: bool) -> AsyncEngine:
    options: dict[str, Any] = {
        "pool_size": 1 if writer else SQLITE_READERS,
        "max_overflow": 0,
        "pool_timeout": 60,
        # The pool would roll back every connection it gets back, a trip to the driver's thread after each
        # commit. Nothing can be left open to roll back: a connection is handed back by closing its
        # Connection, which rolls back any transaction still open first, and BEGIN is only ever ours.
        "pool_reset_on_return": None,
    }
    engine = create_async_engine(url, **options)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        sqlite_cursor.adopt(dbapi_connection)  # one trip to the driver's thread a statement (see the module)
        # Take over transaction control from the driver so BEGIN is ours to choose.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        # NORMAL is durable across application crashes in WAL mode; only a power loss can drop the last commit.
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")

    return engine


class DatabaseUnavailable(Exception):
    """The database could not be opened (unreachable, the login refused, no such file…); the message says why."""


def failure_reason(exc: BaseException) -> str:
    """A driver's or the operating system's failure in a few words, on one line."""
    cause = getattr(exc, "orig", None) or exc
    if isinstance(cause, OSError) and cause.errno:
        return os.strerror(cause.errno).lower()
    words = str(cause).strip()
    return words.splitlines()[0] if words else type(cause).__name__


class Database:
    """The engines for one database URL, with a session factory for reads and one for writes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.is_sqlite = make_url(url).get_backend_name() == "sqlite"
        if self.is_sqlite:
            self.write_engine = _sqlite_engine(url, writer=True)
            self.read_engine = _sqlite_engine(url, writer=False)
        else:
            self.write_engine = self.read_engine = create_async_engine(url, pool_pre_ping=True)
        self.read_cache = ReadCache()
        # Every committed write session empties the read cache: a session class of our own carries the hook, so
        # it fires for every unit of work and the capture writer's membership batches, and for no other
        # Database's sessions. (Message-only capture batches commit on a bare connection: they change nothing
        # a search reads.)
        write_session = type("WriteSession", (Session,), {})
        event.listen(write_session, "after_commit", self._committed)
        self.writer = async_sessionmaker(self.write_engine, expire_on_commit=False, sync_session_class=write_session)
        self.reader = async_sessionmaker(self.read_engine, expire_on_commit=False)

    def _committed(self, _session: Session) -> None:
        self.read_cache.invalidate()

    def session(self, *, write: bool) -> AsyncSession:
        return (self.writer if write else self.reader)()

    async def open(self) -> None:
        """Connect once, before anything else uses the database: one that cannot be opened raises
        DatabaseUnavailable, so that it is told apart from every failure that comes later."""
        try:
            async with self.write_engine.connect():
                pass
        except (DBAPIError, OSError) as exc:  # asyncpg raises the OSErrors of connecting (refused, unknown host) bare
            raise DatabaseUnavailable(failure_reason(exc)) from exc

    async def ping(self) -> bool:
        """True when the database answers a trivial query within two seconds."""
        try:
            async with asyncio.timeout(2.0), self.read_engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
            return True
        except Exception:  # any failure means "not healthy"; the health endpoint says so
            return False

    async def dispose(self) -> None:
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()
