"""What the on-call commands and buttons say (issue 11). Words only."""

from __future__ import annotations


def page_acknowledged(reference: str | None, *, already: bool) -> str:
    if already:
        return "That page was acknowledged already."
    return f"Acknowledged: {reference} is yours, and its escalation has stopped." if reference else "Acknowledged."
