"""What each command does with its arguments: library calls, output and exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from scraper import explain, serialize
from scraper.bounded import read_file, read_stream
from scraper.errors import UsageError
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.normalize import PageInfo, slug
from scraper.pipeline import PageRecords
from scraper.snapshots import sha256_hex
from scraper.types import NO_OVERRIDES, ColumnOverrides, Record


def _note(message: str) -> None:
    print(message, file=sys.stderr)


def _is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


STDIN = "-"
"""The page argument that stands for standard input."""


def _read_page(page: str, max_bytes: int) -> bytes:
    """A local page's bytes, or standard input's for "-": bounded by `max_bytes` before they
    are read; a FIFO, device or directory is refused, never waited on."""
    if page == STDIN:
        return read_stream(sys.stdin.buffer, max_bytes, name="stdin")
    return read_file(Path(page), max_bytes)


def _limits(args: argparse.Namespace) -> Limits:
    chosen = {  # each at least 1, as the argument parser checked
        "max_page_bytes": args.max_bytes,
        "max_rows": args.max_rows,
        "max_columns": args.max_columns,
        "max_cells": args.max_cells,
    }
    return replace(DEFAULT_LIMITS, **{k: v for k, v in chosen.items() if v is not None})


def _overrides(args: argparse.Namespace) -> ColumnOverrides:
    if not args.columns and args.header is None:
        return NO_OVERRIDES
    from scraper.sources import column_overrides  # checked as the manifest's are

    try:
        return column_overrides(args.columns, args.header)
    except ValueError as exc:
        raise UsageError(f"--column: {exc.args[0]}") from None


def run_parse(args: argparse.Namespace) -> int:
    limits = _limits(args)
    max_bytes = limits.max_page_bytes
    charset = ""
    if _is_url(args.page):
        from urllib.parse import urlsplit

        from scraper.fetch import FetchPolicy, fetch_url

        snapshot = fetch_url(args.page, FetchPolicy(max_bytes=max_bytes))
        body, charset = snapshot.body, snapshot.charset
        filename = urlsplit(snapshot.final_url or args.page).path
    else:
        body = _read_page(args.page, max_bytes)
        filename = "" if args.page == STDIN else args.page
    name = "stdin" if args.page == STDIN else args.page
    source = args.source or ("stdin" if args.page == STDIN else _default_source(filename))
    info = PageInfo(
        source=source,
        vendor=args.vendor,
        product=args.product,
        lang=args.lang,
        url="" if args.page == STDIN else args.page,
        sha256=sha256_hex(body),
        overrides=_overrides(args),
    )
    stream = PageRecords(
        body,
        info,
        http_charset=charset,
        filename=filename,
        fmt=args.page_format,
        name=name,
        limits=limits,
    )
    del body  # the stream holds what it reads from; a large page is freed as it is read
    count = _write_records(stream, args.format)
    notes = _page_notes(stream, count)
    if args.explain == "json":
        sys.stderr.write(
            explain.explanations_json(
                stream.explanations,
                page=name,
                format=stream.format,
                encoding=stream.encoding,
                lang=stream.lang,
                records=count,
                notes=notes,
            )
        )
        return 0
    if args.explain == "text":
        sys.stderr.write(explain.render_explanations_text(stream.explanations) + "\n")
    for note in notes:
        _note(f"{name}: {note}")
    return 0


def _default_source(filename: str) -> str:
    """The source id parse gives records by default: from the file name."""
    return slug(Path(filename).stem or "page").replace("_", "-") or "page"


def _page_notes(stream: PageRecords, count: int) -> list[str]:
    """What parse tells about a page once its records are out: what was clamped or cut (the
    first 20), then how many records came from how many tables."""
    notes = stream.notes[:20]
    if not count:
        notes.append(f"no error-code table found ({stream.tables} tables on the page)")
        return notes
    skipped = (
        f", {stream.skipped_rows} rows skipped (no code or single status)"
        if stream.skipped_rows
        else ""
    )
    notes.append(
        f"{count} records from {stream.error_tables} of {stream.tables} tables ({stream.format}, "
        f"{stream.encoding}, lang {stream.lang or '?'}){skipped}"
    )
    return notes


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
    from scraper.refresh import refresh
    from scraper.refresh_report import (
        empty_warnings,
        refresh_status_line,
        render_refresh_report,
    )

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
    from scraper import diff

    if args.git:
        new_path = Path(args.new or args.old or "normalized")
        old = diff.load_records_at_revision(Path("."), args.git, "normalized/errors.csv")
        new = diff.load_records(new_path)
    else:
        if not args.old or not args.new:
            raise UsageError("diff: give OLD and NEW, or --git REV [NEW]")
        old = diff.load_records(Path(args.old))
        new = diff.load_records(Path(args.new))
    result = diff.compare(old, new)
    if args.format == "json":
        sys.stdout.write(diff.render_json(result))
    else:
        sys.stdout.write(diff.render_markdown(result))
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
