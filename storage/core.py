"""Core statements on a session's own connection, inside its transaction.

`AsyncSession.execute` sends even a plain Core statement through the ORM's execution path (and an insert of
a mapped table through its bulk-insert machinery), which costs more than the SQL on the hot paths. The
connection runs the same statement, in the same transaction, without that detour.

The connection does not autoflush the session first, as `AsyncSession.execute` would: every store method that
changes ORM objects flushes before it returns, so no ORM change is ever pending when a Core statement runs.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, Result
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

Params = Mapping[str, Any] | Sequence[Mapping[str, Any]]


class SessionCore:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._connection: AsyncConnection | None = None

    @functools.cached_property
    def dialect(self) -> str:
        """The database's dialect name; asked only by stores that write (every unit of work makes a SessionCore)."""
        return self.session.get_bind().dialect.name

    async def execute(self, statement: Executable, params: Params | None = None) -> Result[Any]:
        """Run `statement` (with one set of parameters, or a list of them: executemany)."""
        connection = self._connection
        if connection is None or connection.closed:  # none yet, or the session's transaction ended since
            connection = self._connection = await self.session.connection()
        return await connection.execute(statement, params)
