"""When incidents start: a weekday × hour grid of impact starts in the insights timezone."""

from __future__ import annotations

from matplotlib.ticker import MaxNLocator

from charts.canvas import INK, alt_text, counted, new_figure, png_bytes, titled
from incidents.insights.definitions import FIGURE_DEFINITIONS
from incidents.insights.ports import ChartImage
from incidents.insights.summary import InsightsSummary
from incidents.naming import slugify

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_DEFINITION = FIGURE_DEFINITIONS["heatmap"]


def heatmap_chart(summary: InsightsSummary) -> ChartImage:
    grid = summary.current.heatmap
    counts = [list(day) for day in grid.counts]
    peak = max(max(day) for day in counts)
    figure, (ax,) = new_figure()
    image = ax.imshow(counts, cmap="Reds", aspect="auto", vmin=0, vmax=max(peak, 1), interpolation="nearest")
    for weekday, day in enumerate(counts):
        for hour, count in enumerate(day):
            if count:
                colour = "white" if count > peak * 0.6 else INK
                ax.text(hour, weekday, str(count), ha="center", va="center", fontsize=7, color=colour)
    ax.set_xticks(range(24), [f"{hour:02d}" for hour in range(24)])
    ax.set_yticks(range(7), WEEKDAYS)
    ax.set_xlabel(f"hour of day ({grid.timezone})")
    ax.grid(False)
    for spine in ax.spines.values():
        spine.set_visible(False)
    bar = figure.colorbar(image, ax=ax, fraction=0.03, pad=0.01)
    bar.set_label("incidents")
    bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    title = "When incidents start"
    titled(figure, title, f"{summary.current.period.label} · {counted(grid.total, 'incident')} · {_DEFINITION.text}")
    busiest = sorted(
        ((count, weekday, hour) for weekday, day in enumerate(counts) for hour, count in enumerate(day) if count),
        reverse=True,
    )[:5]
    by_day = [f"{WEEKDAYS[weekday]} {sum(day)}" for weekday, day in enumerate(counts)]
    described = [
        f"Heatmap of incidents by weekday and hour their impact started ({grid.timezone}), "
        f"{summary.current.period.label}: {counted(grid.total, 'incident')}.",
        f"By weekday: {', '.join(by_day)}.",
        "Busiest hours: " + ", ".join(f"{WEEKDAYS[d]} {h:02d}:00 ({c})" for c, d, h in busiest) + ".",
    ]
    label = summary.current.period.label
    return ChartImage(
        png_bytes(figure), f"heatmap-{slugify(label)}.png", title, "incidents", label, alt_text(described)
    )
