"""`firebreak integration …` against a real SQLite database: the URL shown once, the token stored hashed."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from firebreak.cli import main
from firebreak.settings import Settings


@pytest.fixture
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.upper() in {n.upper() for n in Settings.model_fields}:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "cli.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("FIREBREAK_PUBLIC_URL", "https://firebreak.example.com/")
    assert main(["migrate"]) == 0
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["integration", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_add_prints_the_url_once_and_stores_only_the_hash(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "add", "alertmanager", "prometheus")
    assert code == 0
    url = out.strip().splitlines()[-1]
    assert url.startswith("https://firebreak.example.com/alerts/prometheus/")
    token = url.rsplit("/", 1)[1]
    with closing(sqlite3.connect(database)) as conn:
        stored = conn.execute("SELECT token_hash, enabled FROM alert_integrations").fetchall()
    assert len(stored) == 1 and token not in stored[0][0] and stored[0][1] == 1
    code, out, _ = run(capsys, "list")
    assert "prometheus\talertmanager\tenabled" in out and token not in out


def test_rotate_disable_enable_remove(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "datadog", "dd")
    with closing(sqlite3.connect(database)) as conn:
        before = conn.execute("SELECT token_hash FROM alert_integrations").fetchone()[0]
    code, out, _ = run(capsys, "rotate", "dd")
    assert code == 0 and "https://firebreak.example.com/alerts/dd/" in out
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT token_hash FROM alert_integrations").fetchone()[0] != before
    assert run(capsys, "disable", "dd")[1].strip() == "dd is disabled."
    assert "disabled" in run(capsys, "list")[1]
    assert run(capsys, "enable", "dd")[1].strip() == "dd is enabled."
    assert run(capsys, "remove", "dd")[0] == 0
    assert run(capsys, "list")[1].strip() == "No integrations."


def test_mistakes_are_named(database: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "add", "sentry", "errors")
    code, _, err = run(capsys, "add", "sentry", "errors")
    assert code == 1 and "already an integration named errors" in err
    code, _, err = run(capsys, "add", "sentry", "Bad Name")
    assert code == 1 and "is not an integration name" in err
    code, _, err = run(capsys, "rotate", "nobody")
    assert code == 1 and "no integration named nobody" in err
    code, _, err = run(capsys, "add", "generic", "custom")
    assert code == 1 and "needs a mapping" in err
