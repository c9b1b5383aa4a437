"""scraper.fetch against real HTTP servers on 127.0.0.1, each scripted by its test."""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import itertools
import socket
import struct
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler

import pytest

from scraper import __version__
from scraper.errors import FetchError
from scraper.fetch import (
    USER_AGENT,
    FetchPolicy,
    FetchResult,
    fetch_all,
    fetch_source,
    fetch_url,
    source_id_for_url,
)
from scraper.types import Snapshot, Source
from tests.conftest import run_cli
from tests.httpserver import Handle, TestServer, reply

T0 = datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC)
PAGE = b"| Code | Message |\n|---|---|\n| 400 | Bad Request |\n"


class Clock:
    """An injectable clock that tests move by hand."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    # A proxy from the environment would send 127.0.0.1 requests elsewhere.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sleeps() -> list[float]:
    """Pauses the fetcher asked for; recorded, not slept, so backoff tests take no time."""
    return []


@pytest.fixture
def policy(clock: Clock, sleeps: list[float]) -> FetchPolicy:
    return FetchPolicy(
        timeout=2.0,
        retries=2,
        backoff=0.01,
        max_retry_after=5.0,
        host_delay=0.0,
        now=clock,
        sleep=sleeps.append,
    )


def page_source(server: TestServer, path: str = "/page", id: str = "src") -> Source:
    return Source(id=id, url=server.url(path))


def failure(source: Source, policy: FetchPolicy) -> str:
    """The message of the FetchError that fetching `source` must raise."""
    with pytest.raises(FetchError) as caught:
        fetch_source(source, None, policy)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{source.id}: ")
    return message


Scripted = tuple[int, dict[str, str], bytes]
"""A reply as (status, headers, body)."""


def handle_in_turn(*replies: Scripted) -> Handle:
    """A handler serving `replies` in turn, then the last one again and again."""
    turns = itertools.chain(replies, itertools.repeat(replies[-1]))
    lock = threading.Lock()

    def handle(request: BaseHTTPRequestHandler) -> None:
        with lock:
            status, headers, body = next(turns)
        reply(request, status, body, headers)

    return handle


# Revalidation and snapshots


def test_200_builds_snapshot_from_response(policy: FetchPolicy) -> None:
    headers = {"Content-Type": "text/markdown; charset=GB2312", "ETag": '"v1"'}
    with TestServer(handle_in_turn((200, headers, PAGE))) as server:
        result = fetch_source(page_source(server), None, policy)
    assert result == FetchResult(
        Snapshot(
            source_id="src",
            body=PAGE,
            url=server.url("/page"),
            final_url=server.url("/page"),
            status=200,
            content_type="text/markdown",
            charset="GB2312",
            etag='"v1"',
            last_modified="",
            sha256=hashlib.sha256(PAGE).hexdigest(),
            retrieved="2024-05-06T07:08:09Z",
        ),
        not_modified=False,
    )


def test_revalidates_with_etag_and_304_keeps_previous_snapshot(
    policy: FetchPolicy, clock: Clock
) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == '"v1"':
            reply(request, 304, headers={"ETag": '"v1"'})
        else:
            reply(request, 200, PAGE, {"ETag": '"v1"'})

    with TestServer(handle) as server:
        first = fetch_source(page_source(server), None, policy)
        clock.now += timedelta(days=1)
        second = fetch_source(page_source(server), first.snapshot, policy)
    assert second.not_modified
    assert second.snapshot is first.snapshot
    assert server.seen[-1].headers["if-none-match"] == '"v1"'


def test_revalidates_with_last_modified(policy: FetchPolicy) -> None:
    stamp = "Wed, 01 May 2024 10:00:00 GMT"

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-Modified-Since") == stamp:
            reply(request, 304)
        else:
            reply(request, 200, PAGE, {"Last-Modified": stamp})

    with TestServer(handle) as server:
        first = fetch_source(page_source(server), None, policy)
        second = fetch_source(page_source(server), first.snapshot, policy)
    assert first.snapshot.last_modified == stamp
    assert "if-none-match" not in server.seen[-1].headers
    assert second == FetchResult(first.snapshot, not_modified=True)


def test_unchanged_body_keeps_the_date_it_was_first_retrieved(
    policy: FetchPolicy, clock: Clock
) -> None:
    bodies = iter([PAGE, PAGE, PAGE + b"| 401 | Unauthorized |\n"])

    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 200, next(bodies), {"ETag": f'"{time.monotonic_ns()}"'})

    with TestServer(handle) as server:
        first = fetch_source(page_source(server), None, policy)
        clock.now = T0 + timedelta(days=1)
        same = fetch_source(page_source(server), first.snapshot, policy)
        clock.now = T0 + timedelta(days=2)
        changed = fetch_source(page_source(server), same.snapshot, policy)
    assert not same.not_modified
    assert same.snapshot.retrieved == first.snapshot.retrieved == "2024-05-06T07:08:09Z"
    assert same.snapshot.etag != first.snapshot.etag
    assert changed.snapshot.retrieved == "2024-05-08T07:08:09Z"


def test_validators_of_another_url_are_not_sent(policy: FetchPolicy) -> None:
    previous = Snapshot(source_id="src", body=PAGE, url="http://old.example/", etag='"v1"')
    with TestServer(handle_in_turn((200, {}, PAGE))) as server:
        result = fetch_source(page_source(server), previous, policy)
    assert not result.not_modified
    assert "if-none-match" not in server.seen[-1].headers


# Retries


def test_5xx_is_retried_with_exponential_backoff(policy: FetchPolicy, sleeps: list[float]) -> None:
    handle = handle_in_turn((500, {}, b""), (502, {}, b""), (200, {}, PAGE))
    with TestServer(handle) as server:
        result = fetch_source(page_source(server), None, policy)
    assert result.snapshot.body == PAGE
    assert server.count("/page") == 3
    assert sleeps == [0.01, 0.02]


def test_persistent_5xx_fails_naming_status_and_attempts(
    policy: FetchPolicy, sleeps: list[float]
) -> None:
    with TestServer(handle_in_turn((500, {}, b"oops"))) as server:
        message = failure(page_source(server), policy)
    assert message == "src: HTTP 500 after 3 attempts"
    assert server.count("/page") == 3


def test_429_waits_as_long_as_retry_after_says(policy: FetchPolicy, sleeps: list[float]) -> None:
    handle = handle_in_turn((429, {"Retry-After": "1"}, b""), (200, {}, PAGE))
    with TestServer(handle) as server:
        result = fetch_source(page_source(server), None, policy)
    assert result.snapshot.body == PAGE
    assert sleeps == [1.0]


def test_retry_after_date_is_honoured_up_to_the_cap(
    policy: FetchPolicy, sleeps: list[float]
) -> None:
    soon = format_datetime(T0 + timedelta(seconds=3), usegmt=True)
    late = format_datetime(T0 + timedelta(hours=1), usegmt=True)
    handle = handle_in_turn(
        (503, {"Retry-After": soon}, b""), (503, {"Retry-After": late}, b""), (200, {}, PAGE)
    )
    with TestServer(handle) as server:
        fetch_source(page_source(server), None, policy)
    assert sleeps == [3.0, policy.max_retry_after]


def test_real_retry_after_zero_retries_at_once(clock: Clock) -> None:
    handle = handle_in_turn((429, {"Retry-After": "0"}, b""), (200, {}, PAGE))
    real = FetchPolicy(retries=1, backoff=10.0, host_delay=0.0, now=clock)
    started = time.monotonic()
    with TestServer(handle) as server:
        result = fetch_source(page_source(server), None, real)
    assert result.snapshot.body == PAGE
    assert time.monotonic() - started < 2.0


def test_other_4xx_fails_at_once(policy: FetchPolicy, sleeps: list[float]) -> None:
    with TestServer(handle_in_turn((404, {}, b"not here"))) as server:
        message = failure(page_source(server), policy)
    assert message == "src: HTTP 404"
    assert server.count("/page") == 1
    assert sleeps == []


def test_connection_reset_is_retried_then_fails_cleanly(policy: FetchPolicy) -> None:
    def reset(request: BaseHTTPRequestHandler) -> None:
        # Linger 0 makes close() send a RST: the request is dropped with no response at all.
        request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.close_connection = True

    with TestServer(reset) as server:
        message = failure(page_source(server), policy)
    assert message.startswith("src: connection lost (")
    assert message.endswith("after 3 attempts")
    assert server.count("/page") == 3


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_refused_connection_fails_cleanly(policy: FetchPolicy, sleeps: list[float]) -> None:
    source = Source(id="src", url=f"http://127.0.0.1:{closed_port()}/")
    message = failure(source, dataclasses.replace(policy, respect_robots=False))
    assert message.startswith("src: cannot connect (")
    assert message.endswith(" after 3 attempts")
    assert len(sleeps) == 2


# Size cap and timeouts


def test_endless_body_stops_at_the_size_cap(policy: FetchPolicy) -> None:
    def endless(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.end_headers()  # no length: the body runs until the connection closes
        request.close_connection = True
        chunk = b"x" * 65536
        while not server.stopping.is_set():
            request.wfile.write(chunk)

    started = time.monotonic()
    with TestServer(endless) as server:
        message = failure(page_source(server), dataclasses.replace(policy, max_bytes=256 * 1024))
    assert message == "src: response larger than 262144 bytes"
    assert time.monotonic() - started < 2.0


def test_declared_length_over_the_cap_fails_before_reading(policy: FetchPolicy) -> None:
    def huge(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", str(10**9))
        request.end_headers()
        request.wfile.write(b"x" * 1024)

    with TestServer(huge) as server:
        message = failure(page_source(server), dataclasses.replace(policy, max_bytes=1000))
    assert message == "src: response larger than 1000 bytes"


def test_silent_server_times_out(policy: FetchPolicy) -> None:
    def silent(request: BaseHTTPRequestHandler) -> None:
        server.stopping.wait(2.0)

    started = time.monotonic()
    with TestServer(silent) as server:
        message = failure(page_source(server), dataclasses.replace(policy, timeout=0.2, retries=0))
    assert message == "src: timed out"
    assert time.monotonic() - started < 1.5


def test_trickling_server_times_out_on_the_whole_body(policy: FetchPolicy) -> None:
    def trickle(request: BaseHTTPRequestHandler) -> None:
        request.send_response(200)
        request.send_header("Content-Length", "1000")
        request.end_headers()
        for _ in range(1000):
            request.wfile.write(b"x")
            request.wfile.flush()
            if server.stopping.wait(0.02):
                return

    started = time.monotonic()
    with TestServer(trickle) as server:
        message = failure(page_source(server), dataclasses.replace(policy, timeout=0.3, retries=1))
    assert message == "src: timed out after 2 attempts"
    assert time.monotonic() - started < 1.8


# Redirects


def test_relative_redirect_is_followed_and_recorded(policy: FetchPolicy) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.path == "/old":
            reply(request, 301, headers={"Location": "/new#frag"})
        else:
            reply(request, 200, PAGE)

    with TestServer(handle) as server:
        snapshot = fetch_source(page_source(server, "/old"), None, policy).snapshot
    assert (snapshot.url, snapshot.final_url) == (server.url("/old"), server.url("/new"))
    assert snapshot.body == PAGE


def test_redirect_loop_fails_cleanly(policy: FetchPolicy) -> None:
    def loop(request: BaseHTTPRequestHandler) -> None:
        reply(request, 302, headers={"Location": "/b" if request.path == "/a" else "/a"})

    with TestServer(loop) as server:
        message = failure(page_source(server, "/a"), dataclasses.replace(policy, max_redirects=3))
    assert message == "src: too many redirects (more than 3)"
    assert server.count("/a") + server.count("/b") == 4


def test_redirect_to_ftp_is_refused(policy: FetchPolicy) -> None:
    handle = handle_in_turn((302, {"Location": "ftp://files.example.com/errors.md"}, b""))
    with TestServer(handle) as server:
        message = failure(page_source(server), policy)
    assert message == "src: redirect to unsupported scheme ftp"


@pytest.mark.parametrize(
    ("url", "expected"),
    [("ftp://example.com/x", "src: unsupported scheme ftp"), ("", "src: no URL to fetch")],
)
def test_source_url_must_be_http(policy: FetchPolicy, url: str, expected: str) -> None:
    assert failure(Source(id="src", url=url), policy) == expected


# Content encodings


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", gzip.compress), ("deflate", zlib.compress), ("deflate", raw_deflate)],
)
def test_compressed_body_is_decoded(
    policy: FetchPolicy, encoding: str, compress: Callable[[bytes], bytes]
) -> None:
    body = PAGE * 1000
    handle = handle_in_turn((200, {"Content-Encoding": encoding}, compress(body)))
    with TestServer(handle) as server:
        snapshot = fetch_source(page_source(server), None, policy).snapshot
    assert snapshot.body == body
    assert snapshot.sha256 == hashlib.sha256(body).hexdigest()
    assert "gzip" in server.seen[-1].headers["accept-encoding"]


def test_gzip_bomb_hits_the_cap_on_decoded_bytes(policy: FetchPolicy) -> None:
    bomb = gzip.compress(b"\0" * (16 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 20 * 1024
    handle = handle_in_turn((200, {"Content-Encoding": "gzip"}, bomb))
    started = time.monotonic()
    with TestServer(handle) as server:
        tracemalloc.start()
        try:
            capped = dataclasses.replace(policy, max_bytes=256 * 1024)
            message = failure(page_source(server), capped)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert message == "src: response larger than 262144 bytes"
    assert time.monotonic() - started < 2.0
    # Inflating a whole network chunk at once would peak near 64 MiB here.
    assert peak < 4 * 1024 * 1024


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        ("gzip", b"not gzip at all", "src: cannot decode gzip body"),
        ("gzip", gzip.compress(PAGE)[:-12], "src: cannot decode gzip body"),
        ("br", b"\x0b\x02\x80hi\x03", "src: unsupported content encoding br"),
    ],
)
def test_undecodable_body_fails_cleanly(
    policy: FetchPolicy, encoding: str, body: bytes, expected: str
) -> None:
    with TestServer(handle_in_turn((200, {"Content-Encoding": encoding}, body))) as server:
        message = failure(page_source(server), policy)
    assert message.startswith(expected)


# robots.txt and identity


ROBOTS = "User-agent: *\nDisallow: /private\n"


def test_robots_disallow_is_obeyed_and_read_once_per_host(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=ROBOTS) as server:
        sources = [page_source(server, "/private", "hidden"), page_source(server, "/open", "open")]
        results = fetch_all(sources, {}, policy)
    hidden, open_ = results["hidden"], results["open"]
    assert isinstance(hidden, FetchError)
    assert str(hidden) == f"hidden: disallowed by robots.txt ({server.url('/private')})"
    assert isinstance(open_, FetchResult)
    assert server.paths() == ["/robots.txt", "/open"]


def test_robots_rules_for_our_user_agent_apply(policy: FetchPolicy) -> None:
    robots = "User-agent: errcodes-scraper\nDisallow: /\n\nUser-agent: *\nAllow: /\n"
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=robots) as server:
        message = failure(page_source(server), policy)
    assert "disallowed by robots.txt" in message


def test_robots_can_be_ignored_per_source_and_per_policy(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=ROBOTS) as server:
        exempt = dataclasses.replace(page_source(server, "/private"), respect_robots=False)
        assert fetch_source(exempt, None, policy).snapshot.body == PAGE
        ignoring = dataclasses.replace(policy, respect_robots=False)
        assert fetch_source(page_source(server, "/private"), None, ignoring).snapshot.body == PAGE
    assert server.paths() == ["/private", "/private"]


@pytest.mark.parametrize("robots", [400, 401, 403, 404, 410, 451])
def test_robots_txt_answered_with_4xx_allows_everything(policy: FetchPolicy, robots: int) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=robots) as server:
        result = fetch_source(page_source(server, "/private"), None, policy)
    assert result.snapshot.body == PAGE
    assert server.paths() == ["/robots.txt", "/private"]


@pytest.mark.parametrize("robots", [500, 503])
def test_robots_txt_answered_with_5xx_disallows_everything(
    policy: FetchPolicy, sleeps: list[float], robots: int
) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=robots) as server:
        message = failure(page_source(server, "/open"), policy)
    location = server.url("/robots.txt")
    assert message == (
        f"src: not fetched: robots.txt unreachable ({location}: HTTP {robots} after 3 attempts)"
    )
    # Retried as a page would be, then the host is left alone.
    assert server.paths() == ["/robots.txt"] * 3
    assert len(sleeps) == 2


def test_robots_txt_5xx_is_read_once_per_host_and_fails_each_source(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=503) as server:
        sources = [page_source(server, "/a", "a"), page_source(server, "/b", "b")]
        results = fetch_all(sources, {}, dataclasses.replace(policy, retries=0))
    location = server.url("/robots.txt")
    for id in ("a", "b"):
        reason = f"not fetched: robots.txt unreachable ({location}: HTTP 503)"
        assert str(results[id]) == f"{id}: {reason}"
    assert server.paths() == ["/robots.txt"]


def test_unreachable_robots_txt_disallows_everything(policy: FetchPolicy) -> None:
    def reset(request: BaseHTTPRequestHandler) -> None:
        request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        request.close_connection = True

    with TestServer(handle_in_turn((200, {}, PAGE)), robots=reset) as server:
        message = failure(page_source(server), dataclasses.replace(policy, retries=0))
    assert message.startswith(
        f"src: not fetched: robots.txt unreachable ({server.url('/robots.txt')}: connection lost ("
    )
    assert server.paths() == ["/robots.txt"]


def test_refused_connection_to_robots_txt_disallows(policy: FetchPolicy) -> None:
    location = f"http://127.0.0.1:{closed_port()}/robots.txt"
    message = failure(Source(id="src", url=location.replace("robots.txt", "page")), policy)
    assert message.startswith(f"src: not fetched: robots.txt unreachable ({location}: ")
    assert "cannot connect (" in message


def padding(size: int) -> str:
    """Comment lines of `size` bytes in all."""
    line = "# " + "x" * 97 + "\n"
    return line * (size // len(line)) + "#" * (size % len(line) - 1) + "\n"


def test_robots_txt_is_read_up_to_500_kib_and_the_rest_ignored(policy: FetchPolicy) -> None:
    robots = (
        "User-agent: *\n"
        + padding(490 * 1024)
        + "Disallow: /private\n"
        + padding(200 * 1024)
        + "Disallow: /beyond\n"
    )
    assert len(robots.encode()) > 690 * 1024
    with TestServer(handle_in_turn((200, {}, PAGE)), robots=robots) as server:
        sources = [page_source(server, "/private", "hidden"), page_source(server, "/beyond", "far")]
        results = fetch_all(sources, {}, policy)
    assert str(results["hidden"]) == f"hidden: disallowed by robots.txt ({server.url('/private')})"
    assert isinstance(results["far"], FetchResult)
    assert server.paths() == ["/robots.txt", "/beyond"]


def test_robots_txt_bound_counts_decoded_bytes(policy: FetchPolicy) -> None:
    robots = "User-agent: *\n" + padding(490 * 1024) + "Disallow: /private\n" + padding(10**6)
    body = gzip.compress(robots.encode())

    def handle_robots(request: BaseHTTPRequestHandler) -> None:
        reply(request, 200, body, {"Content-Encoding": "gzip"})

    with TestServer(handle_in_turn((200, {}, PAGE)), robots=handle_robots) as server:
        message = failure(page_source(server, "/private"), policy)
    assert message == f"src: disallowed by robots.txt ({server.url('/private')})"


def test_user_agent_names_the_project_and_version(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE))) as server:
        fetch_source(page_source(server), None, policy)
    agents = {seen.headers["user-agent"] for seen in server.seen}
    assert agents == {USER_AGENT}
    assert USER_AGENT.startswith(f"errcodes-scraper/{__version__} (+https://")


# Many sources


def test_one_failing_source_does_not_stop_the_others(policy: FetchPolicy) -> None:
    done: list[str] = []

    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 404 if request.path == "/missing" else 200, PAGE)

    with TestServer(handle) as first, TestServer(handle, host="localhost") as second:
        sources = [
            page_source(first, "/missing", "a-missing"),
            page_source(first, "/page", "a-page"),
            page_source(second, "/page", "b-page"),
            Source(id="no-url"),
        ]
        results = fetch_all(sources, {}, policy, on_done=done.append)
    assert list(results) == ["a-missing", "a-page", "b-page", "no-url"]
    assert str(results["a-missing"]) == "a-missing: HTTP 404"
    assert str(results["no-url"]) == "no-url: no URL to fetch"
    for id in ("a-page", "b-page"):
        result = results[id]
        assert isinstance(result, FetchResult)
        assert result.snapshot.source_id == id
        assert result.snapshot.body == PAGE
    assert sorted(done) == sorted(results)


def test_fetch_all_passes_previous_snapshots(policy: FetchPolicy) -> None:
    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 304 if request.headers.get("If-None-Match") else 200, PAGE, {"ETag": "x"})

    with TestServer(handle) as server:
        source = page_source(server)
        first = fetch_source(source, None, policy)
        results = fetch_all([source], {"src": first.snapshot}, policy)
    assert results == {"src": FetchResult(first.snapshot, not_modified=True)}


def test_hosts_are_fetched_in_parallel(policy: FetchPolicy) -> None:
    # Each request waits for one on the other host: serial fetching would time the barrier out.
    barrier = threading.Barrier(2, timeout=1.5)

    def handle(request: BaseHTTPRequestHandler) -> None:
        try:
            barrier.wait()
        except threading.BrokenBarrierError:
            reply(request, 409)
        else:
            reply(request, 200, PAGE)

    with TestServer(handle) as first, TestServer(handle, host="localhost") as second:
        sources = [page_source(first, id="a"), page_source(second, id="b")]
        results = fetch_all(sources, {}, dataclasses.replace(policy, retries=0))
    assert all(isinstance(result, FetchResult) for result in results.values()), results


def test_requests_to_one_host_never_overlap(policy: FetchPolicy) -> None:
    def slow_page(request: BaseHTTPRequestHandler) -> None:
        time.sleep(0.03)
        reply(request, 200, PAGE)

    # Sources on the second host redirect to the first, so two worker threads compete for it.
    with TestServer(slow_page) as target:

        def forward(request: BaseHTTPRequestHandler) -> None:
            reply(request, 302, headers={"Location": target.url(request.path)})

        with TestServer(forward, host="localhost") as front:
            sources = [page_source(target, f"/direct-{n}", f"direct-{n}") for n in range(4)]
            sources += [page_source(front, f"/via-{n}", f"via-{n}") for n in range(4)]
            results = fetch_all(sources, {}, policy)
    assert all(isinstance(result, FetchResult) for result in results.values()), results
    assert len(target.seen) == 9  # robots.txt and eight pages
    assert target.max_in_flight == 1


def test_host_delay_separates_requests_to_one_host(clock: Clock) -> None:
    delay = 0.1
    polite = FetchPolicy(host_delay=delay, respect_robots=False, now=clock)
    with TestServer(handle_in_turn((200, {}, PAGE))) as server:
        fetch_all([page_source(server, f"/{n}", f"p{n}") for n in range(3)], {}, polite)
    gaps = [later.started - earlier.answered for earlier, later in itertools.pairwise(server.seen)]
    assert len(gaps) == 2
    assert min(gaps) >= delay * 0.9


# One-off URLs


def test_fetch_url_derives_the_source_id(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((200, {}, PAGE))) as server:
        snapshot = fetch_url(server.url("/docs/API_Error-Codes.html?lang=en"), policy)
    assert snapshot.source_id == "api-error-codes"
    assert snapshot.body == PAGE


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://help.example.com/en/mqtt/api-errorcodes", "api-errorcodes"),
        ("https://example.com/docs/errors.md", "errors"),
        ("https://example.com/docs/%E9%94%99%E8%AF%AF%E7%A0%81", "example-com"),
        ("https://Example.COM/", "example-com"),
        ("not a url", "not-a-url"),
        ("", "page"),
    ],
)
def test_source_id_for_url(url: str, expected: str) -> None:
    assert source_id_for_url(url) == expected


def fetch_url_failure(url: str, policy: FetchPolicy) -> str:
    """The message of the FetchError that fetching `url` with fetch_url must raise."""
    with pytest.raises(FetchError) as caught:
        fetch_url(url, policy)
    return str(caught.value)


def test_fetch_url_errors_name_the_url_given(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((404, {}, b"gone")), robots=503) as server:
        url = server.url("/docs/x.html")
        message = fetch_url_failure(url, dataclasses.replace(policy, retries=0))
        assert message.startswith(f"{url}: not fetched: robots.txt unreachable")
        assert fetch_url_failure(url, dataclasses.replace(policy, respect_robots=False)) == (
            f"{url}: HTTP 404"
        )


def test_fetch_url_errors_after_a_redirect_name_the_url_given(policy: FetchPolicy) -> None:
    with TestServer(handle_in_turn((404, {}, b"gone"))) as target:
        moved = target.url("/moved.html")
        with TestServer(handle_in_turn((301, {"Location": moved}, b""))) as front:
            url = front.url("/errors.html")
            assert fetch_url_failure(url, policy) == f"{url}: HTTP 404"


def test_fetch_url_takes_retries_from_the_policy(policy: FetchPolicy, sleeps: list[float]) -> None:
    with TestServer(handle_in_turn((503, {}, b"busy"))) as server:
        url = server.url("/errors.md")
        message = fetch_url_failure(url, dataclasses.replace(policy, retries=1))
        assert message == f"{url}: HTTP 503 after 2 attempts"
        assert server.count("/errors.md") == 2
        assert fetch_url_failure(url, dataclasses.replace(policy, retries=0)) == (
            f"{url}: HTTP 503"
        )
        assert server.count("/errors.md") == 3
    assert len(sleeps) == 1


def test_parse_url_names_the_url_when_the_fetch_fails() -> None:
    """`python -m scraper parse URL`: one line on stderr naming the URL, not a derived id."""
    with TestServer(handle_in_turn((404, {}, b"gone"))) as server:
        url = server.url("/docs/x.html")
        proc = run_cli("parse", url, timeout=60)
    assert proc.returncode != 0
    assert proc.stdout == b""
    assert proc.stderr.decode().splitlines() == [f"scraper: {url}: HTTP 404"]
