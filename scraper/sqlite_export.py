"""The dataset as one SQLite file with full-text search, for `datasette PATH` or any SQL tool.

Tables: `errors` (one column per record field, typed from scraper.fields; lists and objects as
compact JSON text), `sources` (the rows of sources.csv) and, when entries are given, `catalog`.
Rows keep the order they are given in and the file holds no timestamps, so the same data
gives the same file.

Full-text search: `errors_fts` (FTS5, kept in step with `errors` by triggers) over code, title,
message, description, suggestion and section, with the `trigram` tokenizer. Chinese and
Japanese text has no spaces, so the default `unicode61` tokenizer reads a whole run of it as
one word: over the corpus's 317 CJK truth rows it found 0 of the 47 rows holding 请求, 0 of 3
holding 请求参数 and 1 of 24 holding エラー, where trigram found every row for the terms of
3+ characters. Trigram also finds a word inside a code (`quota` in `QuotaExceeded`, `throttl`
in `Throttling`), which unicode61 misses. Its limit: a MATCH term needs 3+ characters, so a
two-character word such as 参数 matches nothing; search for it with LIKE on the same table
(`WHERE errors_fts.message LIKE '%参数%'`), which a dataset of this size answers at once.
Trigram needs SQLite 3.34 or newer; an older SQLite gets unicode61 rather than no search.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, get_type_hints

from scraper.atomic import FILE_MODE, describe, signals_deferred
from scraper.dataset import SourceRow
from scraper.errors import DatasetError
from scraper.fields import RECORD_SPECS, Kind
from scraper.types import Record

if TYPE_CHECKING:  # sqlite-utils loads pandas when it is installed: imported when used
    import sqlite_utils

FTS_COLUMNS: tuple[str, ...] = ("code", "title", "message", "description", "suggestion", "section")
"""The errors columns that full-text search reads."""

INDEXED_COLUMNS: tuple[str, ...] = ("code", "http_status", "source", "category")
"""The errors columns with an index of their own, for filters and facets."""

# The SQLite column type of each kind of record field: lists and objects are JSON text.
_KIND_TYPES: dict[Kind, type] = {"text": str, "status": int, "list": str, "object": str}

TRIGRAM_SINCE = (3, 34, 0)
"""The first SQLite with the trigram tokenizer."""


@dataclass(frozen=True, slots=True)
class SqliteExport:
    """What export_sqlite wrote: the file and the rows in each table."""

    path: Path
    errors: int
    sources: int
    catalog: int


def fts_tokenizer(sqlite_version: tuple[int, ...] = sqlite3.sqlite_version_info) -> str:
    """The FTS5 tokenizer for this SQLite: trigram where it exists, else unicode61."""
    return "trigram" if sqlite_version >= TRIGRAM_SINCE else "unicode61"


def _json_text(value: Any) -> str:
    """Compact JSON with sorted keys: one text per value, shown as JSON by datasette."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _record_row(record: Record) -> dict[str, Any]:
    row = record.as_dict()
    for spec in RECORD_SPECS:
        if spec.kind in ("list", "object"):
            row[spec.name] = _json_text(row[spec.name])
    return row


def _source_row(source: SourceRow) -> dict[str, Any]:
    return {name: getattr(source, name) for name in _SOURCE_TYPES}


# The sources table's columns and types, read from SourceRow's own annotations.
_SOURCE_TYPES: dict[str, type] = {
    spec.name: get_type_hints(SourceRow)[spec.name] for spec in fields(SourceRow)
}


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, str | int | float)


def _catalog_types(entries: Sequence[Mapping[str, Any]]) -> dict[str, type]:
    """Each member's column type, members in order of first appearance: INTEGER or FLOAT when
    every value given is that kind of number, else TEXT (nested values are JSON text)."""
    kinds: dict[str, set[type]] = {}
    for entry in entries:
        for name, value in entry.items():
            seen = kinds.setdefault(name, set())
            if value is not None:
                seen.add(type(value) if _is_scalar(value) else dict)
    types: dict[str, type] = {}
    for name, seen in kinds.items():
        if seen and seen <= {int, bool}:
            types[name] = int
        elif seen and seen <= {int, bool, float}:
            types[name] = float
        else:
            types[name] = str
    return types


