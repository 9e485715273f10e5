"""CSV of incidents and of action items, with the durations computed by definitions.py and the definitions in
comment lines at the top (`# …`; spreadsheets show them as the first rows, pandas skips them with
`comment="#"`). Times are ISO 8601 in UTC; durations in whole seconds; an empty cell is "not measured".

Cells a spreadsheet would run as a formula (starting with =, +, -, @) are prefixed with an apostrophe, since
service names are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from incidents.insights.definitions import ACTION_ITEM_WINDOW, MEASURE_DEFINITIONS, MEASURES, Measure
from incidents.insights.rows import ActionItemRow, IncidentRow

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_MEASURE_COLUMNS = {
    Measure.MTTD: "time_to_detect_seconds",
    Measure.MTTA: "time_to_acknowledge_seconds",
    Measure.MTTR: "time_to_resolve_seconds",
    Measure.MITIGATE: "time_to_mitigate_seconds",
    Measure.IMPACT: "impact_duration_seconds",
}
_TIMES = (
    "declared_at",
    "detected_at",
    "impact_started_at",
    "acknowledged_at",
    "mitigated_at",
    "impact_ended_at",
    "resolved_at",
    "closed_at",
)
INCIDENT_COLUMNS = (
    "reference",
    "severity",
    "services",
    "root_cause",
    "detection_method",
    "impact_start_source",
    "private",
    *_TIMES,
    "reopened_count",
    *_MEASURE_COLUMNS.values(),
    "postmortem",
    "postmortem_published_at",
)
ACTION_ITEM_COLUMNS = ("id", "incident", "owner", "created_at", "due_on", "done_at", "done_within_30_days")


def _time(value: datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _seconds(value: timedelta | None) -> str:
    return str(int(value.total_seconds())) if value is not None else ""


def _safe(text: str) -> str:
    return f"'{text}" if text.startswith(_FORMULA_STARTS) else text


def _write(comments: Iterable[str], columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    buffer = io.StringIO()
    for comment in comments:
        buffer.write(f"# {comment}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_safe(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def incidents_csv(rows: Sequence[IncidentRow], root_causes: Mapping[str, str]) -> str:
    """One line per incident (the rows given: already what the viewer may see), oldest first."""
    comments = [f"{_MEASURE_COLUMNS[m]}: {d.label}: {d.text}" for m, d in MEASURE_DEFINITIONS.items()]
    lines = []
    for row in sorted(rows, key=lambda r: (r.declared_at, r.id)):
        root_cause = root_causes.get(row.root_cause, row.root_cause) if row.root_cause else ""
        # detected_at: the declaration when no alert came first, as the definitions read it.
        times = [_time(row.detected if name == "detected_at" else getattr(row, name)) for name in _TIMES]
        lines.append(
            [
                row.reference,
                row.severity,
                ";".join(row.services),
                root_cause,
                row.detection_method.value,
                row.impact_start_source.value,
                "yes" if row.private else "no",
                *times,
                str(row.reopened_count),
                *(_seconds(MEASURES[measure](row)) for measure in _MEASURE_COLUMNS),
                row.postmortem.value if row.postmortem else "",
                _time(row.postmortem_published_at),
            ]
        )
    return _write(comments, INCIDENT_COLUMNS, lines)


def action_items_csv(items: Sequence[ActionItemRow], references: Mapping[int, str]) -> str:
    """One line per action item (of incidents the viewer may see); `references` maps incident ids to IDs."""
    comment = "done_within_30_days: done no later than 30 days after it was created (empty while open)"
    lines = [
        [
            str(item.id),
            references.get(item.incident_id, str(item.incident_id)),
            item.owner,
            _time(item.created_at),
            item.due_on.isoformat(),
            _time(item.done_at),
            "" if item.done_at is None else ("yes" if item.done_at - item.created_at <= ACTION_ITEM_WINDOW else "no"),
        ]
        for item in sorted(items, key=lambda i: (i.created_at, i.id))
    ]
    return _write([comment], ACTION_ITEM_COLUMNS, lines)
