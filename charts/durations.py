"""MTTR and MTTA over the period, bucket by bucket: the median as bars, p90 as markers, n above each bar, and
the previous period's median as a dashed line to compare with."""

from __future__ import annotations

from charts.canvas import (
    ACCENT,
    INK,
    MUTED,
    alt_text,
    bucket_label,
    bucket_ticks,
    duration_unit,
    headroom,
    legend_above,
    new_figure,
    png_bytes,
    room_for_bars,
    titled,
)
from incidents.durations import format_duration
from incidents.insights.buckets import granularity_for
from incidents.insights.definitions import MEASURE_DEFINITIONS, Measure
from incidents.insights.ports import ChartImage
from incidents.insights.statistics import DurationStats
from incidents.insights.summary import InsightsSummary
from incidents.naming import slugify

_PER = {"day": "day", "week": "week", "month": "month"}


def _said(stats: DurationStats) -> str:
    if stats.median is None or stats.p90 is None:
        return "no incidents"
    return f"median {format_duration(stats.median)}, p90 {format_duration(stats.p90)} (n={stats.n})"


def trend_chart(summary: InsightsSummary, measure: Measure) -> ChartImage:
    """The measure's median and p90 per bucket of the summary's period (MTTR or MTTA)."""
    definition = MEASURE_DEFINITIONS[measure]
    current, previous = summary.current, summary.previous
    granularity = granularity_for(current.period)
    buckets = current.trends[measure]
    overall, before = current.measures[measure].overall, previous.measures[measure].overall
    longest = max((b.stats.p90 for b in buckets if b.stats.p90 is not None), default=None)
    unit, seconds = duration_unit(max(filter(None, (longest, before.median)), default=None))

    figure, (ax,) = new_figure()
    positions = range(len(buckets))
    medians = [b.stats.median.total_seconds() / seconds if b.stats.median else 0.0 for b in buckets]
    ax.bar(positions, medians, color=ACCENT, width=0.7, label="median")
    p90s = [(i, b.stats.p90.total_seconds() / seconds) for i, b in enumerate(buckets) if b.stats.p90 is not None]
    if p90s:
        ax.scatter(
            [i for i, _ in p90s], [v for _, v in p90s], marker="_", s=420, linewidths=2.5, color=INK, label="p90"
        )
    for i, bucket in enumerate(buckets):
        if bucket.stats.n:
            top = max(medians[i], bucket.stats.p90.total_seconds() / seconds if bucket.stats.p90 else 0.0)
            ax.annotate(
                f"n={bucket.stats.n}",
                (i, top),
                textcoords="offset points",
                xytext=(0, 6),
                ha="center",
                fontsize=8,
                color=MUTED,
            )
    if before.median is not None:
        ax.axhline(
            before.median.total_seconds() / seconds,
            color=MUTED,
            linestyle="--",
            linewidth=1.2,
            label=f"previous period median ({format_duration(before.median)})",
        )
    bucket_ticks(ax, [bucket_label(b.start, granularity) for b in buckets])
    ax.set_ylabel(unit, color=INK)
    highest = max([*medians, *(v for _, v in p90s)], default=0.0)
    previous_median = before.median.total_seconds() / seconds if before.median is not None else 0.0
    headroom(ax, max(highest, previous_median))
    room_for_bars(ax, len(buckets))
    legend_above(ax)
    per = _PER[granularity]
    title = f"{definition.name} by {per}"
    titled(figure, title, f"{current.period.label} · {definition.label} · {_said(overall)}")

    described = [
        f"Bar chart of {definition.name} ({definition.label.split('(')[-1].rstrip(')')}) per {per}, "
        f"{current.period.label}: the median as bars, p90 as markers.",
        f"Overall {_said(overall)}; the period before: {_said(before)}.",
        *(f"{bucket_label(b.start, granularity)}: {_said(b.stats)}." for b in buckets if b.stats.n),
    ]
    return ChartImage(
        png=png_bytes(figure),
        filename=f"{measure.value}-{slugify(current.period.label)}.png",
        title=title,
        units=unit,
        period=current.period.label,
        alt_text=alt_text(described),
    )
