"""redact()'s shortcut (a text holding nothing any pattern needs is returned as it is) never lets a secret
through: on any text it gives what applying every pattern gives. Hypothesis, from a fixed seed: texts made
from each pattern itself, and from fragments around the shortcut's edges (case folding included)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from postmortem.redaction import _AWS_SECRET, _PATTERNS, every_pattern_applied, redact

_FRAGMENTS = st.sampled_from(
    ["password", "PASSWORD", "paſsword", "Pwd", "ſecret", "credentıals", "to\u212aen", "KEY", "api_key", "token",
     "=", ":", " ", '"', "'", "hunter2", "xoxb-", "xapp-", "sk-", "ghp_", "AIza", "AKIA", "ASIA", "eyJ", ".",
     "bearer ", "Basic ", "BEARER\t", "://", "https://", "u:pw@", "@", "/", "+", "A" * 20, "a1" * 10, "Z9z" * 7,
     "-----BEGIN ", "PRIVATE KEY-----", "-----END ", "\n", "é", "İ", "ı", "ſ", "\u212a", "<", ">", "|", "&"]
)  # fmt: skip
_TEXT = st.one_of(st.lists(_FRAGMENTS, max_size=16).map("".join), st.text(max_size=60))
_SETTINGS = settings(max_examples=2000, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])


@_SETTINGS
@given(_TEXT)
def test_the_shortcut_agrees_with_every_pattern_on_any_text(text: str) -> None:
    assert redact(text) == every_pattern_applied(text)


@pytest.mark.parametrize("pattern", [p for _, p in _PATTERNS] + [_AWS_SECRET], ids=lambda p: p.pattern[:30])
def test_whatever_a_pattern_matches_is_redacted(pattern: object) -> None:
    @settings(max_examples=150, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(st.from_regex(pattern), st.text(max_size=8), st.text(max_size=8))  # type: ignore[arg-type]
    def check(secret: str, before: str, after: str) -> None:
        text = before + secret + after
        assert redact(text) == every_pattern_applied(text)

    check()


KEY_NAMES = ["password", "passwd", "pwd", "secret", "client_secret", "api-key", "apikey", "access_key_id",
             "secret_access_key", "private_key", "auth_token", "access_token", "refresh_token", "token",
             "credentials", "session_key"]  # fmt: skip


@pytest.mark.parametrize("name", KEY_NAMES + [n.upper() for n in KEY_NAMES] + [n.replace("s", "ſ") for n in KEY_NAMES])
def test_every_key_name_is_redacted_whatever_its_case(name: str) -> None:
    text = f"set {name}=h4ckme99 now"
    assert redact(text) == every_pattern_applied(text) != text
