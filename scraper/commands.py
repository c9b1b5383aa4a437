"""What each command does with its arguments: library calls, output and exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from scraper import explain, serialize
from scraper.errors import ScraperError, UsageError
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.page import is_url, open_page, page_notes
from scraper.types import Record

if TYPE_CHECKING:
    from scraper.diff import Dataset
    from scraper.fetch import FetchPolicy


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def _limits(args: argparse.Namespace) -> Limits:
    chosen = {  # each at least 1, as the argument parser checked
        "max_page_bytes": args.max_bytes,
        "max_rows": args.max_rows,
        "max_columns": args.max_columns,
        "max_cells": args.max_cells,
    }
    return replace(DEFAULT_LIMITS, **{k: v for k, v in chosen.items() if v is not None})


def _policy(args: argparse.Namespace) -> FetchPolicy | None:
    """The fetch policy for a URL: its defaults, with --timeout and --retries when given."""
    if not is_url(args.page):
        return None
    from scraper.fetch import FetchPolicy

    chosen = {"timeout": args.timeout, "retries": args.retries}
    return FetchPolicy(**{k: v for k, v in chosen.items() if v is not None})


def run_parse(args: argparse.Namespace) -> int:
    """Records on stdout as they are made; notes, and with --explain why the page was read
    so, on stderr."""
    stream = open_page(
        args.page,
        format=args.page_format or None,
        lang=args.lang or None,
        columns=args.columns,
        header=args.header,
        source_id=args.source or None,
        vendor=args.vendor,
        product=args.product,
        limits=_limits(args),
        policy=_policy(args),
    )
    written: list[Record] = []
    count = _write_records(_kept(stream, written if args.explain else None), args.format)
    notes = page_notes(stream, count)
    if args.explain == "json":
        sys.stderr.write(
            explain.explanations_json(
                stream.explanations,
                page=stream.where,
                format=stream.format,
                encoding=stream.encoding,
                lang=stream.lang,
                records=count,
                notes=notes,
                inferred=written,
            )
        )
        return 0
    if args.explain == "text":
        sys.stderr.write(explain.render_explanations_text(stream.explanations) + "\n")
        sys.stderr.write(explain.render_inferences_text(written))
    for note in notes:
        _note(f"{stream.where}: {note}")
    return 0


def _kept(records: Iterable[Record], into: list[Record] | None) -> Iterator[Record]:
    """The records, each also kept in `into` when one is given (for --explain)."""
    for record in records:
        if into is not None:
            into.append(record)
        yield record


# Records are serialized this many at a time: a stream of records is neither held whole nor
# written one small piece at a time.
_BATCH = 1000


def _write_records(records: Iterable[Record], fmt: str) -> int:
    """Write records to stdout in `fmt`, returning how many. JSON lines and the JSON array are
    written as the records come; CSV once all are in (whether it quotes every cell depends on
    all of them). When the records stop on an error, those made before it are written, the
    array closed."""
    out = sys.stdout
    if fmt == "csv":
        collected = list(records)
        out.write(serialize.records_csv(collected))
        out.flush()
        return len(collected)
    batch: list[Record] = []
    count = 0

    def write_batch() -> None:
        nonlocal count
        if fmt == "jsonl":
            out.write(serialize.records_jsonl(batch))
        else:
            out.write(serialize.json_array_part(batch, first=not count))
        count += len(batch)
        batch.clear()

    try:
        for record in records:
            batch.append(record)
            if len(batch) == _BATCH:
                write_batch()
    finally:
        if batch:
            write_batch()
        if fmt == "json":
            out.write(serialize.json_array_end(empty=not count))
        out.flush()
    return count


def run_refresh(args: argparse.Namespace) -> int:
    """Refresh, then print the summary on stdout and on stderr the run's line, the pages'
    notes (unless --quiet), the sources that yield no rows and those that failed. Exit 1
    when a source failed or was held back."""
    from scraper.progress import ProgressBar
    from scraper.refresh_report import (
        empty_warnings,
        refresh_status_line,
        render_refresh_report,
    )
    from scraper.refreshing import refresh

    bar = ProgressBar(enabled=not args.quiet and sys.stderr.isatty())
    try:
        report = refresh(
            args.manifest,
            offline=args.offline,
            only=args.sources,
            accept_drops=args.accept_drops,
            timeout=args.timeout,
            retries=args.retries,
            delay=args.delay,
            max_bytes=args.max_bytes,
            respect_robots=not args.ignore_robots,
            on_progress=bar,
        )
    finally:
        bar.close()
    sys.stdout.write(render_refresh_report(report))
    if not args.quiet:
        _note(refresh_status_line(report))
        for line in report.notes:
            _note(f"scraper: {line}")
    for line in empty_warnings(report):
        _note(f"scraper: warning: {line}")
    for line in report.problems:
        _note(f"scraper: {line}")
    return 1 if report.problems else 0


def run_diff(args: argparse.Namespace) -> int:
    from scraper.diff import compare, render_json, render_markdown
    from scraper.reader import records_at_revision

    if args.git:
        if args.old and args.new:
            raise UsageError("diff: with --git REV give at most NEW, not OLD and NEW")
        old: Dataset = records_at_revision(Path("."), args.git, "normalized/errors.csv")
        new: Dataset = Path(args.new or args.old or "normalized")
    else:
        if not args.old or not args.new:
            raise UsageError("diff: give OLD and NEW, or --git REV [NEW]")
        old, new = Path(args.old), Path(args.new)
    result = compare(old, new)
    sys.stdout.write(render_json(result) if args.format == "json" else render_markdown(result))
    return 0


def run_validate(args: argparse.Namespace) -> int:
    """Problems on stderr and exit 1; else a JSON line on stdout. Sources that are stale,
    failed or empty are warnings on stderr: the dataset is still valid (exit 0)."""
    from scraper import dataset
    from scraper.validate import source_warnings, validate_dataset

    problems = validate_dataset(args.folder, frictionless=args.frictionless)
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        return 1
    warnings = source_warnings(args.folder)
    for warning in warnings:
        _note(f"warning: {warning}")
    records = dataset.read_records(args.folder)
    _note(f"{args.folder}: valid ({len(records)} records)")
    summary = {"folder": str(args.folder), "records": len(records), "valid": True}
    print(json.dumps({**summary, "warnings": warnings}))
    return 0


def run_export(args: argparse.Namespace) -> int:
    """The dataset as one SQLite file; what was written on stderr, the file's path on
    stdout."""
    from scraper import dataset
    from scraper.catalog import build_catalog
    from scraper.reader import load_records
    from scraper.sqlite_export import export_sqlite

    records = load_records(args.dataset)
    sources = dataset.read_sources(args.dataset)
    catalog = _catalog_entries(args.dataset) or list(build_catalog(records, ()).entries)
    done = export_sqlite(args.path, records, sources, catalog)
    _note(
        f"{done.path}: {done.errors} records, {done.sources} sources, "
        f"{done.catalog} catalog entries"
    )
    print(done.path)
    return 0


def _catalog_entries(folder: Path) -> list[dict[str, object]]:
    """The dataset's catalog.json as written by refresh (translations joined), if it has one."""
    path = folder / "catalog.json"
    if not folder.is_dir() or not path.is_file():
        return []
    from scraper.dataset import read_dataset_file

    try:
        entries = json.loads(read_dataset_file(path))
    except (ValueError, RecursionError) as exc:
        raise ScraperError(f"{path}: not valid JSON ({exc.__class__.__name__})") from None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise ScraperError(f"{path}: expected a JSON array of entries")
    return entries


def run_lookup(args: argparse.Namespace) -> int:
    """The matching records as JSON lines on stdout, best first; exit 1 when none."""
    from scraper.matching import match

    found = match(args.code, args.status, args.dataset)
    sys.stdout.write(serialize.records_jsonl(found))
    if not found:
        status = f" with status {args.status}" if args.status else ""
        _note(f"{args.dataset}: no record for code {args.code!r}{status}")
        return 1
    return 0
