"""What every parser is told besides the body: which integration sent it, and when it arrived."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from incidents.alerts.generic_mapping import GenericMapping


@dataclass(frozen=True, slots=True)
class IntakeContext:
    integration: str
    received_at: datetime  # aware; an alert without a start time of its own started then
    mapping: GenericMapping | None = None  # the integration's generic mapping, for kind `generic`
