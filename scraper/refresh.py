"""refresh: fetch the manifest's sources, keep snapshots, rebuild the dataset, report changes.

A source that fails keeps its previous snapshot and rows (marked stale), and never stops the
others. A source whose row count would fall by more than half keeps its previous rows unless
drops are accepted: a page redesign must not silently empty the dataset. A source's snapshot
in raw/ and its rows change together: a page held back leaves both as they were.

One writer per project: a refresh holds the project's lock (.refresh.lock beside the manifest)
from start to end, and only under it removes what killed runs left behind.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scraper import diff
from scraper.atomic import ProjectLock, Terminated, raise_terminated, temporary_files
from scraper.dataset import (
    SourceRow,
    check_replaceable,
    read_records,
    read_sources,
    recover_dataset,
    write_dataset,
)
from scraper.errors import FetchError, ManifestError, ScraperError
from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.progress import Progress
from scraper.snapshots import body_name, check_snapshot, same_content, save_snapshot
from scraper.sources import load_manifest
from scraper.types import Record, Snapshot, Source

if TYPE_CHECKING:  # fetching pulls in httpx, which an offline refresh does not need
    from scraper.fetch import FetchPolicy


@dataclass(frozen=True, slots=True)
class RefreshOptions:
    offline: bool = False
    only: tuple[str, ...] = ()
    """Refresh only these source ids; the others keep their rows as they are."""
    accept_drops: bool = False
    timeout: float | None = None
    retries: int | None = None
    delay: float | None = None
    max_bytes: int | None = None
    respect_robots: bool = True
    progress: bool = False
    verbose: bool = True
    """Per-source notes on stderr."""


@dataclass(slots=True)
class RefreshReport:
    summary: str
    """Markdown: what changed, ready for a pull-request body."""
    problems: list[str] = field(default_factory=list)
    """One line per source that failed or was held back: "id: reason"."""
    changed_files: list[str] = field(default_factory=list)
    records: int = 0
    notes: list[str] = field(default_factory=list)
    """What the pages parsed in this run said, one line each: "id: note" (what was cut,
    clamped or decoded otherwise than declared)."""


@dataclass(slots=True)
class _Outcome:
    records: list[Record]
    row: SourceRow
    problem: str = ""
    notes: tuple[str, ...] = ()


# A page's notes in the report: the first this many (as parse prints them).
_NOTES_PER_PAGE = 20


def _policy(options: RefreshOptions) -> FetchPolicy:
    from scraper.fetch import FetchPolicy

    policy = FetchPolicy(respect_robots=options.respect_robots)
    if options.timeout is not None:
        policy = replace(policy, timeout=options.timeout)
    if options.retries is not None:
        policy = replace(policy, retries=options.retries)
    if options.delay is not None:
        policy = replace(policy, host_delay=options.delay)
    if options.max_bytes is not None:
        policy = replace(policy, max_bytes=options.max_bytes)
    return policy


def _fetch(
    sources: list[Source],
    snapshots: dict[str, tuple[Snapshot, str] | None],
    options: RefreshOptions,
    unchanged: set[str],
) -> tuple[dict[str, Snapshot], dict[str, str]]:
    """Fetch the online sources: the new snapshots (not yet stored) and the failures, by id.

    A source without a sound stored snapshot is fetched unconditionally. Sources the server
    answered 304 for, or whose page came back the same apart from its validators (ETag,
    Last-Modified), are added to `unchanged`.
    """
    from scraper.fetch import fetch_all

    online = [s for s in sources if s.url]
    if not online:
        return {}, {}
    policy = _policy(options)
    progress = Progress(len(online), "fetch", options.progress)
    previous = {s.id: (snapshots[s.id] or (None, ""))[0] for s in online}
    results = fetch_all(online, previous, policy, on_done=progress.advance)
    progress.close()
    fetched: dict[str, Snapshot] = {}
    failures: dict[str, str] = {}
    for source in online:
        result = results[source.id]
        if isinstance(result, FetchError):
            failures[source.id] = str(result)
            continue
        stored = snapshots[source.id]
        if result.not_modified or (stored is not None and same_content(stored[0], result.snapshot)):
            unchanged.add(source.id)
            continue
        fetched[source.id] = result.snapshot
    return fetched, failures


def _parse_source(
    source: Source,
    stored: tuple[Snapshot, str] | None,
    previous: list[Record],
    previous_row: SourceRow | None,
    options: RefreshOptions,
) -> _Outcome:
    if stored is None:
        return _keep(source, previous, previous_row, "no snapshot in raw/ (run refresh online)")
    snapshot, name = stored
    url = source.url or f"raw/{name}"
    page = PageInfo(
        source=source.id,
        vendor=source.vendor,
        product=source.product,
        lang=source.lang,
        url=url,
        sha256=snapshot.sha256,
        fixes=source.fixes,
        overrides=source.overrides,
    )
    try:
        parsed = parse_page(
            snapshot.body,
            page,
            http_charset=snapshot.charset,
            filename=name,
            fmt=source.format,
            name=source.id,
        )
    except ScraperError as exc:
        return _keep(source, previous, previous_row, str(exc).removeprefix(f"{source.id}: "))
    except Exception as exc:  # a bug must not cost the other sources their refresh
        return _keep(source, previous, previous_row, f"internal error: {exc.__class__.__name__}")
    records = parsed.records
    if previous and len(records) * 2 < len(previous) and not options.accept_drops:
        return _keep(
            source,
            previous,
            previous_row,
            f"row count would fall from {len(previous)} to {len(records)}; previous rows kept "
            "(--accept-drops to take the new ones)",
        )
    row = SourceRow(
        id=source.id,
        vendor=source.vendor,
        product=source.product,
        lang=parsed.lang,
        url=url,
        raw_file=f"raw/{name}",
        sha256=snapshot.sha256,
        retrieved=snapshot.retrieved,
        format=parsed.format,
        tables=parsed.error_tables,
        rows=len(records),
        status="ok",
        error="",
    )
    return _Outcome(records=records, row=row, notes=parsed.notes[:_NOTES_PER_PAGE])


def _keep(source: Source, previous: list[Record], row: SourceRow | None, why: str) -> _Outcome:
    """A failed source keeps its previous rows, marked stale (failed when it has none)."""
    status = "stale" if previous else "failed"
    base = row or SourceRow(
        id=source.id, vendor=source.vendor, product=source.product, lang=source.lang, url=source.url
    )
    return _Outcome(
        records=previous,
        row=replace(base, status=status, error=why, rows=len(previous)),
        problem=f"{source.id}: {why}",
    )


def _still_current(
    source_id: str,
    unchanged: set[str],
    snapshots: dict[str, tuple[Snapshot, str] | None],
    row: SourceRow | None,
) -> bool:
    stored = snapshots.get(source_id)
    return (
        source_id in unchanged
        and stored is not None
        and row is not None
        and row.status == "ok"
        and row.sha256 == stored[0].sha256
    )


def _rows(records: list[Record]) -> dict[str, diff.Row]:
    return diff.rows_from_records(r.as_dict() for r in records)


class RefreshInterrupted(KeyboardInterrupt):
    """A refresh ended by Ctrl-C or SIGTERM, saying what it leaves in the dataset folder.

    Raised in place of the KeyboardInterrupt (or Terminated) once every write in progress
    was undone or completed: `written` tells whether the new dataset is in place, and then
    `summary` is its markdown summary (empty when a second interrupt cut that short too).
    """

    def __init__(self, folder: Path, *, written: bool, terminated: bool, summary: str = "") -> None:
        self.folder = folder
        self.written = written
        self.terminated = terminated
        self.summary = summary
        word = "terminated" if terminated else "interrupted"
        if written:
            message = f"{word} after the new dataset was written; {folder}/ is complete"
        else:
            message = f"{word}; {folder}/ holds the previous dataset, unchanged"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


@contextmanager
def _terminate_as_interrupt() -> Iterator[None]:
    """For the duration, SIGTERM raises Terminated in the main thread, as SIGINT raises
    KeyboardInterrupt, so that temporary files and staging folders are removed before the
    process ends. Elsewhere than the main thread signals cannot be handled: nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    before = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)


