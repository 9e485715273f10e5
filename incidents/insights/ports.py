"""What insights needs from outside, as narrow ports the composition root wires to adapters: the rows from
storage, people's timezones from Slack, and a chart renderer (charts/, off the event loop)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Protocol

from incidents.insights.audience import Audience
from incidents.insights.errors import pick
from incidents.insights.rows import InsightsData
from incidents.insights.summary import InsightsSummary


class ChartKind(StrEnum):
    MTTR = "mttr"
    MTTA = "mtta"
    VOLUME = "volume"
    SEVERITY = "severity"
    SERVICES = "services"
    HEATMAP = "heatmap"
    LOAD = "load"
    ACTIONS = "actions"


def parse_chart_kind(text: str) -> ChartKind:
    """The chart `text` names (case-insensitive), else UnknownChoice with the nearest one."""
    return ChartKind(pick("chart", text, [kind.value for kind in ChartKind]))


@dataclass(frozen=True, slots=True)
class ChartImage:
    png: bytes
    filename: str  # e.g. mttr-2026-q3.png
    title: str  # what it shows, e.g. "MTTR by week"
    units: str  # of the value axis, e.g. "hours"
    period: str  # the period's label
    alt_text: str  # for people who cannot see it (Slack's files.upload_v2 `alt_txt`)


class InsightsReader(Protocol):
    async def insights_data(self, *, since: datetime, until: datetime, audience: Audience) -> InsightsData:
        """Incidents declared in [since, until) that `audience` may see, with their status periods, links and
        action items, the open action items of every incident it may see (for the overdue snapshot), and the
        pages in the window (None while pages are not stored). `timezones` may be left empty."""
        ...


class TimezoneLookup(Protocol):
    async def timezones(self, people: Collection[str]) -> Mapping[str, str]:
        """User id -> IANA timezone of their Slack profile (cached by the adapter); unknown people left out."""
        ...


class ChartRenderer(Protocol):
    async def render(self, kind: ChartKind, summary: InsightsSummary, names: Mapping[str, str]) -> ChartImage:
        """Draw the chart, off the event loop; `names` maps user ids to display names for the load chart."""
        ...
