"""The dataset in normalized/: written deterministically and atomically, read back as records."""

from __future__ import annotations

import csv
import ctypes
import io
import json
import os
import shutil
import stat
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scraper.atomic import (
    DIR_MODE,
    describe,
    holds,
    signals_deferred,
    temporary_files,
    write_bytes_atomic,
)
from scraper.catalog import Catalog, build_catalog, catalog_json, catalog_resource
from scraper.errors import DatasetError
from scraper.fields import RECORD_SPECS, FieldSpec
from scraper.reader import MAX_DATASET_FILE_BYTES as MAX_DATASET_FILE_BYTES
from scraper.reader import load_records
from scraper.reader import read_dataset_file as read_dataset_file
from scraper.schema import record_schema_json
from scraper.serialize import csv_text, records_csv, records_json
from scraper.types import Record

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

DATASET_FILES = (
    "errors.csv",
    "errors.json",
    "sources.csv",
    "datapackage.json",
    "errors.schema.json",
    "catalog.json",
)
"""The files a refresh writes in normalized/, each replaced together with the others."""

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
    """ok, stale (previous rows kept after a failure), failed (no rows to keep) or empty (the
    page gave no row)."""
    error: str = ""


def sources_csv(rows: list[SourceRow]) -> str:
    flat = [{name: str(getattr(row, name)) for name in SOURCE_FIELDS} for row in rows]
    return csv_text(flat, SOURCE_FIELDS)


def _field(name: str, type_: str, description: str, **extra: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {"name": name, "type": type_, "description": description}
    spec.update(extra)
    return spec


# Frictionless field types by kind: list and object cells are JSON text, which these types read.
_FRICTIONLESS_TYPES = {"text": "string", "status": "integer", "list": "array", "object": "object"}


def _record_field(spec: FieldSpec) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if spec.kind == "status":
        constraints = {"minimum": 100, "maximum": 599}
    elif spec.name == "key":
        constraints = {"required": True, "unique": True}
    elif spec.values:
        constraints = {"enum": list(spec.values)}
    extra = {"constraints": constraints} if constraints else {}
    return _field(spec.name, _FRICTIONLESS_TYPES[spec.kind], spec.meaning, **extra)


def datapackage() -> dict[str, Any]:
    error_fields = [_record_field(spec) for spec in RECORD_SPECS]
    source_fields = [
        _field(name, "integer" if name in ("tables", "rows") else "string", name.replace("_", " "))
        for name in SOURCE_FIELDS
    ]
    source_fields[SOURCE_FIELDS.index("status")]["constraints"] = {
        "enum": ["ok", "stale", "failed", "empty"]
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
            catalog_resource(),
        ],
    }


def datapackage_json() -> str:
    return json.dumps(datapackage(), ensure_ascii=False, indent=2) + "\n"


