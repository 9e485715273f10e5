"""Parsing `/incident …` text into a command. Pure: the listeners decide what to do with it."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field

from incidents.naming import normalise_reference

SUBCOMMANDS = (
    "declare",
    "status",
    "severity",
    "update",
    "role",
    "roles",
    "resolve",
    "reopen",
    "list",
    "show",
    "help",
    "timeline",
    "note",
    "action",
    "actions",
    "postmortem",
    "digest",
    "oncall",  # on-call (issue 11)
    "page",
)
_MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_BARE_USER = re.compile(r"^[UW][A-Z0-9]{6,}$")


@dataclass(frozen=True)
class ParsedCommand:
    name: str  # one of SUBCOMMANDS, "" for a bare `/incident`, or "unknown"
    reference: str | None = None  # INC-… when given explicitly
    args: list[str] = field(default_factory=list)
    rest: str = ""  # free text after the positional arguments (a title, a note…)
    word: str = ""  # what the user typed as the subcommand, for "unknown" answers


@dataclass(frozen=True)
class ListOptions:
    open_only: bool = True
    severity: str | None = None
    service: str | None = None
    mine: bool = False
    error: str | None = None


def parse_command(text: str) -> ParsedCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return ParsedCommand(name="")
    word, remainder = words[0].lower(), (words[1] if len(words) > 1 else "")
    if normalise_reference(word):  # `/incident INC-2026-0042` is "show"
        return ParsedCommand(name="show", reference=normalise_reference(word))
    if word not in SUBCOMMANDS:
        return ParsedCommand(name="unknown", word=words[0])
    reference = None
    parts = remainder.split(maxsplit=1)
    if parts and normalise_reference(parts[0]):
        reference = normalise_reference(parts[0])
        remainder = parts[1] if len(parts) > 1 else ""
    if word in ("status", "severity", "role"):
        head = remainder.split(maxsplit=1)
        args = head[:1]
        rest = head[1].strip() if len(head) > 1 else ""
        return ParsedCommand(name=word, reference=reference, args=args, rest=rest)
    return ParsedCommand(name=word, reference=reference, rest=remainder.strip())


def parse_user(text: str) -> str | None:
    """A user from `<@U123|alex>` (what Slack sends with escaping on) or a bare user id."""
    token = text.strip().split()[0] if text.strip() else ""
    match = _MENTION.match(token)
    if match:
        return match.group(1)
    return token if _BARE_USER.match(token) else None


def parse_list_options(text: str) -> ListOptions:
    try:
        tokens = shlex.split(text)
    except ValueError:
        return ListOptions(error="I couldn't read those options (an unclosed quote?).")
    open_only, severity, service, mine = True, None, None, False
    index = 0
    while index < len(tokens):
        token = tokens[index].lower()
        if token in ("open", "all"):
            open_only = token == "open"
        elif token == "--mine":
            mine = True
        elif token in ("--severity", "--service"):
            if index + 1 >= len(tokens):
                return ListOptions(
                    error=f"`{token}` needs a value, e.g. `{token} {'SEV1' if 'sev' in token else 'api'}`."
                )
            value = tokens[index + 1]
            index += 1
            if token == "--severity":
                severity = value
            else:
                service = value
        else:
            return ListOptions(error=f"I don't know the option `{tokens[index]}`.")
        index += 1
    return ListOptions(open_only=open_only, severity=severity, service=service, mine=mine)
