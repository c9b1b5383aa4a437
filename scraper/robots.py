"""robots.txt rules, read once per host and run, interpreted by urllib.robotparser.

What a robots.txt that cannot be read means follows RFC 9309 (2.3.1): none at all (a 4xx, or
too many redirects) allows everything; a server error or a server that cannot be reached
disallows everything, for a crawler cannot know what it would have said.

This module holds no network code: the caller hands it a function that downloads a robots.txt
(scraper.fetch does), so the rules can be tested without a server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeAlias
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

RobotsLoader: TypeAlias = Callable[[str], bytes | None]
"""Downloads the robots.txt at a URL; None when there is none (a 4xx); raises RobotsUnreachable
when the server failed (a 5xx) or could not be reached."""


class RobotsUnreachable(Exception):
    """A robots.txt could not be read for a reason of the server's: everything is disallowed."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def robots_url(url: str) -> str:
    """The robots.txt that governs `url`: one per scheme, host and port (RFC 9309)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_robots(body: bytes | None) -> RobotFileParser:
    """Rules from a robots.txt body; no body (missing) allows everything."""
    parser = RobotFileParser()
    # A robots.txt is UTF-8 (RFC 9309); a stray byte must not cost the rules around it.
    text = "" if body is None else body.decode("utf-8", errors="replace")
    # parse() also marks the rules as read: an unread parser would refuse every URL.
    parser.parse(text.splitlines())
    return parser


@dataclass(frozen=True, slots=True)
class _Rules:
    parser: RobotFileParser | None
    """None when the robots.txt was unreachable."""
    unreachable: str = ""
    """Why it was unreachable."""


class RobotsCache:
    """The robots.txt rules of every host seen in a run, each downloaded at most once.

    Safe to share between threads: two threads asking about one host wait for one download.
    """

    def __init__(self, load: RobotsLoader) -> None:
        self._load = load
        self._rules: dict[str, _Rules] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str, user_agent: str) -> bool:
        return self.refusal(url, user_agent) is None

    def refusal(self, url: str, user_agent: str) -> str | None:
        """None when `url` may be fetched, else why not, in a few words naming the URL."""
        location = robots_url(url)
        rules = self._rules_for(location)
        if rules.parser is None:
            return f"not fetched: robots.txt unreachable ({location}: {rules.unreachable})"
        if not rules.parser.can_fetch(user_agent, url):
            return f"disallowed by robots.txt ({url})"
        return None

    def _rules_for(self, location: str) -> _Rules:
        with self._guard:
            lock = self._locks.setdefault(location, threading.Lock())
        with lock:
            rules = self._rules.get(location)
            if rules is None:
                try:
                    rules = _Rules(parse_robots(self._load(location)))
                except RobotsUnreachable as exc:
                    rules = _Rules(None, exc.reason)
                self._rules[location] = rules
            return rules
