"""The fake Slack Web API behaves like Slack where our bot can tell, driven through slack_sdk's own client."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable
from types import SimpleNamespace
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry import builtin_async_handlers
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from slacksim import Call, FakeSlack
from slacksim import requests as slack_requests

SECRET = "signing-secret"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    async with FakeSlack() as fake:
        yield fake


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as shared:
        yield shared


@pytest.fixture
def client(slack: FakeSlack, session: aiohttp.ClientSession) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test-token", base_url=slack.base_url, session=session)


async def error_of(call: Awaitable[Any]) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call
    return str(caught.value.response["error"])


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(*blocks: dict[str, Any], title: str = "Declare incident", submit: str | None = "Declare") -> dict[str, Any]:
    view: dict[str, Any] = {
        "type": "modal",
        "callback_id": "declare",
        "title": {"type": "plain_text", "text": title},
        "blocks": list(blocks),
    }
    if submit is not None:
        view["submit"] = {"type": "plain_text", "text": submit}
    return view


TITLE_INPUT = {
    "type": "input",
    "block_id": "title",
    "label": {"type": "plain_text", "text": "Title"},
    "element": {"type": "plain_text_input", "action_id": "value"},
}


# -- identity and routing --------------------------------------------------------------------------
async def test_auth_test_names_the_bot_and_the_base_url_ends_with_a_slash(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    response = await client.auth_test()
    assert (response["user_id"], response["team_id"], response["bot_id"]) == ("UBOT", "T0TEST", "B0BOT")
    assert slack.base_url.startswith("http://127.0.0.1:") and slack.base_url.endswith("/api/")


async def test_unknown_methods_get_404_and_are_recorded(slack: FakeSlack, client: AsyncWebClient) -> None:
    assert await error_of(client.api_call("chat.teleport")) == "unknown_method"
    assert slack.calls_to("chat.teleport")[0].status == 404


async def test_a_wrong_token_is_refused(slack: FakeSlack, session: aiohttp.ClientSession) -> None:
    stranger = AsyncWebClient(token="xoxb-someone-else", base_url=slack.base_url, session=session)
    assert await error_of(stranger.auth_test()) == "invalid_auth"


async def test_socket_mode_needs_an_app_token(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.socket_mode_url = "ws://127.0.0.1:1/socket"
    assert await error_of(client.apps_connections_open(app_token="xoxb-test-token")) == "not_allowed_token_type"
    response = await client.apps_connections_open(app_token="xapp-1-test")
    assert response["url"] == "ws://127.0.0.1:1/socket"


async def test_an_app_token_other_than_the_apps_is_refused(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.socket_mode_url = "ws://127.0.0.1:1/socket"
    slack.app_token = "xapp-1-the-real-one"
    assert await error_of(client.apps_connections_open(app_token="xapp-1-revoked")) == "invalid_auth"
    assert (await client.apps_connections_open(app_token="xapp-1-the-real-one"))["ok"]


# -- channels --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("", "invalid_name_required"),
        ("a" * 81, "invalid_name_maxlength"),
        ("Incident-1", "invalid_name_specials"),
        ("inc 1", "invalid_name_specials"),
        ("inc.1", "invalid_name_specials"),
        ("-_-", "invalid_name_punctuation"),
    ],
)
async def test_channel_names_follow_slack_rules(client: AsyncWebClient, name: str, error: str) -> None:
    assert await error_of(client.conversations_create(name=name)) == error


async def test_created_channels_have_the_bot_and_names_stay_taken_after_archiving(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    created = await client.conversations_create(name="inc-2024_db-" + "x" * 68)
    channel_id = created["channel"]["id"]
    assert created["channel"]["is_member"] is True and slack.channels[channel_id].members == {"UBOT"}
    await client.conversations_archive(channel=channel_id)
    assert await error_of(client.conversations_create(name=created["channel"]["name"])) == "name_taken"


async def test_private_channels_need_the_bot_as_member(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("U1")
    slack.add_user("U2")
    hidden = slack.add_channel("secret", is_private=True, members=["U1"])
    assert await error_of(client.chat_postMessage(channel=hidden.id, text="hi")) == "not_in_channel"
    assert await error_of(client.conversations_invite(channel=hidden.id, users="U2")) == "not_in_channel"

    private = (await client.conversations_create(name="inc-1", is_private=True))["channel"]
    assert private["is_private"] is True
    await client.conversations_invite(channel=private["id"], users=["U1"])
    # Only refused when everyone is already in; otherwise the newcomers join.
    assert await error_of(client.conversations_invite(channel=private["id"], users="U1")) == "already_in_channel"
    await client.conversations_invite(channel=private["id"], users="U1,U2")
    assert slack.channels[private["id"]].members == {"UBOT", "U1", "U2"}
    assert await error_of(client.conversations_invite(channel=private["id"], users="UBOT")) == "cant_invite_self"
    assert await error_of(client.conversations_invite(channel=private["id"], users="U404")) == "user_not_found"
    assert await error_of(client.conversations_invite(channel="C404", users="U1")) == "channel_not_found"


async def test_topic_and_purpose_are_capped_at_250_chars(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel_id = (await client.conversations_create(name="inc-topic"))["channel"]["id"]
    await client.conversations_setTopic(channel=channel_id, topic="t" * 250)
    assert await error_of(client.conversations_setPurpose(channel=channel_id, purpose="p" * 251)) == "too_long"
    info = await client.conversations_info(channel=channel_id, include_num_members=True)
    assert info["channel"]["topic"]["value"] == "t" * 250 and info["channel"]["num_members"] == 1


async def test_members_and_list_paginate_with_cursors(slack: FakeSlack, client: AsyncWebClient) -> None:
    for i in range(5):
        slack.add_user(f"U{i}")
    channel = slack.add_channel("big", members=[f"U{i}" for i in range(5)])
    seen: list[str] = []
    cursor = ""
    while True:
        page = await client.conversations_members(channel=channel.id, limit=2, cursor=cursor)
        seen += page["members"]
        cursor = page["response_metadata"]["next_cursor"]
        if not cursor:
            break
    assert seen == [f"U{i}" for i in range(5)]
    slack.add_channel("hidden", is_private=True)
    await client.conversations_create(name="mine", is_private=True)
    listed = await client.conversations_list(types="public_channel,private_channel", limit=10)
    assert [c["name"] for c in listed["channels"]] == ["big", "mine"]


# -- messages --------------------------------------------------------------------------------------
async def test_post_message_accepts_50_blocks_and_rejects_51(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")
    ok = await client.chat_postMessage(channel=channel.id, text="t", blocks=[section("x")] * 50)
    assert ok["channel"] == channel.id and ok["message"]["ts"] == ok["ts"]
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=channel.id, text="t", blocks=[section("x")] * 51)
    assert caught.value.response["error"] == "invalid_blocks"
    assert caught.value.response["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert [c.ok for c in slack.calls_to("chat.postMessage")] == [True, False]


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        ({"type": "header", "text": {"type": "plain_text", "text": "h" * 151}}, "/blocks/0/text/text"),
        (section("s" * 3001), "/blocks/0/text/text"),
        ({"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}, "/blocks/0/fields"),
        ({"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11}, "/blocks/0/elements"),
        ({"type": "divider", "block_id": "b" * 256}, "/blocks/0/block_id"),
        (
            {
                "type": "actions",
                "elements": [{"type": "button", "text": {"type": "plain_text", "text": "b" * 76}, "action_id": "a"}],
            },
            "/blocks/0/elements/0/text/text",
        ),
        (
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "sev",
                        "options": [{"text": {"type": "plain_text", "text": "o"}, "value": "v" * 151}],
                    }
                ],
            },
            "/blocks/0/elements/0/options/0/value",
        ),
        ({"type": "sectoin", "text": {"type": "mrkdwn", "text": "typo"}}, "/blocks/0"),
    ],
)
async def test_block_limits_are_enforced(
    slack: FakeSlack, client: AsyncWebClient, block: dict[str, Any], pointer: str
) -> None:
    channel = slack.add_channel("general")
    with pytest.raises(SlackApiError) as caught:
        await client.chat_postMessage(channel=channel.id, text="t", blocks=[block])
    assert caught.value.response["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in error for error in caught.value.response["errors"])


async def test_form_encoded_blocks_are_decoded_and_text_is_required(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")
    form = {"channel": channel.id, "text": "fallback", "blocks": json.dumps([section("from a form")])}
    await client.api_call("chat.postMessage", data=form)
    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == [section("from a form")]
    with pytest.warns(UserWarning, match="`text` argument is missing"):
        assert await error_of(client.chat_postMessage(channel=channel.id)) == "no_text"


async def test_chat_update_edits_only_existing_bot_messages(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general", members=["U1"])
    posted = await client.chat_postMessage(channel=channel.id, text="v1")
    updated = await client.chat_update(channel=channel.id, ts=posted["ts"], text="v2")
    assert updated["message"]["text"] == "v2" and "edited" in updated["message"]
    assert channel.messages[0].text == "v2" and channel.messages[0].edited_ts is not None
    assert await error_of(client.chat_update(channel=channel.id, ts="1.000001", text="x")) == "message_not_found"
    human = slack.add_message(channel.id, user="U1", text="mine")
    assert await error_of(client.chat_update(channel=channel.id, ts=human.ts, text="x")) == "cant_update_message"


async def test_ts_values_are_unique_increasing_and_slack_shaped(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")
    stamps = [(await client.chat_postMessage(channel=channel.id, text=str(i)))["ts"] for i in range(20)]
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 20
    seconds, fraction = stamps[0].split(".")
    assert len(seconds) == 10 and len(fraction) == 6


async def test_history_is_newest_first_and_paginates_with_oldest_latest(
    slack: FakeSlack, client: AsyncWebClient
) -> None:
    channel = slack.add_channel("general")
    stamps = [(await client.chat_postMessage(channel=channel.id, text=str(i)))["ts"] for i in range(5)]
    await client.chat_postMessage(channel=channel.id, text="reply", thread_ts=stamps[0])
    first = await client.conversations_history(channel=channel.id, limit=2)
    assert [m["text"] for m in first["messages"]] == ["4", "3"] and first["has_more"] is True
    rest = await client.conversations_history(channel=channel.id, cursor=first["response_metadata"]["next_cursor"])
    assert [m["text"] for m in rest["messages"]] == ["2", "1", "0"] and rest["has_more"] is False
    assert rest["messages"][-1]["reply_count"] == 1
    window = await client.conversations_history(channel=channel.id, oldest=stamps[1], latest=stamps[3], inclusive=True)
    assert [m["text"] for m in window["messages"]] == ["3", "2", "1"]
    thread = await client.conversations_replies(channel=channel.id, ts=stamps[0])
    assert [m["text"] for m in thread["messages"]] == ["0", "reply"]
    parent, reply = thread["messages"]
    assert parent["latest_reply"] == reply["ts"] and reply["thread_ts"] == stamps[0]
    assert reply["parent_user_id"] == parent["user"]
    slack.workspace.history_page_cap = 2  # fewer than asked for, as Slack allows itself
    capped = await client.conversations_history(channel=channel.id, limit=200)
    assert [m["text"] for m in capped["messages"]] == ["4", "3"] and capped["has_more"] is True


async def test_ephemeral_needs_the_user_in_the_channel(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("U1")
    slack.add_user("U2")
    channel = slack.add_channel("general", members=["U1"])
    response = await client.chat_postEphemeral(channel=channel.id, user="U1", text="only you")
    assert response["message_ts"] and channel.messages == []
    assert await error_of(client.chat_postEphemeral(channel=channel.id, user="U2", text="x")) == "user_not_in_channel"


async def test_pins_reactions_and_permalinks(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")
    ts = (await client.chat_postMessage(channel=channel.id, text="summary"))["ts"]
    await client.pins_add(channel=channel.id, timestamp=ts)
    assert await error_of(client.pins_add(channel=channel.id, timestamp=ts)) == "already_pinned"
    assert await error_of(client.pins_add(channel=channel.id, timestamp="1.000002")) == "message_not_found"
    assert await error_of(client.api_call("pins.add", params={"channel": channel.id})) == "no_item_specified"
    listed = await client.pins_list(channel=channel.id)
    assert [item["message"]["ts"] for item in listed["items"]] == [ts]
    await client.pins_remove(channel=channel.id, timestamp=ts)
    assert channel.pins == set()
    await client.reactions_add(channel=channel.id, timestamp=ts, name="eyes")
    assert channel.messages[0].reactions == {"eyes": ["UBOT"]}
    link = await client.chat_getPermalink(channel=channel.id, message_ts=ts)
    assert link["permalink"] == f"https://fake.slack.test/archives/{channel.id}/p{ts.replace('.', '')}"


# -- views -----------------------------------------------------------------------------------------
async def test_views_open_validates_like_slack(slack: FakeSlack, client: AsyncWebClient) -> None:
    async def messages_of(view: dict[str, Any], trigger_id: str = "1.2.abc") -> list[str]:
        with pytest.raises(SlackApiError) as caught:
            await client.views_open(trigger_id=trigger_id, view=view)
        assert caught.value.response["error"] == "invalid_arguments"
        return list(caught.value.response["response_metadata"]["messages"])

    assert await messages_of(modal(), trigger_id="") == ["invalid `trigger_id`"]
    assert await messages_of(modal(title="t" * 25)) == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert await messages_of(modal(TITLE_INPUT, submit=None)) == [
        "[ERROR] missing required field [json-pointer:/view/submit]"
    ]
    assert await messages_of(modal(*[section("x")] * 101)) == [
        "[ERROR] no more than 100 items allowed [json-pointer:/view/blocks]"
    ]
    assert await messages_of({**modal(), "private_metadata": "m" * 3001}) == [
        "[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]"
    ]


async def test_views_open_update_and_publish_keep_state(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("U1")
    trigger_id = slack.new_trigger_id("U1")
    opened = await client.views_open(trigger_id=trigger_id, view={**modal(TITLE_INPUT), "external_id": "decl-1"})
    view_id = opened["view"]["id"]
    assert slack.views[view_id].user == "U1" and slack.views[view_id].callback_id == "declare"
    assert await error_of(client.views_open(trigger_id=trigger_id, view=modal())) == "exchanged_trigger_id"
    updated = await client.views_update(external_id="decl-1", view=modal(section("working…")))
    assert updated["view"]["id"] == view_id and slack.views[view_id].blocks == [section("working…")]
    assert await error_of(client.views_update(view_id=view_id, hash="stale", view=modal())) == "hash_conflict"
    assert await error_of(client.views_update(view_id="V404", view=modal())) == "not_found"
    home = {"type": "home", "blocks": [section("Open incidents: 0")]}
    first = await client.views_publish(user_id="U1", view=home)
    again = await client.views_publish(user_id="U1", view=home)
    assert first["view"]["id"] == again["view"]["id"]


# -- users, files, canvases ------------------------------------------------------------------------
async def test_users_info_and_lookup_by_email(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.add_user("U1", name="ada", real_name="Ada L", tz="Europe/London", tz_offset=3600, email="ada@x.test")
    user = (await client.users_info(user="U1"))["user"]
    assert (user["tz"], user["tz_offset"], user["profile"]["display_name"]) == ("Europe/London", 3600, "ada")
    assert (await client.users_lookupByEmail(email="ADA@x.test"))["user"]["id"] == "U1"
    assert await error_of(client.users_info(user="U404")) == "user_not_found"
    assert await error_of(client.users_lookupByEmail(email="nobody@x.test")) == "users_not_found"


async def test_files_upload_v2_stores_bytes_and_shares_to_the_channel(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel_id = (await client.conversations_create(name="inc-files"))["channel"]["id"]
    response = await client.files_upload_v2(
        channel=channel_id, content=b"timeline", filename="timeline.md", title="Timeline", initial_comment="here"
    )
    file_id = response["file"]["id"]
    assert slack.files[file_id].content == b"timeline" and slack.files[file_id].title == "Timeline"
    share = slack.channels[channel_id].messages[-1]
    assert (share.text, share.files) == ("here", [file_id])
    assert [c.method for c in slack.calls][-3:] == [
        "files.getUploadURLExternal",
        "upload_url",
        "files.completeUploadExternal",
    ]
    info = await client.files_info(file=file_id)
    assert info["file"]["shares"]["public"][channel_id][0]["ts"] == share.ts


async def test_canvases_can_be_switched_off(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel_id = (await client.conversations_create(name="inc-canvas"))["channel"]["id"]
    content = {"type": "markdown", "markdown": "# Incident"}
    created = await client.conversations_canvases_create(channel_id=channel_id, document_content=content)
    assert slack.canvases[created["canvas_id"]].document_content == content
    again = client.conversations_canvases_create(channel_id=channel_id, document_content=content)
    assert await error_of(again) == "channel_canvas_already_exists"
    slack.canvases_enabled = False
    assert await error_of(client.canvases_create(title="x")) == "canvas_disabled_user_team"
    await client.bookmarks_add(channel_id=channel_id, title="Runbook", type="link", link="https://runbook.test")
    assert slack.bookmarks[0].link == "https://runbook.test"


# -- recording, waiting, failure injection ---------------------------------------------------------
async def test_response_url_posts_are_recorded(slack: FakeSlack, session: aiohttp.ClientSession) -> None:
    url = slack.new_response_url()
    async with session.post(url, json={"text": "Declared", "response_type": "ephemeral"}) as response:
        assert response.status == 200
    [call] = await slack.wait_for("response_url")
    assert call.args == {"text": "Declared", "response_type": "ephemeral"} and call.url == url
    slack.fail_next("response_url", "expired_url")
    async with session.post(url, json={"text": "late"}) as response:
        assert (response.status, await response.text()) == (404, "expired_url")


async def test_wait_for_wakes_on_the_matching_call(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")

    async def post_later() -> None:
        await asyncio.sleep(0)
        for text in ("one", "two", "three"):
            await client.chat_postMessage(channel=channel.id, text=text)

    task = asyncio.create_task(post_later())
    calls = await slack.wait_for("chat.postMessage", count=2, where=lambda c: c.args["text"] != "one")
    await task
    assert [c.args["text"] for c in calls] == ["two", "three"]


async def test_wait_for_times_out_with_the_calls_seen(slack: FakeSlack, client: AsyncWebClient) -> None:
    await client.auth_test()
    with pytest.raises(AssertionError, match=r"(?s)chat\.postMessage.*auth\.test status=200 ok=True"):
        await slack.wait_for("chat.postMessage", timeout=0.01)


async def test_fail_next_answers_the_error_then_recovers(slack: FakeSlack, client: AsyncWebClient) -> None:
    slack.fail_next("conversations.create", "restricted_action", times=2)
    assert await error_of(client.conversations_create(name="a")) == "restricted_action"
    assert await error_of(client.conversations_create(name="a")) == "restricted_action"
    await client.conversations_create(name="a")
    assert [(c.ok, c.error, c.status) for c in slack.calls_to("conversations.create")] == [
        (False, "restricted_action", 200),
        (False, "restricted_action", 200),
        (True, None, 200),
    ]


async def test_rate_limits_send_retry_after_and_slack_sdk_honours_it(
    slack: FakeSlack, session: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    slept: list[float] = []

    async def no_wait(seconds: float) -> None:
        slept.append(seconds)

    # The handler sleeps Retry-After (+ jitter); record the request instead of spending the seconds.
    monkeypatch.setattr(builtin_async_handlers, "asyncio", SimpleNamespace(sleep=no_wait))
    retrying = AsyncWebClient(
        token="xoxb-test-token",
        base_url=slack.base_url,
        session=session,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    slack.rate_limit_next("users.info", retry_after=7)
    slack.add_user("U1")
    response = await retrying.users_info(user="U1")
    assert response["user"]["id"] == "U1"
    assert [c.status for c in slack.calls_to("users.info")] == [429, 200]
    assert len(slept) == 1 and 7 <= slept[0] < 8


async def test_a_rate_limit_window_answers_429_until_its_time_is_up(
    slack: FakeSlack, session: aiohttp.ClientSession
) -> None:
    now = [1_800_000_000.0]
    slack.workspace.time_source = lambda: now[0]
    slack.add_user("U1")
    slack.rate_limit_for("users.info", seconds=30)
    url = slack.base_url + "users.info"
    headers = {"Authorization": "Bearer xoxb-test-token"}
    async with session.post(url, data={"user": "U1"}, headers=headers) as response:
        assert (response.status, response.headers["Retry-After"]) == (429, "30")
    now[0] += 19.5
    async with session.post(url, data={"user": "U1"}, headers=headers) as response:
        assert (response.status, response.headers["Retry-After"]) == (429, "11")  # what is left, rounded up
    now[0] += 11
    async with session.post(url, data={"user": "U1"}, headers=headers) as response:
        assert response.status == 200 and (await response.json())["ok"]


async def test_disconnect_next_drops_the_connection_unanswered(slack: FakeSlack, client: AsyncWebClient) -> None:
    channel = slack.add_channel("general")
    slack.disconnect_next("chat.postMessage", times=2)  # slack_sdk retries a dropped connection once by default
    with pytest.raises(aiohttp.ServerDisconnectedError):
        await client.chat_postMessage(channel=channel.id, text="lost")
    await client.chat_postMessage(channel=channel.id, text="kept")
    assert [m.text for m in channel.messages] == ["kept"]
    calls = [(c.ok, c.error) for c in slack.calls_to("chat.postMessage")]
    assert calls == [(False, "disconnected"), (False, "disconnected"), (True, None)]


async def test_latency_is_added_per_call() -> None:
    async with FakeSlack(latency=0.05) as slow, aiohttp.ClientSession() as session:
        client = AsyncWebClient(token="xoxb-test-token", base_url=slow.base_url, session=session)
        started = time.perf_counter()
        await client.auth_test()
        assert time.perf_counter() - started >= 0.045  # asyncio may wake a clock tick early


# -- signed requests -------------------------------------------------------------------------------
def test_sign_verifies_with_slack_sdk() -> None:
    body = slack_requests.slash_command_body(
        text="declare db down", user_id="U1", channel_id="C1", response_url="https://r.test/1"
    )
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, slack_requests.sign(body, SECRET))
    assert not verifier.is_valid_request(body, slack_requests.sign(body, "other-secret"))
    stale = slack_requests.sign(body, SECRET, timestamp=int(time.time()) - 301)
    assert not verifier.is_valid_request(body, stale)


def test_slash_command_body_carries_every_field_slack_sends() -> None:
    body = slack_requests.slash_command_body(text="status", user_id="U1", channel_id="C1", response_url="https://r")
    fields = {key: values[0] for key, values in parse_qs(body.decode(), keep_blank_values=True).items()}
    assert {"token", "team_id", "team_domain", "channel_id", "channel_name", "user_id", "user_name", "command"} <= set(
        fields
    )
    assert {"text", "api_app_id", "is_enterprise_install", "response_url", "trigger_id"} <= set(fields)
    assert (fields["command"], fields["text"]) == ("/incident", "status")


def test_interactive_payloads_have_slack_shapes() -> None:
    def payload_of(body: bytes) -> dict[str, Any]:
        parsed: dict[str, Any] = json.loads(parse_qs(body.decode())["payload"][0])
        return parsed

    action = payload_of(
        slack_requests.block_actions_body(
            action_id="ack", value="inc-1", user_id="U1", channel_id="C1", message_ts="1700000000.000100"
        )
    )
    assert action["type"] == "block_actions" and action["actions"][0]["value"] == "inc-1"
    assert action["container"] == {
        "type": "message",
        "message_ts": "1700000000.000100",
        "channel_id": "C1",
        "is_ephemeral": False,
    }
    values = slack_requests.state_values(
        ("title", "value", slack_requests.plain_text_input_value("DB down")),
        ("sev", "value", slack_requests.static_select_value("sev1", "SEV1")),
        ("lead", "value", slack_requests.users_select_value("U1")),
    )
    submission = payload_of(
        slack_requests.view_submission_body(callback_id="declare", view_id="V1", values=values, user_id="U1")
    )
    assert submission["view"]["state"]["values"]["sev"]["value"]["selected_option"]["value"] == "sev1"
    shortcut = payload_of(slack_requests.global_shortcut_body(callback_id="declare", user_id="U1"))
    assert shortcut["type"] == "shortcut" and shortcut["trigger_id"].count(".") == 2
    event = json.loads(slack_requests.event_body({"type": "app_mention", "text": "hi"}, event_id="Ev1"))
    assert (event["type"], event["event_id"]) == ("event_callback", "Ev1")
    assert event["authorizations"][0]["user_id"] == "UBOT"


def test_call_is_a_plain_record() -> None:
    call = Call("chat.postMessage", {"text": "x"}, True, None, 200)
    assert call.url is None
