"""Start-up configuration: environment settings, the policy file and the `firebreak` command line."""

from __future__ import annotations

import importlib.metadata
import os
import sqlite3
import subprocess
import sys
import tomllib
from contextlib import closing
from datetime import time, timedelta
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from firebreak.cli import main
from firebreak.settings import Settings, load_settings
from incidents.durations import parse_duration
from incidents.policy import PolicyError, load_policy
from storage.migrate import alembic_config

REPO_ROOT = Path(__file__).resolve().parents[1]
BAD_DURATION = "severities: [{id: SEV1, name: X, response_target: 5 minutes}]\n"


@pytest.fixture
def workdir(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting comes from the environment or a stray .env: only what the test puts there."""
    names = {name.upper() for name in Settings.model_fields}
    for name in list(os.environ):
        if name.upper() in names:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def set_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    for name, value in values.items():
        monkeypatch.setenv(name, value)


# -- firebreak run: what is missing or malformed -----------------------------------------------------
def test_run_without_a_bot_token_walks_through_the_setup(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "run")

    assert code == 2
    assert out == ""
    for mention in ("manifest.yml", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "xoxb-"):
        assert mention in err
    assert "Traceback" not in err


def test_the_installed_command_prints_the_walk_through_without_a_traceback(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("firebreak")
    clean_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path)}

    done = subprocess.run(
        [str(command), "run"], cwd=tmp_path, env=clean_env, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 2
    assert "manifest.yml" in done.stderr and "SLACK_BOT_TOKEN" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "hint"),
    [
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind", "xoxb-"),
        ("SLACK_APP_TOKEN", "xoxb-wrong-kind", "xapp-"),
        ("PORT", "abc", "between 1 and 65535"),
        ("PORT", "70000", "between 1 and 65535"),
        ("DATABASE_URL", "mysql://root@localhost/firebreak", "sqlite+aiosqlite://"),
        ("SLACK_API_URL", "ftp://slack.example.com/api/", "https://slack.com/api/"),
        ("FIREBREAK_LOG_FORMAT", "xml", "text (the default) or json"),
    ],
)
def test_a_malformed_setting_gives_one_line_naming_it(
    workdir: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    hint: str,
) -> None:
    set_env(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s3cret")
    monkeypatch.setenv(variable, value)

    code, _, err = run_cli(capsys, "run")

    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"firebreak: {variable} is invalid")
    assert hint in lines[0]
    assert "Traceback" not in err


def test_check_config_reports_a_malformed_setting_too(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PORT", "abc")

    code, _, err = run_cli(capsys, "check-config")

    assert code == 2
    assert err.startswith("firebreak: PORT is invalid")


def test_http_mode_needs_the_signing_secret(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")

    code, _, err = run_cli(capsys, "run")

    assert code == 2
    assert err.startswith("firebreak: SLACK_SIGNING_SECRET is missing")
    assert "Signing Secret" in err and "SLACK_APP_TOKEN" in err
    assert len(err.strip().splitlines()) == 1


def test_the_api_url_gets_its_trailing_slash(workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:8080/api")

    assert load_settings().slack_api_url == "http://127.0.0.1:8080/api/"
    assert Settings(_env_file=None, slack_api_url="https://slack.com/api").slack_api_url == "https://slack.com/api/"


def test_a_dot_env_file_in_the_working_directory_is_read(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (workdir / ".env").write_text("SLACK_BOT_TOKEN=xoxb-from-dotenv\nPORT=4321\n", encoding="utf-8")

    settings = load_settings()
    code, _, err = run_cli(capsys, "run")

    assert settings.bot_token == "xoxb-from-dotenv"
    assert settings.port == 4321
    assert code == 2 and "SLACK_SIGNING_SECRET is missing" in err  # the token was found; the secret was not


# -- the policy file -------------------------------------------------------------------------------
def test_run_stops_on_a_bad_duration_naming_the_file_and_the_key(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    policy_file = workdir / "policy.yml"
    policy_file.write_text(BAD_DURATION, encoding="utf-8")
    set_env(monkeypatch, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s3cret", FIREBREAK_CONFIG=str(policy_file))

    code, _, err = run_cli(capsys, "run")

    assert code == 2
    assert f"{policy_file}: severities.0.response_target:" in err
    assert "5 minutes" in err and "15m" in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.yml", None, "cannot read the policy file"),
        ("a-directory.yml", "DIR", "cannot read the policy file"),
        ("broken.yml", "severities: [unclosed\n", "not valid YAML"),
        ("list.yml", "- SEV1\n- SEV2\n", "the top level must be a mapping"),
        ("bad.yml", BAD_DURATION, "severities.0.response_target"),
    ],
)
def test_check_config_names_the_file_it_cannot_use(
    workdir: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, expected: str
) -> None:
    path = workdir / name
    if content == "DIR":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")

    code, out, err = run_cli(capsys, "check-config", str(path))

    assert code == 2
    assert out == ""
    assert err.startswith(f"firebreak: {path}:")  # then the line and column, for a YAML syntax error
    assert expected in err


def test_check_config_accepts_the_built_in_defaults(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "check-config")

    assert code == 0
    assert "built-in defaults: OK" in out
    assert "SEV1" in out and "investigating" in out and "commander" in out


def test_check_config_accepts_the_shipped_example(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = REPO_ROOT / "firebreak.example.yml"
    if not example.exists():
        pytest.skip("firebreak.example.yml is not in the repository yet")

    code, out, _ = run_cli(capsys, "check-config", str(example))

    assert code == 0
    assert f"{example}: OK" in out


# -- firebreak migrate -----------------------------------------------------------------------------
def test_migrate_creates_the_schema_at_head(
    workdir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = workdir / "migrated.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")

    code, out, _ = run_cli(capsys, "migrate")

    assert code == 0 and "up to date" in out
    with closing(sqlite3.connect(database)) as conn:
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        versions = [row[0] for row in conn.execute("SELECT version_num FROM alembic_version")]
    assert "incidents" in tables
    assert versions == [ScriptDirectory.from_config(alembic_config()).get_current_head()]


# -- durations and policy validation ---------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "seconds"), [("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400), ("1h30m", 5400), (" 2H ", 7200)]
)
def test_durations_people_write_are_parsed(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize(
    ("text", "problem"),
    [("15", "has no unit"), ("abc", "is not a duration"), ("-5m", "is not a duration"), ("", "is not a duration")],
)
def test_durations_without_a_unit_or_with_junk_are_rejected_with_an_example(text: str, problem: str) -> None:
    with pytest.raises(ValueError) as raised:
        parse_duration(text)

    assert f"'{text}' {problem}" in str(raised.value)
    assert "90s, 15m, 2h or 1d" in str(raised.value)


OPEN_RESOLVED = "{id: investigating, name: Investigating}, {id: resolved, name: Resolved, marks: resolved}"


@pytest.mark.parametrize(
    ("policy_yaml", "expected"),
    [
        ("severities: [{id: SEV1, name: A}, {id: sev1, name: B}]", "severities: Value error, id 'sev1' appears twice"),
        ("roles: [{id: scribe, name: Scribe}]", "roles must include one with id 'commander'"),
        (
            "statuses: [{id: open, name: Open}, {id: done, name: Done, marks: closed}]",
            "one status must have `marks: resolved`",
        ),
        (
            "statuses: [{id: investigating, name: I}, {id: resolved, name: R, marks: resolved},"
            " {id: identified, name: Id, marks: identified}]",
            "milestones must come in the order identified, mitigated, resolved, closed",
        ),
        ("channels: {stakeholders: {SEV9: C123}}", "channels.stakeholders: unknown severity 'SEV9'"),
        (f"statuses: [{OPEN_RESOLVED}]\nreopen_status: resolved", "reopen_status 'resolved' must name an open status"),
        ("severities: [{id: SEV1, name: A, colour: red}]", "severities.0.colour: unknown key"),
    ],
)
def test_an_incoherent_policy_is_explained(tmp_path: Path, policy_yaml: str, expected: str) -> None:
    path = tmp_path / "firebreak.yml"
    path.write_text(policy_yaml + "\n", encoding="utf-8")

    with pytest.raises(PolicyError) as raised:
        load_policy(path)

    assert str(raised.value).startswith(f"{path}: ")
    assert expected in str(raised.value)


def test_a_coherent_policy_file_loads(tmp_path: Path) -> None:
    path = tmp_path / "firebreak.yml"
    path.write_text(
        f"statuses: [{OPEN_RESOLVED}]\nseverities: [{{id: SEV1, name: A, response_target: 1h30m}}]\n", encoding="utf-8"
    )

    policy = load_policy(path)

    assert policy.resolved_status.id == "resolved"
    assert policy.severities[0].response_target == timedelta(minutes=90)


def test_unopenable_database_is_one_clear_line(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/missing-dir/fb.db"}
    command = [str(Path(sys.executable).with_name("firebreak")), "migrate"]
    done = subprocess.run(command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert "DATABASE_URL is invalid" in done.stderr and "missing-dir does not exist" in done.stderr
    assert "Traceback" not in done.stderr


# -- the policy file: syntax errors and unknown keys, one line each --------------------------------
def test_a_yaml_syntax_error_is_one_line_with_the_file_line_and_column(
    workdir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = workdir / "firebreak.yml"
    path.write_text("channels:\n  announcement: C123\n  prefix: inc: oops\n", encoding="utf-8")

    code, out, err = run_cli(capsys, "check-config", str(path))

    assert code == 2 and out == ""
    assert err.splitlines() == [f"firebreak: {path}:3:14: not valid YAML: mapping values are not allowed here"]


@pytest.mark.parametrize(
    ("policy_yaml", "expected"),
    [
        ("escalaton: {}\n", "escalaton: unknown key; did you mean 'escalation'?"),
        ("severities: [{id: SEV1, name: A, respons_target: 5m}]\n", "severities.0.respons_target: unknown key; "),
        ("escalation: {levels: [{after: 5m, notfy: [U1]}]}\n", "escalation.levels.0.notfy: unknown key; did you"),
        ("channels: {anouncement: C1}\n", "channels.anouncement: unknown key; did you mean 'announcement'?"),
        ("postmortem: {token_budgett: 100}\n", "postmortem.token_budgett: unknown key; did you mean 'token_budget'?"),
        ("severities: [{id: SEV1, name: A, colour: red}]\n", "severities.0.colour: unknown key; known keys: id, "),
    ],
)
def test_an_unknown_key_is_named_with_the_nearest_known_one(
    workdir: Path, capsys: pytest.CaptureFixture[str], policy_yaml: str, expected: str
) -> None:
    path = workdir / "firebreak.yml"
    path.write_text(policy_yaml, encoding="utf-8")

    code, _, err = run_cli(capsys, "check-config", str(path))

    assert code == 2
    assert len(err.splitlines()) == 1, err
    assert err.startswith(f"firebreak: {path}: {expected}"), err
    if "respons_target" in expected:
        assert err.rstrip().endswith("did you mean 'response_target'?")


# -- firebreak --version ---------------------------------------------------------------------------
def test_version_prints_the_installed_packages_version(tmp_path: Path) -> None:
    command = Path(sys.executable).with_name("firebreak")
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    done = subprocess.run(
        [str(command), "--version"], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=False
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout == f"firebreak {project['version']}\n"
    assert done.stdout == f"firebreak {importlib.metadata.version('firebreak')}\n"


def test_times_of_day_written_without_quotes_are_the_times_written(tmp_path: Path) -> None:
    # YAML 1.1 reads an unquoted 18:00 as the base-60 number 1080; it must not become 00:18.
    path = tmp_path / "firebreak.yml"
    path.write_text("working_hours:\n  start: 8:30\n  end: 18:00\ndigest:\n  at: 17:45\n", encoding="utf-8")
    policy = load_policy(path)
    assert (policy.working_hours.start, policy.working_hours.end) == (time(8, 30), time(18, 0))
    assert policy.digest.at == time(17, 45)
    path.write_text("working_hours:\n  end: 25:00\n", encoding="utf-8")
    with pytest.raises(PolicyError, match=r"working_hours\.end: .*1500 is not a time of day"):
        load_policy(path)
