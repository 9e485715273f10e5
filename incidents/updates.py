"""Stakeholder updates: one message for the channel and the stakeholders, optionally moving status and severity."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.changes import Change, ChangeResult, Target, _apply
from incidents.context import Context
from incidents.errors import InvalidInput
from incidents.lifecycle import acknowledge, apply_status
from incidents.model import Incident, TimelineEvent
from incidents.ports import Notice

FIELD_MAX = 2000


@dataclass(frozen=True)
class StakeholderUpdate:
    summary: str  # what's happening
    status: str | None = None
    severity: str | None = None
    impact: str = ""
    next_steps: str = ""
    eta: str = ""


def validate_update(ctx: Context, update: StakeholderUpdate) -> None:
    errors: dict[str, str] = {}
    if not update.summary.strip():
        errors["summary"] = "Say what is happening; stakeholders read this first."
    for name in ("summary", "impact", "next_steps", "eta"):
        if len(getattr(update, name)) > FIELD_MAX:
            errors[name] = f"Keep this to {FIELD_MAX} characters."
    if update.status and ctx.policy.status(update.status) is None:
        errors["status"] = f"Unknown status “{update.status}”."
    if update.severity and ctx.policy.severity(update.severity) is None:
        errors["severity"] = f"Unknown severity “{update.severity}”."
    if errors:
        raise InvalidInput(errors)


async def post_stakeholder_update(ctx: Context, target: Target, update: StakeholderUpdate) -> ChangeResult:
    """Record the update (and any status/severity it carries) and post it to the channel and stakeholders."""
    validate_update(ctx, update)

    def mutate(incident: Incident) -> Change:
        at = ctx.clock.now()
        data: dict[str, object] = {
            "summary": update.summary,
            "impact": update.impact,
            "next_steps": update.next_steps,
            "eta": update.eta,
        }
        if update.status and (status := ctx.policy.status(update.status)) and status.id != incident.status:
            data["status"] = {
                "from": incident.status,
                "to": status.id,
                "cleared": apply_status(incident, ctx.policy, status, at),
            }
        if update.severity and (sev := ctx.policy.severity(update.severity)) and sev.id != incident.severity:
            data["severity"] = {"from": incident.severity, "to": sev.id}
            incident.severity = sev.id
        acknowledge(incident, at)
        status_name = (ctx.policy.status(incident.status) or ctx.policy.initial_status).name
        fields = [("What's happening", update.summary.strip())]
        fields += [
            (label, value.strip())
            for label, value in (("Impact", update.impact), ("Next", update.next_steps), ("ETA", update.eta))
            if value.strip()
        ]
        stakeholders = ctx.policy.stakeholder_channel(incident.severity)
        extra = [stakeholders] if stakeholders and not incident.private else []
        return Change(
            TimelineEvent("stakeholder_update", at, target.actor, update.summary.strip(), data),
            Notice("stakeholder_update", target.actor, f"{incident.severity} · {status_name}", tuple(fields)),
            extra,
        )

    return await _apply(ctx, target, mutate)
