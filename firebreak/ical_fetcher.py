"""Fetching iCal layers over HTTP (the `CalendarFetcher` port), with a time limit and a size limit."""

from __future__ import annotations

import aiohttp

from incidents.oncall.ports import CalendarFetchFailed

MAX_BYTES = 5_000_000
TIMEOUT = aiohttp.ClientTimeout(total=20)


class HttpCalendarFetcher:
    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def fetch(self, url: str) -> str:
        if url.startswith("webcal://"):
            url = "https://" + url.removeprefix("webcal://")
        try:
            async with self.session.get(url, timeout=TIMEOUT, allow_redirects=True) as resp:
                if resp.status != 200:
                    raise CalendarFetchFailed(f"HTTP {resp.status} from the calendar's URL")
                body = await resp.content.read(MAX_BYTES + 1)
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise CalendarFetchFailed(f"the calendar's URL is unreachable ({type(exc).__name__})") from exc
        if len(body) > MAX_BYTES:
            raise CalendarFetchFailed(f"the calendar is over {MAX_BYTES // 1_000_000} MB")
        return body.decode("utf-8", errors="replace")
