"""Prometheus metrics of the Web API calls Firebreak makes: every HTTP request by method and outcome, and 429s.

slack_sdk asks each of a client's retry handlers, in order, about every response (and every connection error)
until one of them retries. A handler that goes first and never retries therefore sees every attempt, including
the 429s that AsyncRateLimitErrorRetryHandler then waits out and retries. Bolt copies the app client's
handlers into the client it makes for each request, so listeners' calls are counted too.
"""

from __future__ import annotations

import re

from prometheus_client import CollectorRegistry, Counter
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

_METHOD = re.compile(r"^[a-zA-Z]+(\.[a-zA-Z]+)+$")


class SlackCallMetrics(AsyncRetryHandler):
    def __init__(self, registry: CollectorRegistry, base_url: str) -> None:
        super().__init__(max_retry_count=0)
        self._base_url = base_url
        self._requests = Counter(
            "firebreak_slack_api_requests",
            "HTTP requests to the Slack Web API (each retry counts), by method and outcome",
            ["method", "outcome"],
            registry=registry,
        )
        self._rate_limited = Counter(
            "firebreak_slack_api_rate_limited",
            "HTTP 429 (Retry-After) answers from the Slack Web API, by method; retried ones included",
            ["method"],
            registry=registry,
        )

    def __deepcopy__(self, _memo: dict[int, object]) -> SlackCallMetrics:
        # Bolt deep-copies each request (its client and the client's retry handlers) for lazy listeners. The
        # counters hold locks that cannot be copied, and every copy must count into the same metrics: share.
        return self

    def method_of(self, url: str) -> str:
        """The Web API method a URL calls, or "other" (e.g. a file upload URL): a bounded label."""
        method = url.removeprefix(self._base_url).split("?", 1)[0] if url.startswith(self._base_url) else ""
        return method if _METHOD.match(method) else "other"

    async def can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        method = self.method_of(request.url)
        if response is None:
            outcome = "unreachable"
        elif response.status_code == 429:
            outcome = "ratelimited"
            self._rate_limited.labels(method).inc()
        elif response.status_code >= 500:
            outcome = "server_error"
        elif response.status_code >= 400:
            outcome = "http_error"
        elif isinstance(response.body, dict) and response.body.get("ok") is False:
            outcome = "error"  # Slack answered {"ok": false, "error": …}
        else:
            outcome = "ok"
        self._requests.labels(method, outcome).inc()
        return False  # never retries: the handlers after this one decide
