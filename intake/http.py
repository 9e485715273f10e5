"""`POST /alerts/<integration>` (and `/alerts/<integration>/<token>` for senders that cannot set headers).

Every answer a sender can get, and why: 401 no or wrong token (an unknown integration looks the same); 410 the
integration is disabled; 429 over its rate limit, with Retry-After; 413 a body over 1 MB, refused before
more than that is read; 400 not JSON; 422 JSON the integration's parser cannot read, naming the path (the
body is kept 7 days for `/incident integration show`); 503 the database cannot be reached, so the sender
retries; 200 once every alert of the body is committed. A malformed body from one integration touches nothing
of another. The token never reaches a log: the access log is off for this route's path (see firebreak/serve).
"""

from __future__ import annotations

import json
import logging

from aiohttp import web

from incidents.alerts.intake import AlertIntake
from incidents.alerts.integrations import Integration
from intake.errors import AlertBodyError, MissingMapping
from intake.parsers import parse_alerts

log = logging.getLogger(__name__)
MAX_BODY = 1024 * 1024
_CHUNK = 64 * 1024


def _error(status: int, reason: str, **headers: str) -> web.Response:
    return web.json_response({"ok": False, "error": reason}, status=status, headers=headers or None)


def _token(request: web.Request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.match_info.get("token") or None


async def _read_limited(request: web.Request) -> bytes | None:
    """The body, or None when it is over MAX_BODY (never more than MAX_BODY + one chunk is read)."""
    if request.content_length is not None and request.content_length > MAX_BODY:
        return None
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(_CHUNK):
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


class AlertEndpoint:
    def __init__(self, intake: AlertIntake) -> None:
        self.intake = intake

    def add_routes(self, app: web.Application) -> None:
        app.router.add_post("/alerts/{integration}", self.handle)
        app.router.add_post("/alerts/{integration}/{token}", self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        name = request.match_info["integration"]
        try:
            integration = await self.intake.integration(name)
        except Exception:
            log.exception("Could not read integration %s", name)
            return _error(503, "database unavailable: try again", **{"Retry-After": "5"})
        if not self.intake.authentic(integration, _token(request)):
            return _error(401, "no or wrong token for this integration")
        assert integration is not None
        if not integration.enabled:
            return _error(410, f"integration {name} is disabled")
        wait = self.intake.wait_before(integration)
        if wait is not None:
            seconds = str(max(1, int(wait + 0.999)))
            return _error(429, f"over the rate limit of integration {name}", **{"Retry-After": seconds})
        raw = await _read_limited(request)
        if raw is None:
            return _error(413, f"body over {MAX_BODY} bytes")
        return await self._accept(integration, raw)

    async def _accept(self, integration: Integration, raw: bytes) -> web.Response:
        received_at = self.intake.clock.now()
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "body is not JSON")
        try:
            alerts = parse_alerts(
                integration.kind,
                body,
                integration=integration.name,
                received_at=received_at,
                mapping=self.intake.mapping(integration),
            )
        except (AlertBodyError, MissingMapping) as exc:
            return await self._reject(integration, str(exc), raw)
        try:
            await self.intake.accept(integration, alerts, received_at)
        except Exception:
            log.exception("Could not store %d alert(s) from %s", len(alerts), integration.name)
            return _error(503, "could not store the alerts: try again", **{"Retry-After": "5"})
        return web.json_response({"ok": True, "alerts": len(alerts)})

    async def _reject(self, integration: Integration, reason: str, raw: bytes) -> web.Response:
        try:
            await self.intake.reject(integration, reason, raw, self.intake.clock.now())
        except Exception:  # the answer stands: the body could not be read, kept or not
            log.exception("Could not keep a rejected body from %s", integration.name)
        return _error(422, reason)
