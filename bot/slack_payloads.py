"""The shapes of what Slack sends that Firebreak, and Bolt under it, rely on: checked once, at the edge.

Only what is read is declared (Slack adds fields all the time; the rest is ignored), and what is declared is
checked strictly (a number is not a string, null is not an object), so a listener that indexes
`body["user"]["id"]` or turns a ts into a time can trust it. Shapes follow java-slack-sdk's app-backend and
events samples (some are copied in tests/data/slack-samples) and Bolt's own readers (slack_bolt/request).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator


class SlackShape(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)


def _iso_date(value: str) -> str:
    date.fromisoformat(value)  # a ValueError becomes the field's error
    return value


# A message's id and time: "1355517523.000005". Ten digits of seconds at most, so it is always a datetime.
Ts = Annotated[str, Field(pattern=r"^\d{1,10}(\.\d{1,6})?$")]
Url = Annotated[str, Field(pattern=r"^https?://\S+$")]
# Users, channels, bots: "U024BE7LH", "C024BE91L". Anything else would only fail later, at Slack.
SlackId = Annotated[str, Field(pattern=r"^[A-Z0-9]{1,40}$")]
# "12345.98765.abcd2358fdea"
TriggerId = Annotated[str, Field(pattern=r"^[0-9]+\.[0-9]+\.[0-9A-Za-z]+$")]
IsoDate = Annotated[str, AfterValidator(_iso_date)]
# Unix seconds up to the year 3000, so that it is always a datetime too.
UnixSeconds = Annotated[int, Field(ge=0, le=32_503_680_000)]


class _Id(SlackShape):
    id: str


class _User(_Id):
    id: SlackId


class SlackContext(SlackShape):
    """What Bolt reads of every object it looks in for the request's team, user and channel."""

    enterprise: str | _Id | None = None
    team: str | _Id | None = None
    user: str | _Id | None = None
    channel: str | _Id | None = None
    enterprise_id: str | None = None
    team_id: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    thread_ts: str | None = None
    is_enterprise_install: bool | str | None = None
    event: SlackContext | None = None
    message: SlackContext | None = None
    previous_message: SlackContext | None = None
    item: SlackContext | None = None
    assistant_thread: SlackContext | None = None
    authorizations: list[SlackContext] | None = None

    @field_validator("event", "message", "previous_message", "item", "assistant_thread", mode="before")
    @classmethod
    def _an_object_if_present(cls, value: Any) -> Any:
        # Bolt and the capture code read these with .get(key, {}), which an explicit null defeats.
        if value is None:
            raise ValueError("Input should be an object, not null")
        return value


class _ResponseUrl(SlackShape):
    response_url: Url


class SlackBody(SlackContext):
    """What any body must hold for Bolt to route it; the kinds Firebreak handles say more."""

    type: str | None = None
    response_url: Url | None = None
    response_urls: list[_ResponseUrl] | None = None

    @field_validator("response_urls", mode="before")
    @classmethod
    def _a_list_if_present(cls, value: Any) -> Any:
        if value is None:  # Bolt takes len() of it when the key is there
            raise ValueError("Input should be a list, not null")
        return value


class _Option(SlackShape):
    value: str


class _ElementState(SlackShape):
    """One input's value as submitted (view.state.values[block_id][action_id]) or as clicked (an action)."""

    type: str
    value: str | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None
    selected_user: SlackId | None = None
    selected_users: list[SlackId] | None = None
    selected_conversation: SlackId | None = None
    selected_channel: SlackId | None = None
    selected_date: IsoDate | None = None
    selected_time: str | None = None
    selected_date_time: UnixSeconds | None = None


class _Action(_ElementState):
    action_id: str
    block_id: str | None = None


class _State(SlackShape):
    values: dict[str, dict[str, _ElementState]] = Field(default_factory=dict)  # none without input blocks


class _SubmittedView(SlackShape):
    id: str
    type: str
    callback_id: str
    private_metadata: str = ""
    state: _State


class _BotProfile(SlackShape):
    name: str | None = None


class SlackMessage(SlackContext):
    """A message as Slack shows it to the app: the one a button or shortcut was on, or an event's."""

    ts: Ts
    user: SlackId | None = None
    text: str | None = None
    thread_ts: Ts | None = None
    bot_id: str | None = None
    username: str | None = None
    bot_profile: _BotProfile | None = None
    files: list[dict[str, Any]] | None = None
    reply_count: int | None = None


# -- slash commands and interactivity --------------------------------------------------------------
class SlashCommand(SlackBody):
    command: str
    text: str = ""
    user_id: SlackId
    channel_id: SlackId
    trigger_id: TriggerId
    response_url: Url


class _Channel(_Id):
    id: SlackId


class BlockActions(SlackBody):
    user: _User
    trigger_id: TriggerId
    actions: list[_Action] = Field(min_length=1)
    channel: _Channel | None = None
    message: SlackMessage | None = None
    view: dict[str, Any] | None = None
    container: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _a_message_says_where_to_answer(self) -> BlockActions:
        # A click on a message is answered in its channel, through its response_url: Slack always sends both.
        if self.message is not None and (self.channel is None or self.response_url is None):
            raise ValueError("a click on a message needs its channel and response_url")
        return self


class ViewSubmission(SlackBody):
    user: _User
    view: _SubmittedView


class _ClosedView(SlackShape):
    id: str
    type: str
    callback_id: str


class ViewClosed(SlackBody):
    user: _User
    view: _ClosedView


class Shortcut(SlackBody):
    user: _User
    callback_id: str
    trigger_id: TriggerId


class MessageAction(Shortcut):
    channel: _Channel
    message: SlackMessage
    response_url: Url
