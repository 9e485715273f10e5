"""The figures besides durations: volume, root causes, the heatmap, repeats, responder load, follow-through and
targets, and the privacy rule (a private incident counts only for those who may see it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from incidents.insights.audience import Audience, Scope
from incidents.insights.export import action_items_csv, incidents_csv
from incidents.insights.load import OfficeHours, responder_load
from incidents.insights.periods import parse_period
from incidents.insights.repeats import RepeatReason, find_repeats
from incidents.insights.rows import (
    ActionItemRow,
    IncidentLink,
    IncidentRow,
    InsightsData,
    LinkKind,
    PageRow,
    PostmortemState,
)
from incidents.insights.summary import InsightsSettings, compute_insights
from incidents.insights.volume import NO_SERVICE, UNCLASSIFIED, heatmap, root_cause_counts, volume_figures
from incidents.model import DetectionMethod

NOW = datetime(2026, 10, 2, 12, tzinfo=UTC)
Q3 = parse_period("2026-Q3", now=NOW, timezone="UTC")
SETTINGS = InsightsSettings(
    severity_order=("SEV1", "SEV2", "SEV3"),
    root_causes={"deploy": "Deploy or release", "capacity": "Capacity or load"},
    response_targets={"SEV1": timedelta(minutes=5), "SEV2": timedelta(minutes=15)},
    resolve_targets={"SEV1": timedelta(hours=4)},
)


def incident(number: int, declared: datetime, **fields: object) -> IncidentRow:
    base: dict[str, object] = {
        "id": number,
        "reference": f"INC-2026-{number:04d}",
        "severity": "SEV2",
        "declared_at": declared,
    }
    return IncidentRow(**(base | fields))  # type: ignore[arg-type]


def day(month: int, dom: int, hour: int = 12) -> datetime:
    return datetime(2026, month, dom, hour, tzinfo=UTC)


def test_volume_by_week_month_severity_service_and_detection() -> None:
    rows = [
        incident(1, day(7, 1), severity="SEV1", services=("api", "db")),
        incident(2, day(7, 2), services=("api",), detection_method=DetectionMethod.MONITOR),
        incident(3, day(8, 20), severity="SEV3"),
        incident(4, day(9, 30, 23), services=("api",), detection_method=DetectionMethod.MONITOR),
    ]

    volume = volume_figures(rows, Q3, ("SEV1", "SEV2", "SEV3"))

    assert volume.total == 4
    assert [(b.start, b.total) for b in volume.by_month] == [
        (date(2026, 7, 1), 2),
        (date(2026, 8, 1), 1),
        (date(2026, 9, 1), 1),
    ]
    assert len(volume.by_week) == 14 and volume.by_week[0].start == date(2026, 6, 29)  # the Monday of 1 July
    assert sum(b.total for b in volume.by_week) == 4 and volume.by_week[0].by_severity == {"SEV1": 1, "SEV2": 1}
    assert volume.by_severity == {"SEV1": 1, "SEV2": 2, "SEV3": 1}
    assert volume.by_service == {"api": 3, NO_SERVICE: 1, "db": 1}
    assert volume.by_detection == {"monitor": 2, "unknown": 2}


def test_buckets_and_the_heatmap_follow_the_insights_timezone() -> None:
    # Wednesday 30 September 23:30 UTC is Thursday 1 October 01:30 in Berlin: Q4 there, Q3 in UTC.
    late = incident(1, datetime(2026, 9, 30, 23, 30, tzinfo=UTC))
    berlin_q3 = parse_period("2026-Q3", now=NOW, timezone="Europe/Berlin")
    berlin_q4 = parse_period("2026-Q4", now=datetime(2026, 12, 1, tzinfo=UTC), timezone="Europe/Berlin")

    assert not berlin_q3.contains(late.declared_at) and berlin_q4.contains(late.declared_at)
    grid = heatmap([late], "Europe/Berlin").counts
    assert grid[3][1] == 1 and heatmap([late], "UTC").counts[2][23] == 1


def test_root_causes_are_named_from_the_policy_and_unclassified_ones_counted() -> None:
    rows = [
        incident(1, day(7, 1), root_cause="deploy"),
        incident(2, day(7, 2), root_cause="deploy"),
        incident(3, day(7, 3), root_cause="retired-category"),
        incident(4, day(7, 4)),
    ]

    assert root_cause_counts(rows, SETTINGS.root_causes) == {
        "Deploy or release": 2,
        "retired-category": 1,
        UNCLASSIFIED: 1,
    }


def test_repeats_share_a_service_and_root_cause_within_90_days_or_are_linked_repeat() -> None:
    old = incident(1, day(5, 1), services=("api",), root_cause="deploy")  # before the period
    again = incident(2, day(7, 20), services=("api", "web"), root_cause="deploy")  # 80 days after #1: repeat
    too_late = incident(3, day(11, 1) - timedelta(days=60), services=("db",), root_cause="capacity")
    first_db = incident(4, day(3, 1), services=("db",), root_cause="capacity")  # > 90 days before #3
    other_cause = incident(5, day(7, 25), services=("api",), root_cause="capacity")
    linked = incident(6, day(8, 1), services=("search",))
    related = incident(7, day(8, 2), services=("mail",))
    unclassified = incident(8, day(8, 3), services=("api",))
    period_rows = [again, too_late, other_cause, linked, related, unclassified]
    links = [
        IncidentLink(linked.id, first_db.id, LinkKind.REPEAT),
        IncidentLink(related.id, old.id, LinkKind.RELATED),
    ]

    figures = find_repeats(period_rows, [old, first_db, *period_rows], links)

    found = {(r.incident.id, r.of.id, r.reason, r.service) for r in figures.repeats}
    assert found == {(2, 1, RepeatReason.SAME_CAUSE, "api"), (6, 4, RepeatReason.LINKED, None)}
    assert figures.rate == 2 / 6


def test_responder_load_by_role_and_pages_out_of_hours_in_each_persons_own_timezone() -> None:
    rows = [
        incident(1, day(7, 1), roles={"commander": "U_ANA", "scribe": "U_BO"}),
        incident(2, day(7, 2), roles={"commander": "U_ANA", "tech_lead": "U_ANA"}),
    ]
    # 07:00 UTC on a Wednesday: 09:00 in Berlin (office hours), 17:00 in Sydney (office hours), 03:00 in NYC.
    wednesday = datetime(2026, 7, 8, 7, tzinfo=UTC)
    pages = [
        PageRow("U_ANA", wednesday),
        PageRow("U_BO", wednesday),
        PageRow("U_CY", wednesday),
        PageRow("U_CY", datetime(2026, 7, 11, 12, tzinfo=UTC)),  # a Saturday
        PageRow("U_BO", wednesday, out_of_hours=True),  # the paging side knew better
        PageRow("U_ANA", datetime(2026, 10, 1, 3, tzinfo=UTC)),  # outside the period
    ]
    zones = {"U_ANA": "Europe/Berlin", "U_BO": "Australia/Sydney", "U_CY": "America/New_York"}
    hours = OfficeHours(time(9), time(18))

    admin = responder_load(rows, pages, Q3, audience=Audience.person("U_X", admin=True), timezones=zones, hours=hours)
    by_person = {r.person: (dict(r.roles), r.incidents, r.pages, r.out_of_hours_pages) for r in admin}

    assert by_person == {
        "U_ANA": ({"commander": 2, "tech_lead": 1}, 2, 1, 0),
        "U_BO": ({"scribe": 1}, 1, 2, 1),
        "U_CY": ({}, 0, 2, 2),
    }
    own = responder_load(rows, pages, Q3, audience=Audience.person("U_BO"), timezones=zones, hours=hours)
    assert [r.person for r in own] == ["U_BO"]
    assert responder_load(rows, pages, Q3, audience=Audience.posted(), timezones=zones, hours=hours) == ()
    no_pages = responder_load(rows, None, Q3, audience=Audience.person("U_ANA"), timezones=zones, hours=hours)
    assert [(r.person, r.incidents, r.pages) for r in no_pages] == [("U_ANA", 2, None)]


def test_follow_through_action_items_postmortems_and_targets() -> None:
    resolved = day(7, 1, 10)
    rows = [
        incident(
            1,
            day(7, 1, 9),
            severity="SEV1",
            acknowledged_at=day(7, 1, 9) + timedelta(minutes=3),
            resolved_at=resolved,
            postmortem=PostmortemState.PUBLISHED,
            postmortem_published_at=resolved + timedelta(hours=71),
        ),
        incident(
            2,
            day(7, 2, 9),
            severity="SEV1",
            acknowledged_at=day(7, 2, 9) + timedelta(minutes=9),
            resolved_at=day(7, 2, 15),
            postmortem=PostmortemState.PUBLISHED,
            postmortem_published_at=day(7, 2, 15) + timedelta(hours=80),
        ),
        incident(
            3,
            day(7, 3, 9),
            severity="SEV2",
            acknowledged_at=day(7, 3, 9),
            resolved_at=day(7, 3, 10),
            postmortem=PostmortemState.DRAFT,
        ),  # declared by its commander: no wait, not judged
        incident(4, day(7, 4, 9), severity="SEV2"),  # open, never acknowledged: a miss of the 15m target
        incident(5, day(7, 5, 9), severity="SEV3", resolved_at=day(7, 5, 10)),  # not a postmortem severity
    ]
    items = [
        ActionItemRow(1, 1, "U_ANA", day(7, 1), date(2026, 7, 8), done_at=day(7, 20)),  # in time
        ActionItemRow(2, 1, "U_ANA", day(7, 1), date(2026, 7, 8), done_at=day(8, 20)),  # late
        ActionItemRow(3, 2, "U_BO", day(7, 2), date(2026, 9, 1)),  # open, overdue
        ActionItemRow(4, 2, "U_BO", day(9, 28), date(2026, 10, 1)),  # open, overdue, still inside its 30 days
        ActionItemRow(5, 3, "U_ANA", day(9, 29), date(2026, 12, 1)),  # open, not due
    ]

    summary = compute_insights(
        InsightsData(tuple(rows), tuple(items)), Q3, settings=SETTINGS, audience=Audience.posted(), now=NOW
    )
    current = summary.current

    assert (current.action_items.created, current.action_items.judged, current.action_items.done_in_time) == (5, 3, 1)
    assert summary.overdue_by_owner == {"U_BO": 2}
    pm = current.postmortems
    assert (pm.eligible, pm.drafted, pm.published, pm.published_in_time) == (3, 3, 2, 1)
    assert pm.coverage == 2 / 3
    ack = {t.severity: (t.judged, t.met) for t in current.acknowledged_in_time}
    assert ack == {"SEV1": (2, 1), "SEV2": (1, 0)}
    assert [(t.severity, t.judged, t.met) for t in current.resolved_in_time] == [("SEV1", 2, 1)]


def test_a_private_incident_counts_only_for_those_who_may_see_it() -> None:
    rows = (
        incident(1, day(7, 1), services=("api",)),
        incident(2, day(7, 2), private=True, insiders=frozenset({"U_IN"}), services=("vault",)),
    )
    items = (
        ActionItemRow(1, 1, "U_ANA", day(7, 1), date(2026, 7, 2)),
        ActionItemRow(2, 2, "U_IN", day(7, 2), date(2026, 7, 3), private=True, insiders=frozenset({"U_IN"})),
    )
    data = InsightsData(rows, items)

    def seen(audience: Audience) -> tuple[int, dict[str, int], dict[str, int]]:
        summary = compute_insights(data, Q3, settings=SETTINGS, audience=audience, now=NOW)
        return summary.current.volume.total, dict(summary.current.volume.by_service), dict(summary.overdue_by_owner)

    assert seen(Audience.posted()) == (1, {"api": 1}, {"U_ANA": 1})
    assert seen(Audience.person("U_OUT")) == (1, {"api": 1}, {"U_ANA": 1})
    assert seen(Audience.person("U_IN")) == (2, {"api": 1, "vault": 1}, {"U_ANA": 1, "U_IN": 1})
    assert seen(Audience.person("U_ADMIN", admin=True))[0] == 2


def test_scope_narrows_by_severity_and_service_case_insensitively() -> None:
    rows = (
        incident(1, day(7, 1), severity="SEV1", services=("API",)),
        incident(2, day(7, 2), severity="SEV2", services=("api",)),
        incident(3, day(7, 3), severity="SEV1", services=("web",)),
    )

    def total(scope: Scope) -> int:
        summary = compute_insights(
            InsightsData(rows), Q3, settings=SETTINGS, audience=Audience.posted(), now=NOW, scope=scope
        )
        return summary.current.volume.total

    assert total(Scope(severity="sev1")) == 2
    assert total(Scope(service="api")) == 2
    assert total(Scope(severity="SEV1", service="api")) == 1


def test_an_empty_period_is_empty_rather_than_zero() -> None:
    summary = compute_insights(InsightsData(()), Q3, settings=SETTINGS, audience=Audience.posted(), now=NOW)

    assert summary.empty
    assert summary.current.repeats.rate is None and summary.current.postmortems.coverage is None
    assert [b.total for b in summary.current.volume_series] == [0] * 14


def test_the_csv_of_action_items_and_formula_like_cells() -> None:
    items = [
        ActionItemRow(1, 7, "U_ANA", day(7, 1), date(2026, 7, 8), done_at=day(7, 20)),
        ActionItemRow(2, 7, "U_BO", day(7, 2), date(2026, 8, 1), done_at=day(8, 20)),
        ActionItemRow(3, 8, "U_BO", day(7, 3), date(2026, 8, 1)),
    ]

    lines = action_items_csv(items, {7: "INC-2026-0007"}).splitlines()
    incidents = incidents_csv([incident(9, day(7, 4), services=("=HYPERLINK(1)", "api"))], {})

    assert lines[1] == "id,incident,owner,created_at,due_on,done_at,done_within_30_days"
    assert lines[2].endswith(",yes") and lines[3].endswith(",no") and lines[4].endswith(",")
    assert lines[4].startswith("3,8,U_BO,")  # an incident without a known reference keeps its id
    assert "'=HYPERLINK(1);api" in incidents


def test_a_repeat_is_found_whatever_the_scope_but_counted_only_within_it() -> None:
    rows = (
        incident(1, day(7, 1), severity="SEV3", services=("api",), root_cause="deploy"),
        incident(2, day(7, 20), severity="SEV1", services=("api",), root_cause="deploy"),
        incident(3, day(8, 1), severity="SEV1", services=("web",), private=True, root_cause="deploy"),
        incident(4, day(8, 9), severity="SEV1", services=("web",), root_cause="deploy"),
    )

    def repeats(audience: Audience) -> list[tuple[int, int]]:
        summary = compute_insights(
            InsightsData(rows), Q3, settings=SETTINGS, audience=audience, now=NOW, scope=Scope(severity="SEV1")
        )
        return [(r.incident.id, r.of.id) for r in summary.current.repeats.repeats]

    assert repeats(Audience.person("U_ADMIN", admin=True)) == [(2, 1), (4, 3)]
    assert repeats(Audience.posted()) == [(2, 1)]  # a private incident is nobody's "earlier incident" in public
