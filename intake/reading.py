"""Reading decoded JSON with the path of every value at hand, so that what is wrong can be named exactly.

Senders are lenient with types (Datadog sends every value as a string, Opsgenie times in milliseconds or
nanoseconds), so the readers accept what a value plainly means and refuse the rest with a typed error.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime

from incidents.alerts.grouping import stable_digest
from intake.errors import InvalidValue, MissingField, WrongType

JsonObject = Mapping[str, object]
_NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
# Magnitudes of "now" in each unit, to tell seconds from milliseconds, microseconds and nanoseconds.
_EPOCH_SCALES = ((1e17, 1e9), (1e14, 1e6), (1e11, 1e3))


def at(path: str, key: str | int) -> str:
    """The path of `key` inside the value at `path` (`alerts` + 0 -> `alerts.0`)."""
    return f"{path}.{key}" if path else str(key)


def as_object(value: object, path: str) -> JsonObject:
    if not isinstance(value, dict):
        raise WrongType(path, "an object", value)
    return value


def as_list(value: object, path: str) -> list[object]:
    if not isinstance(value, list):
        raise WrongType(path, "an array", value)
    return value


def required(obj: JsonObject, key: str, path: str) -> object:
    """The value at `key`; absent or null is missing."""
    value = obj.get(key)
    if value is None:
        raise MissingField(at(path, key))
    return value


def scalar_text(value: object, path: str) -> str | None:
    """A string, number or boolean as text; null as None; an object or array is refused."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise WrongType(path, "a string", value)


def optional_text(obj: JsonObject, key: str, path: str) -> str | None:
    """The text at `key`, stripped; None when absent, null or blank."""
    value = obj.get(key)
    # The path is only worked out for a value that is not already text: it is needed only to name a mistake.
    text = value if value is None or isinstance(value, str) else scalar_text(value, at(path, key))
    return text.strip() or None if text is not None else None


def required_text(obj: JsonObject, key: str, path: str) -> str:
    text = optional_text(obj, key, path)
    if text is None:
        raise MissingField(at(path, key))
    return text


def details_text(value: object) -> str:
    """Any JSON value as one line of text: scalars as themselves, objects and arrays as compact JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return scalar_text(value, "") or ""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def text_map(value: object, path: str) -> dict[str, str]:
    """An object of labels or details as name -> text; absent or null is empty; nulls inside are left out."""
    if value is None:
        return {}
    return {
        name: item if isinstance(item, str) else details_text(item)
        for name, item in as_object(value, path).items()
        if item is not None
    }


def tag_labels(value: object, path: str) -> dict[str, str]:
    """Tags as labels: `["env:prod", "canary"]` or `"env:prod, canary"` -> {env: prod, canary: ""}; an object
    is taken as it is. The first colon splits a tag, so `url:https://x` keeps its value whole."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return text_map(value, path)
    if isinstance(value, str):
        tags: list[object] = [tag for tag in value.split(",")]
    else:
        tags = as_list(value, path)
    labels: dict[str, str] = {}
    for index, tag in enumerate(tags):
        if isinstance(tag, list) and len(tag) == 2:  # Sentry: [["browser", "Chrome 75"], …]
            name, item = (scalar_text(part, at(path, index)) or "" for part in tag)
        else:
            name, _, item = (scalar_text(tag, at(path, index)) or "").partition(":")
        if name.strip():
            labels[name.strip()] = item.strip()
    return labels


def instant(value: object, path: str) -> datetime | None:
    """An RFC 3339 time, or a time since 1970 in seconds, milliseconds, microseconds or nanoseconds (told apart
    by size), as an aware UTC datetime. Null, "" and Go's zero time (`0001-01-01T00:00:00Z`) are None."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _from_epoch(float(value), path)
    if not isinstance(value, str):
        raise WrongType(path, "a time", value)
    text = value.strip()
    if text.isdigit():  # before fromisoformat, which would read "20261005" as a date
        return _from_epoch(float(text), path)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        if _NUMBER.match(text):  # "1566248777.677"
            return _from_epoch(float(text), path)
        raise InvalidValue(path, value, "an RFC 3339 time") from None
    if parsed.year == 1:
        return None
    try:
        return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)
    except OverflowError:  # e.g. 9999-12-31T23:00:00-05:00, past the last representable instant
        raise InvalidValue(path, value, "a time this side of the year 10000") from None


def _from_epoch(number: float, path: str) -> datetime | None:
    if number == 0:
        return None
    seconds = next((number / divisor for limit, divisor in _EPOCH_SCALES if abs(number) >= limit), number)
    try:
        return datetime.fromtimestamp(seconds, UTC)
    except (OverflowError, OSError, ValueError):
        raise InvalidValue(path, number, "a time since 1970") from None


def body_digest(*parts: object) -> str:
    """A stable digest of JSON values (key order ignored): the idempotency key of a body with no event id."""
    texts = [json.dumps(part, ensure_ascii=False, separators=(",", ":"), sort_keys=True) for part in parts]
    return stable_digest("body", *texts)