def _heal_hint(source: Source) -> str:
    if not source.url:
        return "restore its files in raw/ (for example from git)"
    return f"run `refresh --source {source.id}` online to fetch it again"


def refresh(manifest: Path, options: RefreshOptions) -> RefreshReport:
    """Refresh the project of `manifest`. One writer per project: a second refresh while one
    runs fails at once (ScraperError naming the lock file and the holder's pid).

    Ctrl-C or SIGTERM ends it with RefreshInterrupted, which says whether the new dataset
    was written (and then carries its summary) or the previous one is left unchanged."""
    sources = load_manifest(manifest)
    known = {s.id for s in sources}
    unknown = [i for i in options.only if i not in known]
    if unknown:
        raise ManifestError(f"{manifest}: no source with id {unknown[0]!r}")
    run = _Run()
    try:
        with _terminate_as_interrupt(), ProjectLock(manifest.parent):
            return _refresh(manifest.parent, sources, options, run)
    except KeyboardInterrupt as exc:
        raise _interrupted(manifest.parent / "normalized", run, exc) from exc


@dataclass(slots=True)
class _Run:
    """How far a refresh got, for the message an interrupt ends it with."""

    old_records: list[Record] = field(default_factory=list)
    new_records: list[Record] = field(default_factory=list)
    written: bool = False
    """The new dataset is in place."""
    summary: str | None = None


