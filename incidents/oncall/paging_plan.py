"""The planner's on-call part: an incident's escalation-policy steps as scheduled work, kept until acknowledged.

Every firing of the incident's policy (`plan_escalation`: each step of each run, hand-overs followed) is one
row of scheduled work, kind `page`, keyed `page:<incident>:<policy>:<run>:<step>`, planned once when the
incident's channel exists, due at the declaration plus the waits before it. While the incident is open and
unacknowledged the rows stay as they are; the change that acknowledges or resolves it removes every pending
one in its own transaction (the planner drops what it no longer wants), and marks the incident's pages
acknowledged. Fired rows are gone, so re-planning never sends a step twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from incidents.model import Incident
from incidents.oncall.escalation_plan import plan_escalation
from incidents.oncall.policy import OncallPolicy
from incidents.ports import DueWork, UnitOfWork

PAGE_KIND = "page"


def paging_policy(oncall: OncallPolicy, incident: Incident) -> str | None:
    """The escalation policy paging for the incident, if it names one the policy file defines."""
    name = incident.escalation_policy
    return name if name is not None and name in oncall.escalation_policies else None


def page_work(
    oncall: OncallPolicy, policy: str, *, group: str, start: datetime, reference: str | None, incident_id: int | None
) -> list[DueWork]:
    """The rows of every firing of `policy` from `start`; `group` (the incident id, or a page's) keys them."""
    return [
        DueWork(
            f"page:{group}:{step.policy}:{step.run}:{step.index}",
            PAGE_KIND,
            start + step.after,
            incident_id=incident_id,
            data={
                "reference": reference,
                "root": policy,
                "policy": step.policy,
                "run": step.run,
                "step": step.index,
                "group": group,
            },
        )
        for step in plan_escalation(oncall, policy)
    ]


class PagingPlan:
    def __init__(self, oncall: OncallPolicy) -> None:
        self.oncall = oncall

    def pages(self, incident: Incident) -> bool:
        """Whether an escalation policy pages for the incident (then it replaces `escalation.levels`)."""
        return paging_policy(self.oncall, incident) is not None

    def opened(self, incident: Incident) -> list[DueWork]:
        """A just-declared incident's firings (none if acknowledged at once, or no policy pages for it)."""
        policy = paging_policy(self.oncall, incident)
        if policy is None or incident.acknowledged_at is not None or incident.id is None:
            return []
        return page_work(
            self.oncall,
            policy,
            group=str(incident.id),
            start=incident.declared_at,
            reference=incident.reference,
            incident_id=incident.id,
        )

    async def changed(
        self, uow: UnitOfWork, incident: Incident, existing: Mapping[str, DueWork], *, open_: bool
    ) -> list[DueWork]:
        """The firings still wanted: all pending ones while open and unacknowledged, else none."""
        pending = [work for work in existing.values() if work.kind == PAGE_KIND]
        if open_ and incident.acknowledged_at is None:
            return pending
        if pending and incident.id is not None and incident.acknowledged_at is not None:
            await uow.oncall.acknowledge_incident_pages(incident.id, incident.acknowledged_at, None)
        return []
