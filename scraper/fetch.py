"""Source -> Snapshot: the only network code of the project.

Politeness and robustness come first: one request at a time per host with a pause between two,
robots.txt honoured, conditional requests so an unchanged page costs a 304, bounded retries,
and every body read under a size cap that also holds for compressed bodies. Whatever goes wrong
becomes a FetchError with a one-line message naming the source.

Each request has one deadline, `FetchPolicy.timeout` seconds from its start, for everything it
does on the network: connecting, sending, reading the headers and the body. httpx's own timeouts
bound each read alone, so a server that drips a byte at a time would restart them for ever; here
every network operation of a request is cut to the time its deadline leaves (see _Deadline). The
waits are also made of short steps that watch for a cancellation, so that interrupting
fetch_all stops its worker threads within a fraction of a second.
"""

from __future__ import annotations

import hashlib
import re
import threading
import time
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote, urlsplit

import httpcore
import httpx

from scraper import __version__
from scraper.errors import FetchError
from scraper.robots import RobotsCache, RobotsUnreachable
from scraper.types import Snapshot, Source

USER_AGENT = f"errcodes-scraper/{__version__} (+https://github.com/errcodes-scraper)"

_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CONTENT = frozenset({200, 203})
_CHUNK = 64 * 1024
# Bodies of answers without content are read, up to this much, to keep the connection.
_DRAIN_BYTES = 64 * 1024
# RFC 9309 asks crawlers to parse at least 500 KiB of a robots.txt; what follows is ignored.
_ROBOTS_MAX_BYTES = 512 * 1024
# The longest single wait on the network: a cancelled request notices within this time.
_STEP = 0.1
# Only encodings that can be inflated in bounded steps are offered (see _Inflater).
_ACCEPT_ENCODING = "gzip, deflate"


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
    snapshot: Snapshot
    not_modified: bool
    """The server answered 304: `snapshot` is the previous one, untouched."""


