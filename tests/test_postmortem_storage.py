"""The postmortem store on SQLite and PostgreSQL: versions, status, and what a version keeps."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from incidents.policy import Policy
from incidents.postmortem_doc import PostmortemStatus, Section, SectionSource
from incidents.postmortem_ports import DraftRequest
from postmortem.drafter import PostmortemDrafter
from storage.database import Database
from storage.uow import SqlUnitOfWorkFactory
from tests.postmortem_incidents import PEOPLE, bad_deploy
from tests.storage_support import NOW, make_incident
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture


async def test_versions_are_numbered_kept_and_read_back(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        incident = await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()
    assert incident.id is not None
    scenario = bad_deploy()
    document = await PostmortemDrafter().draft(DraftRequest(scenario.incident, scenario.entries, PEOPLE, Policy()))
    edited = document.with_section(Section("summary", "Summary", "Written by people.", SectionSource.EDITED))
    async with factory() as uow:
        assert await uow.postmortems.current(incident.id) is None
        first = await uow.postmortems.add_version(
            incident.id, document, at=NOW, by="UALICE", change="drafted", status=PostmortemStatus.DRAFT
        )
        second = await uow.postmortems.add_version(
            incident.id,
            edited,
            at=NOW + timedelta(minutes=5),
            by="UBOB",
            change="edited Summary",
            status=PostmortemStatus.DRAFT,
        )
        await uow.postmortems.set_status(incident.id, PostmortemStatus.IN_REVIEW, at=NOW, by="UBOB")
        await uow.commit()
    assert (first, second) == (1, 2)
    async with factory(write=False) as uow:
        current = await uow.postmortems.current(incident.id)
        old = await uow.postmortems.version(incident.id, 1)
        missing = await uow.postmortems.version(incident.id, 3)
    assert current is not None and old is not None and missing is None
    assert (current.version, current.status, current.created_by, current.change) == (
        2,
        PostmortemStatus.IN_REVIEW,
        "UBOB",
        "edited Summary",
    )
    assert current.reference == incident.reference and current.created_at == NOW + timedelta(minutes=5)
    assert current.document == edited and old.document == document  # every version keeps its whole document
    async with factory() as uow:
        await uow.postmortems.set_status(incident.id, PostmortemStatus.PUBLISHED, at=NOW, by="UCAROL")
        await uow.commit()
    async with factory(write=False) as uow:
        published = await uow.postmortems.current(incident.id)
    assert published is not None and (published.published_at, published.published_by) == (NOW, "UCAROL")


async def test_concurrent_first_drafts_become_versions_one_and_two(database: Database) -> None:
    factory = SqlUnitOfWorkFactory(database)
    async with factory() as uow:
        incident = await uow.incidents.add(make_incident(), declare_key=None)
        await uow.commit()
    assert incident.id is not None
    scenario = bad_deploy()
    document = await PostmortemDrafter().draft(DraftRequest(scenario.incident, scenario.entries, PEOPLE, Policy()))

    async def draft(by: str) -> int:
        async with factory() as uow:
            assert incident.id is not None
            number = await uow.postmortems.add_version(
                incident.id, document, at=NOW, by=by, change="drafted", status=PostmortemStatus.DRAFT
            )
            await uow.commit()
            return number

    numbers = await asyncio.gather(draft("UALICE"), draft("UBOB"))
    assert sorted(numbers) == [1, 2]
