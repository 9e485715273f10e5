"""Group keys: which alerts are the same problem, so that a repeat edits one post instead of adding another.

The rule, in order: the sender's own fingerprint (Alertmanager `fingerprint`, PagerDuty `dedup_key`, the
Datadog monitor, …); else a stable hash of the alert's labels, sorted by name; else, for an alert with neither,
its title (so that two unrelated label-less alerts are not merged into one group). The key is scoped to the
integration: two senders that happen to use the same fingerprint never share a group.

Keys are 32 hex digits of a SHA-256 over the parts as a JSON array: the same on every machine and Python version,
fixed in size for an index, and injective in practice (no two different inputs share an encoding).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping

KEY_LENGTH = 32
# The C string encoder of the json module (ASCII-only: it escapes what UTF-8 cannot encode, such as the lone
# surrogate "\ud800" that JSON can carry); joining its output ourselves skips the encoder's Python layers.
_json_string: Callable[[str], str] = json.encoder.encode_basestring_ascii


def group_key(integration: str, fingerprint: str | None, labels: Mapping[str, str], title: str) -> str:
    """The group an alert belongs to, by the rule above."""
    if fingerprint:
        return stable_digest("group", integration, "fingerprint", fingerprint)
    if labels:
        return stable_digest("group", integration, "labels", *sorted_label_parts(labels))
    return stable_digest("group", integration, "title", title)


def sorted_label_parts(labels: Mapping[str, str]) -> list[str]:
    """Names and values, alternating, in name order: the canonical form hashed for a label set."""
    parts: list[str] = []
    for name in sorted(labels):
        parts.append(name)
        parts.append(labels[name])
    return parts


def stable_digest(*parts: str) -> str:
    """A short, stable hash of `parts`, encoded as a JSON array so that ("ab", "c") and ("a", "bc") differ."""
    encoded = "[" + ",".join(map(_json_string, parts)) + "]"
    return hashlib.sha256(encoded.encode("ascii")).hexdigest()[:KEY_LENGTH]
