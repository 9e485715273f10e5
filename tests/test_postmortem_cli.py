"""`firebreak postmortem INC-… [--format md|json]`: the stored postmortem, else a template draft made now.
No Slack token is needed: only the database."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from sqlalchemy import insert

from incidents.policy import Policy
from incidents.postmortem_doc import PostmortemStatus, Section, SectionSource
from incidents.postmortem_policy import DEFAULT_SECTIONS
from incidents.postmortem_ports import DraftRequest
from postmortem.drafter import PostmortemDrafter
from storage.database import Database
from storage.migrate import upgrade
from storage.tables import TimelineEntryRow
from storage.uow import SqlUnitOfWorkFactory
from tests.postmortem_incidents import T0, Scenario, bad_deploy, timeline_rows
from tests.test_settings_and_cli import run_cli, set_env
from tests.test_settings_and_cli import workdir as workdir  # fixture


async def _store(url: str, scenario: Scenario, *, with_version: bool = False) -> None:
    """The incident and its timeline as the bot would have stored them (entry ids kept: citations use them)."""
    database = Database(url)
    try:
        await upgrade(database)
        async with SqlUnitOfWorkFactory(database)() as uow:
            incident = await uow.incidents.add(scenario.incident, declare_key=None)
            assert incident.id is not None
            await uow.session.execute(insert(TimelineEntryRow), timeline_rows(incident.id, scenario.entries))
            if with_version:
                document = await PostmortemDrafter().draft(DraftRequest(incident, scenario.entries, {}, Policy()))
                summary = Section("summary", "Summary", "We rolled back a bad release.", SectionSource.EDITED)
                await uow.postmortems.add_version(
                    incident.id,
                    document.with_section(summary),
                    at=T0,
                    by="UALICE",
                    change="edited Summary",
                    status=PostmortemStatus.IN_REVIEW,
                )
            await uow.commit()
    finally:
        await database.dispose()


def _database(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{workdir / 'firebreak.db'}"
    set_env(monkeypatch, DATABASE_URL=url)
    return url


def test_without_a_stored_postmortem_a_template_draft_is_printed(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_store(_database(workdir, monkeypatch), bad_deploy()))
    code, out, err = run_cli(capsys, "postmortem", "inc-2026-0042")
    assert (code, err) == (0, "")
    assert out.startswith("# Postmortem: INC-2026-0042: Checkout API returning 500s\n")
    assert "not stored: drafted just now from the timeline · template draft" in out
    assert "- **Time to resolve (from impact start):** 59m" in out and "v42 went out at 08:52" in out
    assert "- **Responders:** UALICE, UBOB, UCAROL, UDAVE" in out  # no Slack, so ids stand for names


def test_json_has_the_computed_figures_and_every_section(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_store(_database(workdir, monkeypatch), bad_deploy()))
    code, out, _ = run_cli(capsys, "postmortem", "INC-2026-0042", "--format", "json")
    record = json.loads(out)
    assert code == 0 and (record["stored"], record["version"], record["status"]) == (False, 0, "draft")
    facts = record["document"]["facts"]
    assert facts["time_to_acknowledge_seconds"] == 0
    assert facts["time_to_mitigate_seconds"] == 28 * 60 and facts["time_to_resolve_seconds"] == 59 * 60
    assert facts["declared_at"] == "2026-11-23T09:00:00+00:00"
    assert [s["key"] for s in record["document"]["sections"]] == list(DEFAULT_SECTIONS)
    assert record["document"]["draft"]["kind"] == "template"


def test_the_stored_version_is_printed_when_there_is_one(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_store(_database(workdir, monkeypatch), bad_deploy(), with_version=True))
    code, out, _ = run_cli(capsys, "postmortem", "INC-2026-0042")
    assert code == 0 and "_In review · version 1 · template draft" in out
    assert "## Summary\n\nWe rolled back a bad release.\n" in out
    code, out, _ = run_cli(capsys, "postmortem", "INC-2026-0042", "--format", "json")
    record = json.loads(out)
    assert (record["stored"], record["version"], record["status"], record["change"]) == (
        True,
        1,
        "in_review",
        "edited Summary",
    )


def test_an_unknown_incident_is_an_error(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asyncio.run(_store(_database(workdir, monkeypatch), bad_deploy()))
    code, out, err = run_cli(capsys, "postmortem", "INC-2026-0999")
    assert (code, out) == (1, "") and "There is no incident INC-2026-0999" in err
