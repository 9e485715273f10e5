"""What every chart shares: a figure drawn on an Agg canvas (never pyplot's global state, so charts can be drawn
on a worker thread), the house style, units for durations, PNG bytes and alt text within Slack's limits."""

from __future__ import annotations

import io
from collections.abc import Iterable
from datetime import date, timedelta

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine

from incidents.insights.buckets import Granularity

DPI = 100
SIZE = (10.0, 5.6)  # inches: 1000 × 560 pixels, legible in Slack's preview and full size
HEADER = 0.17  # of the height, above the axes
ALT_TEXT_MAX = 1000  # Slack takes more (2,000 for image blocks); a screen reader user wants less
INK, MUTED, GRID = "#1f2933", "#616e7c", "#e4e7eb"
ACCENT, PREVIOUS = "#2f6fde", "#b8c4d6"
SEVERITY_COLOURS = {"SEV1": "#b3261e", "SEV2": "#e8710a", "SEV3": "#f2b705", "SEV4": "#5f8fbf", "TRIAGE": "#9aa5b1"}
OTHER_COLOURS = ("#7b61ff", "#0f9d8a", "#c2185b", "#607d8b", "#8d6e63")


def new_figure(size: tuple[float, float] = SIZE, columns: int = 1) -> tuple[Figure, list[Axes]]:
    """A figure with `columns` side-by-side axes, on its own Agg canvas."""
    # The top band is kept for the title and subtitle (titled()), drawn as plain text above the axes.
    layout = ConstrainedLayoutEngine(rect=(0.0, 0.0, 1.0, 1.0 - HEADER))
    figure = Figure(figsize=size, dpi=DPI, layout=layout)
    FigureCanvasAgg(figure)
    axes = [figure.add_subplot(1, columns, index + 1) for index in range(columns)]
    for ax in axes:
        style(ax)
    return figure, axes


def style(ax: Axes) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(MUTED)
    ax.tick_params(colors=INK, labelsize=9)
    ax.grid(axis="y", color=GRID, linewidth=0.8)
    ax.set_axisbelow(True)


def titled(figure: Figure, title: str, subtitle: str) -> None:
    """The title (what it shows), and beneath it the period and the definition, on every chart."""
    figure.text(0.012, 0.975, title, fontsize=14, color=INK, fontweight="bold", ha="left", va="top")
    figure.text(0.012, 0.915, subtitle, fontsize=9, color=MUTED, ha="left", va="top", wrap=True)


def png_bytes(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    # No Software/creation metadata: the same figures give the same bytes, whatever matplotlib's version.
    figure.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None})
    return buffer.getvalue()


def severity_colour(severity: str, index: int) -> str:
    return SEVERITY_COLOURS.get(severity.upper(), OTHER_COLOURS[index % len(OTHER_COLOURS)])


def duration_unit(longest: timedelta | None) -> tuple[str, float]:
    """The unit to plot durations in (its name and its length in seconds), so the axis reads 1–100, not 0.01."""
    seconds = longest.total_seconds() if longest else 0.0
    if seconds < 2 * 3600:
        return "minutes", 60.0
    if seconds < 72 * 3600:
        return "hours", 3600.0
    return "days", 86400.0


def bucket_label(start: date, granularity: Granularity) -> str:
    if granularity == "month":
        return start.strftime("%b %Y")
    if granularity == "week":
        return f"w/c {start.day} {start.strftime('%b')}"
    return f"{start.strftime('%a')} {start.day} {start.strftime('%b')}"


def alt_text(parts: Iterable[str]) -> str:
    """The parts joined into sentences, cut (with an ellipsis) to ALT_TEXT_MAX characters."""
    text = " ".join(part.strip() for part in parts if part.strip())
    return text if len(text) <= ALT_TEXT_MAX else text[: ALT_TEXT_MAX - 1].rstrip() + "…"


def bucket_ticks(ax: Axes, labels: list[str]) -> None:
    """One tick per bucket; slanted when there are many, anchored at their end so the layout makes room."""
    crowded = len(labels) > 8
    ax.set_xticks(range(len(labels)), labels)
    if crowded:
        for label in ax.get_xticklabels():
            label.set(rotation=40, ha="right", rotation_mode="anchor")


def legend_above(ax: Axes, columns: int = 4) -> None:
    """The legend in a row above the axes, where it can hide no bar."""
    ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=columns, fontsize=8, frameon=False, borderaxespad=0.2)


def counted(number: int, noun: str) -> str:
    """`1 page`, `2 pages`: alt text is read aloud."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


MIN_SLOTS = 6  # a chart of one bar still draws it bar-sized, not as a wall of colour


def room_for_bars(ax: Axes, count: int, *, horizontal: bool = False) -> None:
    """Lay `count` bars out as if there were at least MIN_SLOTS of them."""
    extra = max(MIN_SLOTS - count, 0) / 2
    limits = (-0.5 - extra, count - 0.5 + extra)
    if horizontal:
        ax.set_ylim(limits[1], limits[0])  # top to bottom: the first bar at the top
    else:
        ax.set_xlim(*limits)


def headroom(ax: Axes, highest: float, *, horizontal: bool = False) -> None:
    """The value axis from 0 to a little above the highest value, so the labels above the bars stay inside."""
    top = highest * 1.18 if highest > 0 else 1.0
    if horizontal:
        ax.set_xlim(0, top)
    else:
        ax.set_ylim(0, top)
