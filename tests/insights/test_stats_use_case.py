"""The stats use case over its ports: which window of rows it reads, for whom, and whose timezones it asks."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta

from incidents.insights.audience import Audience, Scope
from incidents.insights.definitions import Measure
from incidents.insights.periods import parse_period
from incidents.insights.rows import InsightsData, PageRow
from incidents.insights.stats import period_insights
from incidents.insights.summary import InsightsSettings, rows_window
from tests.insights.history import HISTORY

NOW = datetime(2026, 10, 2, 12, tzinfo=UTC)


class StoredRows:
    """An InsightsReader over rows in memory that records what it was asked."""

    def __init__(self, data: InsightsData) -> None:
        self.data = data
        self.asked: list[tuple[datetime, datetime, Audience]] = []

    async def insights_data(self, *, since: datetime, until: datetime, audience: Audience) -> InsightsData:
        self.asked.append((since, until, audience))
        rows = tuple(row for row in self.data.incidents if since <= row.declared_at < until)
        return InsightsData(rows, self.data.action_items, self.data.links, self.data.pages, self.data.timezones)


class Profiles:
    """A TimezoneLookup that records whom it was asked about."""

    def __init__(self, zones: Mapping[str, str]) -> None:
        self.zones = zones
        self.asked: list[set[str]] = []

    async def timezones(self, people: Collection[str]) -> Mapping[str, str]:
        self.asked.append(set(people))
        return {person: self.zones[person] for person in people if person in self.zones}


async def test_stats_read_the_period_the_one_before_and_90_days_more_for_repeats_once() -> None:
    reader, profiles = StoredRows(InsightsData(HISTORY)), Profiles({})
    period = parse_period("2026-Q3", now=NOW, timezone="UTC")
    audience = Audience.person("U_ALICE")

    summary = await period_insights(
        reader, profiles, period, settings=InsightsSettings(), audience=audience, now=NOW, scope=Scope()
    )

    assert reader.asked == [(datetime(2026, 4, 1, tzinfo=UTC) - timedelta(days=90), period.end, audience)]
    assert rows_window(period) == reader.asked[0][:2]
    assert summary.current.measures[Measure.MTTR].overall.n == 4
    assert profiles.asked == []  # no pages: nobody's timezone is needed


async def test_out_of_hours_is_judged_in_the_timezones_asked_only_for_people_paged() -> None:
    pages = (
        PageRow("U_BOB", datetime(2026, 7, 8, 2, 1, tzinfo=UTC)),  # 04:01 in Berlin
        PageRow("U_DAN", datetime(2026, 7, 15, 12, tzinfo=UTC)),  # 08:00 in New York
        PageRow("U_EVE", datetime(2026, 7, 15, 12, tzinfo=UTC), out_of_hours=False),  # the pager said
    )
    reader = StoredRows(InsightsData(HISTORY, pages=pages, timezones={"U_BOB": "Europe/Berlin"}))
    profiles = Profiles({"U_DAN": "America/New_York", "U_EVE": "Asia/Tokyo"})

    summary = await period_insights(
        reader,
        profiles,
        parse_period("2026-Q3", now=NOW, timezone="UTC"),
        settings=InsightsSettings(),
        audience=Audience.person("U_ADMIN", admin=True),
        now=NOW,
    )

    assert profiles.asked == [{"U_DAN"}]
    late = {row.person: row.out_of_hours_pages for row in summary.current.load if row.pages}
    assert late == {"U_BOB": 1, "U_DAN": 1, "U_EVE": 0}
