"""The document without a model: computed figures against hand-computed ones, structure, the template draft,
redaction, and the Markdown. Runs on the realistic incidents of tests/postmortem_incidents.py."""

from __future__ import annotations

import re

import pytest

from incidents.policy import Policy
from incidents.postmortem_doc import DraftKind, Postmortem, PostmortemDocument, PostmortemStatus, SectionSource
from incidents.postmortem_markdown import render_markdown
from incidents.postmortem_policy import COMPUTED_SECTIONS, DEFAULT_SECTIONS, PostmortemPolicy
from incidents.postmortem_ports import DraftRequest
from postmortem.drafter import NO_MODEL, PostmortemDrafter
from postmortem.redaction import redact
from tests.postmortem_incidents import PEOPLE, SECRETS, T0, Scenario, all_scenarios, bad_deploy, pool_exhaustion

SCENARIOS = all_scenarios()


async def _draft(scenario: Scenario, policy: Policy | None = None) -> PostmortemDocument:
    request = DraftRequest(scenario.incident, scenario.entries, PEOPLE, policy or Policy())
    return await PostmortemDrafter().draft(request)


def _stored(doc: PostmortemDocument) -> Postmortem:
    return Postmortem(1, doc.facts.reference, 1, PostmortemStatus.DRAFT, doc, T0, "UALICE", "drafted")


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_computed_figures_match_the_hand_computed_ones(scenario: Scenario) -> None:
    facts = (await _draft(scenario)).facts
    expected = scenario.expected
    assert facts.time_to_acknowledge == expected.time_to_acknowledge
    assert facts.time_to_mitigate == expected.time_to_mitigate
    assert facts.time_to_resolve == expected.time_to_resolve
    assert facts.impact_duration == expected.impact_duration
    assert set(facts.responders) == expected.responders
    assert facts.declared_at == scenario.incident.declared_at and facts.resolved_at == scenario.incident.resolved_at
    assert facts.entries == len([e for e in scenario.entries if e.kind != "joined"])


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
async def test_every_section_in_order_and_the_timeline_holds_the_key_events(scenario: Scenario) -> None:
    doc = await _draft(scenario)
    assert [s.key for s in doc.sections] == list(DEFAULT_SECTIONS)
    assert [s.title for s in doc.sections] == list(DEFAULT_SECTIONS.values())
    timeline = doc.section("timeline")
    assert timeline is not None and timeline.source is SectionSource.COMPUTED
    for text in scenario.expected.key_event_texts:
        assert text in timeline.body, text
    first_message = next(e for e in scenario.entries if e.kind == "message")
    last_message = [e for e in scenario.entries if e.kind == "message"][-1]
    assert f"[#{first_message.id}]" in timeline.body and "_(first message)_" in timeline.body
    assert f"[#{last_message.id}]" in timeline.body and "_(last message)_" in timeline.body
    # Exact timestamps, to the second, in UTC.
    assert f"**{first_message.at:%Y-%m-%d %H:%M:%S} UTC**" in timeline.body
    # A short incident keeps every entry; a long one every key event, and says what it left out.
    entries = {e.id for e in scenario.entries if e.kind != "joined"}
    if len(entries) <= Policy().postmortem.full_timeline_max:
        assert set(timeline.citations) == entries and doc.timeline_note == ""
    else:
        assert {e.id for e in scenario.entries if e.is_key_event} <= set(timeline.citations) < entries
        assert doc.timeline_note.endswith("routine messages left out")


async def test_the_impact_section_is_computed_from_stored_data() -> None:
    doc = await _draft(bad_deploy())
    impact = doc.section("impact")
    assert impact is not None and impact.source is SectionSource.COMPUTED
    assert "**Duration of impact:** 28m (from 2026-11-23 08:56:00 UTC to 2026-11-23 09:24:00 UTC)" in impact.body
    assert "**Customer impact:** yes" in impact.body and "checkout-api, payments" in impact.body
    assert "SEV3 → SEV2 at 2026-11-23 09:06:00 UTC by alice" in impact.body
    assert "about 12% of checkouts failing, EU and US" in impact.body


async def test_a_template_draft_says_so_and_prefills_sections_with_excerpts_and_questions() -> None:
    scenario = bad_deploy()
    doc = await _draft(scenario)
    assert doc.draft.kind is DraftKind.TEMPLATE and doc.draft.reason == NO_MODEL
    recovery = doc.section("recovery")
    assert recovery is not None and recovery.source is SectionSource.TEMPLATE
    assert "rolling back checkout-api to v41 now" in recovery.body and "_Questions to answer:_" in recovery.body
    root = doc.section("root_cause")
    assert root is not None and "bad deploy of v42" in root.body and "Five whys" in root.body
    summary = doc.section("summary")
    assert summary is not None and "59m after impact began" in summary.body
    # Every excerpt is cited, and the citations point at real entries.
    ids = {e.id for e in scenario.entries}
    for section in doc.sections:
        assert set(section.citations) <= ids, section.key
        if section.key not in COMPUTED_SECTIONS:  # the computed ones are never edited in a modal
            assert len(section.body) <= 3000, section.key  # editable in a Slack modal
    texts = [a.text for a in doc.suggestions]
    for words in scenario.expected.suggestion_words:
        assert any(words in t for t in texts), (words, texts)
    assert {c.id for c in doc.cited} >= {n for a in doc.suggestions for n in a.cites}


