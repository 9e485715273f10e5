"""The timeline store on both backends: captured rows, manual entries, flags and JSON fields round-trip."""

from __future__ import annotations

from datetime import UTC, datetime

from incidents.capture import Capture, CaptureKind
from incidents.timeline import ChatMessage, FileRef, Source, StoredThread
from storage.capture_writer import GroupCommitWriter
from storage.database import Database
from storage.uow import SqlUnitOfWorkFactory
from tests.harness import FrozenClock
from tests.storage_support import database as database  # fixture
from tests.storage_support import make_incident
from tests.storage_support import storage_url as storage_url  # fixture

AT = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def test_entries_round_trip_on_both_backends(database: Database) -> None:
    uow = SqlUnitOfWorkFactory(database)
    async with uow() as work:
        incident = await work.incidents.add(make_incident(), declare_key=None)
        await work.commit()
    assert incident.id is not None
    writer = GroupCommitWriter(database, FrozenClock(AT))
    writer.start()
    try:
        message = ChatMessage(
            "C1",
            "1795000000.000100",
            "see <https://x.example|dash>",
            user="U1",
            files=(FileRef("a.txt", "text", "https://f.example/a"),),
            links=("https://x.example",),
        )
        await writer.submit(Capture(CaptureKind.MESSAGE, "C1", AT, message=message, incident_id=incident.id))
        await writer.submit(Capture(CaptureKind.MESSAGE, "C1", AT, message=message, incident_id=incident.id))
        edited = ChatMessage("C1", message.ts, "edited text", user="U1")
        await writer.submit(
            Capture(CaptureKind.EDIT, "C1", AT, "Ev1", message=edited, ts=message.ts, incident_id=incident.id)
        )
        await writer.submit(
            Capture(CaptureKind.FLAG, "C1", AT, "Ev2", ts=message.ts, flag="pin", incident_id=incident.id)
        )
        for reply_ts in ("1795000000.000300", "1795000000.000200"):
            reply = ChatMessage("C1", reply_ts, "a reply", user="U2", thread_ts=message.ts)
            await writer.submit(Capture(CaptureKind.MESSAGE, "C1", AT, message=reply, incident_id=incident.id))
    finally:
        await writer.stop()
    async with uow() as work:
        note = await work.timeline.add_manual(incident.id, at=AT, actor="U2", text="a note", data={"k": "v"})
        await work.commit()
    async with uow(write=False) as work:
        entries = await work.timeline.entries(incident.id)
        last_ts = await work.timeline.last_message_ts(incident.id)
        threads = await work.timeline.stored_threads(incident.id)
        captured_ts = await work.timeline.captured_message_ts(incident.id)
    [captured] = [e for e in entries if e.source is Source.CHAT and e.thread_ts is None]
    assert captured.text == "edited text" and [e["text"] for e in captured.edits] == ["see <https://x.example|dash>"]
    assert captured.files == [{"name": "a.txt", "filetype": "text", "permalink": "https://f.example/a"}]
    assert captured.links == ["https://x.example"] and captured.flagged and captured.at.tzinfo is not None
    [manual] = [e for e in entries if e.id == note]
    assert manual.data == {"k": "v"} and manual.edits == [] and manual.source is Source.MANUAL
    assert last_ts == "1795000000.000300"
    assert threads == {message.ts: StoredThread("1795000000.000300", 2)}
    assert captured_ts == {message.ts, "1795000000.000200", "1795000000.000300"}
