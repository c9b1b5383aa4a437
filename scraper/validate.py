"""validate: check that a dataset folder is whole and consistent."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

from scraper.atomic import lock_holder, temporary_files
from scraper.bounded import read_file
from scraper.dataset import (
    DATASET_FILES,
    SOURCE_FIELDS,
    datapackage_json,
    dataset_leftovers,
    read_dataset_file,
    read_records,
    read_sources,
)
from scraper.errors import ScraperError
from scraper.fields import CATEGORIES, RETRYABLE
from scraper.limits import DEFAULT_LIMITS
from scraper.schema import record_schema_json
from scraper.snapshots import sha256_hex
from scraper.sources import load_manifest
from scraper.types import RECORD_FIELDS


def _check_records(folder: Path, problems: list[str]) -> None:
    records = read_records(folder)  # the reader refuses missing and repeated keys
    for record in records:
        for name in ("http_status", "inferred_http_status"):
            status = getattr(record, name)
            if status is not None and not 100 <= status <= 599:
                problems.append(f"{folder}/errors.csv: {record.key}: {name} {status}")
        if not record.code and record.http_status is None:
            problems.append(f"{folder}/errors.csv: {record.key}: neither code nor http_status")
        if record.category not in CATEGORIES:
            problems.append(f"{folder}/errors.csv: {record.key}: category {record.category!r}")
        if record.retryable not in RETRYABLE:
            problems.append(f"{folder}/errors.csv: {record.key}: retryable {record.retryable!r}")
    try:
        as_json = json.loads(read_dataset_file(folder / "errors.json"))
    except (ValueError, RecursionError) as exc:
        problems.append(f"{folder}/errors.json: unreadable ({exc.__class__.__name__})")
        return
    if [r.as_dict() for r in records] != as_json:
        problems.append(f"{folder}/errors.json: does not hold the same records as errors.csv")

    sources = read_sources(folder)
    ids = [s.id for s in sources]
    if len(set(ids)) != len(ids):
        problems.append(f"{folder}/sources.csv: duplicate source ids")
    per_source = Counter(r.source for r in records)
    for record_source in sorted(set(per_source) - set(ids)):
        problems.append(f"{folder}/errors.csv: source {record_source!r} is not in sources.csv")
    for source in sources:
        if source.status not in SOURCE_STATUSES:
            problems.append(f"{folder}/sources.csv: {source.id}: status {source.status!r}")
        if source.rows != per_source.get(source.id, 0):
            problems.append(
                f"{folder}/sources.csv: {source.id}: rows {source.rows}, "
                f"errors.csv has {per_source.get(source.id, 0)}"
            )
        if source.raw_file:
            raw = folder.parent / source.raw_file
            if not raw.exists():
                problems.append(f"{folder}/sources.csv: {source.id}: {source.raw_file} is missing")
                continue
            try:
                body = read_file(raw, DEFAULT_LIMITS.max_page_bytes)
            except ScraperError as exc:
                problems.append(f"{folder}/sources.csv: {source.id}: {exc}")
                continue
            if source.sha256 and sha256_hex(body) != source.sha256:
                problems.append(
                    f"{folder}/sources.csv: {source.id}: {source.raw_file} sha256 differs"
                )


SOURCE_STATUSES = ("ok", "empty", "stale", "failed")
"""A source's status in sources.csv: ok, empty (its page yields no rows), stale (its last
refresh failed; its previous rows are kept) or failed (it failed and never had rows)."""


def source_warnings(folder: Path) -> list[str]:
    """One line per source of sources.csv whose status is not ok: stale, failed or empty,
    with its error. These do not make a dataset invalid: a failed source keeps its previous
    rows, and a page may have no error table. An unreadable sources.csv gives no warnings
    (validate_dataset reports it)."""
    try:
        sources = read_sources(folder)
    except ScraperError:
        return []
    warnings = []
    for source in sources:
        if source.status == "ok":
            continue
        why = source.error or ("no rows" if source.status == "empty" else "no error recorded")
        warnings.append(f"{folder}/sources.csv: {source.id}: {source.status}: {why}")
    return warnings


def _check_manifest(folder: Path, problems: list[str]) -> None:
    manifest = folder.parent / "sources.toml"
    if not manifest.is_file():
        return
    wanted = [s.id for s in load_manifest(manifest)]
    have = [s.id for s in read_sources(folder)]
    if wanted != have:
        problems.append(f"{folder}/sources.csv: sources differ from {manifest.name} (run refresh)")


def _check_frictionless(folder: Path, problems: list[str]) -> None:
    try:
        from frictionless import Package
    except ImportError:
        problems.append("frictionless is not installed (pip install 'errcodes-scraper[test]')")
        return
    report = Package(str(folder / "datapackage.json")).validate()
    if not report.valid:
        for error in report.flatten(["type", "note"])[:20]:
            problems.append(f"{folder}/datapackage.json: {error[0]}: {error[1]}")


def _check_leftovers(folder: Path) -> list[str]:
    """What interrupted writes left beside the dataset and in raw/: reported, never removed
    (the next refresh removes them under its lock). Nothing is reported while a refresh
    holds the project's lock: its staging folder and temporary files are work in progress."""
    root = folder.parent
    if lock_holder(root) is not None:
        return []
    left = [*dataset_leftovers(folder), *temporary_files(root / "raw")]
    if folder.is_dir():
        left += temporary_files(folder)
    return [
        f"{path}: left by an interrupted refresh (the next refresh removes it)" for path in left
    ]


