"""What reminders, escalations, nudges and the digest say. Words only; the chat adapter lays them out."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from incidents.action_items import ActionItem, ActionItemFilter
from incidents.context import Context
from incidents.durations import format_duration
from incidents.message_text import encode_entities, message_mrkdwn
from incidents.model import Incident, IncidentFilter
from incidents.ports import FollowUpNotice


def reminder_notice(incident: Incident, cadence: timedelta | None) -> FollowUpNotice:
    commander = f"<@{incident.commander}>" if incident.commander else "Commander"
    if cadence is None:
        return FollowUpNotice(
            "postmortem_reminder",
            f"{commander}, {incident.reference} ({incident.severity}) was resolved and still has no published "
            "postmortem. `/incident postmortem` drafts one from the timeline in a minute.",
            incident.reference,
        )
    return FollowUpNotice(
        "update_reminder",
        f"{commander}, no update on {incident.reference} for {format_duration(cadence)} "
        f"({incident.severity} cadence). Stakeholders are waiting: post an update.",
        incident.reference,
        buttons=(("post_update", incident.reference), ("snooze", incident.reference)),
    )


def escalation_notice(incident: Incident, level: int, targets: list[str], *, has_levels: bool) -> FollowUpNotice:
    who = " ".join(_mention(t) for t in targets)
    if level < 0:
        text = (
            f":rotating_light: {incident.reference} ({incident.severity}) is still unresolved: "
            f"escalating to management {who}".rstrip()
        )
    elif not has_levels:
        commander = f"<@{incident.commander}>" if incident.commander else "Responders"
        head = f":warning: Nobody has acknowledged {incident.reference} ({incident.severity}) yet."
        text = f"{head} {commander}, please acknowledge."
    else:
        head = f":warning: {incident.reference} ({incident.severity}) is unacknowledged"
        text = f"{head}: escalation level {level + 1} {who}".rstrip()
    return FollowUpNotice("escalation", text, incident.reference, buttons=(("acknowledge", incident.reference),))


def _mention(target: str) -> str:
    if target.startswith("S"):
        return f"<!subteam^{target}>"
    if target.startswith(("U", "W")):
        return f"<@{target}>"
    return f"<#{target}>" if target.startswith(("C", "G")) else target


def nudge_notice(item: ActionItem, stage: str, today: date) -> FollowUpNotice:
    """`today` is the owner's own date. The words follow it rather than the `stage` that planned the nudge: a
    nudge held until the owner's working day starts may land on the due day, or after it."""
    if item.due_on > today:
        when = f"is due {item.due_on:%a %d %b}"
    elif item.due_on == today:
        when = "is due today"
    else:
        when = f"is {(today - item.due_on).days} day(s) overdue (due {item.due_on:%d %b})"
    # The item's text is someone's words in a DM the bot sends: shown as written, a typed @channel as words.
    text = f"Action item #{item.id} from {item.incident_reference} {when}: {message_mrkdwn(item.text)}"
    return FollowUpNotice(
        "nudge", text, item.incident_reference, buttons=(("item_done", str(item.id)), ("item_snooze", str(item.id)))
    )


async def digest_notice(ctx: Context, *, since: datetime, preview: bool = False) -> FollowUpNotice:
    """The weekly digest. Private incidents and their action items are left out of it: it is posted to a
    channel. An admin's `preview` (only they see it) adds one line counting the private incidents' items."""
    today = ctx.clock.now().date()
    async with ctx.uow(write=False) as uow:
        recent = [
            i
            for i in await uow.incidents.search(IncidentFilter(open_only=False, limit=500))
            if i.declared_at >= since and not i.private
        ]
        items = await uow.action_items.search(ActionItemFilter(open_only=True, private=False, limit=1000))
        hidden = (
            await uow.action_items.search(ActionItemFilter(open_only=True, private=True, limit=1000)) if preview else []
        )
    lines = [f"*Incidents this week* ({len(recent)})"]
    # A title as typed into the declare form: escaped, since in a channel a typed `<!channel>` would ping everyone.
    shown = [f"• {i.reference} [{i.severity}] {encode_entities(i.title)} · {i.status}" for i in recent[:30]]
    lines += shown or ["• none :tada:"]
    by_owner: dict[str, list[ActionItem]] = {}
    for item in items:
        by_owner.setdefault(item.owner, []).append(item)
    lines.append(f"*Open action items* ({len(items)})")
    for owner, owned in sorted(by_owner.items(), key=lambda kv: -len(kv[1])):
        overdue = _overdue(owned, today)
        lines.append(f"• <@{owner}>: {len(owned)} open" + (f", {overdue} overdue" if overdue else ""))
    if not items:
        lines.append("• none")
    if hidden:
        overdue = _overdue(hidden, today)
        lines.append(
            f"• :lock: Private incidents: {len(hidden)} open action items"
            + (f" ({overdue} overdue)" if overdue else "")
            + ", left out of the posted digest"
        )
    return FollowUpNotice("digest", "Weekly incident digest", None, lines=tuple(lines))


def _overdue(items: list[ActionItem], today: date) -> int:
    return sum(1 for i in items if i.is_overdue(today))
