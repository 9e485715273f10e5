"""At declaration: which escalation policy pages for the incident, who commands it, and who was on call.

- The policy: the one the declarer named (an alert route's, say) if the policy file defines it; else the
  first of the incident's services (in the order given) that `oncall.services` maps, per severity if
  `by_severity` names one; else none, and the `escalation.levels` apply as before.
- The commander: with `assign_commander`, whoever is on call now for the schedule the policy notifies first,
  unless the declarer chose someone other than themselves (the form's default). A gap, or someone
  deactivated, leaves the declarer's choice.
- Acknowledged at once: only when the declarer commands it and no policy pages, or the declarer is the very
  person the policy would page first. Otherwise the policy pages, from the declaration on.
- The snapshot: each schedule's person on call at the declaration, recorded with the incident.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from incidents.errors import ChatError
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.roster import OncallRoster
from incidents.ports import IncidentChat

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Routing:
    policy: str | None
    commander: str
    on_call_commander: str | None = None  # the schedule the commander was taken from, when they were
    acknowledged_at_once: bool = True
    snapshot: dict[str, str | None] = field(default_factory=dict)


def routed_policy(oncall: OncallPolicy, services: list[str], severity: str, explicit: str | None) -> str | None:
    if explicit is not None and explicit in oncall.escalation_policies:
        return explicit
    by_name = {name.lower(): name for name in oncall.services}
    for service in services:
        name = by_name.get(" ".join(service.split()).lower())
        if name is not None:
            policy = oncall.service_policy(name, severity)
            if policy is not None:
                return policy
    return None


def _assigns_commander(oncall: OncallPolicy, services: list[str]) -> bool:
    by_name = {name.lower(): routing for name, routing in oncall.services.items()}
    return any((found := by_name.get(s.lower())) is not None and found.assign_commander for s in services)


async def route_declaration(
    roster: OncallRoster | None,
    *,
    services: list[str],
    severity: str,
    explicit: str | None,
    declarer: str,
    chosen_commander: str | None,
    is_active: ActiveCheck,
) -> Routing:
    """Where the incident's paging and command come from (see the module's rules)."""
    commander = chosen_commander or declarer
    if roster is None or not (roster.oncall.schedules or roster.oncall.escalation_policies):
        return Routing(None, commander, acknowledged_at_once=commander == declarer)
    oncall = roster.oncall
    policy = routed_policy(oncall, services, severity, explicit)
    snapshot = await roster.everyone_on_call()
    first_schedule = oncall.commander_schedule(policy) if policy is not None else None
    first_on_call = snapshot.get(first_schedule) if first_schedule is not None else None
    taken_from = None
    if (
        first_schedule is not None
        and first_on_call is not None
        and commander == declarer
        and _assigns_commander(oncall, services)
        and await is_active(first_on_call)
    ):
        commander, taken_from = first_on_call, first_schedule
    at_once = commander == declarer and (policy is None or first_on_call == declarer)
    return Routing(policy, commander, taken_from, at_once, snapshot)


class ActiveCheck:
    """Whether a user can be paged or given a role: not deactivated (unknown to Slack right now: assumed yes)."""

    def __init__(self, chat: IncidentChat) -> None:
        self._chat = chat

    async def __call__(self, user: str) -> bool:
        try:
            found = await self._chat.person(user)
        except ChatError as exc:
            log.warning("Could not check user %s (%s); assuming active", user, exc.code)
            return True
        return found is not None and not found.deleted
