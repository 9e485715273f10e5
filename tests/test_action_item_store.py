"""The action-item store on SQLite and PostgreSQL: items of public and of private incidents, told apart."""

from __future__ import annotations

from datetime import date

from incidents.action_items import ActionItem, ActionItemFilter, Priority
from storage.database import Database
from storage.uow import SqlUnitOfWorkFactory
from tests.storage_support import NOW, make_incident
from tests.storage_support import database as database  # fixture
from tests.storage_support import storage_url as storage_url  # fixture


def _item(incident_id: int, reference: str, text: str) -> ActionItem:
    return ActionItem(
        id=0,
        incident_id=incident_id,
        incident_reference=reference,
        text=text,
        owner="UBOB",
        created_by="UALICE",
        created_at=NOW,
        due_on=date(2026, 12, 1),
        priority=Priority.MEDIUM,
    )


async def test_items_are_searched_by_their_incidents_privacy(database: Database) -> None:
    async with SqlUnitOfWorkFactory(database)() as uow:
        public = await uow.incidents.add(make_incident(1), declare_key=None)
        secret = await uow.incidents.add(make_incident(2, private=True), declare_key=None)
        for incident, text in ((public, "public follow-up"), (secret, "private follow-up")):
            assert incident.id is not None
            await uow.action_items.add(_item(incident.id, incident.reference, text))
        await uow.commit()
    async with SqlUnitOfWorkFactory(database)(write=False) as uow:
        found = {
            privacy: [i.text for i in await uow.action_items.search(ActionItemFilter(private=privacy))]
            for privacy in (None, False, True)
        }
    assert found == {
        None: ["public follow-up", "private follow-up"],
        False: ["public follow-up"],
        True: ["private follow-up"],
    }
