"""`/incident`: answered within the ack where it is a quick read, otherwise acked and done lazily."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.command_parser import ParsedCommand, parse_command, parse_list_options, parse_user
from bot.errors import describe
from bot.list_answers import ListAnswers
from bot.listeners.follow_through import action_command, actions_command, digest_command
from bot.listeners.oncall import oncall_answer, run_oncall, run_page
from bot.listeners.postmortem import draft_after_resolution, postmortem_command
from bot.listeners.timeline import note_command, timeline_command
from bot.oncall_parser import is_write as oncall_write
from bot.text import incident_details, incident_list, needs_argument, problems_text, roles_text, unknown_command, usage
from bot.views.declare import render_declare_modal
from bot.views.forms import render_resolve_modal, render_update_modal
from incidents.changes import Target, assign_role, authorize, change_severity, change_status, reopen
from incidents.context import Context
from incidents.errors import InvalidInput
from incidents.model import IncidentFilter
from incidents.queries import incident_for_channel, known_services, list_incidents, show_incident

# Subcommands whose work (Web API calls, writes) happens after the ack.
LAZY = {
    "",
    "declare",
    "status",
    "severity",
    "role",
    "update",
    "resolve",
    "reopen",
    "timeline",
    "note",
    "action",
    "actions",
    "postmortem",
    "digest",
    "page",
}


def _target(command: dict[str, Any], parsed: ParsedCommand) -> Target:
    return Target(actor=command["user_id"], reference=parsed.reference, channel_id=command["channel_id"])


def _check_arguments(ctx: Context, parsed: ParsedCommand) -> str | None:
    """Cheap checks against the policy, so a typo is answered in the ack itself."""
    policy = ctx.policy
    if parsed.name == "status":
        if not parsed.args:
            return needs_argument("/incident status monitoring")
        if policy.status(parsed.args[0]) is None:
            return f"Unknown status `{parsed.args[0]}`. Choose one of: {', '.join(s.id for s in policy.statuses)}."
    if parsed.name == "severity":
        if not parsed.args:
            return needs_argument("/incident severity SEV2")
        if policy.severity(parsed.args[0]) is None:
            names = ", ".join(s.id for s in policy.severity_choices())
            return f"Unknown severity `{parsed.args[0]}`. Choose one of: {names}."
    if parsed.name == "role":
        if not parsed.args or policy.role(parsed.args[0]) is None:
            return (
                f"Name a role ({', '.join(r.id for r in policy.roles)}) and a person: `/incident role tech_lead @alex`."
            )
        if parse_user(parsed.rest) is None:
            return needs_argument(f"/incident role {parsed.args[0]} @alex")
    return None


async def _answer_now(ctx: Context, lists: ListAnswers, command: dict[str, Any], parsed: ParsedCommand) -> str | None:
    """The answer for subcommands that are only reads; None for the ones done lazily."""
    user, channel = command["user_id"], command["channel_id"]
    now = ctx.clock.now()
    if parsed.name == "help":
        return usage(ctx.policy)
    if parsed.name == "unknown":
        return unknown_command(parsed.word, ctx.policy)
    if parsed.name == "list":
        return await _list(ctx, lists, user, parsed.rest, now)
    if parsed.name == "oncall" and not oncall_write(parsed.rest):  # on-call reads (issue 11)
        return await oncall_answer(ctx, user, parsed.rest)
    if parsed.name in ("show", "roles") or (parsed.name == "" and await incident_for_channel(ctx, channel)):
        incident, events = await show_incident(ctx, user, reference=parsed.reference, channel_id=channel)
        if parsed.name == "roles":
            return roles_text(incident, ctx.policy)
        return incident_details(incident, events, ctx.policy, now)
    return _check_arguments(ctx, parsed)


async def _list(ctx: Context, lists: ListAnswers, user: str, rest: str, now: datetime) -> str:
    # Durations are shown to the second, so within one second the same options give the same answer.
    key = (user, " ".join(rest.split()), int(now.timestamp()))
    answer = lists.get(key)
    if answer is not None:
        return answer
    version = lists.version()
    options = parse_list_options(rest)
    if options.error:
        return options.error
    query = IncidentFilter(
        open_only=options.open_only,
        severity=(ctx.policy.severity(options.severity) or ctx.policy.triage).id if options.severity else None,
        service=options.service,
        involving=user if options.mine else None,
    )
    if options.severity and ctx.policy.severity(options.severity) is None:
        return f"Unknown severity `{options.severity}`."
    found = await list_incidents(ctx, user, query)
    answer = incident_list(found, ctx.policy, now, open_only=options.open_only)
    lists.put(key, answer, version=version)
    return answer


def register_commands(app: AsyncApp, ctx: Context) -> None:
    lists = ListAnswers(lambda: ctx.uow.committed_writes)

    async def answered_in_ack(command: dict[str, Any]) -> bool:
        parsed = parse_command(command.get("text", ""))
        return parsed.name not in LAZY and not (parsed.name == "oncall" and oncall_write(parsed.rest))

    async def ack_incident(ack: AsyncAck, command: dict[str, Any]) -> None:
        parsed = parse_command(command.get("text", ""))
        try:
            answer = await _answer_now(ctx, lists, command, parsed)
        except Exception as exc:
            answer = describe(exc)
        await ack(text=answer) if answer else await ack()

    async def run_incident(command: dict[str, Any], respond: AsyncRespond, client: AsyncWebClient) -> None:
        parsed = parse_command(command.get("text", ""))
        if _check_arguments(ctx, parsed):
            return  # answered in the ack
        try:
            await _run(ctx, command, parsed, respond, client)
        except Exception as exc:
            await respond(text=describe(exc), response_type="ephemeral", replace_original=False)

    # Reads (list, show, roles, help, unknown words) are answered whole in the ack. Registered first and
    # without a lazy listener, so Bolt neither copies the request for one nor starts a task that does nothing.
    app.command("/incident", matchers=[answered_in_ack])(ack_incident)
    app.command("/incident")(ack=ack_incident, lazy=[run_incident])


async def _run(
    ctx: Context, command: dict[str, Any], parsed: ParsedCommand, respond: AsyncRespond, client: AsyncWebClient
) -> None:
    target = _target(command, parsed)
    trigger = command["trigger_id"]
    name = parsed.name
    result = None
    if name in ("", "declare"):
        if name == "" and await incident_for_channel(ctx, command["channel_id"]):
            return  # a bare /incident in an incident channel was answered with its details
        view = render_declare_modal(
            ctx.policy,
            declarer=target.actor,
            known_services=await known_services(ctx),
            title=parsed.rest,
            origin_channel=command["channel_id"],
        )
        await client.views_open(trigger_id=trigger, view=view)
    elif name == "update":
        await client.views_open(trigger_id=trigger, view=render_update_modal(ctx.policy, await authorize(ctx, target)))
    elif name == "resolve":
        incident = await authorize(ctx, target)
        await client.views_open(trigger_id=trigger, view=render_resolve_modal(incident, initial=parsed.rest))
    elif name == "status":
        result = await change_status(ctx, target, parsed.args[0], parsed.rest)
    elif name == "severity":
        result = await change_severity(ctx, target, parsed.args[0], parsed.rest)
    elif name == "role":
        user = parse_user(parsed.rest)
        if user is None:
            raise InvalidInput({"user": needs_argument("/incident role commander @alex")})
        result = await assign_role(ctx, target, parsed.args[0], user)
    elif name == "reopen":
        result = await reopen(ctx, target, parsed.rest)
    elif name == "timeline":
        await timeline_command(ctx, parsed, target, respond)
    elif name == "note":
        await note_command(ctx, parsed, target, respond)
    elif name == "action":
        await action_command(ctx, parsed, target, respond, client, trigger)
    elif name == "actions":
        await actions_command(ctx, parsed, target, respond)
    elif name == "postmortem":
        await postmortem_command(ctx, parsed, target, respond, client, trigger)
    elif name == "digest":
        await digest_command(ctx, parsed, target, respond)
    elif name == "oncall":  # on-call (issue 11)
        await run_oncall(ctx, command, parsed.rest, respond, client)
    elif name == "page":
        await run_page(ctx, command, parsed.rest, respond)
    if result is not None and result.problems:
        await respond(text=problems_text(result.problems), response_type="ephemeral", replace_original=False)
    if result is not None:  # a status that resolves it: the policy's severities get a postmortem draft
        await draft_after_resolution(ctx, result, client, target.actor)
