"""What paging notes on an incident's timeline when it cannot page someone (kept with the timeline's words)."""

from __future__ import annotations

from collections.abc import Sequence


def gap_note(schedule: str) -> str:
    return f"Nobody is on call for `{schedule}` now (a gap in the schedule): the next step pages at once instead."


def skipped_note(user: str, schedule: str | None = None) -> str:
    where = f" (on call for `{schedule}`)" if schedule else ""
    return f"Skipped <@{user}>{where}: their Slack account is deactivated."


def paged_note(users: Sequence[str], elsewhere: Sequence[str], policy: str, step: int) -> str:
    who = ", ".join([f"<@{user}>" for user in users] + list(elsewhere)) or "nobody"
    return f"Paged {who}" + (f" (policy `{policy}`, step {step + 1})" if policy else "")
