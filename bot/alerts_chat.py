"""The alerts slice's Slack port: posting and editing group messages and storm summaries."""

from __future__ import annotations

from datetime import datetime

from slack_sdk.web.async_client import AsyncWebClient

from bot.alerts_blocks import render_group_blocks, render_storm_blocks
from bot.alerts_text import group_text, storm_text
from bot.slack_calls import call_slack
from bot.slack_reading import EFFECT_EVENT, keyed
from incidents.alerts.groups import AlertGroup
from incidents.alerts.storms import Storm


class SlackAlertChat:
    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        # Routes may name a channel (#alerts); chat.update needs its ID, learnt from the first post's answer.
        self._ids: dict[str, str] = {}

    async def post_group(self, channel: str, group: AlertGroup, *, now: datetime, key: str) -> tuple[str, str]:
        data = await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(
                channel=channel,
                text=group_text(group),
                blocks=render_group_blocks(group, now),
                unfurl_links=False,
                metadata=keyed(EFFECT_EVENT, key),  # so a retry after a crash finds it instead of posting again
            ),
        )
        return str(data.get("channel") or channel), str(data["ts"])

    async def update_group(self, channel: str, ts: str, group: AlertGroup, *, now: datetime) -> None:
        await call_slack(
            "chat.update",
            self.client.chat_update(
                channel=channel, ts=ts, text=group_text(group), blocks=render_group_blocks(group, now)
            ),
        )

    async def post_storm(self, channel: str, storm: Storm) -> str:
        data = await call_slack(
            "chat.postMessage",
            self.client.chat_postMessage(channel=channel, text=storm_text(storm), blocks=render_storm_blocks(storm)),
        )
        self._ids[channel] = str(data.get("channel") or channel)
        return str(data["ts"])

    async def update_storm(self, channel: str, ts: str, storm: Storm) -> None:
        await call_slack(
            "chat.update",
            self.client.chat_update(
                channel=self._ids.get(channel, channel),
                ts=ts,
                text=storm_text(storm),
                blocks=render_storm_blocks(storm),
            ),
        )
