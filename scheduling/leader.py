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
from sqlalchemy.exc import DBAPIError
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
            except Exception as exc:  # the connection died: so did the lock
                log.warning("Lost the scheduler lock's connection (%s)", _first_line(exc))
                await _discard(self._conn)
                self._conn = None
        conn = await self.engine.connect()
        got = bool(await conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}))
        if not got:
            await conn.close()
            return False
        self._conn = conn
        return True

    async def release(self) -> None:
        """Unlock, or, when the connection is already gone (PostgreSQL restarted), let it go: the lock went with it."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            await conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
        except (DBAPIError, OSError) as exc:
            log.info("The scheduler lock's connection was already closed (%s): no lock to release", _first_line(exc))
            await _discard(conn)
        except Exception as exc:  # shutting down all the same: PostgreSQL drops the lock with the connection
            log.warning("Could not release the scheduler lock (%s); dropping its connection", _first_line(exc))
            await _discard(conn)
        else:
            await conn.close()


async def _discard(conn: AsyncConnection) -> None:
    """Drop a dead connection from the pool without the rollback that closing it would try (and log as an error)."""
    try:
        await conn.invalidate()
    except Exception as exc:  # it is dead already: nothing more to do
        log.debug("Discarding a dead connection: %s", _first_line(exc))


def _first_line(exc: BaseException) -> str:
    lines = str(getattr(exc, "orig", None) or exc).splitlines()
    return lines[0] if lines and lines[0] else exc.__class__.__name__


def leadership_for(url: str, engine: AsyncEngine) -> Leadership:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or "firebreak.db"
        return FileLeadership(Path(f"{database}.scheduler.lock"))
    return AdvisoryLeadership(engine)