def dataset_texts(
    records: list[Record], sources: list[SourceRow], catalog: Catalog | None = None
) -> dict[str, str]:
    """Every file of the dataset as text. The catalog is built from the records alone when
    none is given (then no source is taken for another's translation)."""
    if catalog is None:
        catalog = build_catalog(records, ())
    return {
        "errors.csv": records_csv(records),
        "errors.json": records_json(records),
        "sources.csv": sources_csv(sources),
        "datapackage.json": datapackage_json(),
        "errors.schema.json": record_schema_json(),
        "catalog.json": catalog_json(catalog),
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


def dataset_leftovers(folder: Path) -> list[Path]:
    """Staging and set-aside copies of `folder` beside it, as interrupted writes leave them.

    Reads only. While a writer holds the project's lock, a staging folder may be its own.
    """
    parent = folder.parent
    try:
        names = sorted(os.listdir(parent))
    except OSError:
        return []
    prefixes = (f".{folder.name}.new-", f".{folder.name}.old-")
    return [parent / name for name in names if name.startswith(prefixes)]


def _remove_tree(path: Path) -> None:
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


def recover_dataset(folder: Path) -> None:
    """Finish or undo a swap that a crash interrupted, and drop leftover staging folders.

    For the one writer only, while it holds the project's lock (scraper.atomic.ProjectLock):
    then no other process is writing, so every staging folder beside `folder` is abandoned.
    Readers never call this. The folder is only ever replaced whole: if it is missing while a
    previous copy is kept beside it, the previous copy comes back.
    """
    parent = folder.parent
    if not parent.exists():
        return
    olds = sorted(parent.glob(f".{folder.name}.old-*"))
    if not folder.exists() and not folder.is_symlink() and olds:
        os.replace(olds[-1], folder)
        olds = olds[:-1]
    for leftover in [*olds, *parent.glob(f".{folder.name}.new-*")]:
        _remove_tree(leftover)
    for temporary in temporary_files(folder) if folder.is_dir() else []:
        temporary.unlink(missing_ok=True)


def check_replaceable(folder: Path) -> None:
    """Refuse a dataset folder that replacing it whole would betray: a symbolic link (the
    link would be replaced by a folder, its target left behind) or a read-only folder."""
    if folder.is_symlink():
        raise DatasetError(
            f"{folder}: is a symbolic link; the dataset folder is replaced as a whole, so it "
            "must be a real folder (move the target here, or run refresh where it lives)"
        )
    if folder.exists() and not folder.is_dir():
        raise DatasetError(f"{folder}: is not a folder")
    if folder.is_dir():
        mode = folder.stat().st_mode
        if not mode & stat.S_IWUSR or not os.access(folder, os.W_OK):
            raise DatasetError(
                f"{folder}: is read-only; make it writable (chmod u+w) to let refresh replace it"
            )


def _replace(folder: Path, texts: dict[str, str]) -> None:
    parent = folder.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{folder.name}.new-", dir=parent))
    except OSError as exc:
        raise DatasetError(f"{parent}: cannot write the dataset ({describe(exc)})") from None
    try:
        staging.chmod(DIR_MODE)
        if folder.is_dir():
            temporary = set(temporary_files(folder))
            for other in folder.iterdir():
                if other.name in texts or other in temporary or other.is_symlink():
                    continue
                if other.is_file():
                    shutil.copy2(other, staging / other.name)
        for name, text in texts.items():
            write_bytes_atomic(staging / name, text.encode("utf-8"))
        _fsync_dir(staging)
        if not folder.exists():
            os.replace(staging, folder)
        elif _exchange(staging, folder):
            pass  # staging now holds the previous set, removed below
        else:
            old = parent / f".{folder.name}.old-{os.getpid()}"
            os.replace(folder, old)
            os.replace(staging, folder)
            _remove_tree(old)
        _fsync_dir(parent)
    except OSError as exc:
        raise DatasetError(f"{folder}: cannot write the dataset ({describe(exc)})") from None
    finally:
        if staging.exists() or staging.is_symlink():
            _remove_tree(staging)


def write_dataset(
    folder: Path,
    records: list[Record],
    sources: list[SourceRow],
    on_replaced: Callable[[], None] | None = None,
    catalog: Catalog | None = None,
) -> list[str]:
    """Replace the dataset as one set; returns the names of the files that changed.

    The files are written to a staging folder beside `folder`, which then takes its place in
    one atomic exchange, so readers see the previous set or the new one, never a mix. Nothing
    is written when no file would change. A staging folder this call made is removed however
    it ends; those of earlier, killed writers are left to recover_dataset.

    `on_replaced` is called as soon as the new set is in place, before an interrupt that
    arrived during the exchange acts: a caller learns which set an interrupt leaves.
    """
    texts = dataset_texts(records, sources, catalog)
    changed = [name for name, text in texts.items() if not holds(folder / name, text.encode())]
    if not changed:
        return []
    check_replaceable(folder)
    with signals_deferred():  # the staging folder is removed before an interrupt acts
        _replace(folder, texts)
        if on_replaced is not None:
            on_replaced()
    return changed


def read_records(folder: Path) -> list[Record]:
    """The records of the dataset in `folder` (its errors.csv); none when it has none yet."""
    path = folder / "errors.csv"
    if not path.exists() and not path.is_symlink():
        return []
    try:
        return load_records(path)
    except DatasetError:
        if not path.exists():  # removed since, or a dangling link: no file, as before
            return []
        raise


def read_sources(folder: Path) -> list[SourceRow]:
    """The rows of the dataset's sources.csv; none when it has none yet."""
    path = folder / "sources.csv"
    if not path.exists() and not path.is_symlink():
        return []
    try:
        reader = csv.DictReader(io.StringIO(read_dataset_file(path), newline=""))
    except DatasetError:
        if not path.exists():
            return []
        raise
    try:
        if tuple(reader.fieldnames or ()) != SOURCE_FIELDS:
            raise DatasetError(f"{path}: columns are not {', '.join(SOURCE_FIELDS)}")
        rows = []
        for row in reader:
            data: dict[str, Any] = {k: row.get(k, "") for k in SOURCE_FIELDS}
            data["tables"] = int(data["tables"] or 0)
            data["rows"] = int(data["rows"] or 0)
            rows.append(SourceRow(**data))
        return rows
    except (ValueError, csv.Error) as exc:
        raise DatasetError(f"{path}: {exc}") from None
