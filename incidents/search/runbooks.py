"""The runbook library: links per service, offered in new incident channels and with similar incidents.

Only http(s) URLs are accepted (a `javascript:` or `file:` link in a channel is a trap, not a runbook). Anyone
may add one; the person who added it or an admin may remove it.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from incidents.access import is_admin
from incidents.context import Context
from incidents.errors import InvalidInput, NotFound, PermissionDenied
from incidents.search.service import Runbook, SearchServices

_SERVICE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,59}$")
MAX_TITLE = 200
MAX_URL = 500


def parse_runbook_url(raw: str) -> str:
    """The URL as given when it is an absolute http(s) URL with a host; InvalidInput otherwise.

    Slack sends links typed in a command as `<https://…>` or `<https://…|label>`: both are unwrapped."""
    url = raw.strip()
    if url.startswith("<") and url.endswith(">"):
        url = url[1:-1].split("|", 1)[0]
    parts = urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        raise InvalidInput({"url": f"`{raw}` is not a web link: a runbook must start with https:// (or http://)."})
    if len(url) > MAX_URL:
        raise InvalidInput({"url": f"That link is longer than {MAX_URL} characters."})
    return url


def parse_service(raw: str) -> str:
    if not _SERVICE.match(raw):
        raise InvalidInput({"service": f"`{raw}` is not a service name (letters, digits, `.`, `_`, `-`)."})
    return raw.lower()


async def add_runbook(ctx: Context, search: SearchServices, user_id: str, text: str) -> tuple[Runbook, bool]:
    """`/incident runbook add <service> <url> [title]`; returns the runbook and whether it is new."""
    words = text.split(maxsplit=2)
    if len(words) < 2:
        raise InvalidInput({"runbook": "Name a service and a link: `/incident runbook add checkout https://…`."})
    service, url = parse_service(words[0]), parse_runbook_url(words[1])
    title = (words[2].strip() if len(words) > 2 else "")[:MAX_TITLE] or url
    runbook = Runbook(service, url, title, user_id, ctx.clock.now())
    return runbook, await search.backend.add_runbook(runbook)


async def remove_runbook(ctx: Context, search: SearchServices, user_id: str, text: str) -> Runbook:
    """`/incident runbook remove <service> <url>`: by the person who added it or an admin."""
    words = text.split()
    if len(words) != 2:
        raise InvalidInput({"runbook": "Name the service and the link: `/incident runbook remove checkout https://…`."})
    service, url = parse_service(words[0]), parse_runbook_url(words[1])
    known = [book for book in await search.backend.runbooks([service]) if book.url == url]
    if not known:
        raise NotFound(f"{service} has no runbook at {url}.")
    if known[0].added_by != user_id and not is_admin(ctx, user_id):
        raise PermissionDenied("Only the person who added a runbook or a Firebreak admin can remove it.")
    removed = await search.backend.remove_runbook(service, url)
    if removed is None:
        raise NotFound(f"{service} has no runbook at {url}.")
    return removed


async def list_runbooks(search: SearchServices, text: str) -> list[Runbook]:
    """`/incident runbooks [service]`."""
    words = text.split()
    return await search.backend.runbooks([parse_service(words[0])] if words else None)
