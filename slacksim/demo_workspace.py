"""A small demo workspace: a few people, a general channel, an announcement channel and stakeholder channels."""

from __future__ import annotations

from dataclasses import dataclass

from .server import FakeSlack

DEMO_BOT_TOKEN = "xoxb-slacksim-demo"
DEMO_PEOPLE = {
    "UALICE": ("alice", "Alice Moreau", "Europe/Paris", 3600),
    "UBOB": ("bob", "Bob Okafor", "Europe/London", 0),
    "UCAROL": ("carol", "Carol Nguyen", "America/New_York", -18000),
    "UDAN": ("dan", "Dan Ito", "Asia/Tokyo", 32400),
}


@dataclass(frozen=True)
class DemoWorkspace:
    general: str  # channel ids
    announcements: str
    stakeholders: str
    leadership: str


def seed_demo_workspace(slack: FakeSlack) -> DemoWorkspace:
    """People and channels a team would have before installing an incident bot (the bot is in #incidents)."""
    for user_id, (name, real_name, tz, offset) in DEMO_PEOPLE.items():
        slack.add_user(user_id, name=name, real_name=real_name, tz=tz, tz_offset=offset, email=f"{name}@example.com")
    everyone = list(DEMO_PEOPLE)
    general = slack.add_channel("general", members=everyone)
    announcements = slack.add_channel("incidents", members=[*everyone, slack.workspace.bot_user_id])
    announcements.topic = "Incident announcements"
    stakeholders = slack.add_channel("stakeholders", members=["UDAN", slack.workspace.bot_user_id])
    leadership = slack.add_channel("leadership", members=["UDAN", slack.workspace.bot_user_id])
    return DemoWorkspace(general.id, announcements.id, stakeholders.id, leadership.id)
