"""Incident references and channel names, within Slack's channel-name rules.

Slack allows only lowercase letters, digits, `-` and `_`, at most 80 characters; titles can be anything,
including non-ASCII text, so the slug is folded to ASCII where possible and dropped where not.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

CHANNEL_NAME_MAX = 80
_REFERENCE = re.compile(r"^INC-(\d{4})-(\d{1,9})$", re.IGNORECASE)


def incident_reference(year: int, number: int) -> str:
    return f"INC-{year}-{number:04d}"


def parse_reference(text: str) -> tuple[int, int] | None:
    match = _REFERENCE.match(text.strip())
    return (int(match.group(1)), int(match.group(2))) if match else None


def normalise_reference(text: str) -> str | None:
    parsed = parse_reference(text)
    return incident_reference(*parsed) if parsed else None


def slugify(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded)
    return slug.strip("-")


def incident_channel_name(prefix: str, reference: str, title: str) -> str:
    """`inc-2026-0042-checkout-api-500s`: reference first so the channel sorts and is findable by ID."""
    parsed = parse_reference(reference)
    base = slugify(f"{prefix}-{parsed[0]}-{parsed[1]:04d}" if parsed else f"{prefix}-{reference}")
    slug = slugify(title)
    if not slug:
        return base[:CHANNEL_NAME_MAX]
    name = f"{base}-{slug}"[:CHANNEL_NAME_MAX]
    return name.rstrip("-_")


def channel_name_candidates(name: str, attempts: int = 5) -> Iterator[str]:
    """The name, then `-2`, `-3`… suffixes that still fit in 80 characters, for `name_taken`."""
    yield name
    for n in range(2, attempts + 2):
        suffix = f"-{n}"
        yield name[: CHANNEL_NAME_MAX - len(suffix)].rstrip("-_") + suffix
