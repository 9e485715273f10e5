"""Realistic incidents for the postmortem tests: timelines of 20 to 2,000 entries (and a 5,000-message one).

Each scenario is an `Incident` and its timeline as the stores return them, built from a script of what people,
alert bots and Firebreak said, padded with the chatter real incidents have. The figures a postmortem must
compute are written out by hand in `expected`, from the script, not from the code under test.
Some scenarios carry credentials pasted mid-incident (`SECRETS`): nothing of them may leave.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from incidents.model import CustomerImpact, Incident
from incidents.timeline import Source, TimelineEntry

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PEOPLE = {"UALICE": "alice", "UBOB": "bob", "UCAROL": "carol", "UDAVE": "dave", "UEVE": "eve"}

# Credentials someone pastes into an incident channel sooner or later.
SECRETS = {
    "slack bot token": "xoxb-2841092837-9982374512-Zx8YtR3kLmNq7PvW2sT5uA1b",
    "slack app token": "xapp-1-A0TEST1234-7733112233-f0e1d2c3b4a5968778695a4b3c2d1e0f",
    "openai key": "sk-proj-4fTq9ZrX2mLw8NvB6yHc3JdK7sPa1QeU",
    "aws access key": "AKIAZ7QK3MNP4RSTUV2W",
    "aws secret key": "q8Fz/3kLmN9pQrS7tUvW2xYz4AbCdEfGhIjK1LmN",
    "database password": "S3cr3t-Pa55w0rd!",
    "password in url": "hunter2hunter2",
    "bearer token": "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJzdmMtY2hlY2tvdXQifQ.d2VsbCB0aGlzIGlzIGEgc2lnbmF0dXJl",
    "private key body": "MIIEowIBAAKCAQEAvLq3h8nG0kWm5tZ2b4Q9xYp7RrS1uV",
}


@dataclass
class Expected:
    """Hand-computed from the script."""

    time_to_acknowledge: timedelta | None
    time_to_mitigate: timedelta | None
    time_to_resolve: timedelta | None
    impact_duration: timedelta | None
    responders: set[str]
    key_event_texts: list[str] = field(default_factory=list)  # must appear in the timeline section
    suggestion_words: list[str] = field(default_factory=list)  # in the template's suggested action items


@dataclass
class Scenario:
    name: str
    incident: Incident
    entries: list[TimelineEntry]
    expected: Expected
    secrets: list[str] = field(default_factory=list)


class Script:
    """Writes a timeline in order; `at` is minutes after T0 (fractions allowed)."""

    def __init__(self, reference: str) -> None:
        self.reference = reference
        self.entries: list[TimelineEntry] = []

    def _add(self, minutes: float, kind: str, source: Source, actor: str | None, text: str, **extra: Any) -> int:
        entry_id = len(self.entries) + 1
        at = T0 + timedelta(minutes=minutes)
        ts = f"{at.timestamp():.6f}" if source is Source.CHAT else None
        data: dict[str, Any] = extra.pop("data", {})
        self.entries.append(TimelineEntry(entry_id, at, kind, source, actor, text, data=data, message_ts=ts, **extra))
        return entry_id

    def say(self, minutes: float, user: str, text: str, *, flagged: bool = False) -> int:
        return self._add(minutes, "message", Source.CHAT, user, text, flagged=flagged)

    def alert(self, minutes: float, bot: str, text: str, *, flagged: bool = False) -> int:
        return self._add(minutes, "message", Source.CHAT, None, text, flagged=flagged, data={"bot_name": bot})

    def note(self, minutes: float, user: str, text: str) -> int:
        return self._add(minutes, "note", Source.MANUAL, user, text)

    def system(self, minutes: float, kind: str, actor: str | None, text: str, **data: Any) -> int:
        return self._add(minutes, kind, Source.SYSTEM, actor, text, data=data)

    def declared(self, minutes: float, actor: str, severity: str, title: str) -> int:
        return self.system(minutes, "declared", actor, f"Declared {self.reference} ({severity}): {title}")

    def status(self, minutes: float, actor: str, old: str, new: str, note: str = "") -> int:
        text = f"Status {old.title()} → {new.title()}" + (f": {note}" if note else "")
        return self.system(minutes, "status_changed", actor, text, **{"from": old, "to": new, "note": note})

    def severity(self, minutes: float, actor: str, old: str, new: str, name: str) -> int:
        return self.system(
            minutes, "severity_changed", actor, f"Severity {old} → {new} ({name})", **{"from": old, "to": new}
        )

    def role(self, minutes: float, actor: str, user: str, role: str) -> int:
        return self.system(minutes, "role_assigned", actor, f"<@{user}> is now {role}", role=role, to=user)

    def update(self, minutes: float, actor: str, summary: str, impact: str) -> int:
        return self.system(minutes, "stakeholder_update", actor, summary, summary=summary, impact=impact)

    def resolved(self, minutes: float, actor: str, summary: str) -> int:
        return self.system(minutes, "resolved", actor, f"Resolved: {summary}", summary=summary, to="resolved")

    def membership(self, minutes: float, user: str) -> int:
        return self._add(minutes, "joined", Source.CHAT, user, "")

    def chatter(self, start: float, end: float, count: int, seed: int, lines: list[str], users: list[str]) -> None:
        rng = random.Random(seed)
        for n in range(count):
            at = start + (end - start) * (n + rng.random()) / count
            self.say(at, rng.choice(users), rng.choice(lines).format(n=n, pct=rng.randint(1, 99)))

    def sorted_entries(self) -> list[TimelineEntry]:
        """Ordered by time as the store returns them, ids kept (they are what citations point at)."""
        return sorted(self.entries, key=lambda e: (e.at, e.id))


def _incident(reference: str, title: str, severity: str, **values: Any) -> Incident:
    return Incident(
        reference=reference,
        year=2026,
        number=int(reference[-4:]),
        title=title,
        severity=severity,
        status="resolved",
        declared_by=values.pop("declared_by", "UALICE"),
        declared_at=values.pop("declared_at", T0),
        id=int(reference[-4:]),
        **values,
    )


def m(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


CHATTER = [
    "checking the {n}th shard now",
    "nothing in the logs for pod {n} yet",
    "p99 is at {pct}0ms on the canary",
    "refreshing the dashboard, {pct}% of requests still slow",
    "+1",
    "ok",
    "I see the same thing from the EU region",
    "still looking",
]


def bad_deploy(filler: int = 40) -> Scenario:
    """SEV3 raised to SEV2: checkout 500s after a deploy; rolled back. ~60 entries."""
    s = Script("INC-2026-0042")
    s.declared(0, "UALICE", "SEV3", "Checkout API returning 500s")
    s.membership(0.2, "UBOB")
    first = s.alert(0.5, "Datadog", "[Datadog] checkout-api 5xx rate 12% &gt; 2% threshold (monitor #4411)")
    s.say(1, "UBOB", "looking at checkout-api logs, lots of `PaymentClientTimeout`")
    s.role(3, "UALICE", "UBOB", "Tech lead")
    s.severity(6, "UALICE", "SEV3", "SEV2", "Major")
    s.say(8, "UCAROL", "v42 went out at 08:52, the diff touches the payment client retry settings", flagged=True)
    s.status(14, "UBOB", "investigating", "identified", "bad deploy of v42")
    s.say(17, "UDAVE", "rolling back checkout-api to v41 now")
    s.update(20, "UALICE", "Rolling back the 08:52 deploy of checkout-api", "about 12% of checkouts failing, EU and US")
    s.chatter(20.5, 23.5, filler, seed=42, lines=CHATTER, users=["UBOB", "UCAROL", "UDAVE"])
    s.status(24, "UALICE", "identified", "monitoring", "rollback complete")
    s.say(26, "UDAVE", "error rate back to 0.1%, thanks everyone, the rollback runbook worked well")
    s.say(40, "UCAROL", "action item: add a canary stage for checkout-api deploys")
    last = s.say(50, "UBOB", "TODO: alert on the 5xx ratio per deploy, not only globally")
    s.resolved(55, "UALICE", "Rolled back v42; the payment client timeout fix ships in v43")
    incident = _incident(
        "INC-2026-0042",
        "Checkout API returning 500s",
        "SEV2",
        services=["checkout-api", "payments"],
        customer_impact=CustomerImpact.YES,
        roles={"commander": "UALICE", "tech_lead": "UBOB"},
        acknowledged_at=m(0),
        identified_at=m(14),
        mitigated_at=m(24),
        resolved_at=m(55),
        impact_started_at=m(-4),
        impact_ended_at=m(24),
        resolution_summary="Rolled back v42; the payment client timeout fix ships in v43",
    )
    expected = Expected(
        time_to_acknowledge=timedelta(0),
        time_to_mitigate=timedelta(minutes=28),
        time_to_resolve=timedelta(minutes=59),
        impact_duration=timedelta(minutes=28),
        responders={"UALICE", "UBOB", "UCAROL", "UDAVE"},
        key_event_texts=["v42 went out at 08:52", "bad deploy of v42", "SEV3 → SEV2", "Rolling back the 08:52"],
        suggestion_words=["canary stage", "5xx ratio per deploy"],
    )
    assert first and last
    return Scenario("bad deploy", incident, s.sorted_entries(), expected)


POOL_CHATTER = [
    "pgbouncer cl_waiting={pct}0 on orders-db-{n}",
    "orders-api pod {n} health check failing: `timeout acquiring connection`",
    "connections by app: orders_app {pct}, batch_reconcile {pct}0",
    "still seeing `remaining connection slots are reserved` on replica {n}",
    "queue depth for order-events at {pct}k",
    "ack",
]


def pool_exhaustion(filler: int = 280) -> Scenario:
    """SEV1: the orders database connection pool exhausted by a batch job leaking connections. ~300 entries,
    with credentials pasted along the way."""
    s = Script("INC-2026-0043")
    s.declared(0, "UBOB", "SEV1", "Orders database connection pool exhausted")
    s.alert(0.2, "PagerDuty", "Triggered: orders-db pgbouncer cl_waiting &gt; 400 for 5m", flagged=True)
    url = f"postgres://orders_app:{SECRETS['password in url']}@orders-db.internal:5432/orders"
    s.say(2, "UCAROL", f"the app connects with {url}", flagged=True)
    s.say(3, "UDAVE", f'config has DB_PASSWORD: "{SECRETS["database password"]}" so it\'s not auth')
    s.say(
        4, "UCAROL", f"aws_access_key_id={SECRETS['aws access key']} aws_secret_access_key={SECRETS['aws secret key']}"
    )
    s.say(5, "UEVE", f'curl -H "Authorization: Bearer {SECRETS["bearer token"]}" https://orders.internal/health')
    s.say(
        6, "UDAVE", f"bot token for the status bot is {SECRETS['slack bot token']} and app {SECRETS['slack app token']}"
    )
    s.say(7, "UEVE", f"the summariser uses OPENAI_API_KEY={SECRETS['openai key']}")
    key = SECRETS["private key body"]
    s.say(8, "UCAROL", f"-----BEGIN RSA PRIVATE KEY-----\n{key}\nZm9vYmFy\n-----END RSA PRIVATE KEY-----")
    s.chatter(9, 30, filler // 2, seed=7, lines=POOL_CHATTER, users=["UBOB", "UCAROL", "UDAVE", "UEVE"])
    s.say(31, "UDAVE", "root cause: batch_reconcile opens a connection per order and never returns it", flagged=True)
    s.status(32, "UBOB", "investigating", "identified", "batch_reconcile leaks connections")
    s.say(34, "UEVE", "killed the batch_reconcile job and raised the pool to 400")
    s.update(35, "UBOB", "Pool freed; orders are flowing again", "orders failed for 38 minutes, ~4,100 orders retried")
    s.status(38, "UBOB", "identified", "monitoring", "pool back to normal")
    s.chatter(39, 80, filler - filler // 2, seed=8, lines=POOL_CHATTER, users=["UCAROL", "UDAVE"])
    s.say(81, "UCAROL", "follow-up: cap connections per job in pgbouncer")
    s.say(85, "UCAROL", "unfortunately nobody had access to the batch scheduler, that cost us 10 minutes")
    s.resolved(95, "UBOB", "batch_reconcile disabled until it returns connections; pool limits per job")
    incident = _incident(
        "INC-2026-0043",
        "Orders database connection pool exhausted",
        "SEV1",
        declared_by="UBOB",
        services=["orders-api", "orders-db"],
        customer_impact=CustomerImpact.YES,
        roles={"commander": "UBOB"},
        acknowledged_at=m(0),
        identified_at=m(32),
        mitigated_at=m(38),
        resolved_at=m(95),
        impact_started_at=m(0),
        impact_ended_at=m(38),
        resolution_summary="batch_reconcile disabled until it returns connections; pool limits per job",
    )
    expected = Expected(
        time_to_acknowledge=timedelta(0),
        time_to_mitigate=timedelta(minutes=38),
        time_to_resolve=timedelta(minutes=95),
        impact_duration=timedelta(minutes=38),
        responders={"UBOB", "UCAROL", "UDAVE", "UEVE"},
        key_event_texts=["cl_waiting > 400", "batch_reconcile opens a connection per order", "Pool freed"],
        suggestion_words=["cap connections per job"],
    )
    return Scenario("pool exhaustion", incident, s.sorted_entries(), expected, list(SECRETS.values()))


def dns_outage(filler: int = 100) -> Scenario:
    """SEV1 raised by an alert, acknowledged three minutes later; a DNS provider outage. ~120 entries."""
    s = Script("INC-2026-0044")
    s.declared(0, "UCAROL", "SEV1", "DNS resolution failing for example.com")
    s.alert(0.1, "Pingdom", "DOWN: https://www.example.com (NXDOMAIN)", flagged=True)
    s.system(3, "acknowledged", "UCAROL", "<@UCAROL> acknowledged INC-2026-0044")
    s.say(5, "UEVE", "dig @ns1 returns SERVFAIL, provider status page says degraded")
    s.chatter(6, 40, filler, seed=44, lines=CHATTER, users=["UCAROL", "UEVE", "UALICE"])
    s.status(41, "UCAROL", "investigating", "identified", "DNS provider outage")
    s.say(45, "UEVE", "failed over to the secondary DNS provider, TTL is 300s", flagged=True)
    s.status(52, "UCAROL", "identified", "monitoring", "resolving again everywhere")
    s.say(60, "UALICE", "luckily the TTLs were short, by chance we lowered them last month")
    s.say(70, "UEVE", "we should keep the secondary provider zone in sync automatically")
    s.resolved(90, "UCAROL", "Failed over to the secondary DNS provider")
    incident = _incident(
        "INC-2026-0044",
        "DNS resolution failing for example.com",
        "SEV1",
        declared_by="UCAROL",
        services=["dns", "www"],
        customer_impact=CustomerImpact.YES,
        roles={"commander": "UCAROL"},
        acknowledged_at=m(3),
        identified_at=m(41),
        mitigated_at=m(52),
        resolved_at=m(90),
        impact_started_at=m(-10),
        impact_ended_at=m(52),
        resolution_summary="Failed over to the secondary DNS provider",
    )
    expected = Expected(
        time_to_acknowledge=timedelta(minutes=3),
        time_to_mitigate=timedelta(minutes=62),
        time_to_resolve=timedelta(minutes=100),
        impact_duration=timedelta(minutes=62),
        responders={"UCAROL", "UEVE", "UALICE"},
        key_event_texts=["NXDOMAIN", "failed over to the secondary DNS provider", "DNS provider outage"],
        suggestion_words=["secondary provider zone in sync"],
    )
    return Scenario("DNS outage", incident, s.sorted_entries(), expected)


def false_alarm() -> Scenario:
    """SEV3, no customer impact: a misconfigured monitor. Exactly 20 entries; resolved straight away."""
    s = Script("INC-2026-0045")
    s.declared(0, "UDAVE", "SEV3", "Status page monitor reports 502s")
    s.alert(0.5, "Pingdom", "DOWN: status page check (502)")
    for n in range(16):
        s.say(1 + n, ["UDAVE", "UBOB"][n % 2], f"checked region {n}: all green from here")
    s.say(17.5, "UBOB", "turns out the monitor points at the old load balancer, false alarm", flagged=True)
    s.resolved(18, "UDAVE", "False alarm: the monitor checked a decommissioned load balancer")
    incident = _incident(
        "INC-2026-0045",
        "Status page monitor reports 502s",
        "SEV3",
        declared_by="UDAVE",
        customer_impact=CustomerImpact.NO,
        roles={"commander": "UDAVE"},
        acknowledged_at=m(0),
        identified_at=m(18),
        mitigated_at=m(18),
        resolved_at=m(18),
        impact_started_at=m(0),
        impact_ended_at=m(18),
        resolution_summary="False alarm: the monitor checked a decommissioned load balancer",
    )
    expected = Expected(
        time_to_acknowledge=timedelta(0),
        time_to_mitigate=timedelta(minutes=18),
        time_to_resolve=timedelta(minutes=18),
        impact_duration=timedelta(minutes=18),
        responders={"UDAVE", "UBOB"},
        key_event_texts=["false alarm"],
    )
    assert len(s.entries) == 20
    return Scenario("false alarm", incident, s.sorted_entries(), expected)


SEARCH_LINES = [
    "search p95 at {pct}0ms (SLO 400ms)",
    "reindex of shard {n} done",
    "GC pauses on search-{n} up to {pct}0ms",
    "heap usage {pct}% on data nodes",
    "[Grafana] search latency alert {n} firing",
    "customers in ticket #{n}{pct} report slow search",
    "looking at hot threads on node {n}",
]


def multi_day_degradation(messages: int = 1_986) -> Scenario:
    """SEV2 over three days: search latency degraded, mitigated, back again, fixed. 2,000 entries by default
    (`messages` sets the chatter, e.g. for a 5,000-message timeline)."""
    s = Script("INC-2026-0046")
    day = 24 * 60
    s.declared(0, "UEVE", "SEV3", "Search latency degraded")
    s.alert(1, "Grafana", "[Grafana] search p95 &gt; 400ms for 15m", flagged=True)
    s.severity(30, "UEVE", "SEV3", "SEV2", "Major")
    s.role(31, "UEVE", "UALICE", "Tech lead")
    s.chatter(32, 300, messages // 5, seed=1, lines=SEARCH_LINES, users=["UALICE", "UEVE", "UBOB"])
    s.say(301, "UALICE", "heap pressure from the new synonyms index, doubled heap as a stopgap", flagged=True)
    s.status(305, "UEVE", "investigating", "monitoring", "heap doubled, latency normal")
    s.update(306, "UEVE", "Latency back to normal after a heap increase", "search 3x slower for 5 hours")
    s.chatter(310, day, messages // 5, seed=2, lines=SEARCH_LINES, users=["UALICE", "UBOB"])
    s.status(day + 10, "UEVE", "monitoring", "investigating", "latency back up")
    s.chatter(day + 11, 2 * day, messages // 5, seed=3, lines=SEARCH_LINES, users=["UALICE", "UEVE", "UCAROL"])
    s.say(2 * day + 5, "UCAROL", "the synonyms index is rebuilt on every deploy, that's the leak", flagged=True)
    s.status(2 * day + 6, "UEVE", "investigating", "identified", "synonyms index rebuilt on every deploy")
    s.say(2 * day + 100, "UCAROL", "action item: build the synonyms index once per release")
    s.chatter(2 * day + 101, 2 * day + 900, messages // 5, seed=4, lines=SEARCH_LINES, users=["UCAROL", "UBOB"])
    s.status(2 * day + 901, "UEVE", "identified", "monitoring", "fix deployed, watching")
    s.update(2 * day + 902, "UEVE", "Fix deployed", "search 3x slower on and off for 2.5 days")
    rest = messages - 4 * (messages // 5)
    s.chatter(2 * day + 903, 3 * day, rest, seed=5, lines=SEARCH_LINES, users=["UCAROL", "UALICE"])
    s.resolved(3 * day + 30, "UEVE", "Synonyms index built once per release; heap back to its usual size")
    incident = _incident(
        "INC-2026-0046",
        "Search latency degraded",
        "SEV2",
        declared_by="UEVE",
        services=["search"],
        customer_impact=CustomerImpact.YES,
        roles={"commander": "UEVE", "tech_lead": "UALICE"},
        acknowledged_at=m(0),
        identified_at=m(2 * day + 6),
        mitigated_at=m(2 * day + 901),
        resolved_at=m(3 * day + 30),
        impact_started_at=m(-20),
        impact_ended_at=m(2 * day + 901),
        resolution_summary="Synonyms index built once per release; heap back to its usual size",
    )
    expected = Expected(
        time_to_acknowledge=timedelta(0),
        time_to_mitigate=timedelta(minutes=2 * day + 921),
        time_to_resolve=timedelta(minutes=3 * day + 50),
        impact_duration=timedelta(minutes=2 * day + 921),
        responders={"UEVE", "UALICE", "UBOB", "UCAROL"},
        key_event_texts=["search p95 > 400ms", "synonyms index is rebuilt on every deploy", "latency back up"],
        suggestion_words=["synonyms index once per release"],
    )
    return Scenario("multi-day degradation", incident, s.sorted_entries(), expected)


def all_scenarios() -> list[Scenario]:
    return [bad_deploy(), pool_exhaustion(), dns_outage(), false_alarm(), multi_day_degradation()]


def timeline_rows(incident_id: int, entries: list[TimelineEntry]) -> list[dict[str, Any]]:
    """A scenario's entries as `timeline_entries` rows, for storing a scenario in bulk (tests and bench)."""
    return [
        {
            "id": e.id,
            "incident_id": incident_id,
            "at": e.at,
            "kind": e.kind,
            "source": e.source.value,
            "actor": e.actor,
            "text": e.text,
            "data": e.data,
            "message_ts": e.message_ts,
            "flagged": e.flagged,
            "flags": ["pin"] if e.flagged else [],
            "edits": [],
            "files": [],
            "links": [],
        }
        for e in entries
    ]