class _Failure(Exception):
    """Why one attempt failed; a retryable failure is tried again after `wait` or a backoff."""

    def __init__(self, reason: str, *, retryable: bool, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.wait = wait


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    headers: httpx.Headers
    url: str
    body: bytes


class _Cancelled(Exception):
    """The run was interrupted: a request in flight gives up."""


class _Deadline:
    """When the request running in this thread must be over, and what cancels it."""

    def __init__(self, seconds: float, cancelled: threading.Event) -> None:
        self.end = time.monotonic() + seconds
        self.cancelled = cancelled

    def left(self, timeout: float | None, expired: type[Exception]) -> float:
        """Seconds an operation whose own timeout is `timeout` may still wait; raises
        `expired` once the deadline has passed and _Cancelled once the run is cancelled."""
        if self.cancelled.is_set():
            raise _Cancelled()
        left = self.end - time.monotonic()
        if timeout is not None:
            left = min(left, timeout)
        if left <= 0:
            raise expired("deadline of the request passed")
        return left


_current = threading.local()


@contextmanager
def _deadline(seconds: float, cancelled: threading.Event) -> Iterator[_Deadline]:
    """Puts every network operation of this thread under one deadline for the block."""
    deadline = _Deadline(seconds, cancelled)
    _current.deadline = deadline
    try:
        yield deadline
    finally:
        _current.deadline = None


def _deadline_now() -> _Deadline | None:
    deadline: _Deadline | None = getattr(_current, "deadline", None)
    return deadline


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes stop at the deadline of the request using it.

    Reads wait in steps of at most _STEP seconds, so that a cancellation is noticed at once.
    Outside a deadline (a client used for something else) it behaves as the stream it wraps.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = _deadline_now()
        if deadline is None:
            return self._stream.read(max_bytes, timeout)
        ends = None if timeout is None else time.monotonic() + timeout
        while True:
            left = deadline.left(
                None if ends is None else ends - time.monotonic(), httpcore.ReadTimeout
            )
            try:
                return self._stream.read(max_bytes, min(left, _STEP))
            except httpcore.ReadTimeout:
                if left <= _STEP:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.WriteTimeout)
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens connections as `backend` does, under the deadline of the request, as
    _DeadlineStreams.

    Resolving a name and connecting cannot be cut into steps, so under a deadline they run in
    a thread of their own that the request waits for step by step: a cancellation or the
    deadline ends the wait (a name lookup is bounded by no timeout of its own), and the
    connection, should it still come, is closed.
    """

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is None:
            return _DeadlineStream(
                self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
            )
        timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        ends = time.monotonic() + timeout
        outcome: list[httpcore.NetworkStream | BaseException] = []
        lock = threading.Lock()
        done = threading.Event()

        def connect() -> None:
            try:
                stream = self._backend.connect_tcp(
                    host, port, timeout, local_address, socket_options
                )
            except BaseException as exc:
                result: httpcore.NetworkStream | BaseException = exc
            else:
                result = stream
            with lock:
                if done.is_set():  # abandoned by the request
                    if not isinstance(result, BaseException):
                        result.close()
                    return
                outcome.append(result)
                done.set()

        threading.Thread(target=connect, name="fetch-connect", daemon=True).start()
        try:
            while not done.wait(_STEP):
                deadline.left(ends - time.monotonic(), httpcore.ConnectTimeout)
        except BaseException:  # the deadline, a cancellation or an interrupt: give up
            with lock:
                done.set()
                for late in outcome:
                    if not isinstance(late, BaseException):
                        late.close()
            raise
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return _DeadlineStream(result)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _install_deadlines(client: httpx.Client) -> None:
    """Route the connections of every transport of `client` through _DeadlineBackend.

    httpx offers no way to choose the network backend of the connection pool it builds, so
    the pool's is wrapped in place; a transport without one (a test double, a custom
    transport) is left as it is, under httpx's timeouts alone.
    """
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(
            backend, _DeadlineBackend
        ):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]


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


class _Inflater:
    """Decompresses gzip or deflate a bounded step at a time.

    httpx inflates each network chunk in one go, so 64 KiB of a gzip bomb can become 64 MiB in
    memory before any size check runs; here no step yields more than _CHUNK bytes.
    """

    def __init__(self, encoding: str) -> None:
        gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        # Servers disagree on "deflate": RFC 9110 says zlib-wrapped, many send it raw.
        self._may_be_raw = not gzip

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._zlib.decompress(data, _CHUNK)
            except zlib.error:
                if not self._may_be_raw:
                    raise
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._may_be_raw = False
                continue
            self._may_be_raw = False
            data = self._zlib.unconsumed_tail
            if out:
                yield out

    def finish(self) -> bytes:
        tail = self._zlib.flush()
        if not self._zlib.eof:
            raise zlib.error("compressed stream ends early")
        return tail


def _drain(response: httpx.Response) -> None:
    """Read a short body we do not need (a 304, a redirect, an error page), so that the
    connection can serve the next request; a long one is left unread and the connection
    closed."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= _DRAIN_BYTES:
        read = 0
        for raw in response.iter_raw():
            read += len(raw)
            if read > _DRAIN_BYTES:
                return


