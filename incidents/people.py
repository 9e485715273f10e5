"""People named by a user (a commander, a role holder, an action item's owner) must be people of the workspace
who can act: not an id nobody has, not a deactivated account, not a bot.

When the chat platform cannot be asked (unreachable, rate limited after its retries), the action goes ahead
unchecked and the fact is logged: the check guards against typos and stale ids, and holding up a role
assignment in the middle of an incident because Slack is slow would cost more than an odd id on the record.
"""

from __future__ import annotations

import logging

from incidents.context import Context
from incidents.errors import ChatError, InvalidInput

log = logging.getLogger(__name__)
# Declared by a system, not a person (issue 12: `alert:<integration>`): nobody acknowledged it, it has no
# commander until someone takes it, and there is nobody to invite or tell as its declarer.
SYSTEM_DECLARER_PREFIX = "alert:"


def declared_by_system(declared_by: str) -> bool:
    return declared_by.startswith(SYSTEM_DECLARER_PREFIX)


async def person_problem(ctx: Context, user_id: str, *, actor: str) -> str | None:
    """Why `user_id` can't be named for a role or an item, or None when they can (or can't be checked)."""
    if user_id == actor:
        return None  # whoever is asking is someone the platform just vouched for
    try:
        person = await ctx.chat.person(user_id)
    except ChatError as exc:
        log.warning("Could not check user %s (%s); going ahead without the check", user_id, exc.code)
        return None
    if person is None:
        return f"`{user_id}` isn't anyone in this Slack workspace: pick a person."
    if person.deleted:
        return f"<@{user_id}> has been deactivated: pick someone who can act on it."
    if person.is_bot:
        return f"<@{user_id}> is a bot: pick a person."
    return None


async def ensure_person(ctx: Context, user_id: str, *, actor: str, field: str) -> None:
    """Raise InvalidInput on `field` when `user_id` can't be named (see `person_problem`)."""
    problem = await person_problem(ctx, user_id, actor=actor)
    if problem is not None:
        raise InvalidInput({field: problem})
