"""The HTTP server: `POST /slack/events` (one Request URL for everything) and `GET /healthz`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.capture_route import CaptureRoute

HealthCheck = Callable[[], Awaitable[bool]]


def build_web_app(bolt: AsyncApp | None, health: HealthCheck, capture: CaptureRoute | None = None) -> web.Application:
    """`bolt` is None in Socket-Mode-only deployments (no signing secret): then only /healthz is served.

    `capture`, when given, takes the events it recognises before Bolt sees them (see bot/capture_route.py).
    """

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        if capture is not None:
            body = await request.read()
            envelope = capture.claims(body)
            if envelope is not None:
                return await capture.handle(request, body, envelope)
        bolt_response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        if await health():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if bolt is not None:
        app.router.add_post("/slack/events", slack_events)
    return app
