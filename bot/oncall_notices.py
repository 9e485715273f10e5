"""The on-call slice's notices in words (issue 11): the `Wording` the composition root gives the slice."""

from __future__ import annotations

from bot.blocks.format import when
from incidents.oncall.notices import (
    BriefingNotice,
    HandoffNotice,
    IncidentBrief,
    LoadNotice,
    OncallNotice,
    PagedNotice,
    PageNotice,
    StepNotice,
)
from incidents.ports import FollowUpNotice

ACKNOWLEDGE_PAGE = "page_acknowledge"  # a button kind of bot/blocks/followup.py


def render_oncall_notice(notice: OncallNotice) -> FollowUpNotice:
    if isinstance(notice, PageNotice):
        return _page(notice)
    if isinstance(notice, PagedNotice):
        return _paged(notice)
    if isinstance(notice, StepNotice):
        return _step(notice)
    if isinstance(notice, LoadNotice):
        return _load(notice)
    if isinstance(notice, HandoffNotice):
        until = f" until {when(notice.until)}" if notice.until else ""
        hands = f"{_who(notice.outgoing)} → {_who(notice.incoming)}"
        text = f":arrows_counterclockwise: `{notice.schedule}` handoff: {hands}{until}"
        return FollowUpNotice("oncall_handoff", text)
    return _briefing(notice)


def _page(notice: PageNotice) -> FollowUpNotice:
    why = f" (you are on call for `{notice.schedule}`)" if notice.schedule else ""
    incident = notice.incident
    if incident is not None:
        head = f":rotating_light: You are paged for {incident.reference} ({incident.severity}): {incident.title}{why}"
    else:
        head = f":rotating_light: You are paged{why}"
    lines: list[str] = []
    if notice.commander_from:
        lines.append(f"You are on call for `{notice.commander_from}`, so you are the incident's commander.")
    if notice.paged_by:
        lines.append(f"Paged by <@{notice.paged_by}>.")
    if notice.policy is not None and notice.step is not None:
        lines.append(f"Escalation policy `{notice.policy}`, step {notice.step + 1}.")
    if notice.message:
        lines.append(f"> {notice.message}")
    if incident is not None and incident.channel_id:
        lines.append(f"Join <#{incident.channel_id}>.")
    reference = incident.reference if incident is not None else None
    value = f"{notice.page_id} {reference}" if reference else notice.page_id
    return FollowUpNotice("page", head, reference, buttons=((ACKNOWLEDGE_PAGE, value),), lines=tuple(lines))


def _paged(notice: PagedNotice) -> FollowUpNotice:
    incident = notice.incident
    who = " ".join([f"<@{u}>" for u in notice.users] + [_mention(t) for t in notice.usergroups]) or "nobody"
    which = f" (policy `{notice.policy}`, step {notice.step + 1})" if notice.policy else ""
    if notice.paged_by:
        text = f":pager: <@{notice.paged_by}> paged {who}{which}"
    else:
        text = f":pager: {incident.reference} is unacknowledged: paging {who}{which}"
    return FollowUpNotice("page", text, incident.reference, buttons=(("acknowledge", incident.reference),))


def _step(notice: StepNotice) -> FollowUpNotice:
    incident = notice.incident
    about = f"{incident.reference} ({incident.severity}): {incident.title}" if incident else "a page"
    step = f"escalation policy `{notice.policy}`, step {notice.step + 1}"
    text = f":pager: {_mention(notice.target)} {about} needs someone: {step}"
    reference = incident.reference if incident else None
    buttons = (("acknowledge", incident.reference),) if incident is not None else ()
    return FollowUpNotice("page", text, reference, buttons=buttons)


def _load(notice: LoadNotice) -> FollowUpNotice:
    said = {"pages": "pages a week", "out_of_hours": "out-of-hours pages a week"}
    over = " and ".join(f"{limit} {said[kind]}" for kind, limit in notice.over)
    text = (
        f":warning: <@{notice.user}> has been paged {notice.pages} time(s) this week on `{notice.schedule}` "
        f"({notice.out_of_hours} out of hours), over {over}. Consider rebalancing: "
        f"`/incident oncall override {notice.schedule} @someone …`."
    )
    return FollowUpNotice("oncall_load", text)


def _briefing(notice: BriefingNotice) -> FollowUpNotice:
    lines = [_incident_line(i) for i in notice.incidents] or ["• No open incidents."]
    lines += [f"• Your action item #{a.id}: {a.text} (due {a.due_on:%a %d %b})" for a in notice.items]
    until = f" until {when(notice.until)}" if notice.until else ""
    text = f":pager: You are now on call for `{notice.schedule}`{until}. Open incidents and your action items:"
    return FollowUpNotice("oncall_handoff", text, lines=tuple(lines))


def _incident_line(incident: IncidentBrief) -> str:
    channel = f" <#{incident.channel_id}>" if incident.channel_id else ""
    return f"• {incident.reference} ({incident.severity}) {incident.title}{channel}"


def _who(user: str | None) -> str:
    return f"<@{user}>" if user else "nobody (a gap)"


def _mention(target: str) -> str:
    if target.startswith("S"):
        return f"<!subteam^{target}>"
    return f"<#{target}>" if target.startswith(("C", "G")) else target
