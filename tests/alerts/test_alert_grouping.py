"""Group keys (incidents/alerts/grouping.py): the sender's fingerprint, else the sorted labels, else the title;
scoped to the integration, stable across releases."""

from __future__ import annotations

import re
from datetime import timedelta

from hypothesis import given
from hypothesis import strategies as st

from incidents.alerts.grouping import group_key
from incidents.alerts.model import AlertStatus
from incidents.alerts.routing import RouteDecision, apply_route
from tests.alerts.builders import T0, an_alert

label_sets = st.dictionaries(st.text(max_size=12), st.text(max_size=12), min_size=1, max_size=8)


def test_the_key_is_32_hex_digits_and_does_not_change_between_releases() -> None:
    # Stored group keys must keep matching the alerts that arrive after an upgrade: changing the rule or its
    # encoding is a migration, not a refactoring. These values were computed when the rule was written.
    assert group_key("prometheus", "c6eadffa33fcdf37", {}, "x") == "84237685b590d1bef802425678ff6da3"
    assert group_key("prometheus", None, {"alertname": "Disk", "instance": "db1"}, "x") == (
        "e296f2eec4ea077650b01dbba205c2ab"
    )
    assert re.fullmatch(r"[0-9a-f]{32}", group_key("p", None, {}, "title only"))


def test_the_fingerprint_wins_over_the_labels() -> None:
    one = an_alert(fingerprint="abc", labels={"alertname": "Disk", "instance": "db1"})
    other = an_alert(fingerprint="abc", labels={"alertname": "Disk", "instance": "db2"})

    assert one.group_key == other.group_key


def test_without_a_fingerprint_the_labels_decide_and_without_labels_the_title() -> None:
    assert an_alert(labels={"a": "1"}).group_key != an_alert(labels={"a": "2"}).group_key
    assert an_alert(labels={"a": "1"}, title="x").group_key == an_alert(labels={"a": "1"}, title="y").group_key
    assert an_alert(title="Disk full").group_key != an_alert(title="CPU hot").group_key
    assert an_alert(title="Disk full").group_key == an_alert(title="Disk full").group_key


def test_an_empty_fingerprint_is_no_fingerprint() -> None:
    assert an_alert(fingerprint="", labels={"a": "1"}).group_key == an_alert(labels={"a": "1"}).group_key


def test_groups_are_scoped_to_their_integration() -> None:
    assert an_alert(fingerprint="abc", integration="prod").group_key != (
        an_alert(fingerprint="abc", integration="staging").group_key
    )


def test_a_resolve_and_a_later_firing_belong_to_the_firing_group_whatever_their_route() -> None:
    firing = an_alert(fingerprint="abc", labels={"team": "a"})
    resolved = an_alert(fingerprint="abc", labels={"team": "a"}, status=AlertStatus.RESOLVED)
    refired = an_alert(fingerprint="abc", labels={"team": "a"}, started_at=T0 + timedelta(hours=1))
    decision = RouteDecision("other", 3, "payments", "SEV1", "C1", None, None, False)

    assert firing.group_key == resolved.group_key == refired.group_key == apply_route(resolved, decision).group_key


@given(label_sets, st.randoms())
def test_label_order_never_matters(labels: dict[str, str], random: object) -> None:
    items = list(labels.items())
    random.shuffle(items)  # type: ignore[attr-defined]

    assert group_key("p", None, dict(items), "t") == group_key("p", None, labels, "t")


@given(label_sets, label_sets)
def test_different_label_sets_make_different_groups(one: dict[str, str], other: dict[str, str]) -> None:
    assert (group_key("p", None, one, "t") == group_key("p", None, other, "t")) == (one == other)


@given(st.text(max_size=6), st.text(max_size=6), st.text(max_size=6), st.text(max_size=6))
def test_names_and_values_cannot_run_into_each_other(a: str, b: str, c: str, d: str) -> None:
    # {"a": "bc"} and {"ab": "c"} would hash alike if the parts were simply joined.
    assert (group_key("p", None, {a: b}, "") == group_key("p", None, {c: d}, "")) == ((a, b) == (c, d))


def test_text_that_utf8_cannot_encode_still_has_a_key() -> None:
    # json.loads("\"\\ud800\"") gives a lone surrogate; a sender can put one in a label.
    assert group_key("p", None, {"x": "\ud800"}, "") != group_key("p", None, {"x": "\ud801"}, "")
