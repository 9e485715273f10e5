"""Who carried the load, and whether the follow-ups got done: responder load by role (with pages once they are
recorded) and action items done within 30 days beside the overdue ones by owner."""

from __future__ import annotations

from collections.abc import Mapping

from matplotlib.ticker import MaxNLocator

from charts.canvas import (
    ACCENT,
    INK,
    MUTED,
    OTHER_COLOURS,
    PREVIOUS,
    alt_text,
    counted,
    legend_above,
    new_figure,
    png_bytes,
    room_for_bars,
    titled,
)
from incidents.insights.definitions import FIGURE_DEFINITIONS
from incidents.insights.ports import ChartImage
from incidents.insights.summary import InsightsSummary
from incidents.naming import slugify

TOP_PEOPLE = 15
_LOAD, _ACTIONS, _OVERDUE = (FIGURE_DEFINITIONS[key] for key in ("load", "action_items", "overdue"))


def _image(kind: str, summary: InsightsSummary, title: str, units: str, png: bytes, described: list[str]) -> ChartImage:
    label = summary.current.period.label
    return ChartImage(png, f"{kind}-{slugify(label)}.png", title, units, label, alt_text(described))


def load_chart(summary: InsightsSummary, names: Mapping[str, str]) -> ChartImage:
    """Incidents per person stacked by role; beside them pages and out-of-hours pages, when pages are known."""
    # Busiest first by the bars' length (roles held: one person can hold two roles in one incident).
    load = sorted(summary.current.load[:TOP_PEOPLE], key=lambda row: -sum(row.roles.values()))
    pages_known = any(row.pages is not None for row in load)
    figure, axes = new_figure(columns=2 if pages_known else 1)
    people = [names.get(row.person, row.person) for row in load]
    roles = sorted({role for row in load for role in row.roles}, key=lambda r: (r != "commander", r))
    ax = axes[0]
    lefts = [0] * len(load)
    for index, role in enumerate(roles):
        widths = [row.roles.get(role, 0) for row in load]
        colour = ACCENT if role == "commander" else OTHER_COLOURS[index % len(OTHER_COLOURS)]
        ax.barh(range(len(load)), widths, left=lefts, color=colour, height=0.6, label=role.replace("_", " "))
        lefts = [left + width for left, width in zip(lefts, widths, strict=True)]
    ax.set_yticks(range(len(load)), people)
    room_for_bars(ax, len(load), horizontal=True)
    ax.set_xlabel("incidents, by role held")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.grid(axis="y", visible=False)
    legend_above(ax)
    if pages_known:
        pages = axes[1]
        pages.barh(range(len(load)), [row.pages or 0 for row in load], color=PREVIOUS, height=0.6, label="pages")
        pages.barh(
            range(len(load)),
            [row.out_of_hours_pages or 0 for row in load],
            color=INK,
            height=0.6,
            label="out of hours (their timezone)",
        )
        pages.set_yticks(range(len(load)), [""] * len(load))
        room_for_bars(pages, len(load), horizontal=True)
        pages.set_xlabel("pages")
        pages.xaxis.set_major_locator(MaxNLocator(integer=True))
        pages.grid(axis="y", visible=False)
        legend_above(pages, columns=2)
    title = "Responder load"
    shown = f" · the busiest {TOP_PEOPLE} shown" if len(summary.current.load) > TOP_PEOPLE else ""
    titled(figure, title, f"{summary.current.period.label}{shown} · {_LOAD.text}")
    described = [
        f"Horizontal bar chart of responder load, {summary.current.period.label}: incidents per person by role held"
        + (", and pages, out of hours in each person's timezone." if pages_known else "."),
        *(
            f"{name}: {counted(row.incidents, 'incident')} ({', '.join(f'{r} {n}' for r, n in row.roles.items())})"
            + (
                f", {counted(row.pages, 'page')}, {row.out_of_hours_pages or 0} out of hours."
                if row.pages is not None
                else "."
            )
            for name, row in zip(people, load, strict=True)
        ),
    ]
    return _image("load", summary, title, "incidents", png_bytes(figure), described)


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def actions_chart(summary: InsightsSummary, names: Mapping[str, str]) -> ChartImage:
    """The share of action items done within 30 days (this period and the one before), and overdue by owner."""
    now, before = summary.current.action_items, summary.previous.action_items
    overdue = list(summary.overdue_by_owner.items())[:TOP_PEOPLE]
    figure, (done, late) = new_figure(columns=2)
    labels = ["this period", "period before"]
    shares = [(now.share_done_in_time or 0) * 100, (before.share_done_in_time or 0) * 100]
    done.bar(labels, shares, color=[ACCENT, PREVIOUS], width=0.55)
    for position, (share, figures) in enumerate(zip(shares, (now, before), strict=True)):
        said = f"{_percent(figures.share_done_in_time)}\n{figures.done_in_time} of {figures.judged}"
        done.annotate(
            said, (position, share), textcoords="offset points", xytext=(0, 4), ha="center", fontsize=9, color=INK
        )
    done.set_ylim(0, 115)
    done.set_ylabel("% done within 30 days")
    done.set_title("Done within 30 days", fontsize=10, color=INK, loc="left")
    owners = [names.get(owner, owner) for owner, _ in overdue]
    late.barh(range(len(overdue)), [count for _, count in overdue], color="#b3261e", height=0.6)
    late.set_yticks(range(len(overdue)), owners)
    room_for_bars(late, len(overdue), horizontal=True)
    late.set_xlabel("overdue action items")
    late.xaxis.set_major_locator(MaxNLocator(integer=True))
    late.grid(axis="y", visible=False)
    late.set_title("Overdue now, by owner" if overdue else "Nothing overdue", fontsize=10, color=INK, loc="left")
    if not overdue:
        late.set_yticks([])
        late.text(0.5, 0.5, "no overdue action items", transform=late.transAxes, ha="center", color=MUTED)
    title = "Action items"
    titled(figure, title, f"{summary.current.period.label} · {_ACTIONS.text}")
    described = [
        f"Action items, {summary.current.period.label}: {_percent(now.share_done_in_time)} done within 30 days "
        f"({now.done_in_time} of {now.judged} judged, {now.created} created); the period before "
        f"{_percent(before.share_done_in_time)} ({before.done_in_time} of {before.judged}).",
        "Overdue now by owner: "
        + (", ".join(f"{name} {count}" for name, (_, count) in zip(owners, overdue, strict=True)) or "none")
        + ".",
        _OVERDUE.text,
    ]
    return _image("actions", summary, title, "% / items", png_bytes(figure), described)
