"""Only one process runs the scheduler for a database.

SQLite: an exclusive `flock` on a file beside the database (one machine, so a file lock is enough; the OS
releases it when the process dies). PostgreSQL: a session-level advisory lock held on a dedicated
connection; if the process or its connection dies, PostgreSQL releases it and a standby takes over.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import Protocol

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

log = logging.getLogger(__name__)
ADVISORY_KEY = 0x46495245  # "FIRE"


class Leadership(Protocol):
    async def try_acquire(self) -> bool: ...
    async def release(self) -> None: ...


class FileLeadership:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    async def try_acquire(self) -> bool:
        if self._fd is not None:
            return True
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    async def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


class AdvisoryLeadership:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._conn: AsyncConnection | None = None

    async def try_acquire(self) -> bool:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT 1"))
                return True
            except Exception:  # the connection died: so did the lock
                log.warning("Lost the scheduler lock's connection")
                self._conn = None
        conn = await self.engine.connect()
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}))
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        if self._conn is not None:
            try:
                await self._conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
            finally:
                await self._conn.close()
                self._conn = None


def leadership_for(url: str, engine: AsyncEngine) -> Leadership:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or "firebreak.db"
        return FileLeadership(Path(f"{database}.scheduler.lock"))
    return AdvisoryLeadership(engine)
