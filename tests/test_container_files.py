"""The container files, checked without a Docker engine: the compose wiring, the Dockerfile's user and COPY
sources, and .env.example against the settings Firebreak reads."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.engine import make_url

from firebreak.settings import Settings

ROOT = Path(__file__).resolve().parents[1]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) for each instruction, continuation lines joined and comments dropped."""
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            found.append((word.upper(), rest.strip()))
    return found


def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_runs_firebreak_on_a_healthy_postgres_with_a_named_volume() -> None:
    spec = compose()
    firebreak, db = spec["services"]["firebreak"], spec["services"]["db"]

    assert db["image"] == "postgres:16"
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    volume, _, mount = db["volumes"][0].partition(":")
    assert mount == "/var/lib/postgresql/data" and volume in spec["volumes"]

    assert firebreak["build"] == "."
    assert firebreak["env_file"] == ".env"
    assert firebreak["depends_on"]["db"]["condition"] == "service_healthy"
    assert "3000:3000" in firebreak["ports"]
    url = make_url(firebreak["environment"]["DATABASE_URL"].replace("${POSTGRES_PASSWORD:-firebreak}", "pw"))
    assert url.drivername == "postgresql+asyncpg" and url.host == "db" and url.port == 5432
    assert url.username == db["environment"]["POSTGRES_USER"]
    assert url.database == db["environment"]["POSTGRES_DB"]
    Settings(_env_file=None, database_url=url.render_as_string(hide_password=False))  # a URL Firebreak accepts


def test_the_dockerfile_runs_as_a_non_root_user_and_serves_port_3000_with_a_health_check() -> None:
    instructions = dockerfile_instructions()
    users = [args for word, args in instructions if word == "USER"]
    assert users, "no USER instruction: the container would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert instructions[0] == ("FROM", "python:3.11-slim AS build")
    assert ("EXPOSE", "3000") in instructions
    health = [args for word, args in instructions if word == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0]
    assert instructions[-1] == ("CMD", '["firebreak", "run"]')
    env = " ".join(args for word, args in instructions if word == "ENV")
    assert "DATABASE_URL=sqlite+aiosqlite:////data/firebreak.db" in env
    assert ("VOLUME", '["/data"]') in instructions


def test_every_file_the_dockerfile_copies_exists_and_is_not_docker_ignored() -> None:
    ignored = {line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()}
    sources = []
    for word, args in dockerfile_instructions():
        if word != "COPY" or "--from=" in args:
            continue
        parts = [p for p in shlex.split(args) if not p.startswith("--")]
        sources.extend(parts[:-1])
    assert sources
    for source in sources:
        assert (ROOT / source).exists(), f"the Dockerfile copies {source}, which does not exist"
        assert source not in ignored and source.rstrip("/") not in ignored, f"{source} is in .dockerignore"


def test_the_image_gets_every_package_the_project_installs() -> None:
    # `pip install .` in the build stage finds only the packages copied in: one left out would install without
    # complaint and fail at the first import in the container.
    include = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in include}
    copied = {args.split()[0] for word, args in dockerfile_instructions() if word == "COPY" and "--from=" not in args}

    assert packages <= copied, f"the Dockerfile does not copy {sorted(packages - copied)}"


def test_every_setting_is_in_env_example() -> None:
    text = (ROOT / ".env.example").read_text()
    documented = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))
    settings = {name.upper() for name in Settings.model_fields}
    assert settings <= documented, f"missing from .env.example: {sorted(settings - documented)}"
