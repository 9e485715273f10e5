"""Parsing `/incident action <text> [@owner] [due:<date or 3d>] [priority:high|medium|low]`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from bot.command_parser import parse_user
from incidents.action_items import Priority

_DUE = re.compile(r"^due:(.+)$", re.IGNORECASE)
_PRIORITY = re.compile(r"^priority:(\w+)$", re.IGNORECASE)
_RELATIVE = re.compile(r"^(\d+)([dw])$", re.IGNORECASE)


@dataclass(frozen=True)
class ParsedActionItem:
    text: str
    owner: str | None = None
    due_on: date | None = None
    priority: Priority = Priority.MEDIUM
    error: str | None = None


def parse_due(value: str, today: date) -> date | None:
    value = value.strip().lower()
    relative = _RELATIVE.match(value)
    if relative:
        count = int(relative.group(1)) * (7 if relative.group(2) == "w" else 1)
        return today + timedelta(days=count)
    if value == "today":
        return today
    if value == "tomorrow":
        return today + timedelta(days=1)
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def parse_action_item(text: str, today: date) -> ParsedActionItem:
    words, owner, due, priority = [], None, None, Priority.MEDIUM
    for token in text.split():
        user = parse_user(token) if token.startswith("<@") else None
        due_match, priority_match = _DUE.match(token), _PRIORITY.match(token)
        if user and owner is None:
            owner = user
        elif due_match:
            due = parse_due(due_match.group(1), today)
            if due is None:
                return ParsedActionItem(text, error=f"`{token}`: write the due date like due:2026-12-01 or due:3d.")
        elif priority_match:
            try:
                priority = Priority(priority_match.group(1).lower())
            except ValueError:
                return ParsedActionItem(text, error=f"`{token}`: priority is high, medium or low.")
        else:
            words.append(token)
    return ParsedActionItem(" ".join(words), owner=owner, due_on=due, priority=priority)
