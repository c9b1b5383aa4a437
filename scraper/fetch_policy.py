"""What fetching is told (FetchPolicy) and what it gives back (FetchResult)."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from scraper import __version__
from scraper.types import Snapshot

USER_AGENT = f"errcodes-scraper/{__version__} (+https://github.com/errcodes-scraper)"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    """How politely and how persistently to fetch; every delay is configurable for tests."""

    timeout: float = 20.0
    """Seconds for one request as a whole: connecting, sending, the headers and the body."""
    retries: int = 3
    """Further attempts after a connection or read error, a timeout, a 5xx or a 429."""
    backoff: float = 0.5
    """Pause before the first retry, doubled for each further one."""
    max_backoff: float = 30.0
    max_retry_after: float = 60.0
    """Longest Retry-After honoured; a longer one is cut to this."""
    max_bytes: int = 20 * 1024 * 1024
    """Largest body accepted, counted after decompression."""
    max_redirects: int = 5
    host_delay: float = 1.0
    """Pause between the end of one request to a host and the start of the next."""
    workers: int = 8
    """Hosts fetched in parallel by fetch_all."""
    user_agent: str = USER_AGENT
    respect_robots: bool = True
    now: Callable[[], datetime] = field(default=_utc_now, repr=False, compare=False)
    """The clock, aware UTC; stamps `retrieved` and dates a Retry-After."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    """How to pause between retries and requests; the default pause ends early when fetch_all
    is interrupted."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    """The outcome of fetching one source that answered."""

    snapshot: Snapshot
    not_modified: bool
    """The server answered 304: `snapshot` is the previous one, untouched."""
