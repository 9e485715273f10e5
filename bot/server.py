"""The HTTP server: `POST /slack/events` (one Request URL for everything) and `GET /healthz`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.slack_edge import SlackEdge

HealthCheck = Callable[[], Awaitable[bool]]


def build_web_app(slack: SlackEdge | None, health: HealthCheck) -> web.Application:
    """`slack` is None in Socket-Mode-only deployments (no signing secret): then only /healthz is served."""

    async def healthz(_request: web.Request) -> web.Response:
        if await health():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if slack is not None:
        app.router.add_post("/slack/events", slack.handle)
    return app
