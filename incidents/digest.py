"""The weekly digest on demand: Firebreak admins preview it, or post it to the digest channel now."""

from __future__ import annotations

from datetime import timedelta

from incidents.access import is_admin
from incidents.context import Context
from incidents.errors import ChatError, IncidentError, InvalidInput, PermissionDenied
from incidents.followup_notices import digest_notice
from incidents.message_text import channel_mention
from incidents.policy import Policy
from incidents.ports import FollowUpNotice

WEEK = timedelta(days=7)


def digest_channel(policy: Policy) -> str | None:
    """Where the digest goes: `digest.channel`, else the announcement channel; None when neither is set."""
    return policy.digest.channel or policy.channels.announcement


def _ensure_admin(ctx: Context, actor: str) -> None:
    if not is_admin(ctx, actor):
        raise PermissionDenied("Only Firebreak admins (the policy's `admins`) can preview or post the digest.")


async def preview_digest(ctx: Context, actor: str) -> FollowUpNotice:
    """The digest as the scheduled one would say it now (the past seven days), for an admin's eyes only."""
    _ensure_admin(ctx, actor)
    return await digest_notice(ctx, since=ctx.clock.now() - WEEK, preview=True)


async def post_digest(ctx: Context, actor: str) -> str:
    """Post the digest to the digest channel now, whether or not scheduled digests are enabled; returns the
    channel's id. The scheduled digest still goes out at its time: this one is an extra."""
    _ensure_admin(ctx, actor)
    channel = digest_channel(ctx.policy)
    if channel is None:
        raise InvalidInput(
            {"channel": "There is no digest channel: set `digest.channel` (or `channels.announcement`) in the policy."}
        )
    now = ctx.clock.now()
    notice = await digest_notice(ctx, since=now - WEEK)
    try:
        posted_in, _ts = await ctx.chat.send_notice(channel, notice, key=f"digest@asked:{actor}:{now.isoformat()}")
    except ChatError as exc:
        raise IncidentError(f"I couldn't post the digest in {channel_mention(channel)} ({exc.code}).") from exc
    return posted_in  # the channel's id, even when the policy names it
