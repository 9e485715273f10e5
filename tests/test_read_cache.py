"""The search answer cache: fresh within its TTL, emptied by writes, one read for many readers, copies out."""

from __future__ import annotations

import asyncio

import pytest

from incidents.model import Incident
from storage.read_cache import ReadCache
from tests.storage_support import make_incident


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


class Reads:
    """A read of the database that counts how often it ran; `gate` holds it until the test says so."""

    def __init__(self, *incidents: Incident) -> None:
        self.incidents = list(incidents)
        self.count = 0
        self.gate: asyncio.Event | None = None
        self.fail: Exception | None = None

    async def __call__(self) -> list[Incident]:
        self.count += 1
        if self.gate is not None:
            await self.gate.wait()
        if self.fail is not None:
            failure, self.fail = self.fail, None  # fails once
            raise failure
        return [make_incident(i.number, title=i.title) for i in self.incidents]


async def test_an_answer_is_reused_until_it_is_a_ttl_old() -> None:
    ticks = Ticks()
    cache, read = ReadCache(ttl=1.0, clock=ticks), Reads(make_incident(1))

    first = await cache.answer("open", read)
    ticks.now += 0.9
    second = await cache.answer("open", read)
    ticks.now += 0.1
    third = await cache.answer("open", read)

    assert [i.reference for i in first] == [i.reference for i in second] == [i.reference for i in third]
    assert read.count == 2  # the third came a whole TTL after the answer it would have reused


async def test_callers_get_copies_they_may_change() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1, services=["api"]))

    mine = await cache.answer("open", read)
    mine[0].title = "changed"
    mine[0].services.append("billing")
    mine[0].roles["scribe"] = "UBOB"
    theirs = await cache.answer("open", read)

    assert read.count == 1
    assert (theirs[0].title, theirs[0].services, theirs[0].roles) == ("Incident 1", [], {"commander": "UALICE"})


async def test_a_committed_write_empties_the_cache() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1))

    await cache.answer("open", read)
    read.incidents.append(make_incident(2))
    cache.invalidate()
    after = await cache.answer("open", read)

    assert [i.number for i in after] == [1, 2]


async def test_an_answer_read_while_a_write_committed_is_not_kept() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1))
    read.gate = asyncio.Event()

    reading = asyncio.create_task(cache.answer("open", read))
    await asyncio.sleep(0)
    cache.invalidate()  # the read may or may not have seen this write
    read.gate.set()
    await reading
    await cache.answer("open", read)

    assert read.count == 2


async def test_readers_asking_at_once_share_one_read() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1))
    read.gate = asyncio.Event()

    readers = [asyncio.create_task(cache.answer("open", read)) for _ in range(32)]
    await asyncio.sleep(0)
    read.gate.set()
    answers = await asyncio.gather(*readers)

    assert read.count == 1
    assert all([i.reference for i in a] == ["INC-2026-0001"] for a in answers)
    assert len({id(a[0]) for a in answers}) == 32  # each got its own copy


async def test_readers_after_a_write_do_not_join_a_read_begun_before_it() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1))
    read.gate = asyncio.Event()

    before = asyncio.create_task(cache.answer("open", read))
    await asyncio.sleep(0)
    cache.invalidate()
    after = asyncio.create_task(cache.answer("open", read))
    await asyncio.sleep(0)
    read.gate.set()
    await asyncio.gather(before, after)

    assert read.count == 2


async def test_when_the_shared_read_fails_the_waiting_readers_read_for_themselves() -> None:
    cache, read = ReadCache(clock=Ticks()), Reads(make_incident(1))
    read.gate, read.fail = asyncio.Event(), RuntimeError("database went away")

    first = asyncio.create_task(cache.answer("open", read))
    await asyncio.sleep(0)
    waiting = asyncio.create_task(cache.answer("open", read))
    await asyncio.sleep(0)
    read.gate.set()

    with pytest.raises(RuntimeError, match="went away"):
        await first
    assert [i.number for i in await waiting] == [1]
    assert read.count == 2


async def test_the_oldest_answer_makes_room() -> None:
    cache, read = ReadCache(size=2, clock=Ticks()), Reads(make_incident(1))

    for key in ("a", "b", "c", "b", "c"):
        await cache.answer(key, read)

    assert read.count == 3
