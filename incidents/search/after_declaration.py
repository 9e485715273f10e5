"""The similar-incidents post after a declaration, as durable scheduled work.

Set-up writes one row (`similar:<incident id>`, due at once) in the transaction that records the channel, and
wakes the scheduler: the post happens off the declare path (it never delays the ack, the channel or the
modal), survives a restart (the row stays until it is done), and is retried like any other scheduled work
when Slack refuses for a reason that may pass.
"""

from __future__ import annotations

from incidents.context import Context
from incidents.model import Incident
from incidents.ports import DueWork
from incidents.search.use_cases import post_similar_after_declaration

SIMILAR = "similar"


async def similar_work(ctx: Context, incident: Incident) -> DueWork | None:
    """The row to write, or None when nothing could be shown: search is not wired, or there is no other
    incident and no runbook for its services yet (a first incident costs its declaration one small read)."""
    if ctx.search is None or incident.id is None:
        return None
    if not await ctx.search.backend.has_history(incident.id, [s.lower() for s in incident.services]):
        return None
    return DueWork(f"{SIMILAR}:{incident.id}", SIMILAR, ctx.clock.now(), incident_id=incident.id)


async def run_similar_work(ctx: Context, work: DueWork) -> None:
    """Post the suggestions (raises ChatError for the scheduler to retry or drop); the caller removes the row."""
    if ctx.search is not None and work.incident_id is not None:
        await post_similar_after_declaration(ctx, ctx.search, work.incident_id)
