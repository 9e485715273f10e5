"""What `firebreak` says when something around it fails: one line per problem, each naming what failed.

Only a database that cannot be opened is blamed on DATABASE_URL; any other failure of the operating system
(a folder that cannot be written, say) names the path and the reason instead.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from firebreak.cli import main
from firebreak.settings import Settings


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting comes from the environment or a stray .env: only what the test puts there."""
    names = {name.upper() for name in Settings.model_fields}
    for name in list(os.environ):
        if name.upper() in names:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list[str]]:
    code = main(list(argv))
    return code, capsys.readouterr().err.splitlines()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_folder_that_cannot_be_written_is_named_not_blamed_on_the_database(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (workdir / "a-file").write_text("not a folder", encoding="utf-8")
    code, err = _run(capsys, "demo", "--output", str(workdir / "a-file" / "demo"))
    assert code == 2
    assert err == [f"firebreak: {workdir / 'a-file' / 'demo'}: not a directory."]


@pytest.mark.parametrize("command", ["migrate", "postmortem INC-2026-0001"])
def test_a_database_that_cannot_be_opened_is_blamed_on_database_url(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], command: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", f"postgresql+asyncpg://firebreak@127.0.0.1:{_closed_port()}/firebreak")
    code, err = _run(capsys, *command.split())
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("firebreak: cannot open the database at DATABASE_URL (") and "refused" in err[0]


def test_run_blames_database_url_only_for_opening_the_database(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name, value in {
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "SLACK_SIGNING_SECRET": "secret",
        "SLACK_API_URL": f"http://127.0.0.1:{_closed_port()}/api/",
        "DATABASE_URL": f"postgresql+asyncpg://firebreak@127.0.0.1:{_closed_port()}/firebreak",
        "PORT": str(_closed_port()),
    }.items():
        monkeypatch.setenv(name, value)
    code, err = _run(capsys, "run")
    assert code == 2 and len(err) == 1 and "cannot open the database at DATABASE_URL" in err[0], err


def test_every_problem_of_the_policy_file_is_a_line_of_its_own(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "firebreak.yml"
    path.write_text("severities: [{id: SEV1, name: A, response_target: soon}]\nescalaton: {}\n", encoding="utf-8")
    code, err = _run(capsys, "check-config", str(path))
    assert code == 2 and len(err) == 2, err
    assert all(line.startswith(f"firebreak: {path}: ") for line in err), err
