"""Drafting with a language model, over HTTP against a fake OpenAI-compatible server: citations checked and
repaired, blamelessness, redaction and names in the request bodies, the fallback, and chunking."""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from typing import Any

import pytest

from incidents.policy import Policy
from incidents.postmortem_doc import DraftKind, PostmortemDocument
from incidents.postmortem_policy import PostmortemPolicy
from incidents.postmortem_ports import DraftRequest
from postmortem.drafter import PRIVATE, PostmortemDrafter
from postmortem.openai_model import OpenAIChatModel
from postmortem.prompts import prompt_tokens
from tests.fakeopenai import Answer, FakeOpenAI, claim, good_draft
from tests.postmortem_incidents import PEOPLE, SECRETS, Scenario, bad_deploy, multi_day_degradation, pool_exhaustion

API_KEY = "sk-test-Qm9vYmFyYmF6cXV4MTIzNDU2"


@pytest.fixture
async def fake() -> AsyncIterator[FakeOpenAI]:
    async with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def drafter(fake: FakeOpenAI) -> AsyncIterator[PostmortemDrafter]:
    model = OpenAIChatModel(model="fake-model-1", api_key=API_KEY, base_url=fake.base_url)
    drafter = PostmortemDrafter(model)
    yield drafter
    await drafter.close()


def _policy(**postmortem: Any) -> Policy:
    return Policy(postmortem=PostmortemPolicy(**postmortem))


async def _draft(drafter: PostmortemDrafter, scenario: Scenario, policy: Policy | None = None) -> PostmortemDocument:
    return await drafter.draft(DraftRequest(scenario.incident, scenario.entries, PEOPLE, policy or Policy()))


def _all_text(doc: PostmortemDocument) -> str:
    return "\n".join(s.body for s in doc.sections) + "\n".join(a.text for a in doc.suggestions)


def _ids(scenario: Scenario) -> set[int]:
    return {e.id for e in scenario.entries}


