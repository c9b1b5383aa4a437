"""The dataset in normalized/: written deterministically and atomically, read back as records."""

from __future__ import annotations

import csv
import ctypes
import io
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from scraper.errors import DatasetError
from scraper.types import RECORD_FIELDS, Record

SOURCE_FIELDS: tuple[str, ...] = (
    "id",
    "vendor",
    "product",
    "lang",
    "url",
    "raw_file",
    "sha256",
    "retrieved",
    "format",
    "tables",
    "rows",
    "status",
    "error",
)

DATASET_FILES = ("errors.csv", "errors.json", "sources.csv", "datapackage.json")

# Dataset cells can be longer than the csv module's default 128 KiB field limit.
csv.field_size_limit(sys.maxsize)


@dataclass(slots=True)
class SourceRow:
    """One line of sources.csv: a source and how its last refresh went."""

    id: str
    vendor: str = ""
    product: str = ""
    lang: str = ""
    url: str = ""
    raw_file: str = ""
    sha256: str = ""
    retrieved: str = ""
    format: str = ""
    tables: int = 0
    rows: int = 0
    status: str = "ok"
    """ok, stale (previous rows kept after a failure) or failed (no rows to keep)."""
    error: str = ""


def record_to_flat(record: Record) -> dict[str, str]:
    """A record as CSV cells: http_status as digits or empty, extra and repairs as JSON text."""
    return dict(zip(RECORD_FIELDS, _record_cells(record), strict=True))


def record_to_json(record: Record) -> dict[str, Any]:
    return record.as_dict()


def record_from_json(data: dict[str, Any]) -> Record:
    known = {f.name for f in fields(Record)}
    values = {k: v for k, v in data.items() if k in known}
    return Record(**values)


def record_from_flat(row: dict[str, str]) -> Record:
    data: dict[str, Any] = dict(row)
    status = row.get("http_status", "")
    data["http_status"] = int(status) if status else None
    data["extra"] = json.loads(row["extra"]) if row.get("extra") else {}
    data["repairs"] = json.loads(row["repairs"]) if row.get("repairs") else []
    return record_from_json(data)


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_ENCODE_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# What that encoder writes for a string (C-accelerated where available).
_json_string = json.encoder.encode_basestring


def _record_cells(record: Record) -> tuple[str, ...]:
    """The record's CSV cells in RECORD_FIELDS order; extra's keys sorted for a stable text."""
    status, repairs, extra = record.http_status, record.repairs, record.extra
    return (
        record.key,
        record.source,
        record.vendor,
        record.product,
        record.lang,
        record.section,
        "" if status is None else str(status),
        record.code,
        record.title,
        record.message,
        record.description,
        record.suggestion,
        record.url,
        record.sha256,
        record.locator,
        _ENCODE(repairs) if repairs else "",
        _ENCODE_SORTED(extra) if extra else "",
    )


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    return _csv_table(columns, [[row.get(name, "") for name in columns] for row in rows])


