"""Files shared in an incident channel show their name, and their title where Slack gives a different one, in the
`/incident timeline` view as in the exports."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.blocks.timeline import LINE_MAX, entry_line
from incidents.timeline import Source, TimelineEntry
from slacksim import FakeSlack
from slacksim.mrkdwn import shown
from tests.conftest import PEOPLE
from tests.harness import BotClient
from tests.timeline_support import chat, entries, say

FILES = [
    {
        "id": "F1",
        "name": "trace.txt",
        "title": "Checkout trace at peak",
        "filetype": "text",
        "permalink": "https://files.example/F1",
    },
    {
        "id": "F2",
        "name": "grafana.png",
        "title": "grafana.png",
        "filetype": "png",
        "permalink": "https://files.example/F2",
    },
]


async def test_the_view_and_the_exports_show_file_names_and_titles(bot: BotClient, slack: FakeSlack) -> None:
    incident = await bot.declare("Checkout errors", severity="SEV3")
    channel = incident.channel_id or ""
    await say(bot, channel, "UBOB", "the trace & the graph", extra={"subtype": "file_share", "files": FILES})
    [captured] = chat(await entries(bot, incident.reference))
    assert [(f["name"], f.get("title")) for f in captured.files] == [
        ("trace.txt", "Checkout trace at peak"),
        ("grafana.png", "grafana.png"),
    ]

    await bot.command("timeline", channel=channel)
    blocks = slack.calls_to("response_url")[-1].args["blocks"]
    mrkdwn = "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")
    [line] = [line for line in mrkdwn.splitlines() if "the trace" in line][-1:]
    assert "<https://files.example/F1|" in line and "<https://files.example/F2|" in line
    seen = shown(line, PEOPLE)
    assert "trace.txt (Checkout trace at peak)" in seen and "grafana.png" in seen
    assert "grafana.png (grafana.png)" not in seen

    await bot.command("timeline export md", channel=channel)
    markdown = next(f.content.decode() for f in slack.files.values() if f.name.endswith(".md") and f.content)
    assert "[trace.txt (Checkout trace at peak)](https://files.example/F1)" in markdown
    assert "[grafana.png](https://files.example/F2)" in markdown


def test_a_long_message_is_cut_but_keeps_its_links() -> None:
    entry = TimelineEntry(
        id=7,
        at=datetime(2026, 11, 23, 10, 0, tzinfo=UTC),
        kind="message",
        source=Source.MANUAL,
        actor="UBOB",
        text="log line &gt; " * 300,
        files=[FILES[0]],
        permalink="https://fake.slack.test/archives/C1/p1",
    )
    line = entry_line(entry)
    assert len(line) <= LINE_MAX + 10 and "…" in line and "&amp;gt;" not in line
    assert "<https://files.example/F1|trace.txt (Checkout trace at peak)>" in line
    assert "<https://fake.slack.test/archives/C1/p1|original message>" in line


def test_a_message_with_many_files_keeps_its_line_short() -> None:
    files = [{**FILES[0], "permalink": f"https://files.example/F{n}", "name": f"trace-{n}.txt"} for n in range(40)]
    entry = TimelineEntry(1, datetime(2026, 11, 23, 10, 0, tzinfo=UTC), "message", Source.CHAT, "UBOB", "logs")
    entry.files = files
    line = entry_line(entry)
    assert "trace-4.txt" in line and "trace-5.txt" not in line and "+35 more file(s)" in line and len(line) < 1500
