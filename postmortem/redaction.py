"""Secrets out before anything leaves: tokens, keys, passwords and private keys become `[REDACTED:<kind>]`.

Applied to every piece of timeline text the postmortem uses, so neither the model nor the document (which is
posted to Slack and may be published) ever carries a credential someone pasted into the channel.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_KEY_NAMES = (
    r"passw(?:or)?d|passwd|pwd|secret|client[_-]?secret|api[_-]?key|apikey|access[_-]?key(?:[_-]?id)?|"
    r"secret[_-]?access[_-]?key|private[_-]?key|auth[_-]?token|access[_-]?token|refresh[_-]?token|token|"
    r"credentials?|session[_-]?key"
)

# Order matters: whole blocks (PEM) first, then the shapes that identify themselves, then key=value.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    (
        "private-key",
        re.compile(
            r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----.*?(?:-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----|\Z)", re.S
        ),
    ),
    ("slack-token", re.compile(r"\bxox[abeprs]-[A-Za-z0-9-]{6,}")),
    ("slack-token", re.compile(r"\bxapp-[A-Za-z0-9-]{6,}")),
    ("api-key", re.compile(r"\bsk-(?:proj-|live-|test-|ant-)?[A-Za-z0-9_-]{16,}")),
    ("api-key", re.compile(r"\bgh[pousr]_[A-Za-z0-9]{30,}")),
    ("api-key", re.compile(r"\bAIza[0-9A-Za-z_-]{30,}")),
    ("aws-key", re.compile(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b")),
    ("jwt", re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}")),
    ("bearer", re.compile(r"(?i)\b(bearer|basic)\s+[A-Za-z0-9\-._~+/]{8,}=*")),
    ("url-password", re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@<>|]+):([^\s@/<>|]+)@")),
    (
        "secret",
        re.compile(rf"""(?i)(["']?\b[\w.-]*(?:{_KEY_NAMES})[\w.-]*["']?\s*[:=]\s*)(["']?)([^\s"',;&<>|]+)\2"""),
    ),
]
# AWS secret access keys have no prefix: 40 characters of base64 with upper case, lower case and a digit
# (a git commit id, 40 lower-case hex characters, is left alone).
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])")


# Something every pattern above needs to find in a text before it can match there (the secret's key names, the
# tail of a password in a URL, 40 characters of base64…), under the same flags: a text holding none of them has
# nothing to redact, and most timeline text is such. Keep in step with _PATTERNS (tests/test_redaction.py).
_NEEDED = re.compile(
    r"(?i:bearer|basic|passw|pwd|secret|key|token|credential)"
    r"|-----BEGIN |xox|xapp-|sk-|gh[pousr]_|AIza|AKIA|ASIA|AGPA|AIDA|AROA|eyJ"
    r"|://[^\s:/@<>|]+:[^\s@/<>|]+@"
    r"|[A-Za-z0-9/+]{40}"
)


def _aws_secret(match: re.Match[str]) -> str:
    text = match.group(0)
    if any(c.isupper() for c in text) and any(c.islower() for c in text) and any(c.isdigit() for c in text):
        return "[REDACTED:aws-secret]"
    return text


def _replacer(kind: str) -> Callable[[re.Match[str]], str]:
    def replace(match: re.Match[str]) -> str:
        if kind == "url-password":
            return f"{match.group(1)}:[REDACTED:password]@"
        if kind == "bearer":
            return f"{match.group(1)} [REDACTED:token]"
        if kind == "secret":
            return f"{match.group(1)}{match.group(2)}[REDACTED:secret]{match.group(2)}"
        return f"[REDACTED:{kind}]"

    return replace


def redact(text: str) -> str:
    """`text` with every credential-shaped substring replaced; idempotent."""
    if not text or _NEEDED.search(text) is None:
        return text
    return every_pattern_applied(text)


def every_pattern_applied(text: str) -> str:
    """`redact` without its shortcut: what it must always give."""
    for kind, pattern in _PATTERNS:
        text = pattern.sub(_replacer(kind), text)
    return _AWS_SECRET.sub(_aws_secret, text)
