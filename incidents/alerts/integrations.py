"""Integrations: who may send alerts, of which kind, with which token.

A token is 32 random bytes (URL-safe base64); only its SHA-256 is stored, so a database dump lets nobody send
alerts, and a token is compared with `hmac.compare_digest` over the digests. The token is shown once, when an
integration is added or its token rotated; afterwards nobody, Firebreak included, can show it again.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime

from incidents.alerts.model import AlertSourceKind

TOKEN_BYTES = 32


@dataclass
class Integration:
    name: str
    kind: AlertSourceKind
    token_hash: str
    enabled: bool
    created_by: str
    created_at: datetime
    rotated_at: datetime | None = None
    id: int | None = None


@dataclass(frozen=True)
class IssuedToken:
    """An integration with its token, at the one moment the token exists in the clear."""

    integration: Integration
    token: str


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def token_matches(integration: Integration, token: str) -> bool:
    """Whether `token` is this integration's, in time that does not depend on where they differ."""
    return hmac.compare_digest(token_digest(token), integration.token_hash)


def alert_url(base_url: str, integration: str, token: str) -> str:
    """The URL to give the sender: the token as the last path segment, for senders that cannot set headers."""
    return f"{base_url.rstrip('/')}/alerts/{integration}/{token}"
