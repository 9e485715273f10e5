"""Putting a document together: computed sections as they are, narrative sections from the model or the template."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from incidents.action_items import Priority
from incidents.postmortem_doc import (
    CitedEntry,
    Claim,
    DraftInfo,
    Facts,
    PostmortemDocument,
    Section,
    SectionSource,
    SuggestedAction,
)
from postmortem.evidence import Evidence
from postmortem.schema import CLAIM_SECTIONS, CitedClaim, NarrativeDraft

BODY_MAX = 2900  # under what a Slack text input holds, so every section can be edited in a modal
CLAIM_MAX = 600
EMPTY = "_The timeline supports no statement here yet: fill it in._"
_INLINE_CITES = re.compile(r"\s*\[#\d+\](?:\s*\[#\d+\])*")


def cites_text(cites: Iterable[int]) -> str:
    return " ".join(f"[#{n}]" for n in sorted(set(cites)))


def _claim(raw: CitedClaim) -> Claim:
    text = _INLINE_CITES.sub("", raw.text).strip()
    return Claim(text if len(text) <= CLAIM_MAX else text[: CLAIM_MAX - 1] + "…", tuple(sorted(set(raw.cites))))


def _lines(claims: Sequence[Claim], prefix: str = "- ") -> tuple[str, tuple[Claim, ...]]:
    """Claims as lines until the section is full; the claims kept are the ones shown."""
    lines: list[str] = []
    kept: list[Claim] = []
    used = 0
    for index, claim in enumerate(claims, start=1):
        line = f"{prefix.format(n=index)}{claim.text} {cites_text(claim.cites)}"
        if used + len(line) + 1 > BODY_MAX:
            break
        lines.append(line)
        kept.append(claim)
        used += len(line) + 1
    return "\n".join(lines), tuple(kept)


def model_sections(
    draft: NarrativeDraft,
) -> tuple[dict[str, tuple[str, tuple[Claim, ...]]], tuple[SuggestedAction, ...]]:
    sections: dict[str, tuple[str, tuple[Claim, ...]]] = {}
    for key in CLAIM_SECTIONS:
        claims = [_claim(c) for c in getattr(draft, key)]
        sections[key] = _lines(claims, "" if key == "summary" else "- ")
        if key == "summary":  # one paragraph reads better than a list
            body, kept = sections[key]
            sections[key] = (body.replace("\n", " "), kept)
    whys = [_claim(c) for c in draft.root_cause.whys[:5]]
    factors = [_claim(c) for c in draft.root_cause.contributing_factors]
    why_body, why_kept = _lines(whys, "{n}. ")
    factor_body, factor_kept = _lines(factors)
    parts = [
        f"**Five whys**\n{why_body}" if why_body else "",
        f"**Contributing factors**\n{factor_body}" if factor_body else "",
    ]
    body = "\n\n".join(p for p in parts if p)
    sections["root_cause"] = (body[:BODY_MAX], why_kept + factor_kept)
    suggestions = tuple(
        SuggestedAction(
            _claim(CitedClaim(text=a.text, cites=a.cites)).text, Priority(a.priority), tuple(sorted(set(a.cites)))
        )
        for a in draft.action_items
    )
    body, _kept = _lines([Claim(f"{a.text} _({a.priority.value})_", a.cites) for a in suggestions])
    sections["action_items"] = (body, ())
    return sections, suggestions


def build_document(
    facts: Facts,
    titles: Mapping[str, str],
    computed: Mapping[str, Section],
    narrative: Mapping[str, tuple[str, tuple[Claim, ...]]],
    source: SectionSource,
    suggestions: tuple[SuggestedAction, ...],
    evidence: Sequence[Evidence],
    draft: DraftInfo,
    *,
    timeline_note: str = "",
) -> PostmortemDocument:
    sections = []
    cited: set[int] = {n for a in suggestions for n in a.cites}
    for key, title in titles.items():
        if key in computed:
            sections.append(computed[key])
            continue
        body, claims = narrative.get(key, ("", ()))
        cited.update(n for c in claims for n in c.cites)
        sections.append(Section(key, title, body or EMPTY, source, claims))
    by_id = {e.id: e for e in evidence}
    entries = tuple(CitedEntry(n, by_id[n].at, by_id[n].author, by_id[n].excerpt) for n in sorted(cited) if n in by_id)
    return PostmortemDocument(facts, tuple(sections), suggestions, entries, draft, timeline_note)
