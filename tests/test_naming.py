"""Incident references and Slack channel names (incidents/naming.py)."""

from __future__ import annotations

import re

import pytest

from incidents.naming import (
    channel_name_candidates,
    incident_channel_name,
    incident_reference,
    normalise_reference,
)

VALID = re.compile(r"^[a-z0-9_-]{1,80}$")


def test_reference_format() -> None:
    assert incident_reference(2026, 42) == "INC-2026-0042"
    assert incident_reference(2026, 12345) == "INC-2026-12345"
    assert normalise_reference("inc-2026-42") == "INC-2026-0042"
    assert normalise_reference("INC-26-1") is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Checkout API 500s", "inc-2026-0042-checkout-api-500s"),
        ("  Café crème: DNS!!  ", "inc-2026-0042-cafe-creme-dns"),
        ("数据库宕机", "inc-2026-0042"),
        ("🔥🔥🔥", "inc-2026-0042"),
        ("UPPER_case and under_score", "inc-2026-0042-upper-case-and-under-score"),
    ],
)
def test_channel_names_follow_slack_rules(title: str, expected: str) -> None:
    name = incident_channel_name("inc", "INC-2026-0042", title)
    assert name == expected and VALID.match(name)


def test_long_titles_are_cut_to_80_characters_without_a_trailing_dash() -> None:
    name = incident_channel_name("inc", "INC-2026-0042", "word " * 40)
    assert len(name) <= 80 and VALID.match(name) and not name.endswith("-")


def test_prefix_is_configurable() -> None:
    assert incident_channel_name("sev", "INC-2026-0042", "x").startswith("sev-2026-0042")


def test_candidates_for_taken_names_stay_within_80_characters() -> None:
    base = incident_channel_name("inc", "INC-2026-0042", "a" * 200)
    candidates = list(channel_name_candidates(base, attempts=12))
    assert candidates[0] == base and candidates[1].endswith("-2") and candidates[-1].endswith("-13")
    assert len(set(candidates)) == len(candidates)
    assert all(len(c) <= 80 and VALID.match(c) for c in candidates)
