"""What the on-call commands and buttons say (issue 11). Words only; times in the reader's timezone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from incidents.durations import format_duration
from incidents.oncall.lookups import OnCallNow
from incidents.oncall.overrides import Override
from incidents.oncall.shifts import Shift
from incidents.oncall.swaps import SwapRequest

ONCALL_USAGE = """*On call*
• `/incident oncall [schedule|service]`: who is on call now, until when, and who is next
• `/incident oncall shifts [schedule|@person] [14d]`: upcoming shifts
• `/incident oncall override <schedule> @person <from> <to|4h> [reason]`: cover a schedule for a while
• `/incident oncall swap <schedule> <from> <to> [reason]`: ask someone to take your shift
• `/incident oncall export [schedule|me]`: a private calendar feed (.ics); `export reset` revokes yours
• `/incident page <@person|schedule|policy> [message]`: page now (linked to the incident in its channel)
Times: `now`, `18:00`, `tomorrow 09:00`, `mon 09:00`, `2026-12-24 18:00`, in your own timezone."""


def moment(at: datetime | None, zone: ZoneInfo) -> str:
    if at is None:
        return "beyond the next 92 days"
    return at.astimezone(zone).strftime("%a %d %b %H:%M %Z")


def zone_unknown(zone: ZoneInfo) -> str:
    return f"_(Times in {zone.key}: Slack did not say your timezone in time.)_"


def person(user: str | None) -> str:
    return f"<@{user}>" if user else "_nobody (a gap)_"


def who_is_on_call(answers: Sequence[OnCallNow], zone: ZoneInfo) -> str:
    if not answers:
        return "That service's escalation policies notify no schedule."
    lines = []
    for answer in answers:
        line = f"*{answer.schedule}*: {person(answer.now.user)} until {moment(answer.now.until, zone)}"
        if answer.next is not None:
            line += f", then {person(answer.next.user)}"
        lines.append(line)
    return "\n".join(lines)


def shift_list(pairs: Sequence[tuple[str, Shift]], zone: ZoneInfo, title: str) -> str:
    if not pairs:
        return f"{title}: none."
    lines = [f"*{title}*"]
    for schedule, shift in pairs[:60]:
        span = f"{moment(shift.start, zone)} → {moment(shift.end, zone)}"
        lines.append(f"• `{schedule}` {span} ({format_duration(shift.end - shift.start)}): {person(shift.user)}")
    if len(pairs) > 60:
        lines.append(f"…and {len(pairs) - 60} more: ask for fewer days.")
    return "\n".join(lines)


def override_made(override: Override, zone: ZoneInfo) -> str:
    return (
        f"Override stored: <@{override.user}> is on call for `{override.schedule}` from "
        f"{moment(override.start, zone)} to {moment(override.end, zone)}."
    )


def override_overlaps(found: Sequence[Override], zone: ZoneInfo) -> str:
    said = "; ".join(f"<@{o.user}> {moment(o.start, zone)} → {moment(o.end, zone)}" for o in found)
    return f"That overlaps {len(found)} override(s) of this schedule ({said}). Nothing is stored yet: replace them?"


def swap_posted(swap: SwapRequest, zone: ZoneInfo) -> str:
    reason = f" ({swap.reason})" if swap.reason else ""
    return (
        f":repeat: <@{swap.requester}> asks someone to take their `{swap.schedule}` shift from "
        f"{moment(swap.start, zone)} to {moment(swap.end, zone)}{reason}. Open until it starts."
    )


def swap_taken(swap: SwapRequest) -> str:
    return f":white_check_mark: <@{swap.taken_by}> took <@{swap.requester}>'s `{swap.schedule}` shift swap."


def swap_cancelled(swap: SwapRequest) -> str:
    return f"<@{swap.requester}> cancelled their `{swap.schedule}` swap request."


def feed_url(base: str | None, token: str) -> str:
    root = (base or "https://<your Firebreak host>").rstrip("/")
    return f"{root}/oncall/{token}.ics"


def feed_made(url: str, scope: str) -> str:
    what = "your own shifts" if scope == "me" else f"the `{scope}` schedule"
    return (
        f"Your private calendar feed of {what}: {url}\nAdd it to your calendar app by URL. Anyone with the link "
        "can read it: `/incident oncall export reset` revokes it."
    )


def feeds_revoked(count: int) -> str:
    return f"Revoked {count} calendar feed(s): their URLs no longer work." if count else "You have no calendar feeds."


def paged(what: str, name: str, reference: str | None) -> str:
    target = f"<@{name}>" if what == "user" else f"`{name}` ({what})"
    linked = f", for {reference}" if reference else ""
    return f":pager: Paging {target} now{linked}."


def page_acknowledged(reference: str | None, *, already: bool) -> str:
    if already:
        return "That page was acknowledged already."
    return f"Acknowledged: {reference} is yours, and its escalation has stopped." if reference else "Acknowledged."


PAGE_USAGE = "Say whom to page: `/incident page @person [message]`, `/incident page <schedule>` or `<policy>`."
OVERRIDE_USAGE = "Say `/incident oncall override <schedule> @person <from> <to|4h> [reason]`."
SWAP_USAGE = "Say `/incident oncall swap <schedule> <from> <to> [reason]`."
