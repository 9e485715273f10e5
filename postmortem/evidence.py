"""The timeline as evidence: each entry redacted, people replaced by their roles, one citable line per entry.

The model never sees a person's name or id: role holders appear as their role (“Incident commander”), everyone
else as “Responder N”. That keeps names out of a third party's hands and makes naming a culprit harder; the
blameless check (checks.py) catches what gets through.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from incidents.message_text import mentioned_users, readable
from incidents.model import Incident
from incidents.policy import Policy
from incidents.timeline import Source, TimelineEntry
from postmortem.redaction import redact

# Not evidence: channel membership noise, and the postmortem's own history.
SKIPPED_KINDS = frozenset({"joined", "left", "channel_created"})
TEXT_MAX = 600  # a pasted log is cut: the excerpt is enough to cite it


def estimate_tokens(text: str) -> int:
    """A tokenizer-free estimate (≈3.5 characters a token, on the safe side of English prose)."""
    return math.ceil(len(text) / 3.5) + 1


def is_evidence(entry: TimelineEntry) -> bool:
    return not entry.deleted and entry.kind not in SKIPPED_KINDS and not entry.kind.startswith("postmortem_")


def is_person(actor: str | None) -> bool:
    return actor is not None and actor[:1] in ("U", "W")


class People:
    """Everyone in the incident, with the label the model knows them by and every way to spot them in text."""

    def __init__(
        self, incident: Incident, entries: Sequence[TimelineEntry], names: Mapping[str, str], policy: Policy
    ) -> None:
        self.names = dict(names)
        self.labels: dict[str, str] = {}
        for role in policy.roles:
            holder = incident.roles.get(role.id)
            if holder and holder not in self.labels:
                self.labels[holder] = role.name
        count = 0
        for user in [incident.declared_by, *(e.actor for e in entries), *_mentions(entries)]:
            if user and is_person(user) and user not in self.labels:
                count += 1
                self.labels[user] = f"Responder {count}"
        named = {self.names.get(u, "") for u in self.labels}
        words = sorted((n for n in named if len(n) >= 3), key=len, reverse=True)
        self._names = re.compile(r"\b(" + "|".join(map(re.escape, words)) + r")\b", re.I) if words else None
        self._label_of_name = {self.names[u].lower(): label for u, label in self.labels.items() if u in self.names}

    def label(self, user: str | None) -> str:
        if user is None:
            return "Firebreak"
        return self.labels.get(user, user if not is_person(user) else "a responder")

    def pseudonymise(self, text: str) -> str:
        """Slack markup to plain text, with mentions and known names replaced by labels."""
        text = readable(text, self.labels)
        if self._names is not None:
            text = self._names.sub(lambda m: self._label_of_name.get(m.group(0).lower(), "a responder"), text)
        return text

    def terms(self) -> list[str]:
        """What would identify a person in generated text: labels, names, ids."""
        found = {*self.labels.values(), *self.labels, *(self.names.get(u, "") for u in self.labels)}
        return sorted(t for t in found if len(t) >= 3)


def _mentions(entries: Sequence[TimelineEntry]) -> list[str]:
    return [user for e in entries for user in mentioned_users(e.text)]


@dataclass(frozen=True)
class Evidence:
    id: int
    at: datetime
    who: str  # the label, a bot's name, or Firebreak
    author: str  # who it really was (user id or bot name): for the document, never for the model
    author_name: str  # their display name
    kind: str
    text: str  # redacted and pseudonymised: what the model may read
    excerpt: str  # redacted, with people's names: what the document quotes
    key: bool

    @property
    def at_text(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S}Z"

    def line(self) -> str:
        kind = "" if self.kind in ("message", "note") else f" ({self.kind.replace('_', ' ')})"
        star = "★ " if self.key else ""
        return f"[#{self.id}] {self.at_text} {star}{self.who}{kind}: {self.text}"


def gather_evidence(entries: Sequence[TimelineEntry], people: People) -> list[Evidence]:
    evidence = []
    for entry in entries:
        if not is_evidence(entry):
            continue
        bot = str(entry.data.get("bot_name") or "") or None
        who = bot if bot and not is_person(entry.actor) else people.label(entry.actor)
        if entry.source is Source.SYSTEM and entry.actor is None:
            who = "Firebreak"
        # Redacted before anything else touches it (a name swapped into a URL would hide its password).
        safe = redact(entry.text)
        text = _clip(redact(people.pseudonymise(safe)))
        excerpt = _clip(redact(readable(safe, people.names)))
        author = entry.actor or bot or "Firebreak"
        name = people.names.get(author, author)
        evidence.append(Evidence(entry.id, entry.at, who, author, name, entry.kind, text, excerpt, entry.is_key_event))
    return evidence


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_MAX else text[: TEXT_MAX - 1] + "…"
