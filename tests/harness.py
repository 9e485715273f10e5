"""Running the real bot over HTTP against the fake Slack, and talking to it as Slack does (signed requests)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, closing
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from aiohttp import web

from firebreak.runtime import Runtime, runtime
from firebreak.settings import Settings
from incidents.model import Incident
from incidents.policy import Policy
from slacksim import FakeSlack, View
from slacksim import requests as req

SIGNING_SECRET = "test-signing-secret"


class FrozenClock:
    """The injected clock: time moves only when a test says so."""

    def __init__(self, now: datetime | None = None) -> None:
        self.current = now or datetime(2026, 11, 23, 10, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> datetime:
        self.current += timedelta(**kwargs)
        return self.current


@dataclass
class Reply:
    status: int
    body: dict[str, Any] | str | None
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def json(self) -> dict[str, Any]:
        assert isinstance(self.body, dict), f"not JSON: {self.body!r}"
        return self.body

    @property
    def text(self) -> str:
        """What the user sees of an ack (ephemeral text), or "" for an empty ack."""
        if isinstance(self.body, dict):
            return str(self.body.get("text", ""))
        return self.body or ""


class BotClient:
    """Sends signed requests to the bot's /slack/events and waits for its lazy work to finish."""

    def __init__(self, runtime: Runtime, slack: FakeSlack, base_url: str, http: aiohttp.ClientSession) -> None:
        self.runtime = runtime
        self.slack = slack
        self.base_url = base_url
        self.http = http

    @property
    def ctx(self) -> Any:
        return self.runtime.ctx

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        secret: str = SIGNING_SECRET,
        headers: dict[str, str] | None = None,
        timestamp: int | None = None,
    ) -> Reply:
        all_headers = {"Content-Type": content_type, **req.sign(body, secret, timestamp), **(headers or {})}
        async with self.http.post(self.base_url + "slack/events", data=body, headers=all_headers) as resp:
            raw = await resp.text()
            parsed: dict[str, Any] | str | None = raw or None
            if raw and resp.content_type == "application/json":
                parsed = json.loads(raw)
            return Reply(resp.status, parsed, dict(resp.headers))

    async def settle(self) -> None:
        """Wait for every lazy listener (the work after the ack) to finish."""
        async with asyncio.timeout(10):
            await self.runtime.lazy.drain()

    async def command(self, text: str, *, user: str = "UALICE", channel: str = "CGENERAL") -> Reply:
        body = req.slash_command_body(
            text=text,
            user_id=user,
            channel_id=channel,
            response_url=self.slack.new_response_url(),
            trigger_id=self.slack.new_trigger_id(user),
        )
        reply = await self.post(body, content_type="application/x-www-form-urlencoded")
        await self.settle()
        return reply

    async def submit(
        self,
        callback_id: str,
        values: dict[str, Any],
        *,
        user: str = "UALICE",
        view_id: str = "VSUBMIT1",
        metadata: str = "",
    ) -> Reply:
        # Slack knows every view it sends a submission of, so the bot may update it (views.update) afterwards.
        self.slack.views.setdefault(view_id, View(id=view_id, type="modal", callback_id=callback_id, user=user))
        body = req.view_submission_body(
            callback_id=callback_id, view_id=view_id, values=values, user_id=user, private_metadata=metadata
        )
        reply = await self.post(body, content_type="application/x-www-form-urlencoded")
        await self.settle()
        return reply

    async def click(self, action_id: str, value: str, *, user: str = "UALICE", channel: str | None = None) -> Reply:
        body = req.block_actions_body(
            action_id=action_id,
            value=value,
            user_id=user,
            channel_id=channel,
            trigger_id=self.slack.new_trigger_id(user),
            response_url=self.slack.new_response_url(),
        )
        reply = await self.post(body, content_type="application/x-www-form-urlencoded")
        await self.settle()
        return reply

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        body = req.event_body(event, event_id=event_id)
        reply = await self.post(body, content_type="application/json", headers=headers)
        await self.settle()
        return reply

    def last_view(self, callback_id: str) -> dict[str, Any]:
        """The most recent view the bot opened with this callback id (as the fake stored it)."""
        for call in reversed(self.slack.calls_to("views.open")):
            view = call.args.get("view")
            if call.ok and isinstance(view, dict) and view.get("callback_id") == callback_id:
                return view
        raise AssertionError(f"no {callback_id} view was opened; views.open calls: {self.slack.calls_to('views.open')}")

    async def declare(
        self,
        title: str = "Checkout API returning 500s",
        *,
        severity: str = "SEV2",
        user: str = "UALICE",
        commander: str | None = None,
        private: bool = False,
        services: list[str] | None = None,
        impact: str = "yes",
        view_id: str | None = None,
        description: str = "",
    ) -> Incident:
        """Declare through the modal exactly as a user would, and return the stored incident."""
        values = declare_values(
            title=title,
            severity=severity,
            commander=commander or user,
            private=private,
            services=services or [],
            impact=impact,
            description=description,
        )
        view_id = view_id or f"V{len(self.slack.calls) + 1:08d}"
        reply = await self.submit("declare_incident", values, user=user, view_id=view_id)
        assert reply.status == 200 and reply.json.get("response_action") == "update", reply.body
        incident = await self.stored_by_key(view_id)
        assert incident is not None
        return incident

    async def stored(self, reference: str) -> Incident | None:
        async with self.ctx.uow(write=False) as uow:
            found: Incident | None = await uow.incidents.get(reference)
            return found

    async def stored_by_key(self, key: str) -> Incident | None:
        async with self.ctx.uow(write=False) as uow:
            found: Incident | None = await uow.incidents.get_by_declare_key(key)
            return found