def validate_dataset(folder: str | Path, frictionless: bool = False) -> list[str]:
    """Problems found, one line each; an empty list means the dataset is valid.

    `frictionless` adds the Frictionless validation of the data package (thorough, and slow
    on large cells).

    Reads only: nothing is removed or repaired, not even what an interrupted refresh left.
    """
    folder = Path(folder)
    return _check_leftovers(folder) + _check_dataset(folder, frictionless)


def _catalog_problems(folder: Path, text: str) -> list[str]:
    """catalog.json must be a JSON array of entries, each with an id and the keys it joins."""
    where = f"{folder}/catalog.json"
    try:
        entries = json.loads(text)
    except (ValueError, RecursionError) as exc:
        return [f"{where}: unreadable ({exc.__class__.__name__})"]
    if not isinstance(entries, list) or not all(
        isinstance(e, dict) and e.get("id") and isinstance(e.get("keys"), list) for e in entries
    ):
        return [f"{where}: not a JSON array of entries with an id and keys"]
    ids = Counter(e["id"] for e in entries)
    return [f"{where}: id {i!r} appears {n} times" for i, n in sorted(ids.items()) if n > 1]


def _catalog_keys_problems(folder: Path, text: str) -> list[str]:
    """Every record is joined by exactly one catalog entry, and no entry names another key."""
    where = f"{folder}/catalog.json"
    keys = Counter(key for entry in json.loads(text) for key in entry["keys"])
    records = {record.key for record in read_records(folder)}
    problems = [f"{where}: key {k!r} is not a record" for k in sorted(keys.keys() - records)]
    problems += [f"{where}: record {k!r} is in no entry" for k in sorted(records - keys.keys())]
    problems += [f"{where}: key {k!r} is in {n} entries" for k, n in sorted(keys.items()) if n > 1]
    return problems[:20]


def _check_dataset(folder: Path, frictionless: bool) -> list[str]:
    problems: list[str] = []
    texts: dict[str, str] = {}
    for name in DATASET_FILES:
        path = folder / name
        if not path.exists():
            problems.append(f"{path}: missing")
            continue
        try:
            # Bounded and checked before it is read: a FIFO or a device is a problem named.
            texts[name] = read_dataset_file(path)
        except ScraperError as exc:
            problems.append(str(exc))
    if problems:
        return problems
    for name, columns in (("errors.csv", RECORD_FIELDS), ("sources.csv", SOURCE_FIELDS)):
        header = next(csv.reader(io.StringIO(texts[name], newline="")), [])
        if tuple(header) != columns:
            problems.append(f"{folder}/{name}: columns are not {', '.join(columns)}")
    if texts["datapackage.json"] != datapackage_json():
        problems.append(f"{folder}/datapackage.json: not the package this version writes")
    if texts["errors.schema.json"] != record_schema_json():
        problems.append(f"{folder}/errors.schema.json: not the schema this version writes")
    problems.extend(_catalog_problems(folder, texts["catalog.json"]))
    if problems:
        return problems
    try:
        _check_records(folder, problems)
        problems.extend(_catalog_keys_problems(folder, texts["catalog.json"]))
        _check_manifest(folder, problems)
    except ScraperError as exc:
        problems.append(str(exc))
    if frictionless:
        _check_frictionless(folder, problems)
    return problems
