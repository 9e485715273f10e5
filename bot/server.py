"""The HTTP server: `POST /slack/events` (one Request URL for everything), `GET /healthz` and `GET /metrics`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.request_metrics import Exposition
from bot.slack_edge import SlackEdge

HealthCheck = Callable[[], Awaitable[bool]]
# The text format generate_latest() writes, which every Prometheus version reads.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def build_web_app(
    slack: SlackEdge | None, health: HealthCheck, *, metrics: Exposition | None = None
) -> web.Application:
    """`slack` is None in Socket-Mode-only deployments (no signing secret): then /slack/events is not served.

    `metrics`, when given, is the page served at GET /metrics (requests are counted by the edge itself).
    """

    async def healthz(_request: web.Request) -> web.Response:
        if await health():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        exposition = metrics

        async def metrics_page(_request: web.Request) -> web.Response:
            return web.Response(body=await exposition(), headers={"Content-Type": METRICS_CONTENT_TYPE})

        app.router.add_get("/metrics", metrics_page)
    if slack is not None:
        app.router.add_post("/slack/events", slack.handle)
    return app