def _csv_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A header and rows as CSV text: "\n" line ends, minimal quoting."""
    text = _csv_written(columns, rows, csv.QUOTE_MINIMAL)
    if "\r" in text:
        # With "\n" line ends the csv module leaves a lone "\r" unquoted, which a reader would
        # split on: a file holding one is written with every cell quoted.
        text = _csv_written(columns, rows, csv.QUOTE_ALL)
    return text


def _csv_written(columns: Sequence[str], rows: Iterable[Sequence[str]], quoting: int) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n", quoting=quoting)  # type: ignore[arg-type]
    writer.writerow(columns)
    writer.writerows(rows)
    return buffer.getvalue()


def records_csv(records: list[Record]) -> str:
    return _csv_table(RECORD_FIELDS, list(map(_record_cells, records)))


# The JSON members that records of one table share, by the values they are written from.
_TableMembers = dict[tuple[str, ...], tuple[str, str]]


def _table_members(values: tuple[str, ...]) -> tuple[str, str]:
    """Source to section, the members before http_status; then url and sha256."""
    source, vendor, product, lang, section, url, sha256 = map(_json_string, values)
    return (
        f'"source": {source}, "vendor": {vendor}, "product": {product}, "lang": {lang}, '
        f'"section": {section}',
        f'"url": {url}, "sha256": {sha256}',
    )


def _record_json(record: Record, tables: _TableMembers) -> str:
    """The record as _ENCODE(record.as_dict()) writes it, for fields of the declared types.

    A value of another type (a string field holding None, say) raises TypeError.
    """
    # Records of one table share these fields: their JSON is written once per table.
    shared = (
        record.source,
        record.vendor,
        record.product,
        record.lang,
        record.section,
        record.url,
        record.sha256,
    )
    members = tables.get(shared)
    if members is None:
        members = tables[shared] = _table_members(shared)
    before_status, url_and_digest = members
    status, repairs, extra = record.http_status, record.repairs, record.extra
    if status is None:
        status_json = "null"
    elif type(status) is int:  # bool and enums are written as the encoder sees them
        status_json = str(status)
    else:
        status_json = _ENCODE(status)
    repairs_json = "[]" if repairs == [] else _ENCODE(repairs)
    extra_json = "{}" if extra == {} else _ENCODE(extra)
    return (
        f'{{"key": {_json_string(record.key)}, {before_status}, "http_status": {status_json}, '
        f'"code": {_json_string(record.code)}, "title": {_json_string(record.title)}, '
        f'"message": {_json_string(record.message)}, '
        f'"description": {_json_string(record.description)}, '
        f'"suggestion": {_json_string(record.suggestion)}, {url_and_digest}, '
        f'"locator": {_json_string(record.locator)}, '
        f'"repairs": {repairs_json}, "extra": {extra_json}}}'
    )


def _json_lines(records: list[Record]) -> list[str]:
    """Each record's JSON text, in order."""
    tables: _TableMembers = {}
    try:
        return [_record_json(record, tables) for record in records]
    except TypeError:
        # A field of an undeclared type: the general encoder writes it, or says why it can't.
        return [_ENCODE(record_to_json(record)) for record in records]


def records_json(records: list[Record]) -> str:
    """A JSON array with one record per line, so that a diff shows whole records."""
    if not records:
        return "[]\n"
    lines = _json_lines(records)
    # The brackets join the first and last lines, so the long text is put together once.
    lines[0] = "[\n" + lines[0]
    lines[-1] += "\n]\n"
    return ",\n".join(lines)


def records_jsonl(records: list[Record]) -> str:
    return "\n".join([*_json_lines(records), ""])


def sources_csv(rows: list[SourceRow]) -> str:
    flat = [{name: str(getattr(row, name)) for name in SOURCE_FIELDS} for row in rows]
    return csv_text(flat, SOURCE_FIELDS)


def _field(name: str, type_: str, description: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": type_, "description": description}
    spec.update(extra)
    return spec


_RECORD_DESCRIPTIONS = {
    "key": "Stable unique id: source/section/code (or status), #N for repeats",
    "source": "Manifest id of the source the row came from",
    "vendor": "Vendor that publishes the page",
    "product": "Product the codes belong to",
    "lang": "BCP 47 language tag of the page",
    "section": "Nearest heading above the table",
    "http_status": "HTTP status, 100-599",
    "code": "The vendor's error code as published",
    "title": "Short name or reason phrase",
    "message": "Message text the API returns",
    "description": "Explanation",
    "suggestion": "Remedy",
    "url": "Where the page came from",
    "sha256": "Digest of the raw snapshot the row came from",
    "locator": "Where in the raw document the row is",
    "repairs": "JSON list of repairs applied to the row's text",
    "extra": "JSON object of unmapped columns, header -> text",
}


def datapackage() -> dict[str, Any]:
    error_fields = []
    for name in RECORD_FIELDS:
        if name == "http_status":
            error_fields.append(
                _field(
                    name,
                    "integer",
                    _RECORD_DESCRIPTIONS[name],
                    constraints={"minimum": 100, "maximum": 599},
                )
            )
        elif name == "key":
            error_fields.append(
                _field(
                    name,
                    "string",
                    _RECORD_DESCRIPTIONS[name],
                    constraints={"required": True, "unique": True},
                )
            )
        else:
            error_fields.append(_field(name, "string", _RECORD_DESCRIPTIONS[name]))
    source_fields = [
        _field(name, "integer" if name in ("tables", "rows") else "string", name.replace("_", " "))
        for name in SOURCE_FIELDS
    ]
    source_fields[SOURCE_FIELDS.index("status")]["constraints"] = {
        "enum": ["ok", "stale", "failed"]
    }
    return {
        "name": "api-error-codes",
        "title": "API error codes scraped from vendor documentation",
        "resources": [
            {
                "name": "errors",
                "path": "errors.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {
                    "fields": error_fields,
                    "primaryKey": ["key"],
                    "foreignKeys": [
                        {
                            "fields": ["source"],
                            "reference": {"resource": "sources", "fields": ["id"]},
                        }
                    ],
                    "missingValues": [""],
                },
            },
            {
                "name": "sources",
                "path": "sources.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "schema": {"fields": source_fields, "primaryKey": ["id"], "missingValues": [""]},
            },
        ],
    }


