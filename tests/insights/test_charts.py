"""Every chart is a real PNG of the right size, with its title, units, period and alt text; charts are drawn off
the event loop; an empty period draws nothing."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, date, datetime

import pytest
from matplotlib.image import imread

from charts.canvas import ALT_TEXT_MAX, alt_text
from charts.catalog import ThreadedChartRenderer, render_chart
from incidents.insights.audience import Audience
from incidents.insights.errors import EmptyPeriod, UnknownChoice
from incidents.insights.periods import parse_period
from incidents.insights.ports import ChartKind, parse_chart_kind
from incidents.insights.rows import ActionItemRow, InsightsData, PageRow
from incidents.insights.stats import insights_chart
from incidents.insights.summary import InsightsSettings, InsightsSummary, compute_insights
from tests.insights.history import HISTORY

NOW = datetime(2026, 10, 2, 12, tzinfo=UTC)
SETTINGS = InsightsSettings(severity_order=("SEV1", "SEV2", "SEV3", "SEV4"))
NAMES = {"U_ALICE": "Alice", "U_BOB": "Bob", "U_CAROL": "Carol", "U_DAN": "Dan"}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def summary(period: str = "2026-Q3", *, pages: bool = True, data: InsightsData | None = None) -> InsightsSummary:
    items = (
        ActionItemRow(1, 1, "U_BOB", datetime(2026, 7, 6, 12, tzinfo=UTC), date(2026, 7, 13)),
        ActionItemRow(
            2,
            3,
            "U_CAROL",
            datetime(2026, 7, 10, 12, tzinfo=UTC),
            date(2026, 8, 9),
            done_at=datetime(2026, 7, 20, tzinfo=UTC),
        ),
    )
    paged = (
        PageRow("U_BOB", datetime(2026, 7, 8, 2, 1, tzinfo=UTC)),
        PageRow("U_DAN", datetime(2026, 7, 15, 8, 31, tzinfo=UTC)),
    )
    data = data or InsightsData(HISTORY, items, pages=paged if pages else None, timezones={"U_BOB": "Europe/Berlin"})
    return compute_insights(
        data,
        parse_period(period, now=NOW, timezone="Europe/Berlin"),
        settings=SETTINGS,
        audience=Audience.person("U_ADMIN", admin=True),
        now=NOW,
    )


@pytest.mark.parametrize("kind", list(ChartKind))
def test_every_chart_is_a_png_with_title_units_period_and_alt_text(kind: ChartKind) -> None:
    image = render_chart(kind, summary(), NAMES)

    assert image.png.startswith(PNG_SIGNATURE)
    pixels = imread(io.BytesIO(image.png), format="png")
    assert pixels.shape[:2] == (560, 1000)
    assert pixels.std() > 0.05  # something is drawn, not a blank canvas
    assert image.filename == f"{kind.value}-2026-q3.png"
    assert image.period == "2026-Q3" and image.title and image.units
    assert "2026-Q3" in image.alt_text and len(image.alt_text) <= ALT_TEXT_MAX


def test_the_alt_text_carries_the_figures_the_chart_shows() -> None:
    mttr = render_chart(ChartKind.MTTR, summary(), NAMES)
    load = render_chart(ChartKind.LOAD, summary(), NAMES)
    actions = render_chart(ChartKind.ACTIONS, summary(), NAMES)

    assert "Overall median 1h 45m, p90 22h (n=4)" in mttr.alt_text
    assert mttr.units == "hours"
    # Bob's page came at 04:01 in Berlin; Dan's at 08:31 in UTC, his timezone being unknown.
    assert "Bob: 3 incidents (commander 3), 1 page, 1 out of hours." in load.alt_text
    assert "Overdue now by owner: Bob 1." in actions.alt_text


def test_charts_are_drawn_for_a_single_day_and_without_pages() -> None:
    one_day = summary("2026-07-08..2026-07-08", pages=False)

    for kind in ChartKind:
        image = render_chart(kind, one_day, NAMES)
        assert imread(io.BytesIO(image.png), format="png").shape[:2] == (560, 1000)
    assert "pages" not in render_chart(ChartKind.LOAD, one_day, NAMES).alt_text


def test_the_same_figures_draw_the_same_bytes() -> None:
    assert render_chart(ChartKind.VOLUME, summary(), NAMES).png == render_chart(ChartKind.VOLUME, summary(), NAMES).png


def test_long_alt_text_is_cut_with_an_ellipsis() -> None:
    text = alt_text(["word " * 400])

    assert len(text) == ALT_TEXT_MAX and text.endswith("…")


def test_unknown_chart_names_suggest_the_nearest() -> None:
    assert parse_chart_kind("MTTR") is ChartKind.MTTR
    with pytest.raises(UnknownChoice) as caught:
        parse_chart_kind("heatmpa")
    assert caught.value.suggestion == "heatmap"
    assert caught.value.choices == tuple(kind.value for kind in ChartKind)


async def test_charts_render_on_a_worker_thread_while_the_event_loop_runs_on() -> None:
    renderer = ThreadedChartRenderer()
    figures = summary()
    try:
        drawing = asyncio.ensure_future(insights_chart(renderer, figures, ChartKind.HEATMAP, NAMES))
        turns = 0
        while not drawing.done():
            await asyncio.sleep(0)
            turns += 1
        image = drawing.result()
    finally:
        renderer.close()

    assert turns > 10  # the loop kept turning while matplotlib drew
    assert image.png == render_chart(ChartKind.HEATMAP, figures, NAMES).png


async def test_an_empty_period_draws_no_chart() -> None:
    renderer = ThreadedChartRenderer()
    empty = summary("2026-01", data=InsightsData(HISTORY))
    try:
        with pytest.raises(EmptyPeriod) as caught:
            await insights_chart(renderer, empty, ChartKind.MTTR, NAMES)
    finally:
        renderer.close()

    assert caught.value.start == datetime(2025, 12, 31, 23, tzinfo=UTC)
    assert str(caught.value).startswith("No incidents from 2025-12-31T23:00:00+00:00 to 2026-01-31T23:00:00+00:00")
