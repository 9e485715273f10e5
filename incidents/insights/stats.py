"""The use cases behind `/incident stats`, its charts and the reports: read the rows once, compute every
figure, draw a chart only when there is something to draw."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime

from incidents.insights.audience import Audience, Scope
from incidents.insights.errors import EmptyPeriod
from incidents.insights.periods import Period
from incidents.insights.ports import ChartImage, ChartKind, ChartRenderer, InsightsReader, TimezoneLookup
from incidents.insights.summary import InsightsSettings, InsightsSummary, compute_insights, rows_window


async def period_insights(
    reader: InsightsReader,
    people: TimezoneLookup,
    period: Period,
    *,
    settings: InsightsSettings,
    audience: Audience,
    now: datetime,
    scope: Scope | None = None,
) -> InsightsSummary:
    """Every figure of `period` (and the one before) that `audience` may see, narrowed to `scope`."""
    since, until = rows_window(period)
    data = await reader.insights_data(since=since, until=until, audience=audience)
    # Out of hours is judged in each paged person's own timezone, asked only for pages that do not say.
    unjudged = {page.person for page in data.pages or () if page.out_of_hours is None} - set(data.timezones)
    if unjudged:
        found = await people.timezones(unjudged)
        data = replace(data, timezones={**data.timezones, **found})
    return compute_insights(data, period, settings=settings, audience=audience, now=now, scope=scope)


async def insights_chart(
    renderer: ChartRenderer, summary: InsightsSummary, kind: ChartKind, names: Mapping[str, str]
) -> ChartImage:
    """The chart of `kind` for the summary's period; EmptyPeriod when it has no incidents (no empty chart)."""
    if summary.empty:
        period = summary.current.period
        raise EmptyPeriod(period.start, period.end)
    return await renderer.render(kind, summary, names)
