"""A small incident history whose durations were worked out by hand (see test_hand_computed_history.py).

All times UTC, in 2026-Q3 (plus one incident in Q2 for the previous period). The cases: an entered impact
start, an alert start, a default start, a reopen, an incident acknowledged by someone else, one declared by its
own commander (no wait), one never acknowledged, one still open, an impact start entered after the declaration.
"""

from __future__ import annotations

from datetime import UTC, datetime

from incidents.insights.rows import IncidentRow, StatusPeriod
from incidents.model import ImpactStartSource


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


ENTERED, ALERT, DEFAULT = ImpactStartSource.ENTERED, ImpactStartSource.ALERT, ImpactStartSource.DEFAULT

HISTORY = (
    # Q2: the previous period's only incident. MTTR 3h.
    IncidentRow(
        id=100,
        reference="INC-2026-0100",
        severity="SEV2",
        declared_at=at(6, 10, 10),
        declared_by="U_ALICE",
        roles={"commander": "U_ALICE"},
        acknowledged_at=at(6, 10, 10),
        resolved_at=at(6, 10, 13),
        mitigated_at=at(6, 10, 12),
        impact_started_at=at(6, 10, 10),
        impact_ended_at=at(6, 10, 12),
    ),
    # Entered start 09:40, declared 10:00 for Bob, acknowledged 10:06, mitigated 10:50, resolved 11:30.
    IncidentRow(
        id=1,
        reference="INC-2026-0001",
        severity="SEV1",
        declared_at=at(7, 6, 10),
        declared_by="U_ALICE",
        roles={"commander": "U_BOB"},
        impact_started_at=at(7, 6, 9, 40),
        impact_start_source=ENTERED,
        acknowledged_at=at(7, 6, 10, 6),
        mitigated_at=at(7, 6, 10, 50),
        impact_ended_at=at(7, 6, 10, 50),
        resolved_at=at(7, 6, 11, 30),
        services=("api",),
    ),
    # An alert started at 02:00 and detected it; the bot declared at 02:12; acknowledged 02:20.
    IncidentRow(
        id=2,
        reference="INC-2026-0002",
        severity="SEV1",
        declared_at=at(7, 8, 2, 12),
        declared_by="B_FIREBREAK",
        roles={"commander": "U_BOB"},
        impact_started_at=at(7, 8, 2),
        impact_start_source=ALERT,
        detected_at=at(7, 8, 2),
        acknowledged_at=at(7, 8, 2, 20),
        mitigated_at=at(7, 8, 3),
        impact_ended_at=at(7, 8, 3),
        resolved_at=at(7, 8, 4, 12),
        services=("api", "db"),
    ),
    # Default start; declared by its own commander (no wait); resolved 15:00, reopened next day 09:00, mitigated
    # again 11:00 and resolved again 12:00: MTTR runs to the last resolution.
    IncidentRow(
        id=3,
        reference="INC-2026-0003",
        severity="SEV2",
        declared_at=at(7, 9, 14),
        declared_by="U_CAROL",
        roles={"commander": "U_CAROL"},
        impact_started_at=at(7, 9, 14),
        impact_start_source=DEFAULT,
        acknowledged_at=at(7, 9, 14),
        mitigated_at=at(7, 10, 11),
        impact_ended_at=at(7, 10, 11),
        resolved_at=at(7, 10, 12),
        reopened_count=1,
        services=("web",),
        status_periods=(
            StatusPeriod("investigating", at(7, 9, 14), at(7, 9, 14, 30)),
            StatusPeriod("identified", at(7, 9, 14, 30), at(7, 9, 14, 45)),
            StatusPeriod("monitoring", at(7, 9, 14, 45), at(7, 9, 15)),
            StatusPeriod("resolved", at(7, 9, 15), at(7, 10, 9)),
            StatusPeriod("investigating", at(7, 10, 9), at(7, 10, 11)),
            StatusPeriod("monitoring", at(7, 10, 11), at(7, 10, 12)),
            StatusPeriod("resolved", at(7, 10, 12)),
        ),
    ),
    # Entered start 08:00, declared 08:30 for Dan, acknowledged 08:40, still open.
    IncidentRow(
        id=4,
        reference="INC-2026-0004",
        severity="SEV2",
        declared_at=at(7, 15, 8, 30),
        declared_by="U_ALICE",
        roles={"commander": "U_DAN"},
        impact_started_at=at(7, 15, 8),
        impact_start_source=ENTERED,
        acknowledged_at=at(7, 15, 8, 40),
        services=("api",),
    ),
    # Default start, declared for Dan, never acknowledged, open.
    IncidentRow(
        id=5,
        reference="INC-2026-0005",
        severity="SEV3",
        declared_at=at(7, 20, 16),
        declared_by="U_ALICE",
        roles={"commander": "U_DAN"},
        impact_started_at=at(7, 20, 16),
        services=("web",),
    ),
    # Declared 08:50 by its own commander; the impact start entered afterwards as 09:00 (after the declaration:
    # detection counts as zero); mitigated 09:20, resolved 09:50.
    IncidentRow(
        id=6,
        reference="INC-2026-0006",
        severity="SEV3",
        declared_at=at(7, 21, 8, 50),
        declared_by="U_BOB",
        roles={"commander": "U_BOB"},
        impact_started_at=at(7, 21, 9),
        impact_start_source=ENTERED,
        acknowledged_at=at(7, 21, 8, 50),
        mitigated_at=at(7, 21, 9, 20),
        impact_ended_at=at(7, 21, 9, 20),
        resolved_at=at(7, 21, 9, 50),
        services=("db",),
    ),
)
