"""What one process knows about its Slack effects between transactions (see incidents/effects.py).

Rows of effects that were done are not deleted in a transaction of their own: their keys wait here and are
deleted by a transaction that runs anyway: the next change to the same incident, any change or declaration
once BATCH of them have gathered, the scheduler's pass, or its sweep (every `scheduler.sweep`). Until then
the rows stay claimed by this process, so nobody else does them; if the process dies first, their claim
expires and whoever takes them over finds each message already posted (by its key), or repeats a call that
is harmless twice (an invite, a pin, a topic).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Done:
    """A done row waiting to be deleted: its incident, and whether it is on a chain (see effects.py)."""

    incident_id: int | None
    reference: str
    chained: bool


# How many done rows of other incidents gather before a change or declaration deletes them along with its
# own: in bulk, one statement now and then instead of one per declaration.
BATCH = 64


class Outbox:
    def __init__(self) -> None:
        # Tells the scheduler's timer about effects due later (set by the composition root).
        self.on_due: Callable[[datetime], None] | None = None
        self._done: dict[int | None, dict[str, Done]] = {}  # by incident
        self._count = 0
        self._queued: set[tuple[int, str]] = set()  # (incident, chain) where this process queued a row
        self._in_flight: set[str] = set()

    # -- done, not yet deleted ----------------------------------------------------------------------
    def done(self, key: str, done: Done) -> None:
        rows = self._done.setdefault(done.incident_id, {})
        self._count += key not in rows
        rows[key] = done

    def has_done(self) -> bool:
        return self._count > 0

    def take_done(self, *, within: int | None = None) -> dict[str, Done]:
        """Done rows handed to one transaction to delete (each to one only, so two never lock the same rows).

        `within`: the incident a change's transaction holds locked. Its own rows are taken, and once BATCH
        have gathered, other incidents' rows on no chain too; rows on chains of other incidents stay for a
        transaction that locks their incidents first. If the transaction fails, its rows stay claimed until
        the claim expires: then they are done again, harmlessly.
        """
        if within is None:
            taken = {k: d for rows in self._done.values() for k, d in rows.items()}
            self._done, self._count = {}, 0
            return taken
        taken = self._done.pop(within, {})
        if self._count - len(taken) >= BATCH:
            for incident_id, rows in list(self._done.items()):
                loose = {k: d for k, d in rows.items() if not d.chained}
                taken |= loose
                for key in loose:
                    del rows[key]
                if not rows:
                    del self._done[incident_id]
        self._count -= len(taken)
        return taken

    # -- rows queued behind one of ours ----------------------------------------------------------------
    def queued(self, incident_id: int, chain: str) -> None:
        self._queued.add((incident_id, chain))

    def has_queued(self, incident_id: int, chain: str) -> bool:
        return (incident_id, chain) in self._queued

    def unqueued(self, incident_id: int, chain: str) -> None:
        self._queued.discard((incident_id, chain))

    # -- being tried right now -----------------------------------------------------------------------
    def start(self, key: str) -> bool:
        """False when this process is already trying `key` (a slow attempt outlived its claim)."""
        if key in self._in_flight:
            return False
        self._in_flight.add(key)
        return True

    def finish(self, key: str) -> None:
        self._in_flight.discard(key)

    def wake(self, due: datetime) -> None:
        if self.on_due is not None:
            self.on_due(due)
