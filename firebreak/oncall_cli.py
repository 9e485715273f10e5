"""`firebreak oncall preview <schedule> [--days 14]`: a schedule's shifts and gaps, from the policy file alone.

No Slack and no database: overrides (stored in the database) are not shown, and iCal layers (fetched by the
running bot) cover nothing here; the output says so when it matters.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from firebreak.runtime import policy_path
from firebreak.settings import load_settings
from incidents.durations import format_duration
from incidents.oncall.policy import OncallPolicy
from incidents.oncall.resolver import ScheduleResolver
from incidents.oncall.schedule_policy import Schedule
from incidents.oncall.shifts import Shift, SourceKind
from incidents.oncall.wall_clock import local_reading, wall_clock_instant
from incidents.policy import load_policy

LONGEST_PREVIEW_DAYS = 92


def add_oncall_commands(commands: Any) -> None:
    """Register `firebreak oncall …` on the CLI's subcommands."""
    oncall = commands.add_parser("oncall", help="on-call schedules of the policy file")
    actions = oncall.add_subparsers(dest="oncall_command", required=True)
    preview = actions.add_parser("preview", help="print a schedule's shifts and gaps (policy file only)")
    preview.add_argument("schedule", help="the schedule's name under oncall.schedules")
    preview.add_argument("--days", type=int, default=14, help=f"how many days (1 to {LONGEST_PREVIEW_DAYS}; 14)")
    preview.add_argument("--from", dest="start", help="start in the schedule's timezone, e.g. 2026-10-19T09:00 (now)")
    preview.add_argument("--config", type=Path, help="policy file (default: FIREBREAK_CONFIG or ./firebreak.yml)")
    preview.set_defaults(handler=preview_schedule)


def preview_schedule(args: argparse.Namespace) -> int:
    path = args.config or policy_path(load_settings())
    oncall = load_policy(path).oncall
    schedule = oncall.schedules.get(args.schedule)
    if schedule is None:
        print(f"firebreak: {_no_such_schedule(args.schedule, oncall, path)}", file=sys.stderr)
        return 2
    if not 1 <= args.days <= LONGEST_PREVIEW_DAYS:
        print(f"firebreak: --days: {args.days} is not 1 to {LONGEST_PREVIEW_DAYS}", file=sys.stderr)
        return 2
    resolver = ScheduleResolver(args.schedule, schedule)
    try:
        start = _start(args.start, resolver)
    except ValueError:
        print(f"firebreak: --from: '{args.start}' is not a date or date-time (2026-10-19T09:00)", file=sys.stderr)
        return 2
    # Days on the schedule's calendar: 14 days from 09:00 end at 09:00, across a DST change too.
    end = wall_clock_instant(local_reading(start, resolver.zone) + timedelta(days=args.days), resolver.zone)
    print("\n".join(preview_lines(args.schedule, schedule, resolver.shifts(start, end))))
    return 0


def preview_lines(name: str, schedule: Schedule, shifts: list[Shift]) -> list[str]:
    """The preview as printed: a heading, one line per shift or gap, and what the preview leaves out."""
    zone = ZoneInfo(schedule.timezone)
    first, last = shifts[0].start, shifts[-1].end
    lines = [f"{name}: shifts from {_when(first, zone)} to {_when(last, zone)}, times in {schedule.timezone}"]
    for shift in shifts:
        span = f"{_when(shift.start, zone):<26} → {_when(shift.end, zone):<26}"
        who = shift.user or "nobody (gap)"
        took = format_duration(shift.end - shift.start)
        lines.append(f"  {span}  {who:<14} {took:>7}  {_source(schedule, shift)}".rstrip())
    gaps = [s for s in shifts if s.is_gap]
    total = sum((s.end - s.start for s in gaps), timedelta())
    lines.append(f"{len(gaps)} gap(s), {format_duration(total)} in all." if gaps else "No gaps.")
    lines.append("Overrides are not shown: they are stored in the database, which the preview does not read.")
    for index, layer in enumerate(schedule.layers):
        if layer.is_calendar:
            said = f"{_layer_name(schedule, index)} is an iCal calendar ({layer.ical})"
            lines.append(f"{said[0].upper()}{said[1:]}: the preview does not fetch it, so it covers nothing here.")
    return lines


def _source(schedule: Schedule, shift: Shift) -> str:
    if shift.source.kind is SourceKind.OVERRIDE:
        return "override"
    if shift.source.layer is None:
        return ""
    return _layer_name(schedule, shift.source.layer)


def _layer_name(schedule: Schedule, index: int) -> str:
    layer = schedule.layers[index]
    return f"layer {index + 1}" + (f" ({layer.name})" if layer.name else "")


def _when(instant: datetime, zone: ZoneInfo) -> str:
    return instant.astimezone(zone).strftime("%a %d %b %Y %H:%M %Z")


def _start(text: str | None, resolver: ScheduleResolver) -> datetime:
    if text is None:
        return datetime.now(UTC).replace(second=0, microsecond=0)
    local = datetime.fromisoformat(text)
    if local.tzinfo is not None:
        return local.astimezone(UTC)
    return wall_clock_instant(local, resolver.zone)


def _no_such_schedule(name: str, oncall: OncallPolicy, path: Path | None) -> str:
    where = path or "the built-in policy"
    if not oncall.schedules:
        return f"{where}: oncall.schedules: no schedules are defined, so there is no '{name}'"
    return f"{where}: oncall.schedules: no schedule '{name}'; there are: {', '.join(sorted(oncall.schedules))}"
