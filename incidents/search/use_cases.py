"""The search use cases: `/incident search`, `/incident similar`, the suggestions posted after a declaration
and their votes. Runbooks are in runbooks.py. Each returns structured answers; bot/ words them."""

from __future__ import annotations

from dataclasses import dataclass

from incidents.access import ensure_can_see, is_admin, locate
from incidents.context import Context
from incidents.errors import NotFound
from incidents.model import Incident
from incidents.search.documents import Audience
from incidents.search.feedback import HitRate, ShownSuggestion, SuggestionFeedback, Verdict
from incidents.search.filters import SearchFilters, parse_search_request
from incidents.search.query import Query
from incidents.search.results import SearchHit, group_matches
from incidents.search.service import Runbook, SearchServices, SimilarPost
from incidents.search.similar_lookup import SemanticFallback, find_similar
from incidents.search.similarity import IncidentProfile, SimilarIncident

RESULTS = 10
DOCUMENTS_SCANNED = 200  # best documents asked of the engine, grouped into at most RESULTS incidents
SUGGESTIONS = 3


@dataclass(frozen=True, slots=True)
class SearchAnswer:
    query: Query
    filters: SearchFilters
    hits: tuple[SearchHit, ...]


async def search_incidents(ctx: Context, search: SearchServices, user_id: str, text: str) -> SearchAnswer:
    """The RESULTS incidents best matching what `user_id` typed, that they may see, with their best snippets.

    Raises InvalidInput for a bad option (the query itself never fails: see incidents.search.query)."""
    request = parse_search_request(text, now=ctx.clock.now())
    audience = Audience.person(user_id, admin=is_admin(ctx, user_id))
    matches = await search.backend.search(request.query, request.filters, audience, limit=DOCUMENTS_SCANNED)
    ranked = group_matches(matches, limit=RESULTS)
    incidents = await search.backend.incidents([match.incident_id for match in ranked])
    hits = tuple(
        SearchHit(incidents[match.incident_id], match.score, match.snippets)
        for match in ranked
        if match.incident_id in incidents
    )
    return SearchAnswer(request.query, request.filters, hits)


@dataclass(frozen=True, slots=True)
class SimilarAnswer:
    incident: Incident
    suggestions: tuple[SimilarIncident, ...]
    fallback: SemanticFallback | None
    runbooks: dict[str, tuple[Runbook, ...]]
    hit_rate: HitRate | None  # admins see the live hit rate
    postmortem_published: frozenset[int]  # suggested incidents whose postmortem is published


async def similar_incidents(
    ctx: Context, search: SearchServices, user_id: str, *, reference: str | None, channel_id: str | None
) -> SimilarAnswer:
    """`/incident similar [ID]`: the incidents most like this one that the asker may see."""
    async with ctx.uow(write=False) as uow:
        incident = await locate(uow, reference=reference, channel_id=channel_id)
        await ensure_can_see(ctx, uow, incident, user_id)
    admin = is_admin(ctx, user_id)
    target = await _profile(search, incident)
    lookup = await find_similar(
        target,
        index=search.backend,
        profiles=search.backend,
        semantic=search.semantic(),
        audience=Audience.person(user_id, admin=admin),
        limit=SUGGESTIONS,
    )
    runbooks = await _runbooks(search, incident, lookup.suggestions)
    hit_rate = await search.backend.hit_rate() if admin else None
    published = await _published(search, lookup.suggestions)
    return SimilarAnswer(incident, lookup.suggestions, lookup.fallback, runbooks, hit_rate, published)


async def post_similar_after_declaration(ctx: Context, search: SearchServices, incident_id: int) -> bool:
    """Post the most similar PAST public incidents (and the runbooks of the services involved) in a newly
    declared incident's channel, and record what was shown. Run as scheduled work after the declaration, so
    it never slows declaring. False when there is nothing to post (no channel, nothing similar, no runbook).

    Raises ChatError when Slack refuses (the scheduler retries what may pass)."""
    found = await search.backend.incidents([incident_id])
    incident = found.get(incident_id)
    if incident is None or incident.channel_id is None:
        return False
    target = await _profile(search, incident)
    # A channel's members may not all see a private incident: a post never suggests one.
    lookup = await find_similar(
        target,
        index=search.backend,
        profiles=search.backend,
        semantic=search.semantic(),
        audience=Audience.channel_post(),
        limit=SUGGESTIONS,
    )
    runbooks = await _runbooks(search, incident, lookup.suggestions)
    if not lookup.suggestions and not runbooks:
        return False
    post = SimilarPost(
        incident, lookup.suggestions, runbooks, lookup.fallback, await _published(search, lookup.suggestions)
    )
    await search.chat.post_similar(incident.channel_id, post)
    now = ctx.clock.now()
    shown = [
        ShownSuggestion(incident_id, s.profile.incident_id, rank, s.score, now)
        for rank, s in enumerate(lookup.suggestions, start=1)
    ]
    await search.backend.record_shown(shown)
    return True


async def rate_suggestion(
    ctx: Context, search: SearchServices, user_id: str, *, incident_id: int, suggested_id: int, verdict: Verdict
) -> None:
    """A Useful / Not relevant vote on a suggestion shown in an incident's channel (the latest vote stands)."""
    found = await search.backend.incidents([incident_id])
    if incident_id not in found:
        raise NotFound("That incident no longer exists.")
    async with ctx.uow(write=False) as uow:
        await ensure_can_see(ctx, uow, found[incident_id], user_id)
    vote = SuggestionFeedback(incident_id, suggested_id, verdict, user_id, ctx.clock.now())
    await search.backend.record_feedback(vote)


async def hit_rate(search: SearchServices) -> HitRate:
    return await search.backend.hit_rate()


async def _published(search: SearchServices, suggestions: tuple[SimilarIncident, ...]) -> frozenset[int]:
    suggested = await search.backend.incidents([s.profile.incident_id for s in suggestions])
    return frozenset(i for i, past in suggested.items() if past.postmortem_published_at is not None)


async def _profile(search: SearchServices, incident: Incident) -> IncidentProfile:
    assert incident.id is not None
    stored = await search.backend.profile(incident.id)
    return stored if stored is not None else IncidentProfile.of(incident)


async def _runbooks(
    search: SearchServices, incident: Incident, suggestions: tuple[SimilarIncident, ...]
) -> dict[str, tuple[Runbook, ...]]:
    services = {service.lower() for service in incident.services}
    for suggestion in suggestions:
        services |= suggestion.profile.services
    if not services:
        return {}
    by_service: dict[str, list[Runbook]] = {}
    for runbook in await search.backend.runbooks(sorted(services)):
        by_service.setdefault(runbook.service, []).append(runbook)
    return {service: tuple(books) for service, books in by_service.items()}
