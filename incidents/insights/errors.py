"""What can be wrong with a request for figures, as typed errors carrying what bot/ needs to word the reply
(the examples and the nearest match); the messages here are plain text, for logs and the CLI."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import datetime

from incidents.errors import IncidentError


class UnknownPeriod(IncidentError):
    """`text` names no period: `reason` says why when it is nearly one ("2026-13-01 is not a date")."""

    def __init__(self, text: str, reason: str, suggestion: str | None, examples: Sequence[str]) -> None:
        said = f"'{text}' is not a period" + (f": {reason}" if reason else "")
        hint = f"; did you mean '{suggestion}'?" if suggestion else ""
        super().__init__(f"{said}{hint} (e.g. {', '.join(examples)})")
        self.text = text
        self.reason = reason
        self.suggestion = suggestion
        self.examples = tuple(examples)


class UnknownChoice(IncidentError):
    """A name that is not one of the choices (a chart, a service, a severity, a root cause)."""

    def __init__(self, kind: str, given: str, choices: Sequence[str]) -> None:
        self.kind = kind
        self.given = given
        self.choices = tuple(choices)
        self.suggestion = nearest(given, choices)
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else ""
        super().__init__(f"'{given}' is not a {kind}{hint} (one of: {', '.join(choices)})")


class EmptyPeriod(IncidentError):
    """No incidents in the window: nothing to chart (the summary says so instead)."""

    def __init__(self, start: datetime, end: datetime) -> None:
        super().__init__(f"No incidents from {start.isoformat()} to {end.isoformat()}")
        self.start = start
        self.end = end


def nearest(given: str, choices: Iterable[str]) -> str | None:
    """The choice closest to `given` (case-insensitive), if any is close enough to be a typo of it."""
    by_folded = {choice.lower(): choice for choice in choices}
    found = difflib.get_close_matches(given.strip().lower(), list(by_folded), n=1, cutoff=0.6)
    return by_folded[found[0]] if found else None


def pick(kind: str, given: str, choices: Sequence[str]) -> str:
    """The choice `given` names (case-insensitive), else UnknownChoice with the nearest one."""
    wanted = given.strip().lower()
    for choice in choices:
        if choice.lower() == wanted:
            return choice
    raise UnknownChoice(kind, given, choices)
