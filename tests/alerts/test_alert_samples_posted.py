"""Every sample body in tests/data/alerts/ (the shared samples and each kind's documented example) sent over
HTTP to an integration of its kind: 200, and one post per group its alerts open (a group first heard of
resolved gets none; an event that carries no alert state, none)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from incidents.alerts.model import AlertSourceKind, AlertStatus
from incidents.alerts.policy import AlertsPolicy, IntegrationSettings
from incidents.policy import Channels, Policy
from intake.parsers import parse_alerts
from slacksim import FakeSlack
from tests.alerts.http_support import DATA, add_integration, run_due, send_raw
from tests.alerts.test_intake_samples import SINGLE, UPTIME, fill_in_the_format
from tests.harness import BotClient

SAMPLES = sorted(
    path.relative_to(DATA).as_posix()
    for path in DATA.glob("*/*")
    if path.parent.name != "LICENSES" and path.suffix in (".json", ".txt")
)
MAPPINGS = {"generic/uptime_checks.json": UPTIME, "generic/single_alert.json": SINGLE}


@pytest.fixture
def policy(slack: FakeSlack) -> Policy:
    incidents = slack.channel_by_name("incidents")
    assert incidents is not None
    integrations = {
        "uptime-checks": IntegrationSettings(generic=UPTIME),
        "single-alert": IntegrationSettings(generic=SINGLE),
    }
    return Policy(channels=Channels(announcement=incidents.id), alerts=AlertsPolicy(integrations=integrations))


def body_of(name: str) -> bytes:
    text = (DATA / name).read_text(encoding="utf-8")
    return fill_in_the_format(text).encode() if name.endswith(".jsonc.txt") else text.encode()


@pytest.mark.parametrize("name", SAMPLES)
async def test_each_sample_is_stored_and_posted(bot: BotClient, slack: FakeSlack, name: str) -> None:
    kind = AlertSourceKind(name.split("/")[0])
    integration = Path(name).stem.replace("_", "-") if kind is AlertSourceKind.GENERIC else kind.value
    token = await add_integration(bot, kind.value, integration)
    raw = body_of(name)
    alerts = parse_alerts(
        kind, json.loads(raw), integration=integration, received_at=bot.ctx.clock.now(), mapping=MAPPINGS.get(name)
    )
    reply = await send_raw(bot, integration, raw, token=token)
    assert reply.status == 200, reply.body
    await run_due(bot)
    first_status: dict[str, AlertStatus] = {}
    for alert in alerts:
        first_status.setdefault(alert.group_key, alert.status)
    expected = sum(status is not AlertStatus.RESOLVED for status in first_status.values())
    assert len([c for c in slack.calls_to("chat.postMessage") if c.ok]) == expected
