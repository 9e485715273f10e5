"""Reading is not changing: anyone who may see an incident may read it, from anywhere.

Seeing: a public incident, anyone; a private one, its channel's members, role holders and admins (to anyone
else it does not exist). Changing (which includes posting or uploading into its channel) needs membership,
a role or admin. UEVE is in no incident channel here.
"""

from __future__ import annotations

import json

from incidents.model import Incident
from slacksim import FakeSlack
from tests.harness import BotClient


def _answer(slack: FakeSlack) -> dict[str, object]:
    """The last ephemeral answer sent through a response_url (the work after the ack)."""
    args: dict[str, object] = slack.calls_to("response_url")[-1].args
    return args


async def _with_item_for_eve(bot: BotClient, *, private: bool) -> Incident:
    incident = await bot.declare("Checkout 500s", user="UALICE", private=private)
    await bot.command("action Add a pool alert <@UEVE>", channel=incident.channel_id or "")
    assert "UEVE" not in bot.slack.channels[incident.channel_id or ""].members
    return incident


async def test_owner_lists_their_own_items_from_any_channel(bot: BotClient, slack: FakeSlack) -> None:
    public = await _with_item_for_eve(bot, private=False)
    secret = await _with_item_for_eve(bot, private=True)
    for channel in ("CGENERAL", public.channel_id or "", secret.channel_id or ""):
        await bot.command("actions mine", user="UEVE", channel=channel)
        listed = json.dumps(_answer(slack).get("blocks"))
        assert "Join the channel" not in str(_answer(slack).get("text"))
        assert public.reference in listed and secret.reference in listed, channel
    await bot.command(f"actions mine {public.reference}", user="UEVE", channel="CGENERAL")
    listed = json.dumps(_answer(slack).get("blocks"))
    assert public.reference in listed and secret.reference not in listed


async def test_anyone_lists_a_public_incidents_items_but_a_private_one_does_not_exist(
    bot: BotClient, slack: FakeSlack
) -> None:
    public = await _with_item_for_eve(bot, private=False)
    secret = await _with_item_for_eve(bot, private=True)
    for which in ("", "open ", "overdue ", "all "):
        await bot.command(f"actions {which}{public.reference}", user="UDAVE", channel="CGENERAL")
        assert "Join the channel" not in str(_answer(slack).get("text")), which
        assert public.reference in str(_answer(slack).get("text"))
        await bot.command(f"actions {which}{secret.reference}", user="UDAVE", channel="CGENERAL")
        assert _answer(slack)["text"] == f"There is no incident {secret.reference}."
    await bot.command(f"actions all {secret.reference}", user="UADMIN", channel="CGENERAL")
    assert "Add a pool alert" in json.dumps(_answer(slack).get("blocks"))


async def test_show_roles_and_timeline_need_only_sight(bot: BotClient, slack: FakeSlack) -> None:
    public = await bot.declare("Public trouble", user="UALICE")
    secret = await bot.declare("Secret trouble", user="UALICE", private=True)
    assert "Public trouble" in (await bot.command(f"show {public.reference}", user="UEVE")).text
    assert "Roles in" in (await bot.command(f"roles {public.reference}", user="UEVE")).text
    await bot.command(f"timeline {public.reference}", user="UEVE")
    assert "timeline_export_md" in json.dumps(_answer(slack).get("blocks"))
    for read in ("show", "roles"):
        reply = await bot.command(f"{read} {secret.reference}", user="UEVE")
        assert reply.text == f"There is no incident {secret.reference}."
    await bot.command(f"timeline {secret.reference}", user="UEVE")
    assert _answer(slack)["text"] == f"There is no incident {secret.reference}."
    assert "Secret trouble" in (await bot.command(f"show {secret.reference}", user="UADMIN")).text


