"""How many incidents: per bucket stacked by severity, the severity mix and the services, each beside the
previous period."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.axes import Axes
from matplotlib.ticker import MaxNLocator

from charts.canvas import (
    ACCENT,
    MUTED,
    PREVIOUS,
    alt_text,
    bucket_label,
    bucket_ticks,
    counted,
    headroom,
    legend_above,
    new_figure,
    png_bytes,
    room_for_bars,
    severity_colour,
    titled,
)
from incidents.insights.buckets import granularity_for
from incidents.insights.definitions import FIGURE_DEFINITIONS
from incidents.insights.measures import ordered_severities
from incidents.insights.ports import ChartImage
from incidents.insights.summary import InsightsSummary
from incidents.naming import slugify

TOP_SERVICES = 12
_VOLUME = FIGURE_DEFINITIONS["volume"]


def _image(kind: str, summary: InsightsSummary, title: str, png: bytes, described: list[str]) -> ChartImage:
    label = summary.current.period.label
    return ChartImage(png, f"{kind}-{slugify(label)}.png", title, "incidents", label, alt_text(described))


def _counts(mapping: Mapping[str, int]) -> str:
    return ", ".join(f"{key} {count}" for key, count in mapping.items()) or "none"


def volume_chart(summary: InsightsSummary) -> ChartImage:
    """Incidents per bucket of the period, stacked by severity."""
    current, previous = summary.current, summary.previous
    granularity = granularity_for(current.period)
    series = current.volume_series
    severities = ordered_severities({s for b in series for s in b.by_severity}, summary.severity_order)
    figure, (ax,) = new_figure()
    positions = list(range(len(series)))
    bottoms = [0] * len(series)
    for index, severity in enumerate(severities):
        heights = [bucket.by_severity.get(severity, 0) for bucket in series]
        ax.bar(positions, heights, bottom=bottoms, color=severity_colour(severity, index), width=0.7, label=severity)
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for position, total in zip(positions, bottoms, strict=True):
        if total:
            ax.annotate(
                str(total),
                (position, total),
                textcoords="offset points",
                xytext=(0, 4),
                ha="center",
                fontsize=8,
                color=MUTED,
            )
    bucket_ticks(ax, [bucket_label(b.start, granularity) for b in series])
    ax.set_ylabel("incidents")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    headroom(ax, max(bottoms, default=0))
    room_for_bars(ax, len(series))
    legend_above(ax, columns=max(len(severities), 1))
    title = f"Incidents by {granularity}"
    before = previous.volume.total
    titled(
        figure,
        title,
        f"{current.period.label} · {counted(current.volume.total, 'incident')} ({before} in the period before) · "
        f"{_VOLUME.text}",
    )
    described = [
        f"Stacked bar chart of incidents declared per {granularity}, {current.period.label}, by severity.",
        f"{current.volume.total} in all ({_counts(current.volume.by_severity)}); {before} in the period before.",
        *(f"{bucket_label(b.start, granularity)}: {b.total}." for b in series if b.total),
    ]
    return _image("volume", summary, title, png_bytes(figure), described)


def _paired_bars(ax: Axes, labels: list[str], now: list[int], before: list[int], horizontal: bool) -> None:
    positions = list(range(len(labels)))
    width = 0.38
    if horizontal:
        ax.barh([p - width / 2 for p in positions], now, height=width, color=ACCENT, label="this period")
        ax.barh([p + width / 2 for p in positions], before, height=width, color=PREVIOUS, label="period before")
        ax.set_yticks(positions, labels)
        room_for_bars(ax, len(labels), horizontal=True)
        headroom(ax, max([*now, *before], default=0), horizontal=True)
        ax.grid(axis="y", visible=False)
        ax.grid(axis="x", color="#e4e7eb")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("incidents")
    else:
        ax.bar([p - width / 2 for p in positions], now, width=width, color=ACCENT, label="this period")
        ax.bar([p + width / 2 for p in positions], before, width=width, color=PREVIOUS, label="period before")
        ax.set_xticks(positions, labels)
        room_for_bars(ax, len(labels))
        headroom(ax, max([*now, *before], default=0))
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("incidents")
    legend_above(ax, columns=2)


def severity_chart(summary: InsightsSummary) -> ChartImage:
    """Incidents per severity, this period beside the one before."""
    current, previous = summary.current.volume.by_severity, summary.previous.volume.by_severity
    severities = ordered_severities(set(current) | set(previous), summary.severity_order)
    figure, (ax,) = new_figure()
    _paired_bars(
        ax,
        severities,
        [current.get(s, 0) for s in severities],
        [previous.get(s, 0) for s in severities],
        horizontal=False,
    )
    title = "Incidents by severity"
    titled(
        figure,
        title,
        f"{summary.current.period.label} beside {summary.previous.period.label} · "
        "each incident at its current severity",
    )
    described = [
        f"Bar chart of incidents per severity, {summary.current.period.label}: {_counts(current)};",
        f"the period before ({summary.previous.period.label}): {_counts(previous)}.",
    ]
    return _image("severity", summary, title, png_bytes(figure), described)


def services_chart(summary: InsightsSummary) -> ChartImage:
    """Incidents per service (the busiest twelve), this period beside the one before."""
    current, previous = summary.current.volume.by_service, summary.previous.volume.by_service
    services = list(current)[:TOP_SERVICES] or list(previous)[:TOP_SERVICES]
    left_out = max(len(current) - len(services), 0)
    figure, (ax,) = new_figure()
    _paired_bars(
        ax, services, [current.get(s, 0) for s in services], [previous.get(s, 0) for s in services], horizontal=True
    )
    title = "Incidents by service"
    more = f" · {left_out} more services not shown" if left_out else ""
    titled(
        figure,
        title,
        f"{summary.current.period.label} beside {summary.previous.period.label} · an incident "
        f"with two services counts for each{more}",
    )
    described = [
        f"Horizontal bar chart of incidents per service, {summary.current.period.label}, busiest first:",
        f"{_counts({s: current.get(s, 0) for s in services})}.",
        f"The period before: {_counts({s: previous.get(s, 0) for s in services})}.{more}",
    ]
    return _image("services", summary, title, png_bytes(figure), described)
