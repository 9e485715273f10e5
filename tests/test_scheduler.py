"""The APScheduler timer over the database, and one leader per database (SQLite file lock, PostgreSQL advisory lock)."""

from __future__ import annotations

import logging
import subprocess
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from incidents.ports import DueWork
from scheduling.leader import AdvisoryLeadership, FileLeadership, leadership_for
from tests.harness import BotClient, FrozenClock


@pytest.fixture
async def scheduled(bot: BotClient) -> AsyncIterator[BotClient]:
    yield bot
    await bot.runtime.scheduler.stop()


async def test_start_derives_the_timer_from_the_database(scheduled: BotClient, clock: FrozenClock) -> None:
    bot = scheduled
    await bot.declare(severity="SEV1", user="UALICE")  # an update reminder due in 15 minutes
    scheduler = bot.runtime.scheduler
    await scheduler.start()
    assert scheduler.is_leader
    assert scheduler.planned == clock.now() + timedelta(minutes=15)
    wake = scheduler.scheduler.get_job("wake")
    assert wake is not None and wake.next_run_time == clock.now() + timedelta(minutes=15)
    scheduler.wake_at(clock.now() + timedelta(minutes=5))  # a change made something due sooner
    assert scheduler.planned == clock.now() + timedelta(minutes=5)
    scheduler.wake_at(clock.now() + timedelta(minutes=30))  # later work never delays the timer
    assert scheduler.planned == clock.now() + timedelta(minutes=5)


async def test_a_second_process_on_the_same_sqlite_database_stands_by(scheduled: BotClient, database_url: str) -> None:
    first = scheduled.runtime.scheduler
    await first.start()
    engine = create_async_engine(database_url)
    standby = leadership_for(database_url, engine)
    try:
        assert isinstance(standby, FileLeadership)
        assert first.is_leader and not await standby.try_acquire()
        await first.stop()
        assert await standby.try_acquire()  # the leader went away: the standby takes over
    finally:
        await standby.release()
        await engine.dispose()


@pytest.mark.postgres
async def test_postgres_advisory_lock_elects_one_leader(fresh_postgres_url: str) -> None:
    engines = [create_async_engine(fresh_postgres_url) for _ in range(2)]
    first, second = (AdvisoryLeadership(engine) for engine in engines)
    try:
        assert await first.try_acquire()
        assert await first.try_acquire()  # idempotent for the holder
        assert not await second.try_acquire()
        await first.release()
        assert await second.try_acquire()
    finally:
        await first.release()
        await second.release()
        for engine in engines:
            await engine.dispose()


@pytest.mark.postgres
async def test_a_leader_whose_connection_died_lets_go_quietly_and_can_lead_again(
    fresh_postgres_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    engine = create_async_engine(fresh_postgres_url, pool_pre_ping=True)
    leader = AdvisoryLeadership(engine)
    try:
        assert await leader.try_acquire()
        async with engine.connect() as conn:  # what a PostgreSQL restart does to the lock's connection
            await conn.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            )
        with caplog.at_level(logging.DEBUG, logger="scheduling.leader"):
            await leader.release()  # nothing to unlock: the lock went with the connection
        assert await leader.try_acquire()
    finally:
        await leader.release()
        await engine.dispose()

    assert [r.levelname for r in caplog.records if r.name.startswith(("scheduling", "sqlalchemy"))] == ["INFO"]


@pytest.mark.parametrize("where", ["absolute", "relative"])
async def test_the_sqlite_lock_sits_beside_the_database_not_in_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    cwd, elsewhere = tmp_path / "cwd", tmp_path / "cwd" / "data" if where == "relative" else tmp_path / "data"
    cwd.mkdir()
    elsewhere.mkdir(exist_ok=True)
    monkeypatch.chdir(cwd)
    path = "data/fb.db" if where == "relative" else str(elsewhere / "fb.db")
    url = f"sqlite+aiosqlite:///{path}"
    engine = create_async_engine(url)
    leader = leadership_for(url, engine)
    try:
        assert await leader.try_acquire()
        assert (elsewhere / "fb.db.scheduler.lock").is_file()
        assert not list(cwd.glob("*.lock"))
    finally:
        await leader.release()
        await engine.dispose()


def test_git_ignores_the_lock_files_beside_databases() -> None:
    repository = Path(__file__).resolve().parents[1]
    for lock in ("firebreak.db.scheduler.lock", "data/other.db.scheduler.lock"):
        checked = subprocess.run(
            ["git", "check-ignore", "--no-index", "--quiet", lock], cwd=repository, check=False, timeout=30
        )
        assert checked.returncode == 0, f"{lock} is not ignored by .gitignore"


async def test_work_that_is_still_due_after_a_pass_is_done_in_the_same_wake(
    scheduled: BotClient, clock: FrozenClock
) -> None:
    """More due than one pass claims (or due while it ran): the wake goes on, not waiting for the next sweep."""
    bot = scheduled
    async with bot.ctx.uow() as uow:
        for n in range(250):  # a pass claims 200
            await uow.work.put(DueWork(f"postmortem:{n}", "postmortem", clock.now(), data={"reference": "INC-X"}))
        await uow.commit()
    scheduler = bot.runtime.scheduler
    await scheduler.start()
    async with bot.ctx.uow(write=False) as uow:
        left = await uow.work.next_due()
    assert left is None or left > clock.now()
