"""refresh: fetch the manifest's sources, keep snapshots, rebuild the dataset, report changes.

A source that fails keeps its previous snapshot and rows (marked stale), and never stops the
others. A source whose row count would fall by more than half keeps its previous rows unless
drops are accepted: a page redesign must not silently empty the dataset. A source's snapshot
in raw/ and its rows change together: a page held back leaves both as they were.

One writer per project: a refresh holds the project's lock (.refresh.lock beside the manifest)
from start to end, and only under it removes what killed runs left behind.

Nothing here prints: refresh returns a RefreshReport, and the command line renders it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scraper import diff
from scraper.atomic import ProjectLock, Terminated, temporary_files
from scraper.catalog import build_catalog
from scraper.dataset import (
    SourceRow,
    check_replaceable,
    read_records,
    read_sources,
    recover_dataset,
    write_dataset,
)
from scraper.errors import FetchError, UsageError
from scraper.interrupts import RefreshInterrupted, terminate_as_interrupt
from scraper.refresh_report import RefreshReport, SourceOutcome
from scraper.refresh_sources import Outcome, heal_hint, keep_previous, parse_and_store
from scraper.snapshots import check_snapshot, same_content
from scraper.sources import load_manifest
from scraper.types import Record, Snapshot, Source

if TYPE_CHECKING:  # fetching pulls in httpx, which an offline refresh does not need
    from scraper.fetch import FetchPolicy

__all__ = ["RefreshInterrupted", "RefreshReport", "SourceOutcome", "refresh"]

ProgressCallback = Callable[[str, int, int, str], None]
"""on_progress(stage, done, total, source_id): stage is "fetch" or "parse"."""


@dataclass(frozen=True, slots=True)
class _Options:
    offline: bool
    only: tuple[str, ...]
    accept_drops: bool
    timeout: float | None
    retries: int | None
    delay: float | None
    max_bytes: int | None
    respect_robots: bool
    on_progress: ProgressCallback | None

    def progress(self, stage: str, done: int, total: int, source_id: str) -> None:
        if self.on_progress is not None:
            self.on_progress(stage, done, total, source_id)


def refresh(
    manifest: str | Path = "sources.toml",
    *,
    offline: bool = False,
    only: Sequence[str] = (),
    accept_drops: bool = False,
    timeout: float | None = None,
    retries: int | None = None,
    delay: float | None = None,
    max_bytes: int | None = None,
    respect_robots: bool = True,
    on_progress: ProgressCallback | None = None,
) -> RefreshReport:
    """Refresh the project of `manifest`: fetch its sources (none when `offline`), keep their
    snapshots in raw/, rebuild normalized/ beside it, and return what happened. Prints nothing.

    `only` refreshes these source ids; the others keep their rows as they are. `timeout`,
    `retries`, `delay` (seconds between two requests to one host) and `max_bytes` replace the
    fetch policy's defaults when given. `on_progress(stage, done, total, source_id)` is called
    as each source is fetched ("fetch", from worker threads, never two at once) and parsed
    ("parse").

    A failed source does not raise: the report says so. Raises UsageError for an unknown id in
    `only` or an option out of range, ManifestError for a bad manifest, ScraperError naming the
    lock file when another refresh of the project runs. Ctrl-C or SIGTERM ends it with
    RefreshInterrupted, which says whether the new dataset was written (and then carries its
    report) or the previous one is left unchanged.
    """
    manifest = Path(manifest)
    options = _Options(
        offline=offline,
        only=tuple(only),
        accept_drops=accept_drops,
        timeout=timeout,
        retries=retries,
        delay=delay,
        max_bytes=max_bytes,
        respect_robots=respect_robots,
        on_progress=on_progress,
    )
    _check_options(options)
    sources = load_manifest(manifest)
    known = {s.id for s in sources}
    unknown = [i for i in options.only if i not in known]
    if unknown:
        raise UsageError(f"{manifest}: no source with id {unknown[0]!r}")
    run = _Run(manifest=manifest, offline=offline)
    try:
        with terminate_as_interrupt(), ProjectLock(manifest.parent):
            return _refresh(manifest.parent, sources, options, run)
    except KeyboardInterrupt as exc:
        raise _interrupted(run, exc) from exc


def _check_options(options: _Options) -> None:
    """The fetch options in range: a zero timeout would fail every source, a negative retry
    count or delay means nothing."""
    if options.timeout is not None and not (math.isfinite(options.timeout) and options.timeout > 0):
        raise UsageError(f"timeout must be a positive number of seconds, not {options.timeout}")
    if options.delay is not None and not (math.isfinite(options.delay) and options.delay >= 0):
        raise UsageError(f"delay must be 0 or more seconds, not {options.delay}")
    if options.retries is not None and options.retries < 0:
        raise UsageError(f"retries must be 0 or more, not {options.retries}")
    if options.max_bytes is not None and options.max_bytes < 1:
        raise UsageError(f"max_bytes must be at least 1, not {options.max_bytes}")


@dataclass(slots=True)
class _Run:
    """How far a refresh got, for the report an interrupt ends it with."""

    manifest: Path
    offline: bool
    old_records: list[Record] = field(default_factory=list)
    new_records: list[Record] = field(default_factory=list)
    outcomes: list[SourceOutcome] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    written: bool = False
    """The new dataset is in place."""
    changes: diff.Diff | None = None
    unaligned: list[str] = field(default_factory=list)

    def report(self, changes: diff.Diff) -> RefreshReport:
        return RefreshReport(
            manifest=self.manifest,
            sources=self.outcomes,
            changes=changes,
            old_records=self.old_records,
            new_records=self.new_records,
            changed_files=self.changed_files,
            offline=self.offline,
            unaligned=self.unaligned,
        )


def _interrupted(run: _Run, exc: KeyboardInterrupt) -> RefreshInterrupted:
    report = None
    if run.written:
        try:
            changes = run.changes or _changes(run.old_records, run.new_records)
            report = run.report(changes)
        except KeyboardInterrupt:  # a second interrupt: end now, without the report
            report = None
    return RefreshInterrupted(
        run.manifest.parent / "normalized",
        written=run.written,
        terminated=isinstance(exc, Terminated),
        report=report,
    )


def _policy(options: _Options) -> FetchPolicy:
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
    options: _Options,
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
    done = 0

    def fetched_one(source_id: str) -> None:
        nonlocal done  # fetch_all calls this never two at once
        done += 1
        options.progress("fetch", done, len(online), source_id)

    previous = {s.id: (snapshots[s.id] or (None, ""))[0] for s in online}
    results = fetch_all(online, previous, _policy(options), on_done=fetched_one)
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
        and row.status in ("ok", "empty")
        and row.sha256 == stored[0].sha256
    )


def _refresh(root: Path, sources: list[Source], options: _Options, run: _Run) -> RefreshReport:
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

    outcomes: dict[str, Outcome] = {}
    for done, source in enumerate(sources, start=1):
        previous = by_source.get(source.id, [])
        previous_row = old_rows.get(source.id)
        if source.id in torn and source.id not in fetched:
            why = torn[source.id]
            if source.id in failures:
                why += "; " + failures[source.id].removeprefix(f"{source.id}: ")
            outcomes[source.id] = keep_previous(
                source, previous, previous_row, f"{why}; {heal_hint(source)}"
            )
        elif source not in selected and previous_row is not None:
            outcomes[source.id] = Outcome(records=previous, row=previous_row, status="skipped")
        elif _still_current(source.id, unchanged, snapshots, previous_row):
            # A 304 for a snapshot whose rows are in the dataset: nothing to re-parse.
            # (refresh --offline re-parses every snapshot, e.g. after the parser changed.)
            assert previous_row is not None
            outcomes[source.id] = Outcome(records=previous, row=previous_row, status="unchanged")
        elif source.id in failures:
            outcomes[source.id] = keep_previous(
                source,
                previous,
                previous_row,
                failures[source.id].removeprefix(f"{source.id}: "),
            )
        else:
            outcomes[source.id] = parse_and_store(
                source,
                raw_dir,
                fetched.get(source.id),
                snapshots[source.id],
                torn,
                options.accept_drops,
                previous,
                previous_row,
            )
        options.progress("parse", done, len(sources), source.id)

    new_records = [r for s in sources for r in outcomes[s.id].records]
    run.new_records = new_records
    run.outcomes = [outcomes[s.id].public() for s in sources]

    def replaced() -> None:
        run.written = True

    catalog = build_catalog(new_records, sources)
    run.unaligned = list(catalog.unaligned)
    run.changed_files = write_dataset(
        folder,
        new_records,
        [outcomes[s.id].row for s in sources],
        on_replaced=replaced,
        catalog=catalog,
    )
    run.written = True  # also when no file changed: the dataset in place is the new one
    run.changes = _changes(old_records, new_records)
    return run.report(run.changes)


def _changes(old_records: list[Record], new_records: list[Record]) -> diff.Diff:
    """The records compared by key: the step right after the dataset is in place."""
    return diff.compare(old_records, new_records)
