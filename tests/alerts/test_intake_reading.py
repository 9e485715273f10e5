"""How the intake reads times and tags however senders write them (intake/reading.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from intake.errors import InvalidValue, WrongType
from intake.reading import instant, tag_labels

OCT_5 = datetime(2026, 10, 5, 13, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-10-05T13:00:00Z", OCT_5),
        ("2026-10-05T15:00:00+02:00", OCT_5),
        ("2026-10-05T13:00:00.000000001Z", OCT_5),  # Alertmanager's nanoseconds
        ("2026-10-05T13:00:00.000+0000", OCT_5),  # PagerDuty's offset without a colon
        ("2026-10-05T13:00:00", OCT_5),  # no offset: UTC
        (" 2026-10-05T13:00:00Z ", OCT_5),
        (1791205200, OCT_5),  # seconds
        (1791205200.0, OCT_5),
        ("1791205200", OCT_5),
        (1791205200000, OCT_5),  # milliseconds (Datadog, Opsgenie's createdAt)
        ("1791205200000", OCT_5),
        (1791205200000000, OCT_5),  # microseconds
        (1791205200000000000, OCT_5),  # nanoseconds (Opsgenie's updatedAt)
        ("1791205200.000", OCT_5),
        ("20261005", datetime(1970, 8, 23, 12, 3, 25, tzinfo=UTC)),  # digits are a count, never a basic ISO date
        ("0001-01-01T00:00:00Z", None),  # Go's zero time: not set
        (None, None),
        ("", None),
        (0, None),
    ],
)
def test_times_as_senders_write_them(value: object, expected: datetime | None) -> None:
    assert instant(value, "t") == expected


@pytest.mark.parametrize(
    ("value", "error"),
    [("next tuesday", InvalidValue), ("9999-12-31T23:00:00-05:00", InvalidValue), (1e300, InvalidValue),
     (float("nan"), InvalidValue), (True, WrongType), ({"at": 1}, WrongType), ([1], WrongType)],
)  # fmt: skip
def test_what_is_not_a_time_is_named(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^when: "):
        instant(value, "when")


@pytest.mark.parametrize(
    ("tags", "labels"),
    [
        (
            ["env:prod", "canary", "url:https://x.example/a:b"],
            {"env": "prod", "canary": "", "url": "https://x.example/a:b"},
        ),
        ("env:prod, team:payments,,", {"env": "prod", "team": "payments"}),
        ([["browser", "Chrome 75"], ["level", "error"]], {"browser": "Chrome 75", "level": "error"}),
        ({"env": "prod", "replicas": 3, "gone": None}, {"env": "prod", "replicas": "3"}),
        ([" spaced : out "], {"spaced": "out"}),
        (None, {}),
        ([], {}),
    ],
)
def test_tags_become_labels(tags: object, labels: dict[str, str]) -> None:
    assert tag_labels(tags, "tags") == labels


def test_a_tag_that_is_not_text_is_named() -> None:
    with pytest.raises(WrongType, match=r"^tags\.1: expected a string, got an object"):
        tag_labels(["a:b", {"c": "d"}], "tags")