async def test_a_model_draft_is_structured_output_with_every_statement_cited(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    scenario = bad_deploy()
    doc = await _draft(drafter, scenario)
    assert doc.draft.kind is DraftKind.MODEL and doc.draft.model == "fake-model-1" and doc.draft.notes == ()
    [request] = fake.requests
    assert request.headers["Authorization"] == f"Bearer {API_KEY}"
    assert request.body["model"] == "fake-model-1"
    response_format = request.body["response_format"]
    assert response_format["type"] == "json_schema" and response_format["json_schema"]["strict"] is True
    assert response_format["json_schema"]["name"] == "NarrativeDraft"
    assert "blameless" in request.text.lower() and "Never name a person" in request.text
    assert "time to resolve 59m" in request.text
    summary = doc.section("summary")
    assert summary is not None and "A faulty change degraded the service" in summary.body
    for section in doc.sections:
        assert set(section.citations) <= _ids(scenario), section.key
        for c in section.claims:
            assert c.cites and set(c.cites) <= _ids(scenario)
    root = doc.section("root_cause")
    assert root is not None and "**Five whys**\n1. Why did requests fail?" in root.body
    assert [a.text for a in doc.suggestions] == [
        "Add a canary stage to the deploy pipeline",
        "Alert on error ratio per deploy",
    ]
    assert {c.id for c in doc.cited} == {
        n for s in doc.sections if s.key not in ("impact", "timeline") for c in s.claims for n in c.cites
    } | {n for a in doc.suggestions for n in a.cites}


async def test_citations_of_entries_that_do_not_exist_are_repaired_once(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    scenario = bad_deploy()
    bad = good_draft([1, 20, 55])
    bad["summary"].append(claim("The database was also overloaded.", 99_999))
    bad["detection"] = [claim("Nobody cited anything here.")]
    fake.queue(Answer(content=bad))
    doc = await _draft(drafter, scenario)
    assert len(fake.drafts()) == 2
    repair = fake.drafts()[1].body["messages"]
    assert repair[-2]["role"] == "assistant" and "99999" in repair[-2]["content"]
    assert "summary[1]" in repair[-1]["content"] and "#99999, which is not in the timeline" in repair[-1]["content"]
    assert "cites no timeline entry" in repair[-1]["content"]
    assert doc.draft.kind is DraftKind.MODEL and "overloaded" not in _all_text(doc)
    assert "one repair was asked" in doc.draft.notes[0] and "dropped" not in doc.draft.notes[0]


async def test_claims_still_citing_nothing_real_after_the_repair_are_dropped(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    bad = good_draft([1, 20, 55])
    bad["recovery"] = [claim("Restarting the database fixed it.", 4242), claim("The rollback fixed it.", 17)]
    fake.queue(Answer(content=bad), Answer(content=bad))
    doc = await _draft(drafter, bad_deploy())
    recovery = doc.section("recovery")
    assert recovery is not None and "Restarting the database" not in recovery.body
    assert "The rollback fixed it. [#17]" in recovery.body
    assert "1 statement(s) still failing the checks were dropped" in doc.draft.notes[0]


async def test_naming_a_person_as_the_cause_is_rejected(fake: FakeOpenAI, drafter: PostmortemDrafter) -> None:
    blameful = good_draft([1, 20, 55])
    blameful["root_cause"]["whys"] = [
        claim("Why did it fail? Responder 2 caused the outage by deploying v42.", 7),
        claim("Why was v42 deployed? carol forgot to run the canary.", 7),
    ]
    blameful["went_wrong"] = [claim("The Tech lead made a mistake reading the logs.", 4)]
    fake.queue(Answer(content=blameful), Answer(content=blameful))
    doc = await _draft(drafter, bad_deploy())
    repair = fake.drafts()[1].body["messages"][-1]["content"]
    assert repair.count("names a person as the cause") == 3
    text = _all_text(doc)
    assert "caused the outage" not in text and "forgot" not in text and "mistake" not in text
    assert "A faulty change degraded the service" in text  # the blameless statements stay
    assert "3 statement(s) still failing the checks were dropped" in doc.draft.notes[0]


async def test_a_repaired_blameless_answer_is_used(fake: FakeOpenAI, drafter: PostmortemDrafter) -> None:
    blameful = good_draft([1, 20, 55])
    blameful["summary"] = [claim("Bob broke checkout with a bad deploy.", 7)]
    fixed = good_draft([1, 20, 55])
    fixed["summary"] = [claim("A release changed a payment client timeout and checkout failed.", 7)]
    fake.queue(Answer(content=blameful), Answer(content=fixed))
    doc = await _draft(drafter, bad_deploy())
    summary = doc.section("summary")
    assert (
        summary is not None and summary.body == "A release changed a payment client timeout and checkout failed. [#7]"
    )


async def test_secrets_and_people_never_reach_the_model(fake: FakeOpenAI, drafter: PostmortemDrafter) -> None:
    scenario = pool_exhaustion()
    await _draft(drafter, scenario)
    assert fake.requests
    for request in fake.requests:
        body = request.raw.decode() + request.text
        for name, secret in SECRETS.items():
            assert secret not in body, name
        assert "BEGIN RSA PRIVATE KEY" not in body
        for user_id, name in PEOPLE.items():
            assert user_id not in body
            assert not re.search(rf"\b{name}\b", body, re.I), name
    sent = fake.requests[0].text
    assert "[REDACTED:password]" in sent and "[REDACTED:private-key]" in sent and "[REDACTED:slack-token]" in sent
    assert "Incident commander" in sent and "Responder" in sent  # people appear as their roles


@pytest.mark.parametrize(
    ("answers", "reason"),
    [
        ([Answer(status=500)], "the model server answered HTTP 500"),
        ([Answer(content="I cannot do that"), Answer(content="{}")], "did not match the postmortem schema"),
        ([Answer(content="")], "empty answer"),
    ],
    ids=["server error", "invalid json twice", "empty"],
)
async def test_a_failing_model_gives_way_to_the_template(
    fake: FakeOpenAI, drafter: PostmortemDrafter, answers: list[Answer], reason: str
) -> None:
    fake.queue(*answers)
    doc = await _draft(drafter, bad_deploy())
    assert doc.draft.kind is DraftKind.TEMPLATE and reason in doc.draft.reason
    recovery = doc.section("recovery")
    assert recovery is not None and "rolling back checkout-api to v41" in recovery.body


async def test_a_model_slower_than_the_timeout_gives_way_to_the_template(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    fake.queue(Answer(hang=True))
    doc = await _draft(drafter, bad_deploy(), _policy(model_timeout=timedelta(milliseconds=200)))
    assert doc.draft.kind is DraftKind.TEMPLATE
    assert doc.draft.reason in ("the model did not answer within 0.2s", "the model did not answer in time")


async def test_private_incidents_stay_away_from_the_model_unless_the_policy_allows(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    scenario = bad_deploy()
    scenario.incident = replace(scenario.incident, private=True)
    doc = await _draft(drafter, scenario)
    assert doc.draft.kind is DraftKind.TEMPLATE and doc.draft.reason == PRIVATE and fake.requests == []
    allowed = await _draft(drafter, scenario, _policy(send_private_incidents=True))
    assert allowed.draft.kind is DraftKind.MODEL and len(fake.requests) == 1


async def test_a_5000_message_timeline_is_condensed_in_chunks_within_the_budget(
    fake: FakeOpenAI, drafter: PostmortemDrafter
) -> None:
    scenario = multi_day_degradation(messages=5_000)
    budget = 12_000
    doc = await _draft(drafter, scenario, _policy(token_budget=budget))
    assert doc.draft.kind is DraftKind.MODEL
    assert drafter.last_written is not None and drafter.last_written.single_prompt_tokens > 5 * budget
    chunks, drafts = fake.chunks(), fake.drafts()
    assert len(chunks) >= 10 and len(drafts) == 1 and len(fake.requests) == len(chunks) + 1
    for request in fake.requests:
        assert prompt_tokens(request.body["messages"]) <= budget
    # Every entry went into some chunk, once.
    seen = [n for r in chunks for n in r.cited_ids]
    evidence = {e.id for e in scenario.entries if e.kind != "joined"}
    assert set(seen) == evidence and len(seen) == len(evidence)
    # The final request stands on the chunks' notes, and the key events.
    assert "NOTES (condensed from the whole timeline" in drafts[0].text and "Key events:" in drafts[0].text
    assert "condensed in" in doc.draft.notes[0] and f"{budget:,}-token budget" in doc.draft.notes[0]


async def test_no_secret_and_no_key_reach_the_logs(
    fake: FakeOpenAI, drafter: PostmortemDrafter, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    scenario = pool_exhaustion()
    await _draft(drafter, scenario)
    fake.queue(Answer(status=500))
    await _draft(drafter, scenario)
    fake.queue(Answer(content="not json"), Answer(content="{}"))
    await _draft(drafter, scenario)
    logged = caplog.text + "\n".join(str(r.args) for r in caplog.records)
    assert "HTTP 500" in logged  # the failure is logged, without what was sent
    assert API_KEY not in logged
    for name, secret in SECRETS.items():
        assert secret not in logged, name
