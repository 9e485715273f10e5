"""Whether the users the `oncall:` section names exist in the Slack workspace (asked by check-config and run).

Every distinct user id is asked about once; each that is unknown to the workspace, or deactivated, is one
problem line per key naming it, `file: key: problem`, like the policy file's other problems. When Slack cannot
be asked, the caller warns and goes on (ChatError propagates).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from incidents.oncall.policy import OncallPolicy
from incidents.ports import Person

PersonLookup = Callable[[str], Awaitable[Person | None]]


def user_keys(oncall: OncallPolicy) -> dict[str, list[str]]:
    """Each user id the section names, and the keys that name it (`oncall.schedules.x.layers.0.users.1`)."""
    found: dict[str, list[str]] = {}
    for name, schedule in oncall.schedules.items():
        for index, layer in enumerate(schedule.layers):
            for position, user in enumerate(layer.users):
                found.setdefault(user, []).append(f"oncall.schedules.{name}.layers.{index}.users.{position}")
            for key, user in layer.people.items():
                found.setdefault(user, []).append(f"oncall.schedules.{name}.layers.{index}.people.{key}")
    for name, policy in oncall.escalation_policies.items():
        for index, step in enumerate(policy.steps):
            for position, user in enumerate(step.users or []):
                found.setdefault(user, []).append(f"oncall.escalation_policies.{name}.steps.{index}.users.{position}")
    return found


async def user_problems(oncall: OncallPolicy, path: Path | None, person: PersonLookup) -> list[str]:
    """One line per key naming a user the workspace does not have, or has deactivated."""
    where = str(path) if path is not None else "built-in defaults"
    problems: list[str] = []
    for user, keys in user_keys(oncall).items():
        found = await person(user)
        if found is None:
            said = f"{user} is not a user of this Slack workspace"
        elif found.deleted:
            said = f"{user} is deactivated in Slack"
        else:
            continue
        problems += [f"{where}: {key}: {said}" for key in keys]
    return problems
