"""robots.txt rules, read once per host and run, interpreted by urllib.robotparser.

This module holds no network code: the caller hands it a function that downloads a robots.txt
(scraper.fetch does), so the rules can be tested without a server.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TypeAlias
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

RobotsLoader: TypeAlias = Callable[[str], bytes | None]
"""Downloads the robots.txt at a URL; None when there is none or it could not be read."""


def robots_url(url: str) -> str:
    """The robots.txt that governs `url`: one per scheme, host and port (RFC 9309)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/robots.txt"


def parse_robots(body: bytes | None) -> RobotFileParser:
    """Rules from a robots.txt body; no body (missing, unreadable) allows everything."""
    parser = RobotFileParser()
    # A robots.txt is UTF-8 (RFC 9309); a stray byte must not cost the rules around it.
    text = "" if body is None else body.decode("utf-8", errors="replace")
    # parse() also marks the rules as read: an unread parser would refuse every URL.
    parser.parse(text.splitlines())
    return parser


class RobotsCache:
    """The robots.txt rules of every host seen in a run, each downloaded at most once.

    Safe to share between threads: two threads asking about one host wait for one download.
    """

    def __init__(self, load: RobotsLoader) -> None:
        self._load = load
        self._rules: dict[str, RobotFileParser] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def allowed(self, url: str, user_agent: str) -> bool:
        return self._rules_for(robots_url(url)).can_fetch(user_agent, url)

    def _rules_for(self, location: str) -> RobotFileParser:
        with self._guard:
            lock = self._locks.setdefault(location, threading.Lock())
        with lock:
            rules = self._rules.get(location)
            if rules is None:
                rules = parse_robots(self._load(location))
                self._rules[location] = rules
            return rules