def datapackage_json() -> str:
    return json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"


def write_atomic(path: Path, text: str) -> bool:
    """Write text to path through a temporary file and a rename. False when already equal."""
    data = text.encode("utf-8")
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    write_bytes_atomic(path, data)
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Temporary files are private (0600, 0700); what they become is made as any new file would be.
_FILE_MODE = 0o666 & ~_umask()
_DIR_MODE = 0o777 & ~_umask()


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dataset_texts(records: list[Record], sources: list[SourceRow]) -> dict[str, str]:
    return {
        "errors.csv": records_csv(records),
        "errors.json": records_json(records),
        "sources.csv": sources_csv(sources),
        "datapackage.json": datapackage_json(),
    }


def _exchange(a: Path, b: Path) -> bool:
    """Swap two directories in one atomic step (Linux renameat2); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover_dataset(folder: Path) -> None:
    """Finish or undo a swap that a crash interrupted, and drop leftover staging folders.

    The folder is only ever replaced whole: if it is missing while a previous copy is kept
    beside it, the previous copy comes back.
    """
    parent = folder.parent
    if not parent.exists():
        return
    olds = sorted(parent.glob(f".{folder.name}.old-*"))
    if not folder.exists() and olds:
        os.replace(olds[-1], folder)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{folder.name}.new-*")]:
        shutil.rmtree(leftover, ignore_errors=True)


def write_dataset(folder: Path, records: list[Record], sources: list[SourceRow]) -> list[str]:
    """Replace the dataset as one set; returns the names of the files that changed.

    The files are written to a staging folder beside `folder`, which then takes its place in
    one atomic exchange, so readers see the previous set or the new one, never a mix. Nothing
    is written when no file would change.
    """
    recover_dataset(folder)
    texts = dataset_texts(records, sources)
    changed = []
    for name, text in texts.items():
        try:
            same = (folder / name).read_bytes() == text.encode("utf-8")
        except OSError:
            same = False
        if not same:
            changed.append(name)
    if not changed:
        return []
    parent = folder.parent
    parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    try:
        staging.chmod(_DIR_MODE)
        if folder.is_dir():
            for other in folder.iterdir():
                if other.name not in texts and other.is_file():
                    shutil.copy2(other, staging / other.name)
        for name, text in texts.items():
            write_bytes_atomic(staging / name, text.encode("utf-8"))
        _fsync_dir(staging)
        if not folder.exists():
            os.replace(staging, folder)
        elif _exchange(staging, folder):
            shutil.rmtree(staging, ignore_errors=True)
        else:
            old = parent / f".{folder.name}.old-{os.getpid()}"
            os.replace(folder, old)
            os.replace(staging, folder)
            shutil.rmtree(old, ignore_errors=True)
        _fsync_dir(parent)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return changed


def read_records(folder: Path) -> list[Record]:
    path = folder / "errors.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            if tuple(reader.fieldnames or ()) != RECORD_FIELDS:
                raise DatasetError(f"{path}: columns are not the record's fields in order")
            return [record_from_flat(row) for row in reader]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, csv.Error) as exc:
        raise DatasetError(f"{path}: {exc}") from None


def read_sources(folder: Path) -> list[SourceRow]:
    path = folder / "sources.csv"
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = []
            for row in reader:
                data: dict[str, Any] = {k: row.get(k, "") for k in SOURCE_FIELDS}
                data["tables"] = int(data["tables"] or 0)
                data["rows"] = int(data["rows"] or 0)
                rows.append(SourceRow(**data))
            return rows
    except FileNotFoundError:
        return []
    except (OSError, ValueError, csv.Error) as exc:
        raise DatasetError(f"{path}: {exc}") from None
