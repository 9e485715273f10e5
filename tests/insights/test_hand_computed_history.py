"""The Done test's first half: a hand-computed history gives exactly the MTTD, MTTA and MTTR written here.

Worked by hand from tests/insights/history.py (2026-Q3, UTC):
  MTTD (entered or alert starts only): #1 10:00−09:40 = 20m, #2 alert 02:00−02:00 = 0, #4 08:30−08:00 = 30m,
       #6 entered 09:00 after the 08:50 declaration = 0; #3 and #5 have default starts. Sorted 0, 0, 20m, 30m:
       n 4, mean 12m30s, median (0 + 20m) / 2 = 10m, p90 rank ⌈3.6⌉ = 4: 30m.
  MTTA (acknowledged after detection): #1 10:06−10:00 = 6m, #2 02:20−02:00 = 20m, #4 08:40−08:30 = 10m; #3 and
       #6 were declared by their commander (no wait), #5 never acknowledged. n 3, mean 12m, median 10m, p90 20m.
  MTTR (resolved − declared, last resolution): #1 1h30m, #2 04:12−02:12 = 2h, #3 reopened: 07-10 12:00 − 07-09
       14:00 = 22h, #6 1h; #4 and #5 open. Sorted 1h, 1h30m, 2h, 22h: n 4, mean 26h30m / 4 = 6h37m30s,
       median 1h45m, p90 22h. Per severity: SEV1 (1h30m, 2h) mean 1h45m, p90 2h; SEV2 22h; SEV3 1h.
  Time to mitigate (impact start → mitigated): #1 1h10m, #2 1h, #3 21h, #6 20m: mean 1410m / 4 = 5h52m30s,
       median (1h + 1h10m) / 2 = 1h5m, p90 21h.
  Previous period (Q2): #100 alone, MTTR 3h, MTTA none (its commander declared it).
"""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

from incidents.insights.audience import Audience
from incidents.insights.definitions import Measure
from incidents.insights.export import incidents_csv
from incidents.insights.periods import parse_period
from incidents.insights.rows import InsightsData
from incidents.insights.statistics import DurationStats, summarise
from incidents.insights.summary import InsightsSettings, InsightsSummary, compute_insights
from tests.insights.history import HISTORY

NOW = datetime(2026, 10, 2, 12, tzinfo=UTC)
SETTINGS = InsightsSettings(severity_order=("SEV1", "SEV2", "SEV3", "SEV4"))


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def summary_of_q3() -> InsightsSummary:
    period = parse_period("2026-Q3", now=NOW, timezone="UTC")
    return compute_insights(InsightsData(HISTORY), period, settings=SETTINGS, audience=Audience.posted(), now=NOW)


def test_mttd_mtta_mttr_are_the_hand_computed_ones() -> None:
    measures = summary_of_q3().current.measures

    assert measures[Measure.MTTD].overall == DurationStats(4, minutes(12.5), minutes(10), minutes(30))
    assert measures[Measure.MTTA].overall == DurationStats(3, minutes(12), minutes(10), minutes(20))
    assert measures[Measure.MTTR].overall == DurationStats(4, hours(6) + minutes(37.5), minutes(105), hours(22))


def test_per_severity_figures_are_the_hand_computed_ones() -> None:
    by_severity = summary_of_q3().current.measures[Measure.MTTR].by_severity

    assert list(by_severity) == ["SEV1", "SEV2", "SEV3"]
    assert by_severity["SEV1"] == DurationStats(2, minutes(105), minutes(105), hours(2))
    assert by_severity["SEV2"] == DurationStats(1, hours(22), hours(22), hours(22))
    assert by_severity["SEV3"] == DurationStats(1, hours(1), hours(1), hours(1))


def test_time_to_mitigate_and_impact_follow_the_impact_start() -> None:
    measures = summary_of_q3().current.measures

    assert measures[Measure.MITIGATE].overall == DurationStats(4, minutes(352.5), minutes(65), hours(21))
    assert measures[Measure.IMPACT].overall == measures[Measure.MITIGATE].overall  # impact ends when mitigated


def test_the_previous_period_sits_beside_with_its_own_figures() -> None:
    previous = summary_of_q3().previous

    assert previous.period.label == "2026-Q2"
    assert [row.reference for row in previous.incidents] == ["INC-2026-0100"]
    assert previous.measures[Measure.MTTR].overall == DurationStats(1, hours(3), hours(3), hours(3))
    assert previous.measures[Measure.MTTA].overall == DurationStats(0)


def test_time_in_status_adds_up_every_stay_of_the_reopened_incident() -> None:
    status_time = summary_of_q3().current.status_time

    # #3 only: investigating 30m + 2h, monitoring 15m + 1h, resolved 18h + (12:00 07-10 until NOW).
    assert status_time["investigating"] == DurationStats(1, minutes(150), minutes(150), minutes(150))
    assert status_time["monitoring"].mean == minutes(75)
    assert status_time["resolved"].mean == hours(18) + (NOW - datetime(2026, 7, 10, 12, tzinfo=UTC))


def test_the_csv_carries_the_same_durations_and_their_definitions() -> None:
    text = incidents_csv(HISTORY, {"deploy": "Deploy or release"})
    comments = [line for line in text.splitlines() if line.startswith("# ")]
    lines = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    q3 = [line for line in lines if line["declared_at"].startswith("2026-07")]

    def stats(column: str) -> DurationStats:
        return summarise(timedelta(seconds=int(line[column])) for line in q3 if line[column])

    measures = summary_of_q3().current.measures
    assert stats("time_to_detect_seconds") == measures[Measure.MTTD].overall
    assert stats("time_to_acknowledge_seconds") == measures[Measure.MTTA].overall
    assert stats("time_to_resolve_seconds") == measures[Measure.MTTR].overall
    by_reference = {line["reference"]: line for line in lines}
    assert by_reference["INC-2026-0003"]["time_to_resolve_seconds"] == str(22 * 3600)
    assert by_reference["INC-2026-0005"]["time_to_acknowledge_seconds"] == ""  # never acknowledged: not measured
    assert by_reference["INC-2026-0002"]["detected_at"] == "2026-07-08T02:00:00+00:00"
    assert by_reference["INC-2026-0002"]["services"] == "api;db"
    assert any(
        comment.startswith("# time_to_resolve_seconds: Time to resolve (declared → resolved)") for comment in comments
    )
