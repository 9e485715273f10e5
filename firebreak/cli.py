"""The `firebreak` command: run, migrate, check-config, postmortem, demo."""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import sys
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from firebreak.demo import DEFAULT_OUTPUT, play_demo
from firebreak.integration_cli import add_integration_commands
from firebreak.logs import configure_logging
from firebreak.oncall_cli import add_oncall_commands
from firebreak.oncall_users import oncall_user_problems
from firebreak.runtime import policy_path
from firebreak.search_cli import add_search_commands
from firebreak.serve import serve
from firebreak.settings import MissingSlackTokens, Settings, SettingsError, load_settings
from incidents.context import SystemClock
from incidents.errors import IncidentError
from incidents.policy import PolicyError, load_policy
from incidents.postmortem_markdown import render_markdown
from incidents.postmortem_publish import postmortem_to_print
from postmortem.drafter import PostmortemDrafter
from storage.database import Database, DatabaseUnavailable, failure_reason
from storage.migrate import upgrade
from storage.uow import SqlUnitOfWorkFactory

SETUP_HELP = """Firebreak needs a Slack app before it can run.

  1. Go to https://api.slack.com/apps → Create New App → From an app manifest, pick your workspace,
     and paste manifest.yml from this repository (replace firebreak.example.com with your host).
  2. Install the app to the workspace.
  3. Put the tokens in the environment or in a .env file next to the Makefile:
       SLACK_BOT_TOKEN=xoxb-…        (OAuth & Permissions → Bot User OAuth Token)
       SLACK_SIGNING_SECRET=…        (Basic Information → App Credentials → Signing Secret)
       SLACK_APP_TOKEN=xapp-…        (optional, for Socket Mode: Basic Information → App-Level Tokens)
  4. Run `make run` again. The README walks through it step by step."""


def _run(_args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.check_slack()
    policy = load_policy(policy_path(settings))  # fail fast, before anything starts
    problems = asyncio.run(oncall_user_problems(settings, policy, policy_path(settings)))  # on-call (issue 11)
    if problems:
        raise PolicyError("\n".join(problems))
    _configure_logging(settings)
    asyncio.run(serve(settings))
    return 0


def _migrate(_args: argparse.Namespace) -> int:
    settings = load_settings()

    async def go() -> None:
        database = Database(settings.database_url)
        try:
            await database.open()
            await upgrade(database)
        finally:
            await database.dispose()

    asyncio.run(go())
    print(f"Database is up to date ({settings.database_url.split('@')[-1]}).")
    return 0


def _check_config(args: argparse.Namespace) -> int:
    try:
        settings: Settings | None = load_settings()
    except SettingsError:
        if not args.path:
            raise
        settings = None  # a file named outright is checked whatever the environment holds
    path = Path(args.path) if args.path else policy_path(settings) if settings else None
    policy = load_policy(path)
    # With a bot token, Slack is asked whether the on-call users exist (issue 11).
    problems = asyncio.run(oncall_user_problems(settings, policy, path)) if settings else []
    if problems:
        raise PolicyError("\n".join(problems))
    print(f"{path or 'built-in defaults'}: OK")
    print(f"  severities: {', '.join(s.id for s in policy.severity_choices())}")
    print(f"  statuses:   {', '.join(s.id for s in policy.statuses)}")
    print(f"  roles:      {', '.join(r.id for r in policy.roles)}")
    print(f"  oncall:     {', '.join(policy.oncall.schedules) or 'no schedules'}")
    return 0


def _postmortem(args: argparse.Namespace) -> int:
    """Print the stored postmortem; with none stored, a template draft made now from the database (not stored)."""
    settings = load_settings()
    policy = load_policy(policy_path(settings))

    async def go() -> str:
        database = Database(settings.database_url)
        try:
            await database.open()
            uow = SqlUnitOfWorkFactory(database)
            found = await postmortem_to_print(uow, PostmortemDrafter(), policy, SystemClock(), args.reference)
        finally:
            await database.dispose()
        if args.format == "md":
            return render_markdown(found, {})
        record = {
            "incident": found.reference,
            "stored": found.version > 0,
            "version": found.version,
            "status": found.status.value,
            "change": found.change,
            "created_at": found.created_at.isoformat(),
            "created_by": found.created_by,
            "published_at": found.published_at.isoformat() if found.published_at else None,
            "document": found.document.to_dict(),
        }
        return json.dumps(record, ensure_ascii=False, indent=1) + "\n"

    try:
        print(asyncio.run(go()), end="")
    except IncidentError as exc:
        print(f"firebreak: {exc}", file=sys.stderr)
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    asyncio.run(play_demo(args.output))
    return 0


def _configure_logging(settings: Settings) -> None:
    configure_logging(level=settings.firebreak_log_level, log_format=settings.firebreak_log_format)


def _installed_version() -> str:
    try:
        return importlib.metadata.version("firebreak")
    except importlib.metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def _say(problems: str) -> None:
    """Each line of `problems` (a policy file may have several) as a line of its own, prefixed."""
    for line in problems.splitlines() or [""]:
        print(f"firebreak: {line}", file=sys.stderr)


def _os_problem(exc: OSError) -> str:
    """What the operating system refused, named: `path: reason` (as coreutils say it), else the reason."""
    reason = failure_reason(exc)
    if exc.filename is not None:
        return f"{exc.filename}: {reason}."
    return f"{reason} ({type(exc).__name__})."


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="firebreak", description="Slack-first incident management.")
    parser.add_argument("--version", action="version", version=f"firebreak {_installed_version()}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the bot (HTTP on PORT, plus Socket Mode with SLACK_APP_TOKEN)").set_defaults(
        handler=_run
    )
    commands.add_parser("migrate", help="apply database migrations").set_defaults(handler=_migrate)
    check = commands.add_parser("check-config", help="validate the policy file")
    check.add_argument("path", nargs="?", help="policy file (default: FIREBREAK_CONFIG or ./firebreak.yml)")
    check.set_defaults(handler=_check_config)
    postmortem = commands.add_parser(
        "postmortem", help="print an incident's postmortem (the stored one, else a template draft made now)"
    )
    postmortem.add_argument("reference", help="the incident, e.g. INC-2026-0042")
    postmortem.add_argument("--format", choices=("md", "json"), default="md")
    postmortem.set_defaults(handler=_postmortem)
    demo = commands.add_parser("demo", help="play an incident against a simulated Slack (no workspace or tokens)")
    demo.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="where the files go (default demo-output)")
    demo.set_defaults(handler=_demo)
    add_oncall_commands(commands)
    add_integration_commands(commands)  # issue 12: alert integrations
    add_search_commands(commands)
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except MissingSlackTokens:
        print(SETUP_HELP, file=sys.stderr)
        return 2
    except (SettingsError, PolicyError) as exc:
        _say(str(exc))
        return 2
    except BrokenPipeError:  # the output was piped into something that stopped reading (e.g. `| head`)
        return 0
    # Not tracebacks: the operator needs to know what failed, and which setting (if any) to look at.
    except DatabaseUnavailable as exc:  # raised only where the database is opened
        _say(f"cannot open the database at DATABASE_URL ({exc}).")
        return 2
    except DBAPIError as exc:
        _say(f"the database failed ({failure_reason(exc)}).")
        return 2
    except OSError as exc:
        _say(_os_problem(exc))
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
