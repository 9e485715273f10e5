"""`/incident search` options: taken out of the text before the query is parsed, with clear refusals."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidents.errors import InvalidInput
from incidents.model import Incident
from incidents.search.filters import SearchFilters, parse_search_request
from incidents.search.query import parse_query

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def parse(text: str) -> tuple[str, SearchFilters]:
    request = parse_search_request(text, now=NOW)
    return str(request.query), request.filters


@pytest.mark.parametrize(
    ("typed", "query", "filters"),
    [
        ("database timeout", "database timeout", SearchFilters()),
        ("timeout --service checkout", "timeout", SearchFilters(services=frozenset({"checkout"}))),
        (
            "--service=API,Web timeout --service orders",
            "timeout",
            SearchFilters(services=frozenset({"api", "web", "orders"})),
        ),
        ("pool --severity sev1,SEV2", "pool", SearchFilters(severities=frozenset({"SEV1", "SEV2"}))),
        ("pool --since 30d", "pool", SearchFilters(since=NOW - timedelta(days=30))),
        ("pool --since 2026-10-01", "pool", SearchFilters(since=datetime(2026, 10, 1, tzinfo=UTC))),
        ("pool --since 2w --since 30d", "pool", SearchFilters(since=NOW - timedelta(days=14))),  # the narrower
        ('"--service checkout" pool', '"--service checkout" pool', SearchFilters()),  # quoted: words
        ('x -"load test" --service "web shop"', 'x -"load test"', SearchFilters(services=frozenset({"web shop"}))),
        ("timeout -- --- -x", "timeout -x", SearchFilters()),  # dashes alone are not options
        ("--service\x00 api", "", SearchFilters(services=frozenset({"api"}))),  # a NUL never reaches a filter
    ],
)
def test_options_become_filters_and_the_rest_the_query(typed: str, query: str, filters: SearchFilters) -> None:
    assert parse(typed) == (query, filters)


def test_a_date_is_midnight_in_the_given_timezone() -> None:
    request = parse_search_request("x --since 2026-10-01", now=NOW, timezone=ZoneInfo("Europe/Berlin"))
    assert request.filters.since == datetime(2026, 9, 30, 22, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ("x --servce api", "--servce", "--servce is not an option: did you mean --service? To search for it, put"),
        ("x --colour red", "--colour", "the options are --service, --severity, --since."),
        ("x --service", "--service", "--service needs a value, e.g. --service checkout"),
        ("x --since --service api", "--since", "--since needs a value"),
        ("x --since yesterday", "--since", "'yesterday' is neither a duration nor a date: write it like 30d, 2w"),
        ("x --since 2026-02-30", "--since", "'2026-02-30' is neither a duration nor a date"),
        ("x --since 90", "--since", "'90' is neither a duration nor a date"),
    ],
)
def test_bad_options_are_refused_with_the_reason(typed: str, field: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_search_request(typed, now=NOW)
    assert list(refused.value.fields) == [field]
    assert message in refused.value.fields[field]


def test_a_huge_since_means_everything() -> None:
    assert parse_search_request("x --since 99999999d", now=NOW).filters.since is not None


def test_filters_admit_incidents_as_the_engines_do() -> None:
    incident = Incident(
        reference="INC-2026-0001", year=2026, number=1, title="t", severity="sev2", status="investigating",
        declared_by="U1", declared_at=NOW - timedelta(days=3), services=["Checkout", "payments"],
    )  # fmt: skip
    assert SearchFilters().admits(incident)
    assert SearchFilters(services=frozenset({"checkout", "web"})).admits(incident)
    assert not SearchFilters(services=frozenset({"web"})).admits(incident)
    assert SearchFilters(severities=frozenset({"SEV2"})).admits(incident)
    assert not SearchFilters(severities=frozenset({"SEV1"})).admits(incident)
    assert SearchFilters(since=NOW - timedelta(days=7)).admits(incident)
    assert not SearchFilters(since=NOW - timedelta(days=1)).admits(incident)
    assert not SearchFilters(services=frozenset({"web"})).admits(replace(incident, services=[]))


def test_the_query_part_is_the_query_language() -> None:
    request = parse_search_request('pool OR "too many clients" -staging --severity SEV1', now=NOW)
    assert request.query == parse_query('pool OR "too many clients" -staging')
