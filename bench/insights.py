"""Insights benchmark, first part: the pure computation of a quarter's figures and the chart renders.

Builds 20,000 synthetic incidents over two years in memory (bench/insights_history.py: seeded, with status
periods, action items, links and pages), then prints, each next to a baseline measured in the same run:

    quarter stats   compute_insights() for 2026-Q3 and the quarter before, over the rows the port would read
                    (rows_window: the two quarters plus 90 days for repeats); baseline: one bare loop over the
                    same rows adding up resolved − declared
    all rows        the same over all 20,000 rows (a reader that filtered nothing)
    chart <kind>    render_chart() for each kind of the quarter's summary; baseline: an empty figure saved as PNG

Targets: quarter stats ≤ 300 ms end to end (this is the pure-compute share; the storage read and the whole
command are measured once the command exists), each chart ≤ 700 ms. Command acks while a chart renders
(≤ 25 ms p99) are measured with the command too.
Times are the median and worst wall time of several runs, and the median CPU time this process spent (what the
work costs whatever else runs); the machine's other load is printed, since a busy machine slows every figure.

    .venv/bin/python bench/insights.py [--incidents 20000] [--repeats 7]

Exit status 1 when a target is missed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make `bench` and the app packages importable
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass, replace  # noqa: E402
from datetime import timedelta  # noqa: E402
from functools import partial  # noqa: E402

import psutil  # type: ignore[import-untyped]  # noqa: E402

from bench.common import CpuMeter  # noqa: E402
from bench.insights_history import NOW, PEOPLE, SEVERITIES, synthetic_history  # noqa: E402
from charts.canvas import new_figure, png_bytes  # noqa: E402
from charts.catalog import render_chart  # noqa: E402
from incidents.insights.audience import Audience  # noqa: E402
from incidents.insights.periods import parse_period  # noqa: E402
from incidents.insights.ports import ChartKind  # noqa: E402
from incidents.insights.summary import InsightsSettings, compute_insights, rows_window  # noqa: E402

STATS_TARGET_MS = 300.0
CHART_TARGET_MS = 700.0
SETTINGS = InsightsSettings(
    severity_order=SEVERITIES,
    root_causes={"deploy": "Deploy or release", "capacity": "Capacity or load"},
    response_targets={"SEV1": timedelta(minutes=5), "SEV2": timedelta(minutes=15), "SEV3": timedelta(hours=1)},
    resolve_targets={"SEV1": timedelta(hours=4), "SEV2": timedelta(hours=8)},
)


@dataclass(frozen=True)
class Runs:
    wall: list[float]  # milliseconds per run
    cpu: list[float]  # this process's CPU milliseconds per run: what the work costs, whatever else runs

    @property
    def median(self) -> float:
        return statistics.median(self.wall)


def timed(work: Callable[[], object], repeats: int) -> Runs:
    """Wall and CPU milliseconds per run, after one warm-up run."""
    work()
    wall, cpu = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        work()
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return Runs(wall, cpu)


def line(name: str, runs: Runs, baseline: Runs | None, target: float | None) -> tuple[str, bool]:
    """One row of the table; a target is judged on the median wall time."""
    ratio = f"{runs.median / baseline.median:8.1f}×" if baseline else " " * 9
    passed = target is None or runs.median <= target
    verdict = "" if target is None else f"≤ {target:.0f} ms  {'PASS' if passed else 'FAIL'}"
    figures = f"{runs.median:9.1f} {max(runs.wall):9.1f} {statistics.median(runs.cpu):9.1f}"
    return f"  {name:<22} {figures} {ratio}  {verdict}", passed


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--incidents", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args(argv)

    data = synthetic_history(args.incidents, end=NOW)
    period = parse_period("2026-Q3", now=NOW, timezone="Europe/Berlin")
    since, until = rows_window(period)
    # What the port reads (InsightsReader): the window's incidents with their action items, every open action
    # item (for the overdue snapshot), the window's pages.
    incidents = tuple(r for r in data.incidents if since <= r.declared_at < until)
    ids = {row.id for row in incidents}
    window = replace(
        data,
        incidents=incidents,
        action_items=tuple(i for i in data.action_items if i.incident_id in ids or i.done_at is None),
        pages=tuple(p for p in data.pages or () if since <= p.at < until),
    )
    audience = Audience.person(PEOPLE[0], admin=True)
    print(
        f"{len(data.incidents):,} incidents, {len(data.action_items):,} action items, {len(data.pages or ()):,} "
        f"pages; the port reads {len(window.incidents):,} incidents, {len(window.action_items):,} items and "
        f"{len(window.pages or ()):,} pages for {period.label} and the quarter before"
    )

    def bare_loop() -> object:
        total = timedelta(0)
        for row in window.incidents:
            if row.resolved_at is not None:
                total += row.resolved_at - row.declared_at
        return total

    summary = compute_insights(window, period, settings=SETTINGS, audience=audience, now=NOW)
    names = {person: f"Person {person[-2:]}" for person in PEOPLE}
    results: list[tuple[str, bool]] = []
    with CpuMeter() as meter:
        print(f"\n  {'':<22} {'median ms':>9} {'worst ms':>9} {'CPU ms':>9} {'× base':>9}  target (median)")
        baseline = timed(bare_loop, args.repeats)
        results.append(line("baseline: bare loop", baseline, None, None))
        quarter = timed(
            lambda: compute_insights(window, period, settings=SETTINGS, audience=audience, now=NOW), args.repeats
        )
        results.append(line("quarter stats", quarter, baseline, STATS_TARGET_MS))
        everything = timed(
            lambda: compute_insights(data, period, settings=SETTINGS, audience=audience, now=NOW), args.repeats
        )
        results.append(line("all rows", everything, baseline, None))
        empty_png = timed(lambda: png_bytes(new_figure()[0]), args.repeats)
        results.append(line("baseline: empty PNG", empty_png, None, None))
        for kind in ChartKind:
            runs = timed(partial(render_chart, kind, summary, names), max(3, args.repeats // 2))
            results.append(line(f"chart {kind.value}", runs, empty_png, CHART_TARGET_MS))
    for text, _ in results:
        print(text)
    other = max(meter.machine - meter.process, 0.0) / meter.wall if meter.wall else 0.0
    print(
        f"\n  this process used {meter.process / meter.wall:.2f} cores; other processes {other:.2f} of "
        f"{psutil.cpu_count()} cores"
        + ("  (a busy machine: figures are slower than on a quiet one)" if other > 0.3 else "")
    )
    print(
        "  (quarter stats is the pure-compute share of the 300 ms target;"
        " the storage read and the acks come with the command)"
    )
    return 0 if all(passed for _, passed in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
