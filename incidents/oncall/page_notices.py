"""What pages, and the notices around them, say. Words only; the chat adapter lays them out."""

from __future__ import annotations

from collections.abc import Sequence

from incidents.model import Incident
from incidents.ports import FollowUpNotice

ACK_BUTTON = "page_acknowledge"


def ack_value(page_id: str, reference: str | None) -> str:
    """The Acknowledge button's value: the page, and its incident when there is one."""
    return f"{page_id} {reference}" if reference else page_id


def page_dm(
    page_id: str,
    incident: Incident | None,
    *,
    schedule: str | None,
    policy: str | None,
    step: int | None,
    paged_by: str | None = None,
    message: str = "",
    commander_from: str | None = None,
) -> FollowUpNotice:
    """The DM that pages someone, with **Acknowledge**."""
    why = f" (you are on call for `{schedule}`)" if schedule else ""
    if incident is not None:
        head = f":rotating_light: You are paged for {incident.reference} ({incident.severity}): {incident.title}{why}"
    else:
        head = f":rotating_light: You are paged{why}"
    lines: list[str] = []
    if commander_from:
        lines.append(f"You are on call for `{commander_from}`, so you are the incident's commander.")
    if paged_by:
        lines.append(f"Paged by <@{paged_by}>.")
    if policy is not None and step is not None:
        lines.append(f"Escalation policy `{policy}`, step {step + 1}.")
    if message:
        lines.append(f"> {message}")
    if incident is not None and incident.channel_id:
        lines.append(f"Join <#{incident.channel_id}>.")
    reference = incident.reference if incident is not None else None
    return FollowUpNotice(
        "page", head, reference, buttons=((ACK_BUTTON, ack_value(page_id, reference)),), lines=tuple(lines)
    )


def paged_in_channel(
    incident: Incident, users: Sequence[str], targets: Sequence[str], step: int, policy: str, paged_by: str | None
) -> FollowUpNotice:
    """The incident channel's note of a step: who was paged, and any user group or channel told."""
    who = " ".join([f"<@{u}>" for u in users] + [_mention(t) for t in targets]) or "nobody"
    if paged_by:
        text = f":pager: <@{paged_by}> paged {who}" + (f" (policy `{policy}`, step {step + 1})" if policy else "")
    else:
        text = f":pager: {incident.reference} is unacknowledged: paging {who} (policy `{policy}`, step {step + 1})"
    return FollowUpNotice("page", text, incident.reference, buttons=(("acknowledge", incident.reference),))


def step_elsewhere(incident: Incident | None, policy: str, step: int, target: str) -> FollowUpNotice:
    """A step that notifies a channel or a user group."""
    about = f"{incident.reference} ({incident.severity}): {incident.title}" if incident else "a page"
    text = f":pager: {_mention(target)} {about} needs someone: escalation policy `{policy}`, step {step + 1}"
    reference = incident.reference if incident else None
    buttons = (("acknowledge", incident.reference),) if incident is not None else ()
    return FollowUpNotice("page", text, reference, buttons=buttons)


def gap_note(schedule: str) -> str:
    return f"Nobody is on call for `{schedule}` now (a gap in the schedule): the next step pages at once instead."


def skipped_note(user: str, schedule: str | None = None) -> str:
    where = f" (on call for `{schedule}`)" if schedule else ""
    return f"Skipped <@{user}>{where}: their Slack account is deactivated."


def load_warning(schedule: str, user: str, pages: int, out_of_hours: int, limit_said: str) -> FollowUpNotice:
    text = (
        f":warning: <@{user}> has been paged {pages} time(s) this week on `{schedule}` ({out_of_hours} out of "
        f"hours), over {limit_said}. Consider rebalancing: `/incident oncall override {schedule} @someone …`."
    )
    return FollowUpNotice("oncall_load", text)


def _mention(target: str) -> str:
    if target.startswith("S"):
        return f"<!subteam^{target}>"
    return f"<#{target}>" if target.startswith(("C", "G")) else target
