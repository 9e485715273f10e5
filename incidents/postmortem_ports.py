"""What postmortems need from the outside world: a drafter (postmortem/) and a versioned store (storage/)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from incidents.model import Incident
from incidents.policy import Policy
from incidents.postmortem_doc import Postmortem, PostmortemDocument, PostmortemStatus
from incidents.timeline import TimelineEntry


@dataclass(frozen=True)
class DraftRequest:
    incident: Incident
    entries: Sequence[TimelineEntry]  # the whole timeline, oldest first, deleted entries left out
    names: Mapping[str, str]  # user id -> display name: for the checks, never sent anywhere
    policy: Policy


class Drafter(Protocol):
    async def draft(self, request: DraftRequest) -> PostmortemDocument:
        """A complete document. A failing or slow model is not an error: the template draft comes back instead,
        and `document.draft` says which kind it is and why."""
        ...


class PostmortemStore(Protocol):
    """Postmortems, one per incident, each change a new version; used inside one unit of work."""

    async def current(self, incident_id: int) -> Postmortem | None: ...
    async def version(self, incident_id: int, version: int) -> Postmortem | None: ...
    async def add_version(
        self,
        incident_id: int,
        document: PostmortemDocument,
        *,
        at: datetime,
        by: str | None,
        change: str,
        status: PostmortemStatus,
    ) -> int:
        """Store `document` as the next version (numbered from 1) and set the status; returns the number."""
        ...

    async def set_status(self, incident_id: int, status: PostmortemStatus, *, at: datetime, by: str) -> None: ...
