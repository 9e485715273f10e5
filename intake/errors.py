"""Why a body could not be read as alerts: each error names the JSON path, for the 422 answer."""

from __future__ import annotations

from collections.abc import Iterable


class AlertBodyError(Exception):
    """A decoded JSON body that the integration's parser cannot read; `path` is where (`alerts.0.status`)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path or '(body)'}: {message}")
        self.path = path


class MissingField(AlertBodyError):
    def __init__(self, path: str) -> None:
        super().__init__(path, "missing")


class WrongType(AlertBodyError):
    def __init__(self, path: str, expected: str, value: object) -> None:
        super().__init__(path, f"expected {expected}, got {json_type(value)}")
        self.expected = expected


class UnknownStatus(AlertBodyError):
    """A status value the kind (or the generic mapping's `status_map`) does not know."""

    def __init__(self, path: str, value: object, known: Iterable[str]) -> None:
        super().__init__(path, f"unknown status value {value!r} (known: {', '.join(known)})")
        self.value = value


class InvalidValue(AlertBodyError):
    def __init__(self, path: str, value: object, expected: str) -> None:
        super().__init__(path, f"{_shorten(value)} is not {expected}")
        self.value = value


class MissingMapping(Exception):
    """A `generic` integration has no `alerts.integrations.<name>.generic` mapping in the policy."""

    def __init__(self, integration: str) -> None:
        super().__init__(
            f"integration '{integration}' is generic but the policy has no alerts.integrations."
            f"{integration}.generic mapping"
        )
        self.integration = integration


def json_type(value: object) -> str:
    """The JSON name of a decoded value's type, as a sender would recognise it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object" if isinstance(value, dict) else type(value).__name__


def _shorten(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"
