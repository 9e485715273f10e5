"""The alerts tests that run the bot run it on SQLite and on PostgreSQL: idempotency, groups and claims are the
database's."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest

from tests.storage_support import BACKENDS, sqlite_url


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path, "firebreak.db")
    return cast(str, request.getfixturevalue("fresh_postgres_url"))
