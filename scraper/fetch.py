"""Source -> Snapshot: the only network code of the project, and its public face.

Politeness and robustness come first: one request at a time per host with a pause between two,
robots.txt honoured, conditional requests so an unchanged page costs a 304, bounded retries,
and every body read under a size cap that also holds for compressed bodies. Whatever goes wrong
becomes a FetchError with a one-line message naming the source (or, for fetch_url, the URL).

The parts live in modules of their own: the policy and result types (fetch_policy), one
deadline per request from connect to the last body byte (fetch_deadlines), bounded body reads
(fetch_body), and what the requests of one run share, retries included (fetch_session). This
module follows redirects, revalidates snapshots and runs sources in parallel per host.
"""

from __future__ import annotations

import hashlib
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC
from urllib.parse import unquote, urlsplit

import httpx

from scraper.errors import FetchError
from scraper.fetch_deadlines import Cancelled
from scraper.fetch_policy import USER_AGENT, FetchPolicy, FetchResult
from scraper.fetch_session import CONTENT_STATUSES, Reply, Session, open_session
from scraper.types import Snapshot, Source

__all__ = [
    "USER_AGENT",
    "FetchPolicy",
    "FetchResult",
    "fetch_all",
    "fetch_source",
    "fetch_url",
    "source_id_for_url",
]

_SCHEMES = frozenset({"http", "https"})
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


def _check_scheme(name: str, url: str, *, redirected: bool) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        what = "redirect to unsupported" if redirected else "unsupported"
        raise FetchError(f"{name}: {what} scheme {scheme or '(none)'}")


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
    source: Source, previous: Snapshot | None, reply: Reply, policy: FetchPolicy
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


def _fetch(
    session: Session, source: Source, previous: Snapshot | None, name: str = ""
) -> FetchResult:
    """Fetch `source`; every FetchError's message starts with `name`, by default the id."""
    name = name or source.id
    policy = session.policy
    if not source.url:
        raise FetchError(f"{name}: no URL to fetch")
    conditional = _conditional_headers(source, previous)
    url = source.url
    # Redirects are followed here rather than by httpx, so that every hop is checked for its
    # scheme and against robots.txt, and counted against policy.max_redirects.
    for hop in range(policy.max_redirects + 1):
        _check_scheme(name, url, redirected=hop > 0)
        robots = policy.respect_robots and source.respect_robots
        if robots and (refusal := session.robots.refusal(url, policy.user_agent)):
            raise FetchError(f"{name}: {refusal}")
        reply = session.request(name, url, conditional)
        location = reply.headers.get("location")
        if reply.status in _REDIRECTS and location:
            try:
                url = str(httpx.URL(url).join(location.strip()).copy_with(fragment=None))
            except (httpx.InvalidURL, ValueError):
                raise FetchError(f"{name}: invalid redirect location {location!r}") from None
            continue
        if reply.status == 304 and previous is not None and conditional:
            return FetchResult(previous, not_modified=True)
        if reply.status not in CONTENT_STATUSES:
            raise FetchError(f"{name}: HTTP {reply.status}")
        return FetchResult(_snapshot(source, previous, reply, policy), not_modified=False)
    raise FetchError(f"{name}: too many redirects (more than {policy.max_redirects})")


def _fetch_guarded(
    session: Session, source: Source, previous: Snapshot | None
) -> FetchResult | FetchError:
    try:
        return _fetch(session, source, previous)
    except FetchError as exc:
        return exc
    except Cancelled:
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
    with open_session(policy or FetchPolicy(), client) as session:
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

    with open_session(policy, client) as session:

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
                # Workers give up their requests and pauses within a fraction of a second, so
                # the pool's exit does not wait for the network.
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
    """Fetch one page outside the manifest, e.g. for `parse URL`, under `policy` (its timeout,
    retries and size cap). Raises FetchError, its message naming `url` as given.

    The snapshot's source id is derived from the URL (source_id_for_url).
    """
    source = Source(id=source_id_for_url(url), url=url)
    with open_session(policy or FetchPolicy(), client) as session:
        return _fetch(session, source, None, name=url).snapshot
