"""What a person would see in Slack, read back from the simulator's record of the bot's Web API calls: messages,
DMs, ephemeral answers, modals, channels, pins and files, worded for a reader of the demo's transcript."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from slacksim import Call, FakeSlack
from slacksim.driver import AppReply

Write = Callable[[str], None]
MAX_LINES = 14  # of one message; the pinned summary is printed whole at the end
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_DATE = re.compile(r"<!date\^[^|>]*\|([^>]*)>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)>")
_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>")
_BARE_LINK = re.compile(r"<(https?://[^>]+)>")
_BOLD = re.compile(r"(?<![\w*])\*([^*\n]+)\*(?![\w*])")
# Reads and look-ups a person does not see.
_SILENT = frozenset(
    {"auth.test", "users.info", "users.list", "conversations.history", "conversations.replies"}
    | {"conversations.members", "conversations.info", "chat.getPermalink", "files.getUploadURLExternal"}
    | {"files.info", "upload_url", "bookmarks.list", "conversations.setPurpose"}
)


class Transcript:
    def __init__(self, slack: FakeSlack, write: Write) -> None:
        self.slack = slack
        self.write = write
        self._seen = 0

    def plain(self, text: str) -> str:
        """Slack mrkdwn as a person reads it: names for ids, link labels, date fallbacks, entities decoded."""
        text = _USER.sub(lambda m: "@" + self._user_name(m.group(1)), text)
        text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or self._channel_name(m.group(1))), text)
        text = _DATE.sub(lambda m: m.group(1), text)
        text = _SPECIAL.sub(lambda m: "@" + m.group(1), text)
        text = _BARE_LINK.sub(lambda m: m.group(1), _LINK.sub(lambda m: m.group(2), text))
        return html.unescape(_BOLD.sub(lambda m: m.group(1), text))

    def step(self, number: int, title: str) -> None:
        self.write("")
        self.write(f"== {number}. {title}")

    def person(self, user: str, channel: str, said: str) -> None:
        self.write(f"@{self._user_name(user)} in #{self._channel_name(channel)}: {said}")

    def submits(self, user: str, form: str, described: str) -> None:
        self.write(f"@{self._user_name(user)} submits the “{form}” form: {described}")

    def pinned(self, channel: str, blocks: list[dict[str, Any]] | None, text: str) -> None:
        self._block(f"pinned in {self._where(channel)}", self.message_text({"blocks": blocks}, text))

    def note(self, text: str) -> None:
        self.write(f"   ({text})")

    def reply(self, user: str, reply: AppReply) -> None:
        """What the app answered in its HTTP ack: an ephemeral text, a modal update or field errors."""
        body = reply.json
        if reply.status != 200:
            self.write(f"   ! the bot answered HTTP {reply.status}")
        elif body.get("response_action") == "errors":
            for field, problem in body.get("errors", {}).items():
                self.write(f"   ! form error on {field}: {problem}")
        elif body.get("response_action") in ("update", "push"):
            self.write(f"   [modal] now shows: {self._view_summary(body.get('view'))}")
        elif body.get("text") or isinstance(reply.body, str):  # Bolt acks a plain text as text/plain
            text = body.get("text") or reply.body
            self._block(f"bot → only @{self._user_name(user)} sees", self.plain(str(text)))

    def calls(self) -> None:
        """Everything the bot did in Slack since the last call to this, as a person would notice it."""
        new = self.slack.calls[self._seen :]
        self._seen = len(self.slack.calls)
        for call in new:
            if call.ok and call.method not in _SILENT:
                self._call(call)

    def message_text(self, message: dict[str, Any] | None, text: str) -> str:
        blocks = (message or {}).get("blocks")
        lines = _block_lines(blocks) if isinstance(blocks, list) and blocks else [text]
        return self.plain("\n".join(lines))

    def _call(self, call: Call) -> None:
        args, method = call.args, call.method
        where = self._where(str(args.get("channel", args.get("channel_id", ""))))
        if method == "chat.postMessage":
            self._block(f"bot → {where}", self.message_text(args, str(args.get("text", ""))))
        elif method == "chat.postEphemeral":
            user = self._user_name(str(args.get("user", "")))
            self._block(f"bot → only @{user} sees, in {where}", self.plain(str(args.get("text", ""))))
        elif method == "response_url":
            self._block("bot → only the person who asked sees", self.message_text(args, str(args.get("text", ""))))
        elif method == "chat.update":
            first = self.message_text(args, str(args.get("text", ""))).splitlines()[:1]
            self.write(f"   bot edited a message in {where}: {first[0] if first else ''}")
        elif method in ("views.open", "views.push"):
            self.write(f"   [modal] opens: {self._view_summary(args.get('view'))}")
        elif method == "views.update":
            self.write(f"   [modal] now shows: {self._view_summary(args.get('view'))}")
        elif method == "views.publish":
            self.write(f"   App Home refreshed for @{self._user_name(str(args.get('user_id', '')))}")
        elif method == "conversations.create":
            self.write(f"   bot created channel #{args.get('name', '')}")
        elif method == "conversations.invite":
            users = ", ".join("@" + self._user_name(u) for u in str(args.get("users", "")).split(",") if u)
            self.write(f"   bot invited {users} to {where}")
        elif method == "conversations.setTopic":
            self.write(f"   topic of {where}: {self.plain(str(args.get('topic', '')))}")
        elif method == "pins.add":
            self.write(f"   bot pinned a message in {where}")
        elif method == "files.completeUploadExternal":
            titles = [str(f.get("title", "")) for f in args.get("files", []) if isinstance(f, dict)]
            target = self._where(str(args.get("channel_id", args.get("channels", ""))))
            self.write(f"   bot uploaded {', '.join(titles)} to {target}")
        elif method in ("canvases.create", "conversations.canvases.create"):
            self.write(f"   bot made a canvas in {where}: {args.get('title', '')}")
        else:
            self.write(f"   bot called {method}")

    def _block(self, header: str, text: str) -> None:
        lines = text.strip().splitlines() or [""]
        shown = lines[:MAX_LINES]
        self.write(f"   {header}:")
        for line in shown:
            self.write(f"   │ {line}")
        if len(lines) > len(shown):
            self.write(f"   │ … ({len(lines) - len(shown)} more lines)")

    def _view_summary(self, view: object) -> str:
        if not isinstance(view, dict):
            return "(no view)"
        title = (view.get("title") or {}).get("text", "")
        labels = [
            str((b.get("label") or {}).get("text", "")) for b in view.get("blocks", []) if b.get("type") == "input"
        ]
        submit = (view.get("submit") or {}).get("text")
        fields = f" — fields: {', '.join(labels)}" if labels else ""
        return f'"{title}"{fields}' + (f" [{submit}]" if submit else "")

    def _where(self, channel: str) -> str:
        found = self.slack.channels.get(channel)
        if found is not None and found.is_im:
            other = next((m for m in found.members if m != self.slack.workspace.bot_user_id), "")
            return f"DM to @{self._user_name(other)}"
        if channel in self.slack.users:
            return f"DM to @{self._user_name(channel)}"
        return f"#{self._channel_name(channel)}"

    def _user_name(self, user_id: str) -> str:
        user = self.slack.users.get(user_id)
        return user.name if user else user_id

    def _channel_name(self, channel_id: str) -> str:
        channel = self.slack.channels.get(channel_id)
        return channel.name if channel else channel_id


def _block_lines(blocks: list[Any]) -> list[str]:
    """The text of Block Kit blocks, one line per line of text, buttons in brackets."""
    lines: list[str] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind in ("header", "section"):
            text = (block.get("text") or {}).get("text")
            if text:
                lines.extend(str(text).splitlines())
            fields = [str(f.get("text", "")).replace("\n", ": ", 1) for f in block.get("fields") or []]
            lines.extend(fields)
        elif kind == "context":
            lines.append(" · ".join(str(e.get("text", "")) for e in block.get("elements", []) if "text" in e))
        elif kind == "actions":
            buttons = [(e.get("text") or {}).get("text", "") for e in block.get("elements", [])]
            lines.append(" ".join(f"[{b}]" for b in buttons if b))
        elif kind == "rich_text":
            lines.append("(rich text)")
    return [line for line in lines if line.strip()]