def _interrupted(folder: Path, run: _Run, exc: KeyboardInterrupt) -> RefreshInterrupted:
    summary = ""
    if run.written:
        summary = run.summary or ""
        if run.summary is None:
            try:
                summary = _summary(run.old_records, run.new_records)
            except KeyboardInterrupt:  # a second interrupt: end now, without the summary
                summary = ""
    return RefreshInterrupted(
        folder, written=run.written, terminated=isinstance(exc, Terminated), summary=summary
    )


def _refresh(
    root: Path, sources: list[Source], options: RefreshOptions, run: _Run
) -> RefreshReport:
    raw_dir, folder = root / "raw", root / "normalized"
    check_replaceable(folder)
    # Under the lock no other process writes: what interrupted writes left is abandoned.
    recover_dataset(folder)
    for temporary in temporary_files(raw_dir):
        temporary.unlink(missing_ok=True)
    old_records = run.old_records = read_records(folder)
    old_rows = {row.id: row for row in read_sources(folder)}
    by_source: dict[str, list[Record]] = {}
    for record in old_records:
        by_source.setdefault(record.source, []).append(record)

    selected = [s for s in sources if not options.only or s.id in options.only]
    snapshots: dict[str, tuple[Snapshot, str] | None] = {}
    torn: dict[str, str] = {}
    for source in sources:
        snapshots[source.id], why = check_snapshot(raw_dir, source.id)
        if why:
            torn[source.id] = why
    unchanged: set[str] = set()
    fetched: dict[str, Snapshot] = {}
    failures: dict[str, str] = {}
    if not options.offline:
        fetched, failures = _fetch(selected, snapshots, options, unchanged)

    progress = Progress(len(sources), "parse", options.progress)
    outcomes: dict[str, _Outcome] = {}
    parsed = 0
    for source in sources:
        previous = by_source.get(source.id, [])
        previous_row = old_rows.get(source.id)
        if source.id in torn and source.id not in fetched:
            why = torn[source.id]
            if source.id in failures:
                why += "; " + failures[source.id].removeprefix(f"{source.id}: ")
            outcomes[source.id] = _keep(
                source, previous, previous_row, f"{why}; {_heal_hint(source)}"
            )
        elif source not in selected and previous_row is not None:
            outcomes[source.id] = _Outcome(records=previous, row=previous_row)
        elif _still_current(source.id, unchanged, snapshots, previous_row):
            # A 304 for a snapshot whose rows are in the dataset: nothing to re-parse.
            # (refresh --offline re-parses every snapshot, e.g. after the parser changed.)
            assert previous_row is not None
            outcomes[source.id] = _Outcome(records=previous, row=previous_row)
        elif source.id in failures:
            outcomes[source.id] = _keep(
                source,
                previous,
                previous_row,
                failures[source.id].removeprefix(f"{source.id}: "),
            )
        else:
            parsed += 1
            new = fetched.get(source.id)
            stored = snapshots[source.id]
            if new is not None:
                if (
                    source.id in torn
                    and previous_row is not None
                    and previous_row.sha256 == new.sha256
                    and previous_row.retrieved
                ):
                    # A torn snapshot fetched again: the dataset still knows when this
                    # content was first seen.
                    new = replace(new, retrieved=previous_row.retrieved)
                stored = (new, body_name(source.id, new.content_type))
            outcome = _parse_source(source, stored, previous, previous_row, options)
            # The snapshot and the rows change together: a page held back (parse failure,
            # drop gate) leaves the previous snapshot in raw/ as it leaves the previous rows.
            if new is not None and not outcome.problem:
                save_snapshot(raw_dir, new)
            outcomes[source.id] = outcome
        progress.advance(source.id)
    progress.close()

    new_records = [r for s in sources for r in outcomes[s.id].records]
    run.new_records = new_records

    def replaced() -> None:
        run.written = True

    changed = write_dataset(
        folder, new_records, [outcomes[s.id].row for s in sources], on_replaced=replaced
    )
    run.written = True  # also when no file changed: the dataset in place is the new one
    summary = run.summary = _summary(old_records, new_records)
    if options.verbose:
        state = f"wrote {', '.join(changed)}" if changed else "no file changed"
        print(
            f"refresh: {len(new_records)} records from {len(sources)} sources "
            f"({parsed} parsed, {len(unchanged)} unchanged upstream, {len(failures)} failed "
            f"to fetch); {state}",
            file=sys.stderr,
        )
    return RefreshReport(
        summary=summary,
        problems=[o.problem for o in outcomes.values() if o.problem],
        changed_files=changed,
        records=len(new_records),
        notes=[f"{s.id}: {note}" for s in sources for note in outcomes[s.id].notes],
    )


def _summary(old_records: list[Record], new_records: list[Record]) -> str:
    return diff.render_markdown(diff.compare(_rows(old_records), _rows(new_records)))
