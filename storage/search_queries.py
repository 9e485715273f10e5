"""The search index's queries on either engine: documents matching a query (with filters and the audience's
visibility applied in SQL), and the text half of the similar-incident lookup.

SQLite: the FTS5 table `search_fts` over `search_documents` (bm25(), snippet()); PostgreSQL: the generated
`document` tsvector (ts_rank_cd, ts_headline). The query is compiled by storage/search_sqlite.py and
storage/search_postgres.py: the user's text only ever reaches the engine as bound parameters.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnClause,
    ColumnElement,
    Float,
    Select,
    Table,
    Text,
    exists,
    false,
    func,
    literal,
    literal_column,
    or_,
    select,
    table,
    true,
)
from sqlalchemy import cast as sql_cast
from sqlalchemy.dialects.postgresql import TSQUERY
from sqlalchemy.ext.asyncio import AsyncSession

from incidents.search.documents import Audience, DocumentKind
from incidents.search.filters import SearchFilters
from incidents.search.query import Query
from incidents.search.results import DocumentMatch, snippet_from_marked
from storage.search_index_table import search_documents as _D
from storage.search_postgres import any_word_tsquery, compile_tsquery
from storage.search_sqlite import fts5_any_word, fts5_match, snippet_sql
from storage.tables import IncidentRow, IncidentServiceRow, MemberRow, RoleAssignmentRow

_I = cast(Table, IncidentRow.__table__)
_S = cast(Table, IncidentServiceRow.__table__)
_R = cast(Table, RoleAssignmentRow.__table__)
_M = cast(Table, MemberRow.__table__)
_FTS: ColumnClause[Any] = literal_column("search_fts")
_DOCUMENT: ColumnClause[Any] = literal_column("search_documents.document")


def visible_to(audience: Audience) -> ColumnElement[bool]:
    """Public incidents, and the private ones the audience may see: all for an admin; for a person, those
    they declared, hold a role in or are a member of (the core access rules, as stored)."""
    if audience.all_private:
        return true()
    if audience.viewer is None:
        return _I.c.private == false()
    viewer = audience.viewer
    return or_(
        _I.c.private == false(),
        _I.c.declared_by == viewer,
        exists().where(_R.c.incident_id == _I.c.id, _R.c.user_id == viewer),
        exists().where(_M.c.incident_id == _I.c.id, _M.c.user_id == viewer, _M.c.left_at.is_(None)),
    )


def passing(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.services:
        conditions.append(
            exists().where(_S.c.incident_id == _I.c.id, func.lower(_S.c.service).in_(sorted(filters.services)))
        )
    if filters.severities:
        conditions.append(func.upper(_I.c.severity).in_(sorted(filters.severities)))
    if filters.since is not None:
        conditions.append(_I.c.declared_at >= filters.since)
    return conditions


async def search_documents(
    session: AsyncSession, query: Query, filters: SearchFilters, audience: Audience, *, limit: int
) -> list[DocumentMatch]:
    sqlite = session.get_bind().dialect.name == "sqlite"
    stmt = _sqlite_search(query) if sqlite else _postgres_search(query)
    if stmt is None:
        return []
    stmt = stmt.join(_I, _I.c.id == _D.c.incident_id).where(visible_to(audience), *passing(filters)).limit(limit)
    rows = (await session.execute(stmt)).all()
    return [
        DocumentMatch(
            incident_id,
            DocumentKind(kind),
            key,
            at,
            max(float(score), 0.0),
            snippet_from_marked(snippet, kind=DocumentKind(kind), at=at),
        )
        for incident_id, kind, key, at, score, snippet in rows
    ]


def _sqlite_search(query: Query) -> Select[Any] | None:
    match = fts5_match(query)
    if match is None:
        return None
    bm25 = func.bm25(_FTS, type_=Float)
    snippet: ColumnClause[str] = literal_column(snippet_sql("search_fts", 0))
    return (
        select(_D.c.incident_id, _D.c.kind, _D.c.key, _D.c.at, -bm25, snippet)
        .select_from(_fts_join())
        .where(_FTS.op("MATCH")(literal(match)))
        .order_by(bm25)
    )


def _fts_join() -> Any:
    return table("search_fts").join(_D, _D.c.id == literal_column("search_fts.rowid"))


def _postgres_search(query: Query) -> Select[Any] | None:
    compiled = compile_tsquery(query)
    if compiled is None:
        return None
    rank = func.ts_rank_cd(_DOCUMENT, compiled.searched, type_=Float)
    return (
        select(_D.c.incident_id, _D.c.kind, _D.c.key, _D.c.at, rank, compiled.headline(_D.c.text))
        .select_from(_D)
        .where(compiled.matches(_DOCUMENT))
        .order_by(rank.desc())
    )


async def similar_text(
    session: AsyncSession,
    query: Query,
    *,
    declared_before: datetime,
    exclude_incident_id: int,
    audience: Audience,
    limit: int,
) -> dict[int, float]:
    """Each past incident's best document score for any of the query's words (title, description and
    resolution documents: what an incident was and how it ended, not its chatter)."""
    # Literal kinds: PostgreSQL then proves its partial index on them usable (a bound list it could not).
    kinds: list[ColumnClause[Any]] = [
        literal_column(f"'{kind.value}'") for kind in (DocumentKind.INCIDENT, DocumentKind.RESOLUTION)
    ]
    if session.get_bind().dialect.name == "sqlite":
        match = fts5_any_word(query)
        if match is None:
            return {}
        about: ColumnClause[Any] = literal_column("search_about_fts")
        score: Any = -func.bm25(about, type_=Float)
        joined = table("search_about_fts").join(_D, _D.c.id == literal_column("search_about_fts.rowid"))
        stmt = select(_D.c.incident_id, score).select_from(joined).where(about.op("MATCH")(literal(match)))
    else:
        tsquery = any_word_tsquery(query)
        if tsquery is None:
            return {}
        # Built once, then inlined as a constant: as a bound expression, a generic plan would build it again for
        # every matching row (ts_rank_cd's argument), ten times slower. The text is PostgreSQL's own tsquery
        # output, rendered as an escaped literal, never the user's text.
        built = await session.scalar(select(sql_cast(tsquery, Text)))
        if not built:
            return {}
        constant = sql_cast(literal(built, Text(), literal_execute=True), TSQUERY)
        # ts_rank (word frequencies), not ts_rank_cd: for an OR of many words the cover density means little,
        # and it is several times slower over thousands of matches.
        score = func.ts_rank(_DOCUMENT, constant, type_=Float)
        stmt = select(_D.c.incident_id, score).select_from(_D).where(_DOCUMENT.op("@@")(constant))
    stmt = (
        stmt.join(_I, _I.c.id == _D.c.incident_id)
        .where(
            _D.c.kind.in_(kinds),
            _I.c.declared_at < declared_before,
            _I.c.id != exclude_incident_id,
            visible_to(audience),
        )
        .order_by(score.desc())
        .limit(limit * 2)  # an incident has two documents at most here
    )
    best: dict[int, float] = {}
    for incident_id, value in (await session.execute(stmt)).all():
        best[incident_id] = best.get(incident_id, 0.0) + max(float(value), 0.0)
    return dict(sorted(best.items(), key=lambda item: -item[1])[:limit])