def declare_values(
    *,
    title: str,
    severity: str,
    commander: str,
    private: bool = False,
    services: list[str] | None = None,
    impact: str = "unknown",
    description: str = "",
    started: int | None = None,
) -> dict[str, Any]:
    return req.state_values(
        ("title", "title", req.plain_text_input_value(title)),
        ("severity", "severity", req.static_select_value(severity)),
        ("description", "description", req.plain_text_input_value(description or None)),
        ("new_services", "new_services", req.plain_text_input_value(", ".join(services or []) or None)),
        ("customer_impact", "customer_impact", req.radio_buttons_value(impact)),
        ("commander", "commander", req.users_select_value(commander)),
        ("private", "private", req.checkboxes_value(["private"] if private else [])),
        ("impact_started_at", "impact_started_at", req.datetimepicker_value(started)),
    )


@asynccontextmanager
async def running_bot(
    slack: FakeSlack, settings: Settings, policy: Policy, clock: FrozenClock
) -> AsyncIterator[BotClient]:
    """The real bot serving HTTP, as the `bot` fixture makes it, for tests that need other settings or a restart."""
    async with runtime(settings, policy=policy, clock=clock) as rt:
        runner, url = await serve_app(rt.web_app)
        async with aiohttp.ClientSession() as http:
            try:
                yield BotClient(rt, slack, url, http)
            finally:
                await rt.lazy.drain()
                await runner.cleanup()


async def serve_app(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}/"


def stored_rows(database_url: str) -> int:
    """Rows in every table but Alembic's, read straight from the SQLite file so no bot code is involved."""
    path = database_url.removeprefix("sqlite+aiosqlite:///")
    with closing(sqlite3.connect(path)) as conn:
        tables = [row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        # The search index is derived from the other tables (a search catches it up; `firebreak search reindex`
        # rebuilds it): what it holds was stored elsewhere first, and is counted there.
        derived = ("alembic_version", "index_progress")
        tables = [t for t in tables if t not in derived and not t.startswith("search_")]
        counts = [conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables]
    return sum(counts)