async def test_section_names_come_from_the_policy() -> None:
    policy = Policy(postmortem=PostmortemPolicy(sections={"lucky": "Near misses", "summary": "TL;DR"}))
    doc = await _draft(bad_deploy(), policy)
    assert [s.title for s in doc.sections][:1] == ["TL;DR"]
    assert doc.section("lucky") is not None and doc.section("lucky").title == "Near misses"  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="unknown section"):
        PostmortemPolicy(sections={"blame": "Who did it"})


async def test_no_secret_reaches_the_document() -> None:
    markdown = render_markdown(_stored(await _draft(pool_exhaustion())), PEOPLE)
    for name, secret in SECRETS.items():
        assert secret not in markdown, name
    assert "[REDACTED:password]" in markdown or "[REDACTED:secret]" in markdown


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("token xoxb-2841092837-9982374512-Zx8YtR3kLmNq7PvW2sT5uA1b ok", "Zx8YtR3k"),
        ("app token xapp-1-A0TEST1234-7733112233-f0e1d2c3", "f0e1d2c3"),
        ("key sk-proj-4fTq9ZrX2mLw8NvB6yHc3JdK7sPa1QeU", "4fTq9ZrX"),
        ("AKIAZ7QK3MNP4RSTUV2W", "AKIAZ7QK3MNP4RSTUV2W"),
        ("secret q8Fz/3kLmN9pQrS7tUvW2xYz4AbCdEfGhIjK1LmN end", "q8Fz/3kLmN9p"),
        ("postgres://orders_app:hunter2hunter2@db:5432/x", "hunter2hunter2"),
        ("<https://u:pw1234567@host.example/x|link>", "pw1234567"),
        ("password=hunter2 and more", "hunter2"),
        ('DB_PASSWORD: "S3cr3t-Pa55w0rd!"', "S3cr3t-Pa55w0rd!"),
        ('{"api_key": "abc123def456"}', "abc123def456"),
        ("https://api.example/v1?token=abcdef123456&x=1", "abcdef123456"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig123456", "eyJhbGciOiJIUzI1NiJ9"),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----", "b3BlbnNzaC1rZXk"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq (cut off)", "MIIEvQIBADANBgkq"),
        ("ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "aBcDeFgHiJ"),
    ],
)
def test_redaction_removes_each_kind_of_credential(text: str, secret: str) -> None:
    redacted = redact(text)
    assert secret not in redacted and "[REDACTED:" in redacted
    assert redact(redacted) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "commit 3f2a9c4e5b6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f reverted",  # a git sha is not an AWS secret
        "the token budget is 12000 and the token expired",
        "https://grafana.example/d/abc?orgId=1&from=now-6h",
        "p99 at 450ms, 12% of requests failing",
    ],
)
def test_redaction_leaves_ordinary_text_alone(text: str) -> None:
    assert redact(text) == text


async def test_markdown_has_the_metadata_sections_and_cited_entries() -> None:
    doc = await _draft(bad_deploy())
    markdown = render_markdown(_stored(doc), PEOPLE)
    assert markdown.startswith("# Postmortem: INC-2026-0042: Checkout API returning 500s\n")
    assert "_Draft · version 1 · template draft: no language model is configured" in markdown
    for line in (
        "- **Severity:** SEV2 (Major)",
        "- **Roles:** Incident commander: alice; Tech lead: bob",
        "- **Responders:** alice, bob, carol, dave",
        "- **Declared:** 2026-11-23 09:00:00 UTC",
        "- **Mitigated:** 2026-11-23 09:24:00 UTC",
        "- **Time to acknowledge (from declaration):** 0s",
        "- **Time to mitigate (from impact start):** 28m",
        "- **Time to resolve (from impact start):** 59m",
    ):
        assert line in markdown, line
    headings = re.findall(r"^## (.+)$", markdown, re.M)
    assert headings == [*DEFAULT_SECTIONS.values(), "Cited timeline entries"]


async def test_the_document_round_trips_through_json() -> None:
    doc = await _draft(pool_exhaustion())
    assert PostmortemDocument.from_dict(doc.to_dict()) == doc