def _catalog_row(entry: Mapping[str, Any], types: Mapping[str, type]) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name, value in entry.items():
        if types[name] is str and value is not None and not isinstance(value, str):
            value = _json_text(value)
        row[name] = value
    return row


def _check_catalog(entries: Sequence[Mapping[str, Any]]) -> None:
    for number, entry in enumerate(entries, 1):
        if entry.get("id") in (None, ""):
            raise DatasetError(f"catalog.json: entry {number} has no id")


def _fill(
    db: sqlite_utils.Database,
    records: Sequence[Record],
    sources: Sequence[SourceRow],
    catalog: Sequence[Mapping[str, Any]],
) -> None:
    """Create and fill the tables, indexes and full-text index in an empty database."""
    source_table = db.table("sources").create(_SOURCE_TYPES, pk="id")
    source_table.insert_all(_source_row(source) for source in sources)
    error_types = {spec.name: _KIND_TYPES[spec.kind] for spec in RECORD_SPECS}
    errors = db.table("errors").create(
        error_types, pk="key", foreign_keys=[("source", "sources", "id")]
    )
    errors.insert_all(_record_row(record) for record in records)
    for column in INDEXED_COLUMNS:
        errors.create_index([column])
    errors.enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=fts_tokenizer())
    if catalog:
        types = _catalog_types(catalog)
        catalog_table = db.table("catalog").create(types, pk="id")
        catalog_table.insert_all(_catalog_row(entry, types) for entry in catalog)


def _build(
    target: Path,
    records: Sequence[Record],
    sources: Sequence[SourceRow],
    catalog: Sequence[Mapping[str, Any]],
) -> None:
    conn = sqlite3.connect(target)
    try:
        # A failed build is thrown away whole, so no journal is needed; fsync comes at the end.
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        with conn:
            _fill(db, records, sources, catalog)
    finally:
        conn.close()
    with target.open("rb") as handle:
        os.fsync(handle.fileno())


def _check_target(path: Path) -> None:
    if path.is_dir():
        raise DatasetError(f"{path}: is a folder, not a file to write")
    if path.exists() and not path.is_file():
        # A device or a FIFO would be replaced by the new file, not written into.
        raise DatasetError(f"{path}: not a regular file")
    if not path.parent.is_dir():
        raise DatasetError(f"{path}: folder {path.parent} does not exist")


def export_sqlite(
    path: str | Path,
    records: Sequence[Record],
    sources: Sequence[SourceRow] = (),
    catalog: Sequence[Mapping[str, Any]] = (),
) -> SqliteExport:
    """Write the dataset to one SQLite file at `path`, replacing any file there.

    The file is built beside `path` under a temporary name and renamed into place, so a crash
    leaves the previous file. Raises DatasetError (one line naming the path) when the folder
    does not exist, `path` is a folder, the file cannot be written, or two rows share a key.
    """
    path = Path(path)
    _check_target(path)
    _check_catalog(catalog)
    with signals_deferred():
        try:
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        except OSError as exc:
            raise DatasetError(f"{path}: cannot write ({describe(exc)})") from None
        temporary = Path(name)
        try:
            try:
                os.fchmod(fd, FILE_MODE)
            finally:
                os.close(fd)
            _build(temporary, records, sources, catalog)
            os.replace(temporary, path)
        except sqlite3.IntegrityError as exc:
            raise DatasetError(f"{path}: {exc} (a key given twice)") from None
        except (OSError, sqlite3.Error) as exc:
            cause = describe(exc) if isinstance(exc, OSError) else str(exc)
            raise DatasetError(f"{path}: cannot write ({cause})") from None
        finally:
            temporary.unlink(missing_ok=True)
    return SqliteExport(path, errors=len(records), sources=len(sources), catalog=len(catalog))
