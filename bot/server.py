"""The HTTP server: `POST /slack/events` (one Request URL for everything), `GET /healthz` and `GET /metrics`."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from aiohttp import web
from prometheus_client import CollectorRegistry
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp

from bot.capture_route import CaptureRoute
from bot.request_metrics import HttpMetrics, RequestMetrics, request_labels

HealthCheck = Callable[[], Awaitable[bool]]
# The text format generate_latest() writes, which every Prometheus version reads.
METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


def build_web_app(
    bolt: AsyncApp | None,
    health: HealthCheck,
    capture: CaptureRoute | None = None,
    *,
    metrics: HttpMetrics | None = None,
) -> web.Application:
    """`bolt` is None in Socket-Mode-only deployments (no signing secret): then /slack/events is not served.

    `capture`, when given, takes the events it recognises before Bolt sees them (see bot/capture_route.py).
    `metrics`, when given, counts requests and serves GET /metrics.
    """
    requests = metrics.requests if metrics is not None else RequestMetrics(CollectorRegistry())

    async def slack_events(request: web.Request) -> web.Response:
        assert bolt is not None
        started = time.perf_counter()
        if capture is not None:
            body = await request.read()
            envelope = capture.claims(body)
            if envelope is not None:
                response = await capture.handle(request, body, envelope)
                requests.observe("capture", envelope["event"]["type"], response.status, time.perf_counter() - started)
                return response
        bolt_request = await to_bolt_request(request)
        bolt_response = await bolt.async_dispatch(bolt_request)
        kind, type_ = request_labels(bolt_request.body)
        requests.observe(kind, type_, bolt_response.status, time.perf_counter() - started)
        return await to_aiohttp_response(bolt_response)

    async def healthz(_request: web.Request) -> web.Response:
        if await health():
            return web.json_response({"status": "ok", "database": "ok"})
        return web.json_response({"status": "unavailable", "database": "unreachable"}, status=503)

    async def metrics_page(_request: web.Request) -> web.Response:
        assert metrics is not None
        return web.Response(body=await metrics.exposition(), headers={"Content-Type": METRICS_CONTENT_TYPE})

    app = web.Application()
    app.router.add_get("/healthz", healthz)
    if metrics is not None:
        app.router.add_get("/metrics", metrics_page)
    if bolt is not None:
        app.router.add_post("/slack/events", slack_events)
    return app