async def test_exporting_uploads_into_the_channel_so_it_is_a_change(bot: BotClient, slack: FakeSlack) -> None:
    public = await bot.declare("Public trouble", user="UALICE")
    secret = await bot.declare("Secret trouble", user="UALICE", private=True)
    await bot.command(f"timeline {public.reference} export md", user="UEVE")
    assert "Join the channel" in str(_answer(slack)["text"]) and "export" in str(_answer(slack)["text"])
    await bot.click("timeline_export_csv", public.reference, user="UEVE", channel="CGENERAL")
    assert "Join the channel" in str(_answer(slack)["text"])
    await bot.command(f"timeline {secret.reference} export md", user="UEVE")
    assert _answer(slack)["text"] == f"There is no incident {secret.reference}."
    assert slack.calls_to("files.getUploadURLExternal") == []
    await bot.command(f"timeline {public.reference} export md", user="UALICE")
    assert [f.name for f in slack.files.values()] == [f"{public.reference}-timeline.md"]


async def test_a_non_member_reads_the_postmortem_without_posting_it(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Slow admin page", user="UALICE", severity="SEV3")
    await bot.command(f"postmortem {incident.reference}", user="UEVE")
    assert "Only members of" in str(_answer(slack)["text"])  # drafting one is a change
    await bot.command("postmortem", channel=incident.channel_id or "")
    posted = len(slack.calls_to("chat.postMessage")), len(slack.files), len(slack.canvases)

    await bot.command(f"postmortem {incident.reference}", user="UEVE")
    answer = str(_answer(slack)["text"])
    assert f"v1 of {incident.reference}'s postmortem" in answer and "Summary" in answer
    assert f"<#{incident.channel_id}>" in answer and "Only members" not in answer
    assert (len(slack.calls_to("chat.postMessage")), len(slack.files), len(slack.canvases)) == posted


async def test_a_private_postmortem_does_not_exist_for_outsiders(bot: BotClient, slack: FakeSlack) -> None:
    secret = await bot.declare("Secret trouble", user="UALICE", private=True, severity="SEV3")
    await bot.command("postmortem", channel=secret.channel_id or "")
    await bot.command(f"postmortem {secret.reference}", user="UEVE")
    assert _answer(slack)["text"] == f"There is no incident {secret.reference}."


async def test_home_and_list_show_public_incidents_to_outsiders(bot: BotClient, slack: FakeSlack) -> None:
    public = await _with_item_for_eve(bot, private=False)
    secret = await _with_item_for_eve(bot, private=True)
    listed = (await bot.command("list", user="UEVE")).text
    assert public.reference in listed and secret.reference not in listed
    await bot.event({"type": "app_home_opened", "user": "UEVE", "channel": "D1", "tab": "home", "event_ts": "1.0"})
    home = json.dumps(slack.calls_to("views.publish")[-1].args["view"]["blocks"])
    assert public.reference in home
    # Their own items are theirs to see (both), but the private incident is not among the open incidents.
    assert home.count(public.reference) == 2 and home.count(secret.reference) == 1


async def test_changing_a_private_incident_does_not_reveal_it_to_outsiders(bot: BotClient, slack: FakeSlack) -> None:
    secret = await bot.declare("Secret trouble", user="UALICE", private=True)
    await bot.command(f"status {secret.reference} resolved", user="UEVE")
    assert _answer(slack)["text"] == f"There is no incident {secret.reference}."
    stored = await bot.stored(secret.reference)
    assert stored is not None and stored.status == "investigating"


async def test_a_private_incident_is_readable_by_its_members_and_role_holders(bot: BotClient, slack: FakeSlack) -> None:
    secret = await _with_item_for_eve(bot, private=True)
    channel = secret.channel_id or ""
    slack.channels[channel].members.add("UDAVE")  # joined before Firebreak saw it: only Slack knows
    await bot.command(f"actions all {secret.reference}", user="UDAVE")
    assert "Add a pool alert" in json.dumps(_answer(slack).get("blocks"))
    assert secret.reference in (await bot.command(f"show {secret.reference}", user="UDAVE")).text
    await bot.command("role scribe <@UCAROL>", channel=channel)
    slack.channels[channel].members.discard("UCAROL")  # left the channel, still holds the role
    assert secret.reference in (await bot.command(f"roles {secret.reference}", user="UCAROL")).text
    await bot.command(f"timeline {secret.reference}", user="UCAROL")
    assert "timeline_export_md" in json.dumps(_answer(slack).get("blocks"))
