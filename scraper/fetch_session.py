"""What the fetches of one run share, and one request made with retries.

Politeness and robustness: one request at a time per host with a pause between two, robots.txt
read once per host and run, bounded retries with a backoff that honours Retry-After. Each
request runs under one deadline, FetchPolicy.timeout seconds from its start (see
scraper.fetch_deadlines).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import httpx

from scraper.errors import FetchError
from scraper.fetch_body import AttemptFailure, drain, read_body
from scraper.fetch_deadlines import Cancelled, deadline_scope, install_deadlines
from scraper.fetch_policy import FetchPolicy
from scraper.robots import RobotsCache, RobotsUnreachable

# Statuses whose body is the page.
CONTENT_STATUSES = frozenset({200, 203})
# RFC 9309 asks crawlers to parse at least 500 KiB of a robots.txt; what follows is ignored.
_ROBOTS_MAX_BYTES = 512 * 1024
# Only encodings that can be inflated in bounded steps are offered (see fetch_body).
_ACCEPT_ENCODING = "gzip, deflate"


@dataclass(frozen=True, slots=True)
class Reply:
    """A server's answer to one request: the body only for a content status."""

    status: int
    headers: httpx.Headers
    url: str
    body: bytes


class _HostGate:
    """Lets one request at a time through to each host, `delay` seconds after the previous."""

    def __init__(self, delay: float, sleep: Callable[[float], None]) -> None:
        self._delay = delay
        self._sleep = sleep
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def turn(self, url: str) -> Iterator[None]:
        host = urlsplit(url).hostname or ""
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            last = self._last.get(host)
            if last is not None and (wait := last + self._delay - time.monotonic()) > 0:
                self._sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


def _describe(exc: Exception) -> AttemptFailure:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return AttemptFailure("timed out", retryable=True)
    if isinstance(exc, httpx.ConnectError):
        return AttemptFailure(f"cannot connect ({detail})", retryable=True)
    if isinstance(exc, httpx.TransportError) and not isinstance(
        exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError
    ):
        return AttemptFailure(f"connection lost ({detail})", retryable=True)
    return AttemptFailure(f"invalid request ({detail})", retryable=False)


def _retry_after(value: str, policy: FetchPolicy) -> float | None:
    """Seconds to wait from a Retry-After header (delay seconds or an HTTP date), capped."""
    value = value.strip()
    if value.isdigit():
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - policy.now()).total_seconds()
    return min(max(seconds, 0.0), policy.max_retry_after)


class Session:
    """What the fetches of one run share: the client, the host gate, the robots.txt cache."""

    def __init__(self, client: httpx.Client, policy: FetchPolicy) -> None:
        install_deadlines(client)
        self.client = client
        self.policy = policy
        self.cancelled = threading.Event()
        """Set to make every request and pause of the session give up (raise Cancelled)."""
        self.gate = _HostGate(policy.host_delay, self.pause)
        self.robots = RobotsCache(self._load_robots)

    def pause(self, seconds: float) -> None:
        """Wait between requests or attempts; the default wait ends early on cancellation."""
        if self.policy.sleep is time.sleep:
            self.cancelled.wait(seconds)
        else:
            self.policy.sleep(seconds)
        if self.cancelled.is_set():
            raise Cancelled()

    def attempt(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        limit: int,
        follow: bool = False,
        truncate: bool = False,
    ) -> Reply:
        """One request, redirects it follows included, within policy.timeout seconds; raises
        AttemptFailure, retryable for the statuses worth another try."""
        policy = self.policy
        headers = {
            "User-Agent": policy.user_agent,
            "Accept-Encoding": _ACCEPT_ENCODING,
            **headers,
        }
        try:
            with (
                self.gate.turn(url),
                deadline_scope(policy.timeout, self.cancelled) as deadline,
                self.client.stream(
                    "GET", url, headers=headers, timeout=policy.timeout, follow_redirects=follow
                ) as response,
            ):
                status = response.status_code
                if status == 429 or status >= 500:
                    wait = _retry_after(response.headers.get("retry-after", ""), policy)
                    raise AttemptFailure(f"HTTP {status}", retryable=True, wait=wait)
                body = b""
                if status in CONTENT_STATUSES:
                    body = read_body(response, limit, deadline.end, truncate=truncate)
                else:
                    drain(response)
                return Reply(status, response.headers, str(response.url), body)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
            raise _describe(exc) from exc

    def retrying(self, url: str, headers: Mapping[str, str], **options: Any) -> Reply:
        """A request tried up to 1 + policy.retries times; the last AttemptFailure when all fail,
        its reason saying how many attempts there were."""
        policy = self.policy
        attempt = 1
        while True:
            try:
                return self.attempt(url, headers, **options)
            except AttemptFailure as failure:
                if not failure.retryable or attempt > policy.retries:
                    if attempt > 1:
                        failure.reason += f" after {attempt} attempts"
                    raise
                wait = failure.wait
                if wait is None:
                    wait = min(policy.backoff * 2 ** (attempt - 1), policy.max_backoff)
                self.pause(wait)
                attempt += 1

    def request(self, name: str, url: str, headers: Mapping[str, str]) -> Reply:
        """A page request with retries; FetchError, its message starting with `name`, when
        all attempts fail."""
        try:
            return self.retrying(url, headers, limit=self.policy.max_bytes)
        except AttemptFailure as failure:
            raise FetchError(f"{name}: {failure.reason}") from failure

    def _load_robots(self, location: str) -> bytes | None:
        """The robots.txt at `location`, its first _ROBOTS_MAX_BYTES bytes; None when there is
        none, RobotsUnreachable when the server fails or cannot be reached (RFC 9309 2.3.1)."""
        try:
            reply = self.retrying(location, {}, limit=_ROBOTS_MAX_BYTES, follow=True, truncate=True)
        except AttemptFailure as failure:
            if isinstance(failure.__cause__, httpx.TooManyRedirects):
                return None  # RFC 9309 2.3.1.2: may be taken as unavailable, as a 4xx is
            raise RobotsUnreachable(failure.reason) from failure
        # A 4xx, or any other answer without content, means there are no rules.
        return reply.body if reply.status in CONTENT_STATUSES else None


@contextmanager
def open_session(policy: FetchPolicy, client: httpx.Client | None) -> Iterator[Session]:
    """A session on `client`, or on a client of its own closed at the end of the block."""
    if client is not None:
        yield Session(client, policy)
        return
    limits = httpx.Limits(max_connections=2 * max(policy.workers, 1))
    with httpx.Client(limits=limits, max_redirects=policy.max_redirects) as own:
        yield Session(own, policy)
