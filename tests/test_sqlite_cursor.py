"""The one-trip SQLite cursor (storage/sqlite_cursor.py): what SQLAlchemy reads from a cursor, in one trip."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiosqlite
import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from storage import sqlite_cursor
from storage.database import Database
from tests.storage_support import sqlite_url

_META = MetaData()
_T = Table("t", _META, Column("id", Integer, primary_key=True), Column("name", String, unique=True))


@pytest.fixture
async def database(tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(sqlite_url(tmp_path))
    async with database.write_engine.begin() as conn:
        await conn.run_sync(_META.create_all)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each function aiosqlite runs on a connection's thread, by name (the driver's own method, wrapped)."""
    seen: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)  # type: ignore[no-untyped-call]

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return seen


async def test_both_engines_use_the_one_trip_cursor(database: Database) -> None:
    for engine in (database.write_engine, database.read_engine):
        async with engine.connect() as conn:
            raw = await conn.get_raw_connection()
            assert type(raw.dbapi_connection) is sqlite_cursor.OneTripConnection
            assert isinstance(raw.dbapi_connection.cursor(), sqlite_cursor.OneTripCursor)


async def test_a_statement_is_one_trip_to_the_driver_thread(database: Database, trips: list[str]) -> None:
    async with database.write_engine.begin() as conn:
        trips.clear()
        await conn.execute(insert(_T), {"name": "a"})
        await conn.execute(insert(_T), [{"name": "b"}, {"name": "c"}])
        rows = (await conn.execute(select(_T.c.name).order_by(_T.c.id))).scalars().all()
        assert trips == ["_run", "_run", "_run"]
    assert rows == ["a", "b", "c"]


async def test_rows_rowcounts_and_ids_are_what_sqlalchemy_expects(database: Database) -> None:
    async with database.write_engine.begin() as conn:
        first = await conn.execute(insert(_T), {"name": "a"})
        assert first.inserted_primary_key == (1,)  # lastrowid
        returned = (await conn.execute(insert(_T).returning(_T.c.id, _T.c.name), {"name": "b"})).one()
        assert tuple(returned) == (2, "b")
        many = await conn.execute(insert(_T), [{"name": f"n{i}"} for i in range(500)])
        assert many.rowcount == 500
        renamed = await conn.execute(
            update(_T).where(_T.c.name.like(bindparam("p"))).values(name=_T.c.name + "!"), {"p": "n1%"}
        )
        assert renamed.rowcount == 111  # n1, n10-n19, n100-n199
        nothing = await conn.execute(select(_T).where(_T.c.id < 0))
        assert nothing.all() == [] and list(nothing.keys()) == ["id", "name"]
        assert await conn.scalar(select(_T.c.name).where(_T.c.id == 2)) == "b"
        assert len((await conn.execute(select(_T))).all()) == 502
        assert (await conn.execute(text("PRAGMA foreign_keys"))).scalar() == 1


async def test_errors_are_sqlalchemys_and_the_connection_goes_on(database: Database) -> None:
    async with database.write_engine.connect() as conn:
        await conn.execute(insert(_T), {"name": "a"})
        await conn.commit()
        with pytest.raises(IntegrityError):
            await conn.execute(insert(_T), {"name": "a"})
        await conn.rollback()
        with pytest.raises(OperationalError):
            await conn.execute(text("SELECT * FROM no_such_table"))
        await conn.rollback()
        await conn.execute(insert(_T), {"name": "b"})
        await conn.commit()
    async with database.read_engine.connect() as conn:
        assert (await conn.execute(select(_T.c.name).order_by(_T.c.name))).scalars().all() == ["a", "b"]


def test_anything_but_the_aiosqlite_adapter_keeps_its_cursor(caplog: pytest.LogCaptureFixture) -> None:
    class Other:
        pass

    other = Other()
    assert sqlite_cursor.adopt(other) is False
    assert type(other) is Other
    assert "keep SQLAlchemy's stock aiosqlite cursor" in caplog.text
