"""FakeSlack: an aiohttp server speaking the Slack Web API to slack_sdk, with recording and failure injection."""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
import secrets
import time
from collections.abc import Iterable
from types import TracebackType
from typing import Any

from aiohttp import web

from . import methods_chat, methods_conversations, methods_files, methods_history, methods_misc, methods_views
from .api import ApiError, Handler, Request
from .blockkit import message_block_errors
from .recorder import Call, CallRecorder
from .state import Bookmark, Canvas, Channel, Message, StoredFile, User, Usergroup, View, Workspace
from .wire import read_args

logger = logging.getLogger(__name__)

APP_TOKEN_METHODS = frozenset({"apps.connections.open"})  # the only methods that want an xapp- token
HANDLERS: dict[str, Handler] = {
    **methods_conversations.METHODS,
    **methods_history.METHODS,
    **methods_chat.METHODS,
    **methods_views.METHODS,
    **methods_misc.METHODS,
    **methods_files.METHODS,
}


class FakeSlack(CallRecorder):
    """One fake workspace. Bind to port 0, point `AsyncWebClient(base_url=fake.base_url)` at it."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-test-token",
        bot_user_id: str = "UBOT",
        team_id: str = "T0TEST",
        latency: float = 0.0,
    ) -> None:
        self.workspace = Workspace(team_id=team_id, bot_user_id=bot_user_id, bot_token=bot_token)
        self.workspace.users[bot_user_id] = User(bot_user_id, "firebreak", "Firebreak", is_bot=True)
        self.latency = latency
        super().__init__()
        self._response_keys: set[str] = set()
        self._response_counter = itertools.count(1)
        self._runner: web.AppRunner | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    async def start(self, *, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen on `host`:`port` (port 0: a free one, as tests want; `python -m slacksim` picks a fixed one)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        # No access log: benchmarks push thousands of calls through here.
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()
        host, port = self._runner.addresses[0][:2]
        self.workspace.server_root = f"http://{host}:{port}/"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeSlack:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if not self.workspace.server_root:
            raise RuntimeError("FakeSlack is not started")
        return f"{self.workspace.server_root}api/"

    # -- workspace state -------------------------------------------------------------------------
    @property
    def users(self) -> dict[str, User]:
        return self.workspace.users

    @property
    def channels(self) -> dict[str, Channel]:
        return self.workspace.channels

    @property
    def views(self) -> dict[str, View]:
        return self.workspace.views

    @property
    def files(self) -> dict[str, StoredFile]:
        return self.workspace.files

    @property
    def canvases(self) -> dict[str, Canvas]:
        return self.workspace.canvases

    @property
    def bookmarks(self) -> list[Bookmark]:
        return self.workspace.bookmarks

    @property
    def socket_mode_url(self) -> str | None:
        return self.workspace.socket_mode_url

    @socket_mode_url.setter
    def socket_mode_url(self, url: str | None) -> None:
        self.workspace.socket_mode_url = url

    @property
    def app_token(self) -> str | None:
        return self.workspace.app_token

    @app_token.setter
    def app_token(self, token: str | None) -> None:
        self.workspace.app_token = token

    @property
    def canvases_enabled(self) -> bool:
        return self.workspace.canvases_enabled

    @canvases_enabled.setter
    def canvases_enabled(self, enabled: bool) -> None:
        self.workspace.canvases_enabled = enabled

    def add_user(
        self,
        user_id: str,
        *,
        name: str | None = None,
        real_name: str | None = None,
        tz: str = "UTC",
        tz_offset: int = 0,
        deleted: bool = False,
        is_bot: bool = False,
        email: str | None = None,
    ) -> User:
        if user_id in self.users:
            raise ValueError(f"user {user_id} already exists")
        name = name or user_id.lower()
        user = User(user_id, name, real_name or name, tz, tz_offset, deleted, is_bot, email)
        self.users[user_id] = user
        return user

    def add_usergroup(self, usergroup_id: str, handle: str, users: Iterable[str] = ()) -> Usergroup:
        group = self.workspace.usergroups[usergroup_id] = Usergroup(usergroup_id, handle.title(), handle, list(users))
        return group  # seeded, as an admin made it in Slack

    def add_channel(self, name: str, *, is_private: bool = False, members: Iterable[str] = ()) -> Channel:
        """Seed a channel someone else made: the bot is only in it if `members` says so."""
        if self.channel_by_name(name) is not None:
            raise ValueError(f"channel #{name} already exists")
        member_list = list(members)
        channel = Channel(
            id=self.workspace.new_id("C"),
            name=name,
            is_private=is_private,
            created=int(time.time()),
            creator=member_list[0] if member_list else "",
            members=set(member_list),
        )
        self.channels[channel.id] = channel
        return channel

    def add_message(
        self,
        channel_id: str,
        *,
        user: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list[Any] | None = None,
        broadcast: bool = False,
    ) -> Message:
        """Seed a message a person wrote (so it is not the bot's to update or delete); `broadcast`: a reply in
        `thread_ts` also sent to the channel."""
        subtype = "thread_broadcast" if broadcast and thread_ts else None
        message = Message(
            ts=self.workspace.next_ts(), user=user, text=text, blocks=blocks, thread_ts=thread_ts, subtype=subtype
        )
        self.channels[channel_id].messages.append(message)
        return message

    def channel_by_name(self, name: str) -> Channel | None:
        return self.workspace.channel_by_name(name)

    def new_response_url(self) -> str:
        """A URL on this server; JSON posted to it is recorded as Call(method="response_url")."""
        key = f"R{next(self._response_counter):06d}{secrets.token_hex(4)}"
        self._response_keys.add(key)
        return f"{self.base_url.removesuffix('api/')}response/{key}"

    def new_trigger_id(self, user_id: str | None = None) -> str:
        """A Slack-shaped trigger; views opened with it are recorded as that user's."""
        trigger_id = f"{secrets.randbelow(10**12)}.{secrets.randbelow(10**10)}.{secrets.token_hex(16)}"
        if user_id is not None:
            self.workspace.trigger_users[trigger_id] = user_id
        return trigger_id

    def _clock(self) -> float:
        source = self.workspace.time_source
        return source() if source else time.time()

    # -- HTTP handlers ---------------------------------------------------------------------------
    def _auth_error(self, method: str, token: str | None) -> str | None:
        if not token:
            return "not_authed"
        wants_app_token = method in APP_TOKEN_METHODS
        if token.startswith("xapp-") != wants_app_token:
            return "not_allowed_token_type"
        if not wants_app_token and token != self.workspace.bot_token:
            return "invalid_auth"
        if wants_app_token and self.workspace.app_token not in (None, token):
            return "invalid_auth"
        return None

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args, token = await read_args(request)
        if self.latency:
            await asyncio.sleep(self.latency)
        headers: dict[str, str] = {}
        status = 200
        injected = self._take_injection(method) or self._channel_limited(method, args.get("channel"))
        handler = HANDLERS.get(method)
        if injected is not None and injected.disconnect:
            await self._record(Call(method, args, False, injected.error, 0))
            if request.transport is not None:
                request.transport.close()
            raise web.HTTPServiceUnavailable()  # never written: the client sees the connection drop
        if injected is not None:
            body: dict[str, Any] = {"ok": False, "error": injected.error}
            status = injected.status
            if injected.retry_after is not None:
                headers["Retry-After"] = str(injected.retry_after)
        elif handler is None:
            body, status = {"ok": False, "error": "unknown_method"}, 404
        elif (auth_error := self._auth_error(method, token)) is not None:
            body = {"ok": False, "error": auth_error}
        else:
            body, status = self._run(handler, Request(method, args, token))
        await self._record(Call(method, args, bool(body.get("ok")), body.get("error"), status))
        return web.json_response(body, status=status, headers=headers)

    def _run(self, handler: Handler, request: Request) -> tuple[dict[str, Any], int]:
        try:
            return handler(self.workspace, request), 200
        except ApiError as error:
            return {"ok": False, "error": error.error, **error.extra}, 200
        except Exception as error:  # a bug in the fake (or arguments it did not expect): say so loudly
            logger.exception("FakeSlack failed on %s", request.method)
            return {"ok": False, "error": f"fake_slack_internal_error: {error!r}"}, 500

    async def _response_url(self, request: web.Request) -> web.Response:
        raw = await request.read()
        try:
            args = json.loads(raw) if raw else {}
        except ValueError:
            args = {"_raw": raw.decode(errors="replace")}
        injected = self._take_injection("response_url")
        if injected is not None:
            error: str | None = injected.error
            status = injected.status
        elif request.match_info["key"] not in self._response_keys:
            error, status = "invalid_response_url", 404
        elif isinstance(args, dict) and "blocks" in args and message_block_errors(args["blocks"]):
            error, status = "invalid_blocks", 400
        else:
            error, status = None, 200
        call = Call("response_url", args, error is None, error, status, url=str(request.url))
        await self._record(call)
        headers = {"Retry-After": str(injected.retry_after)} if injected and injected.retry_after else None
        return web.Response(text=error or "ok", status=status, headers=headers)

    async def _upload(self, request: web.Request) -> web.Response:
        stored = self.workspace.files.get(request.match_info["file_id"])
        content = await request.read()
        args: dict[str, Any] = {"file_id": request.match_info["file_id"], "length": len(content)}
        injected = self._take_injection("upload_url")
        if injected is not None:  # the file server failed: the bytes never arrived
            await self._record(Call("upload_url", args, False, injected.error, injected.status))
            return web.Response(text=injected.error, status=injected.status)
        if stored is not None:
            stored.content = content
        status = 200 if stored is not None else 404
        await self._record(Call("upload_url", args, stored is not None, None if stored else "file_not_found", status))
        return web.Response(text=f"OK - {len(content)}" if stored else "file_not_found", status=status)
