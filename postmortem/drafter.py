"""The drafter the domain asks for (incidents' `Drafter`): facts computed, narrative by the model or the template.

Nothing leaves before it is redacted, and nothing of a private incident leaves unless the policy allows it. A
model that fails, answers nonsense or takes longer than the policy's `model_timeout` gives way to the template
draft, and the document says so.
"""

from __future__ import annotations

import asyncio
import logging

from incidents.policy import Policy
from incidents.postmortem_doc import DraftInfo, DraftKind, Facts, PostmortemDocument, SectionSource
from incidents.postmortem_ports import DraftRequest
from postmortem.assemble import build_document, model_sections
from postmortem.checks import Checker
from postmortem.evidence import Evidence, People, gather_evidence
from postmortem.facts import compute_facts, impact_section
from postmortem.model import ChatModel, ModelFailed
from postmortem.prompts import facts_text
from postmortem.redaction import redact
from postmortem.template import template_sections
from postmortem.timeline_section import timeline_section
from postmortem.writer import ModelWriter, Written

log = logging.getLogger(__name__)

NO_MODEL = "no language model is configured (FIREBREAK_LLM_MODEL)"
PRIVATE = "this incident is private and the policy keeps private incidents away from the model"


class PostmortemDrafter:
    def __init__(self, model: ChatModel | None = None) -> None:
        self.model = model
        self.last_written: Written | None = None  # the last model run's request sizes (the benchmark reads it)

    async def close(self) -> None:
        if self.model is not None:
            await self.model.close()

    def why_no_model(self, request: DraftRequest) -> str | None:
        if self.model is None:
            return NO_MODEL
        if request.incident.private and not request.policy.postmortem.send_private_incidents:
            return PRIVATE
        return None

    async def draft(self, request: DraftRequest) -> PostmortemDocument:
        incident, policy = request.incident, request.policy
        entries = list(request.entries)
        titles = policy.postmortem.section_titles()
        people = People(incident, entries, request.names, policy)
        evidence = gather_evidence(entries, people)
        facts = compute_facts(incident, entries, policy)
        # The timeline section is computed in every kind of draft: a model may write around it, never thin it.
        timeline, left_out = timeline_section(
            entries, evidence, titles["timeline"], full_max=policy.postmortem.full_timeline_max
        )
        computed = {"impact": impact_section(facts, entries, request.names, titles["impact"]), "timeline": timeline}
        reason = self.why_no_model(request)
        if reason is None and self.model is not None:
            try:
                facts_block = facts_text_for(request, people, facts)
                written = await self._write(self.model, people, evidence, policy, facts_block)
            except TimeoutError:
                reason = f"the model did not answer within {policy.postmortem.model_timeout.total_seconds():g}s"
            except ModelFailed as exc:
                reason = exc.reason
            else:
                narrative, suggestions = model_sections(written.draft)
                info = DraftInfo(DraftKind.MODEL, self.model.name, "", written.notes)
                requests = len(written.log.sizes)
                log.info("Postmortem of %s drafted by the model in %d request(s)", incident.reference, requests)
                source = SectionSource.MODEL
                return build_document(
                    facts, titles, computed, narrative, source, suggestions, evidence, info, timeline_note=left_out
                )
            log.warning("Postmortem of %s: template draft, because %s", incident.reference, reason)
        narrative, suggestions = template_sections(facts, evidence, incident.resolution_summary)
        info = DraftInfo(DraftKind.TEMPLATE, None, reason or NO_MODEL)
        source = SectionSource.TEMPLATE
        return build_document(
            facts, titles, computed, narrative, source, suggestions, evidence, info, timeline_note=left_out
        )

    async def _write(
        self,
        model: ChatModel,
        people: People,
        evidence: list[Evidence],
        policy: Policy,
        facts_block: str,
    ) -> Written:
        settings = policy.postmortem
        seconds = settings.model_timeout.total_seconds()
        checker = Checker({e.id for e in evidence}, people.terms())
        async with asyncio.timeout(seconds):
            written = await ModelWriter(model).write(
                facts_block, evidence, budget=settings.token_budget, seconds=seconds, checker=checker
            )
        self.last_written = written
        return written


def facts_text_for(request: DraftRequest, people: People, facts: Facts) -> str:
    """The facts for the model: free text (title, description, resolution) redacted and without names."""
    incident = request.incident

    def safe(text: str) -> str:
        return redact(people.pseudonymise(redact(text)))

    context = {
        "title": safe(incident.title),
        "description": safe(incident.description),
        "resolution": safe(incident.resolution_summary),
        "impact": safe(facts.reported_impact),
    }
    return facts_text(facts, context)
