"""What the search index holds: one document per searchable thing, and who may find it.

An incident's title and description, its resolution, each timeline message, note and update, each
postmortem section and each action item is a document of its own, tagged with the incident, its kind, when it
happened and whether the incident is private, so a result can say where the words were found and private
incidents can be left out for people who may not see them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from incidents.model import Incident
from incidents.search.query import clean_text

MAX_DOCUMENT_CHARS = 20_000  # a pasted log dump stays searchable by its start without bloating the index


class DocumentKind(StrEnum):
    INCIDENT = "incident"  # title and description
    RESOLUTION = "resolution"  # the resolution summary
    MESSAGE = "message"  # a message captured from the incident channel
    NOTE = "note"
    UPDATE = "update"  # a stakeholder update, a status or severity change with its note
    POSTMORTEM = "postmortem"  # one section of the postmortem
    ACTION_ITEM = "action_item"


@dataclass(frozen=True, slots=True)
class SearchDocument:
    """One indexed text. (`incident_id`, `kind`, `key`) identifies it: writing it again replaces it."""

    incident_id: int
    kind: DocumentKind
    key: str  # unique within the incident and kind: a timeline entry id, a postmortem section key, "0"…
    at: datetime
    text: str
    private: bool


def indexable_text(text: str) -> str:
    """The text as it is stored in the index: cut to MAX_DOCUMENT_CHARS, control and private-use characters
    replaced by spaces (the highlight markers are private-use characters, so a document cannot forge one)."""
    return clean_text(text[:MAX_DOCUMENT_CHARS])


def incident_documents(incident: Incident) -> list[SearchDocument]:
    """The documents an incident itself contributes: its title and description, and its resolution if any.

    The incident must have been stored (it has an `id`): documents point at it.
    """
    if incident.id is None:
        raise ValueError(f"{incident.reference} has no id yet: store it before indexing it")
    incident_id = incident.id
    about = "\n".join(part for part in (incident.title, incident.description) if part)
    documents = [_document(incident, incident_id, DocumentKind.INCIDENT, about, incident.declared_at)]
    if incident.resolution_summary:
        resolved_at = incident.resolved_at or incident.declared_at
        documents.append(
            _document(incident, incident_id, DocumentKind.RESOLUTION, incident.resolution_summary, resolved_at)
        )
    return documents


def _document(incident: Incident, incident_id: int, kind: DocumentKind, text: str, at: datetime) -> SearchDocument:
    return SearchDocument(incident_id, kind, "0", at, indexable_text(text), incident.private)


@dataclass(frozen=True, slots=True)
class Audience:
    """Whose search this is, which decides the private incidents it may find.

    Public incidents are found by everyone. A private one is found by `viewer` when they may see it (a member
    of its channel, a role holder, its declarer: the core access rules), and by everyone when
    `all_private` (an admin). A post in a channel is `Audience.channel_post()`: no private incident at all.
    """

    viewer: str | None = None
    all_private: bool = False

    @classmethod
    def channel_post(cls) -> Audience:
        return cls()

    @classmethod
    def person(cls, user_id: str, *, admin: bool = False) -> Audience:
        return cls(viewer=user_id, all_private=admin)
