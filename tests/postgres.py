"""Pytest plugin: a real PostgreSQL server for storage tests, and an empty database per test.

The server comes from ``FIREBREAK_TEST_POSTGRES_URL`` when it is set, otherwise from
``scripts/pg-test-server start``, which installs (as root) and starts a local server on first use. Where that
is impossible the PostgreSQL tests are skipped, except under CI (``CI=true``), where they fail instead.

Nothing needs starting before pytest. A session that found the local server stopped and started it stops it
again when it finishes, unless another session is still using it; a server that was already running (started
by hand with ``scripts/pg-test-server start``, say, to save the start-up on every run) is left running.
"""

import fcntl
import os
import socket
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, NoReturn

import asyncpg  # type: ignore[import-untyped]
import pytest
from sqlalchemy.engine import URL, make_url

SERVER_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "pg-test-server"
URL_VARIABLE = "FIREBREAK_TEST_POSTGRES_URL"
FIRST_START_TIMEOUT_SECONDS = 600  # the first start may include apt-get install postgresql
STOP_TIMEOUT_SECONDS = 60
CANNOT_INSTALL_EXIT_CODE = 3
# Sessions coordinate through flock(2) on files next to the server's own state; the kernel drops a lock when
# its process dies, so a killed session never keeps the server alive nor blocks the others.
STATE_DIR = SERVER_SCRIPT.parent.parent / ".pgtest"
START_LOCK = STATE_DIR / "sessions-start.lock"  # held while a session starts, or decides to stop, the server
USERS_LOCK = STATE_DIR / "sessions-using.lock"  # held shared by every session using the local server


@dataclass
class _LocalServerUse:
    users_lock: IO[str]
    started_here: bool


_LOCAL_SERVER = pytest.StashKey[_LocalServerUse]()


def _give_up(reason: str, *, can_skip: bool) -> NoReturn:
    if can_skip and os.environ.get("CI") != "true":
        pytest.skip(reason)
    pytest.fail(reason, pytrace=False)


def _server_answers() -> bool:
    """True when something accepts connections where ``pg-test-server start`` would put the server."""
    result = subprocess.run([str(SERVER_SCRIPT), "url"], capture_output=True, text=True, check=False)
    url = make_url(result.stdout.strip())
    try:
        with socket.create_connection((url.host or "127.0.0.1", url.port or 5432), timeout=1.0):
            return True
    except OSError:
        return False


def _start_local_server(config: pytest.Config) -> str:
    """Start the local server if it is not running, and register this session as one of its users."""
    try:
        STATE_DIR.mkdir(exist_ok=True)
        users_lock = USERS_LOCK.open("a")
    except OSError:  # the state directory belongs to someone else: start the server, never stop it
        return _run_start_script()
    try:
        with START_LOCK.open("a") as start_lock:
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            fcntl.flock(users_lock, fcntl.LOCK_SH)
            was_running = _server_answers()
            url = _run_start_script()
    except BaseException:
        users_lock.close()
        raise
    config.stash[_LOCAL_SERVER] = _LocalServerUse(users_lock, started_here=not was_running)
    return url


def _stop_local_server_if_ours(config: pytest.Config) -> None:
    use = config.stash.get(_LOCAL_SERVER, None)
    if use is None:
        return
    del config.stash[_LOCAL_SERVER]
    with use.users_lock:
        if not use.started_here:
            return
        with START_LOCK.open("a") as start_lock:
            # Under the start lock no session can begin using the server between this check and the stop.
            fcntl.flock(start_lock, fcntl.LOCK_EX)
            try:
                fcntl.flock(use.users_lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return  # another session still uses it, so it stays up (and that session will not stop it)
            result = subprocess.run(
                [str(SERVER_SCRIPT), "stop"],
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                timeout=STOP_TIMEOUT_SECONDS,
                check=False,
            )
            sys.stderr.write(result.stderr)  # empty unless pg_ctl stop failed


def pytest_sessionfinish(session: pytest.Session) -> None:
    _stop_local_server_if_ours(session.config)


def _run_start_script() -> str:
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
def postgres_url(pytestconfig: pytest.Config) -> str:
    """SQLAlchemy URL (asyncpg driver) of a running server's ``firebreak_test`` database."""
    return os.environ.get(URL_VARIABLE) or _start_local_server(pytestconfig)


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
