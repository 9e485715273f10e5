"""The `oncall:` section of the policy file: schedules, escalation policies, services, load limits.

Everything that can be checked without Slack is checked here, each problem at its own key: names usable in
commands, references to schedules and policies that exist, hand-overs that do not come back round, and a
commander that can be chosen. Whether a user id exists is asked of Slack by check-config (user_check.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field, model_validator

from incidents.oncall.escalation_policy import EscalationPolicy, hand_over_cycle
from incidents.oncall.policy_fields import Problems, check_name
from incidents.oncall.schedule_policy import Schedule

# Words `/incident oncall …` reads as subcommands or arguments, so they cannot also be schedule names.
RESERVED_SCHEDULE_NAMES = frozenset({"shifts", "override", "swap", "export", "me", "reset", "page", "help"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ServiceRouting(_Strict):
    """Which policy pages for a service (per severity if given), and whether its on-call becomes commander."""

    policy: str | None = None
    by_severity: dict[str, str] = Field(default_factory=dict)
    assign_commander: bool = False

    def policy_for(self, severity: str | None) -> str | None:
        if severity is not None:
            for key, name in self.by_severity.items():
                if key.lower() == severity.lower():
                    return name
        return self.policy


class LoadLimits(_Strict):
    """Past these, in one week (Monday to Monday in the schedule's timezone), the schedule's channel is told."""

    max_pages_week: int | None = Field(default=None, ge=1)
    max_out_of_hours_week: int | None = Field(default=None, ge=1)


class OncallPolicy(_Strict):
    schedules: dict[str, Schedule] = Field(default_factory=dict)
    escalation_policies: dict[str, EscalationPolicy] = Field(default_factory=dict)
    services: dict[str, ServiceRouting] = Field(default_factory=dict)
    load: LoadLimits = Field(default_factory=LoadLimits)

    @model_validator(mode="after")
    def _references(self) -> OncallPolicy:
        found = Problems()
        for name in self.schedules:
            said = check_name(name, "schedule")
            if said is None and name in RESERVED_SCHEDULE_NAMES:
                said = f"'{name}' is a word of `/incident oncall`: choose another schedule name"
            if said:
                found.add(("schedules", name), said)
        for name, policy in self.escalation_policies.items():
            said = check_name(name, "policy")
            if said:
                found.add(("escalation_policies", name), said)
            self._check_steps(name, policy, found)
        for name, service in self.services.items():
            self._check_service(name, service, found)
        found.raise_any("OncallPolicy")
        return self

    def _check_steps(self, name: str, policy: EscalationPolicy, found: Problems) -> None:
        for index, step in enumerate(policy.steps):
            where = ("escalation_policies", name, "steps", index)
            if step.schedule is not None and step.schedule not in self.schedules:
                found.add((*where, "schedule"), _unknown("schedule", step.schedule, self.schedules))
            if step.policy is None:
                continue
            if step.policy == name:
                found.add((*where, "policy"), f"policy '{name}' hands over to itself")
            elif step.policy not in self.escalation_policies:
                found.add((*where, "policy"), _unknown("policy", step.policy, self.escalation_policies))
            else:
                cycle = hand_over_cycle(self.escalation_policies, name)
                if cycle is not None and cycle[0] == cycle[-1]:
                    found.add((*where, "policy"), f"hand-overs go round in a cycle: {' → '.join(cycle)}")

    def _check_service(self, name: str, service: ServiceRouting, found: Problems) -> None:
        if service.policy is None and not service.by_severity:
            found.add(("services", name), "a service needs a `policy` (or `by_severity` policies) to page")
        named: list[tuple[tuple[str, ...], str]] = [(("policy",), service.policy)] if service.policy else []
        named += [(("by_severity", severity), policy) for severity, policy in service.by_severity.items()]
        for key, policy in named:
            if policy not in self.escalation_policies:
                found.add(("services", name, *key), _unknown("policy", policy, self.escalation_policies))
            elif service.assign_commander and self.commander_schedule(policy) is None:
                found.add(
                    ("services", name, "assign_commander"),
                    f"policy '{policy}' does not start by notifying a schedule, so it has no on-call commander",
                )

    def commander_schedule(self, policy_name: str) -> str | None:
        """The schedule whose on-call a policy notifies first (following a hand-over at its first step)."""
        seen: set[str] = set()
        policy = self.escalation_policies.get(policy_name)
        while policy is not None and policy_name not in seen:
            seen.add(policy_name)
            first = policy.steps[0]
            if first.schedule is not None:
                return first.schedule
            if first.policy is None:
                return None
            policy_name, policy = first.policy, self.escalation_policies.get(first.policy)
        return None

    def service_policy(self, service: str, severity: str | None = None) -> str | None:
        """The escalation policy that pages for an incident on `service` of `severity`, if one is mapped."""
        routing = self.services.get(service)
        return routing.policy_for(severity) if routing is not None else None


def _unknown(what: str, name: str, known: Iterable[str]) -> str:
    names = sorted(known)
    nearest = difflib.get_close_matches(name, names, n=1)
    if nearest:
        return f"unknown {what} '{name}'; did you mean '{nearest[0]}'?"
    return f"unknown {what} '{name}'; known: {', '.join(names)}" if names else f"unknown {what} '{name}' (none defined)"
