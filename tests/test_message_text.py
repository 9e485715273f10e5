"""Reading Slack's message text: markup tokens first, then the three entities, exactly once."""

from __future__ import annotations

from bot.blocks.format import clip_mrkdwn
from incidents.message_text import decode_entities, mentioned_users, message_mrkdwn, readable
from slacksim.mrkdwn import shown

NAMES = {"U1": "alice", "U2": "bob"}


def test_tokens_are_resolved_before_entities_are_decoded_once() -> None:
    text = (
        "<@U1> see <#C9|ops> and <https://grafana.example/d?a=1&amp;b=2|p99 &lt; 2s> "
        "<!here> <!subteam^S7|@db-oncall> <!date^1795428000^{date_short}|Nov 23> "
        "typed &lt;@U2&gt; &amp;lt; <mailto:ops@example.com|ops@example.com>"
    )
    assert readable(text, NAMES) == (
        "@alice see #ops and p99 < 2s (https://grafana.example/d?a=1&b=2) @here @db-oncall Nov 23 "
        "typed <@U2> &lt; ops@example.com"
    )
    assert mentioned_users(text) == ["U1"]  # the typed one is text


def test_text_that_was_never_escaped_survives() -> None:
    assert readable("5xx > 5% <b>bold</b> a<b", {}) == "5xx > 5% <b>bold</b> a<b"
    assert decode_entities("&amp;gt; &gt; &quot;") == "&gt; > &quot;"


def test_unlabelled_tokens_read_sensibly() -> None:
    assert readable("<@U3> <#C9> <https://x.example> <!channel> <!subteam^S7>", {}) == (
        "@U3 #C9 https://x.example @channel @S7"
    )
    assert readable("<@U3|carol>", {}) == "@carol"


def test_message_mrkdwn_keeps_real_mentions_and_links_and_forges_nothing() -> None:
    text = "<@U1> 5xx &gt; 5% <!here> typed &lt;@U2&gt; <https://x.example/?a=1&amp;b=2|dash &amp; logs> raw > 1"
    mrkdwn = message_mrkdwn(text)
    assert "<@U1>" in mrkdwn and "<@U2>" not in mrkdwn and "<!here>" not in mrkdwn
    assert "<https://x.example/?a=1&amp;b=2|dash &amp; logs>" in mrkdwn
    assert shown(mrkdwn, NAMES) == "@alice 5xx > 5% @here typed <@U2> dash & logs raw > 1"


def test_clipping_mrkdwn_never_leaves_half_a_token_or_entity() -> None:
    assert clip_mrkdwn("abc <https://x.example/long|label>", 12) == "abc …"
    assert clip_mrkdwn("abc &amp;&amp; more", 10) == "abc &amp;…"
    assert clip_mrkdwn("short", 10) == "short"
