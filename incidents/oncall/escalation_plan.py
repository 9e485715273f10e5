"""An escalation policy laid out as the step firings it makes, and the round-robin choice of whom to page.

Pure: paging_plan.py plans each firing as scheduled work keyed like `work_key` (so a restart or a second replica
never sends a step twice), paging.py resolves a schedule step's on-call person when the step fires, and the
planner stops every pending firing of an incident when someone acknowledges.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta

from incidents.oncall.escalation_policy import EscalationStep
from incidents.oncall.policy import OncallPolicy


@dataclass(frozen=True, slots=True)
class PlannedStep:
    """One firing: step `index` of `policy` in run `run` (0: the first; 1…: repeats), `after` the start."""

    policy: str
    run: int
    index: int
    after: timedelta
    step: EscalationStep

    def work_key(self, incident_id: int) -> str:
        """The idempotency key of this firing for an incident: the same firing always has the same key."""
        return f"page:{incident_id}:{self.policy}:{self.run}:{self.index}"


def plan_escalation(oncall: OncallPolicy, policy_name: str, *, after: timedelta = timedelta(0)) -> list[PlannedStep]:
    """Every firing of the policy in order, hand-overs followed (the other policy's firings continue on)."""
    policy = oncall.escalation_policies[policy_name]
    planned: list[PlannedStep] = []
    offset = after
    for run in range(policy.repeat + 1):
        for index, step in enumerate(policy.steps):
            if step.policy is not None:  # the last step: validation refuses repeat with it, and cycles
                return planned + plan_escalation(oncall, step.policy, after=offset)
            planned.append(PlannedStep(policy_name, run, index, offset, step))
            offset += step.wait
    return planned


def round_robin_pick(users: Sequence[str], cursor: int, skip: Collection[str] = ()) -> tuple[str | None, int]:
    """The user to page at this firing (None if every one is skipped) and the cursor to keep for the next.

    The cursor is kept per policy step across incidents, so paging spreads over the users; users in `skip`
    (deactivated in Slack, say) are passed over without losing anyone else's turn.
    """
    for offset in range(len(users)):
        position = (cursor + offset) % len(users)
        if users[position] not in skip:
            return users[position], (position + 1) % len(users)
    return None, cursor % len(users) if users else 0
