"""`firebreak integration add|list|rotate|disable|enable|remove`: alert integrations, from the server's shell.

Whoever can run this on the server is trusted (they can read the database anyway). The URL with a new token
is printed once, to standard output only; Firebreak keeps its hash, never the token, and never logs it.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

from firebreak.runtime import policy_path
from firebreak.settings import Settings, load_settings
from incidents.alerts.admin import IntegrationAdmin
from incidents.alerts.integrations import alert_url
from incidents.alerts.model import AlertSourceKind
from incidents.context import SystemClock
from incidents.errors import IncidentError
from incidents.policy import load_policy
from storage.alerts_store import SqlAlertsUnitOfWorkFactory
from storage.database import Database

PLACEHOLDER_BASE = "https://<your-firebreak-host>"
CLI_ACTOR = "cli"


def add_integration_commands(commands: Any) -> None:
    """Register `firebreak integration …` on the CLI's subcommands."""
    integration = commands.add_parser("integration", help="alert integrations (monitoring that sends alerts)")
    actions = integration.add_subparsers(dest="integration_command", required=True)
    add = actions.add_parser("add", help="add one; prints its URL with the token, once")
    add.add_argument("kind", choices=[k.value for k in AlertSourceKind])
    add.add_argument("name", help="1-40 lowercase letters, digits, - or _ (it appears in the URL)")
    actions.add_parser("list", help="list them")
    for verb, said in (
        ("rotate", "a new token (the old one stops working); prints the new URL, once"),
        ("disable", "refuse its alerts (410) until enabled"),
        ("enable", "accept its alerts again"),
        ("remove", "remove it (its stored alerts stay)"),
    ):
        actions.add_parser(verb, help=said).add_argument("name")
    integration.set_defaults(handler=run_integration_command)


def run_integration_command(args: argparse.Namespace) -> int:
    settings = load_settings()
    try:
        print(asyncio.run(_with_admin(settings, lambda admin: _do(admin, args, settings))))
    except IncidentError as exc:
        print(f"firebreak: {exc}", file=sys.stderr)
        return 1
    return 0


async def _with_admin(settings: Settings, work: Callable[[IntegrationAdmin], Awaitable[str]]) -> str:
    policy = load_policy(policy_path(settings))
    database = Database(settings.database_url)
    try:
        await database.open()
        return await work(IntegrationAdmin(SqlAlertsUnitOfWorkFactory(database), SystemClock(), policy))
    finally:
        await database.dispose()


async def _do(admin: IntegrationAdmin, args: argparse.Namespace, settings: Settings) -> str:
    base = settings.firebreak_public_url or PLACEHOLDER_BASE
    command = args.integration_command
    if command == "add":
        issued = await admin.add(args.kind, args.name, actor=CLI_ACTOR)
        return f"Added {args.name} ({args.kind}). Its URL, shown once:\n{alert_url(base, args.name, issued.token)}"
    if command == "list":
        found = await admin.all()
        lines = [f"{i.name}\t{i.kind.value}\t{'enabled' if i.enabled else 'disabled'}" for i in found]
        return "\n".join(lines) or "No integrations."
    if command == "rotate":
        issued = await admin.rotate(args.name)
        url = alert_url(base, args.name, issued.token)
        return f"Rotated {args.name}: the old token no longer works. Its URL, shown once:\n{url}"
    if command in ("disable", "enable"):
        await admin.set_enabled(args.name, command == "enable")
        return f"{args.name} is {command}d."
    await admin.remove(args.name)
    return f"Removed {args.name}."
