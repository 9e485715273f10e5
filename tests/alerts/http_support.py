"""Sending alerts to the real bot over HTTP, as a monitoring system does, and reading what it stored."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from incidents.alerts.groups import AlertGroup
from storage.alerts_rows import group_from_row
from storage.alerts_tables import AlertGroupRow, AlertRow
from tests.harness import BotClient, Reply

DATA = Path(__file__).resolve().parents[1] / "data" / "alerts"


def sample(kind: str, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DATA / kind / name).read_text())
    return loaded


async def add_integration(bot: BotClient, kind: str = "alertmanager", name: str = "prometheus") -> str:
    issued = await bot.runtime.alerts.admin.add(kind, name, actor="UADMIN")
    return issued.token


async def send_raw(
    bot: BotClient,
    name: str,
    body: bytes,
    *,
    token: str | None,
    in_path: bool = False,
    content_type: str = "application/json",
) -> Reply:
    url = f"{bot.base_url}alerts/{name}" + (f"/{token}" if in_path and token else "")
    headers = {"Content-Type": content_type}
    if token and not in_path:
        headers["Authorization"] = f"Bearer {token}"
    async with bot.http.post(url, data=body, headers=headers) as resp:
        raw = await resp.text()
        parsed: dict[str, Any] | str | None = raw or None
        if raw and resp.content_type == "application/json":
            parsed = json.loads(raw)
        return Reply(resp.status, parsed, dict(resp.headers))


async def send(bot: BotClient, name: str, body: Any, *, token: str | None, in_path: bool = False) -> Reply:
    return await send_raw(bot, name, json.dumps(body).encode(), token=token, in_path=in_path)


async def run_due(bot: BotClient) -> None:
    """What the scheduler does when woken: run every due row (alert posts, declarations, …)."""
    await bot.runtime.follow_through.run_due()
    await bot.settle()


async def stored_alerts(bot: BotClient) -> int:
    async with bot.runtime.database.session(write=False) as session:
        return int((await session.execute(select(func.count()).select_from(AlertRow))).scalar_one())


async def stored_groups(bot: BotClient) -> list[AlertGroup]:
    async with bot.runtime.database.session(write=False) as session:
        rows = (await session.scalars(select(AlertGroupRow).order_by(AlertGroupRow.id))).all()
        return [group_from_row(row) for row in rows]


def alertmanager_body(
    *, fingerprint: str = "fp-1", status: str = "firing", starts: str = "2026-11-23T09:55:00Z", title: str = "Disk full"
) -> dict[str, Any]:
    return {
        "version": "4",
        "status": status,
        "receiver": "firebreak",
        "groupKey": "{}:{}",
        "alerts": [
            {
                "status": status,
                "labels": {"alertname": "DiskFull", "instance": f"db-{fingerprint}", "severity": "critical"},
                "annotations": {"summary": title},
                "startsAt": starts,
                "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-23T10:01:00Z",
                "generatorURL": "https://prometheus.example.com/graph",
                "fingerprint": fingerprint,
            }
        ],
    }
