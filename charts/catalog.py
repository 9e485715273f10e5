"""One entry point per chart kind, and the renderer the domain's ChartRenderer port is wired to: charts are
drawn on one worker thread, so the event loop keeps acknowledging Slack while matplotlib works."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor

from charts.durations import trend_chart
from charts.heatmap import heatmap_chart
from charts.people import actions_chart, load_chart
from charts.volume import services_chart, severity_chart, volume_chart
from incidents.insights.definitions import Measure
from incidents.insights.ports import ChartImage, ChartKind
from incidents.insights.summary import InsightsSummary


def render_chart(kind: ChartKind, summary: InsightsSummary, names: Mapping[str, str]) -> ChartImage:
    """Draw the chart of `kind` (blocking: tens to hundreds of milliseconds of CPU)."""
    if kind is ChartKind.MTTR:
        return trend_chart(summary, Measure.MTTR)
    if kind is ChartKind.MTTA:
        return trend_chart(summary, Measure.MTTA)
    if kind is ChartKind.VOLUME:
        return volume_chart(summary)
    if kind is ChartKind.SEVERITY:
        return severity_chart(summary)
    if kind is ChartKind.SERVICES:
        return services_chart(summary)
    if kind is ChartKind.HEATMAP:
        return heatmap_chart(summary)
    if kind is ChartKind.LOAD:
        return load_chart(summary, names)
    return actions_chart(summary, names)


class ThreadedChartRenderer:
    """Draws charts on a single worker thread: matplotlib's object API is safe across threads one figure at a
    time, and charts are rare enough that one at a time is plenty."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="firebreak-charts")

    async def render(self, kind: ChartKind, summary: InsightsSummary, names: Mapping[str, str]) -> ChartImage:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, render_chart, kind, summary, names)

    def close(self) -> None:
        self._executor.shutdown(wait=True)
