"""Pytest plugin: a real PostgreSQL server for storage tests, and an empty database per test.

The server comes from ``FIREBREAK_TEST_POSTGRES_URL`` when it is set, otherwise from
``scripts/pg-test-server start``, which installs (as root) and starts a local server on first use. Where that
is impossible the PostgreSQL tests are skipped, except under CI (``CI=true``), where they fail instead.
"""

import os
import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import NoReturn

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import URL, make_url

SERVER_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg-test-server"
URL_VARIABLE = "FIREBREAK_TEST_POSTGRES_URL"
FIRST_START_TIMEOUT_SECONDS = 600  # the first start may include apt-get install postgresql
CANNOT_INSTALL_EXIT_CODE = 3


def _give_up(reason: str, *, can_skip: bool) -> NoReturn:
    if can_skip and os.environ.get("CI") != "true":
        pytest.skip(reason)
    pytest.fail(reason, pytrace=False)


def _start_local_server() -> str:
    try:
        result = subprocess.run(
            [str(SERVER_SCRIPT), "start"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=FIRST_START_TIMEOUT_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        _give_up(f"{SERVER_SCRIPT} start took over {FIRST_START_TIMEOUT_SECONDS} s", can_skip=False)
    if result.returncode != 0:
        reason = result.stderr.strip() or f"{SERVER_SCRIPT} start exited with {result.returncode}"
        _give_up(reason, can_skip=result.returncode == CANNOT_INSTALL_EXIT_CODE)
    return result.stdout.strip()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy URL (asyncpg driver) of a running server's ``firebreak_test`` database."""
    return os.environ.get(URL_VARIABLE) or _start_local_server()


def _connect_arguments(url: URL) -> dict[str, str | int | None]:
    return {"host": url.host, "port": url.port, "user": url.username, "password": url.password}


def _quote_identifier(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


@pytest.fixture
async def fresh_postgres_url(postgres_url: str) -> AsyncIterator[str]:
    """URL of a new, empty database that is dropped after the test."""
    server = make_url(postgres_url)
    name = f"fb_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(database=server.database or "postgres", **_connect_arguments(server))
    try:
        await admin.execute(f"CREATE DATABASE {_quote_identifier(name)}")
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f"DROP DATABASE IF EXISTS {_quote_identifier(name)} WITH (FORCE)")
        await admin.close()
