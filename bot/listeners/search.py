"""`/incident search|similar|runbook|runbooks` and the Useful / Not relevant buttons.

Registered before the general `/incident` listener, which never sees these subcommands. Each is one read or
one small write, so it is answered in the ack itself (ephemeral, to the asker): search answers within its
150 ms budget. Listener: parse, call one use case, render.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot import search_text
from bot.blocks.format import escape
from bot.errors import describe
from incidents.context import Context
from incidents.message_text import readable
from incidents.naming import normalise_reference
from incidents.search.feedback import Verdict
from incidents.search.runbooks import add_runbook, list_runbooks, remove_runbook
from incidents.search.service import SearchServices
from incidents.search.use_cases import hit_rate, rate_suggestion, search_incidents, similar_incidents

SUBCOMMANDS = frozenset({"search", "similar", "runbook", "runbooks"})
RUNBOOK_USAGE = (
    "`/incident runbook add <service> <https://…> [title]`, `/incident runbook remove <service> <url>`, "
    "`/incident runbooks [service]`"
)


def _split(text: str) -> tuple[str, str]:
    words = text.strip().split(maxsplit=1)
    if not words:
        return "", ""
    return words[0].lower(), words[1] if len(words) > 1 else ""


async def _answer(ctx: Context, search: SearchServices, command: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    name, rest = _split(command.get("text", ""))
    user, channel = command["user_id"], command["channel_id"]
    if name == "search":
        # The command's text arrives with Slack's entities and tokens: search the text people see.
        return search_text.search_answer(await search_incidents(ctx, search, user, readable(rest, {})))
    if name == "similar":
        word = rest.split()[0] if rest.split() else ""
        if word.lower() == "stats":
            return search_text.hit_rate_text(await hit_rate(search)), []
        reference = normalise_reference(word) if word else None
        if word and reference is None:
            return f"`{escape(word)}` is not an incident ID: `/incident similar INC-2026-0042`.", []
        answer = await similar_incidents(ctx, search, user, reference=reference, channel_id=channel)
        return search_text.similar_answer(answer), []
    if name == "runbooks":
        books = await list_runbooks(search, rest)
        return search_text.runbook_list(books, rest.split()[0] if rest.split() else None), []
    action, arguments = _split(rest)
    if action == "add":
        return search_text.runbook_added(*await add_runbook(ctx, search, user, arguments)), []
    if action == "remove":
        return search_text.runbook_removed(await remove_runbook(ctx, search, user, arguments)), []
    return f"Runbooks: {RUNBOOK_USAGE}.", []


def register_search(app: AsyncApp, ctx: Context, search: SearchServices) -> None:
    async def is_search(command: dict[str, Any]) -> bool:
        return _split(command.get("text", ""))[0] in SUBCOMMANDS

    async def ack_search(ack: AsyncAck, command: dict[str, Any]) -> None:
        try:
            text, blocks = await _answer(ctx, search, command)
        except Exception as exc:
            text, blocks = describe(exc), []
        await ack(text=text, blocks=blocks) if blocks else await ack(text=text)

    async def ack_button(ack: AsyncAck) -> None:
        await ack()

    async def rate(body: dict[str, Any], action: dict[str, Any], respond: AsyncRespond) -> None:
        try:
            incident_id, suggested_id = (int(part) for part in str(action.get("value", "")).split(":"))
            useful = action["action_id"] == search_text.USEFUL
            verdict = Verdict.USEFUL if useful else Verdict.NOT_RELEVANT
            await rate_suggestion(
                ctx, search, body["user"]["id"], incident_id=incident_id, suggested_id=suggested_id, verdict=verdict
            )
            message = search_text.feedback_thanks(useful)
        except ValueError:
            message = "I couldn't read that button."
        except Exception as exc:
            message = describe(exc)
        await respond(text=message, response_type="ephemeral", replace_original=False)

    app.command("/incident", matchers=[is_search])(ack_search)
    app.action(search_text.USEFUL)(ack=ack_button, lazy=[rate])
    app.action(search_text.NOT_RELEVANT)(ack=ack_button, lazy=[rate])