def _read_body(
    response: httpx.Response, limit: int, deadline: float, *, truncate: bool = False
) -> bytes:
    """The decoded body, at most `limit` bytes of it: a longer one fails, or with `truncate`
    is cut at `limit` and the rest left unread."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflater = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    elif encoding not in ("", "identity"):
        raise _Failure(f"unsupported content encoding {encoding}", retryable=False)
    else:
        # Content-Length counts the bytes as sent, so it only says something when uncompressed.
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise _Failure(f"response larger than {limit} bytes", retryable=False)
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in response.iter_raw():
            # httpx times out a silent server; a server that trickles needs a deadline too.
            if time.monotonic() > deadline:
                raise _Failure("timed out", retryable=True)
            for piece in inflater.feed(raw) if inflater else (raw,):
                size += len(piece)
                if size > limit:
                    if truncate:
                        chunks.append(piece[: len(piece) - (size - limit)])
                        return b"".join(chunks)
                    raise _Failure(f"response larger than {limit} bytes", retryable=False)
                chunks.append(piece)
        if inflater:
            chunks.append(inflater.finish())
    except zlib.error as exc:
        raise _Failure(f"cannot decode {encoding} body: {exc}", retryable=False) from exc
    return b"".join(chunks)


def _describe(exc: Exception) -> _Failure:
    detail = " ".join(str(exc).split()) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return _Failure("timed out", retryable=True)
    if isinstance(exc, httpx.ConnectError):
        return _Failure(f"cannot connect ({detail})", retryable=True)
    if isinstance(exc, httpx.TransportError) and not isinstance(
        exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError
    ):
        return _Failure(f"connection lost ({detail})", retryable=True)
    return _Failure(f"invalid request ({detail})", retryable=False)


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


class _Session:
    """What the fetches of one run share: the client, the host gate, the robots.txt cache."""

    def __init__(self, client: httpx.Client, policy: FetchPolicy) -> None:
        _install_deadlines(client)
        self.client = client
        self.policy = policy
        self.cancelled = threading.Event()
        """Set to make every request and pause of the session give up (raise _Cancelled)."""
        self.gate = _HostGate(policy.host_delay, self.pause)
        self.robots = RobotsCache(self._load_robots)

    def pause(self, seconds: float) -> None:
        """Wait between requests or attempts; the default wait ends early on cancellation."""
        if self.policy.sleep is time.sleep:
            self.cancelled.wait(seconds)
        else:
            self.policy.sleep(seconds)
        if self.cancelled.is_set():
            raise _Cancelled()

    def attempt(
        self,
        url: str,
        headers: Mapping[str, str],
        *,
        limit: int,
        follow: bool = False,
        truncate: bool = False,
    ) -> _Reply:
        """One request, redirects it follows included, within policy.timeout seconds; raises
        _Failure, retryable for the statuses worth another try."""
        policy = self.policy
        headers = {
            "User-Agent": policy.user_agent,
            "Accept-Encoding": _ACCEPT_ENCODING,
            **headers,
        }
        try:
            with (
                self.gate.turn(url),
                _deadline(policy.timeout, self.cancelled) as deadline,
                self.client.stream(
                    "GET", url, headers=headers, timeout=policy.timeout, follow_redirects=follow
                ) as response,
            ):
                status = response.status_code
                if status == 429 or status >= 500:
                    wait = _retry_after(response.headers.get("retry-after", ""), policy)
                    raise _Failure(f"HTTP {status}", retryable=True, wait=wait)
                body = b""
                if status in _CONTENT:
                    body = _read_body(response, limit, deadline.end, truncate=truncate)
                else:
                    _drain(response)
                return _Reply(status, response.headers, str(response.url), body)
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError, ValueError) as exc:
            raise _describe(exc) from exc

    def retrying(self, url: str, headers: Mapping[str, str], **options: Any) -> _Reply:
        """A request tried up to 1 + policy.retries times; the last _Failure when all fail,
        its reason saying how many attempts there were."""
        policy = self.policy
        attempt = 1
        while True:
            try:
                return self.attempt(url, headers, **options)
            except _Failure as failure:
                if not failure.retryable or attempt > policy.retries:
                    if attempt > 1:
                        failure.reason += f" after {attempt} attempts"
                    raise
                wait = failure.wait
                if wait is None:
                    wait = min(policy.backoff * 2 ** (attempt - 1), policy.max_backoff)
                self.pause(wait)
                attempt += 1

    def request(self, source_id: str, url: str, headers: Mapping[str, str]) -> _Reply:
        """A page request with retries; FetchError when all attempts fail."""
        try:
            return self.retrying(url, headers, limit=self.policy.max_bytes)
        except _Failure as failure:
            raise FetchError(f"{source_id}: {failure.reason}") from failure

    def _load_robots(self, location: str) -> bytes | None:
        """The robots.txt at `location`, its first _ROBOTS_MAX_BYTES bytes; None when there is
        none, RobotsUnreachable when the server fails or cannot be reached (RFC 9309 2.3.1)."""
        try:
            reply = self.retrying(location, {}, limit=_ROBOTS_MAX_BYTES, follow=True, truncate=True)
        except _Failure as failure:
            if isinstance(failure.__cause__, httpx.TooManyRedirects):
                return None  # RFC 9309 2.3.1.2: may be taken as unavailable, as a 4xx is
            raise RobotsUnreachable(failure.reason) from failure
        # A 4xx, or any other answer without content, means there are no rules.
        return reply.body if reply.status in _CONTENT else None


@contextmanager
def _session(policy: FetchPolicy, client: httpx.Client | None) -> Iterator[_Session]:
    if client is not None:
        yield _Session(client, policy)
        return
    limits = httpx.Limits(max_connections=2 * max(policy.workers, 1))
    with httpx.Client(limits=limits, max_redirects=policy.max_redirects) as own:
        yield _Session(own, policy)


def _check_scheme(source_id: str, url: str, *, redirected: bool) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        what = "redirect to unsupported" if redirected else "unsupported"
        raise FetchError(f"{source_id}: {what} scheme {scheme or '(none)'}")


def _conditional_headers(source: Source, previous: Snapshot | None) -> dict[str, str]:
    # Validators belong to the URL they came from; a manifest URL that changed starts afresh.
    if previous is None or (previous.url and previous.url != source.url):
        return {}
    headers = {}
    # A validator that cannot travel in a header as sent (non-ASCII) is not worth an error.
    if previous.etag and previous.etag.isascii():
        headers["If-None-Match"] = previous.etag
    if previous.last_modified and previous.last_modified.isascii():
        headers["If-Modified-Since"] = previous.last_modified
    return headers


def _media_type(value: str) -> tuple[str, str]:
    """("text/html", "utf-8") from "text/html; charset=UTF-8"; charset kept as declared."""
    media, _, params = value.partition(";")
    match = re.search(r"""charset\s*=\s*["']?([^"';\s]+)""", params, re.IGNORECASE)
    return media.strip().lower(), match.group(1) if match else ""


def _snapshot(
    source: Source, previous: Snapshot | None, reply: _Reply, policy: FetchPolicy
) -> Snapshot:
    digest = hashlib.sha256(reply.body).hexdigest()
    retrieved = policy.now().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if previous is not None and previous.retrieved:
        # `retrieved` dates the content, not the request: unchanged bytes keep their date.
        before = previous.sha256 or hashlib.sha256(previous.body).hexdigest()
        if before == digest:
            retrieved = previous.retrieved
    content_type, charset = _media_type(reply.headers.get("content-type", ""))
    return Snapshot(
        source_id=source.id,
        body=reply.body,
        url=source.url,
        final_url=reply.url,
        status=reply.status,
        content_type=content_type,
        charset=charset,
        etag=reply.headers.get("etag", ""),
        last_modified=reply.headers.get("last-modified", ""),
        sha256=digest,
        retrieved=retrieved,
    )


def _fetch(session: _Session, source: Source, previous: Snapshot | None) -> FetchResult:
    policy = session.policy
    if not source.url:
        raise FetchError(f"{source.id}: no URL to fetch")
    conditional = _conditional_headers(source, previous)
    url = source.url
    # Redirects are followed here rather than by httpx, so that every hop is checked for its
    # scheme and against robots.txt, and counted against policy.max_redirects.
    for hop in range(policy.max_redirects + 1):
        _check_scheme(source.id, url, redirected=hop > 0)
        robots = policy.respect_robots and source.respect_robots
        if robots and (refusal := session.robots.refusal(url, policy.user_agent)):
            raise FetchError(f"{source.id}: {refusal}")
        reply = session.request(source.id, url, conditional)
        location = reply.headers.get("location")
        if reply.status in _REDIRECTS and location:
            try:
                url = str(httpx.URL(url).join(location.strip()).copy_with(fragment=None))
            except (httpx.InvalidURL, ValueError):
                raise FetchError(f"{source.id}: invalid redirect location {location!r}") from None
            continue
        if reply.status == 304 and previous is not None and conditional:
            return FetchResult(previous, not_modified=True)
        if reply.status not in _CONTENT:
            raise FetchError(f"{source.id}: HTTP {reply.status}")
        return FetchResult(_snapshot(source, previous, reply, policy), not_modified=False)
    raise FetchError(f"{source.id}: too many redirects (more than {policy.max_redirects})")


def _fetch_guarded(
    session: _Session, source: Source, previous: Snapshot | None
) -> FetchResult | FetchError:
    try:
        return _fetch(session, source, previous)
    except FetchError as exc:
        return exc
    except _Cancelled:
        return FetchError(f"{source.id}: interrupted")
    except Exception as exc:
        # A bug met by one source must not cost the others their fetch.
        detail = " ".join(str(exc).split())
        return FetchError(f"{source.id}: unexpected {type(exc).__name__}: {detail}")


def fetch_source(
    source: Source,
    previous: Snapshot | None,
    policy: FetchPolicy | None = None,
    client: httpx.Client | None = None,
) -> FetchResult:
    """Fetch one source, revalidating `previous` when there is one. Raises FetchError.

    robots.txt is read afresh for each call; fetch_all reads it once per host and run.
    """
    with _session(policy or FetchPolicy(), client) as session:
        return _fetch(session, source, previous)


def fetch_all(
    sources: Sequence[Source],
    previous: Mapping[str, Snapshot | None],
    policy: FetchPolicy | None = None,
    on_done: Callable[[str], None] | None = None,
    client: httpx.Client | None = None,
) -> dict[str, FetchResult | FetchError]:
    """Fetch every source: hosts in parallel, one request at a time per host.

    Returns a result or the error for each source id, in the order of `sources`. `on_done` is
    called with each source id as it finishes, from worker threads but never two at once.
    """
    policy = policy or FetchPolicy()
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(urlsplit(source.url).hostname or "", []).append(source)
    results: dict[str, FetchResult | FetchError] = {}
    lock = threading.Lock()
    # Set when the caller is interrupted (Ctrl-C), so workers stop after their current source.
    stop = threading.Event()

    with _session(policy, client) as session:

        def fetch_group(group: list[Source]) -> None:
            for source in group:
                if stop.is_set():
                    return
                outcome = _fetch_guarded(session, source, previous.get(source.id))
                with lock:
                    results[source.id] = outcome
                    if on_done is not None:
                        on_done(source.id)

        workers = max(1, min(policy.workers, len(groups)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="fetch") as pool:
            try:
                for future in [pool.submit(fetch_group, group) for group in groups.values()]:
                    future.result()
            except BaseException:
                # Workers give up their requests and pauses within _STEP, so the pool's exit
                # does not wait for the network.
                stop.set()
                session.cancelled.set()
                raise
    return {source.id: results[source.id] for source in sources}


def source_id_for_url(url: str) -> str:
    """A source id ([a-z0-9-]+) for a one-off URL: its last path segment, else its host."""
    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    stem = unquote(segments[-1]).rsplit(".", 1)[0] if segments else ""
    for candidate in (stem, parts.hostname or ""):
        slug = re.sub(r"[^a-z0-9]+", "-", candidate.lower()).strip("-")
        if slug:
            return slug
    return "page"


def fetch_url(
    url: str, policy: FetchPolicy | None = None, client: httpx.Client | None = None
) -> Snapshot:
    """Fetch one page outside the manifest, e.g. for `parse URL`. Raises FetchError."""
    source = Source(id=source_id_for_url(url), url=url)
    return fetch_source(source, None, policy, client).snapshot
