"""The one reader of datasets: a folder, errors.csv, errors.json or errors.jsonl as records.

Every file is read with its size bounded before it is read, decoded as UTF-8, and checked as
it is turned into records: a problem is a DatasetError of one line naming the file and the
record. Columns a dataset lacks (one written before a field existed) take the field's empty
value; columns the record does not know are ignored.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from scraper.bounded import read_file
from scraper.errors import DatasetError
from scraper.fields import SPECS_BY_NAME
from scraper.types import Record

MAX_DATASET_FILE_BYTES = 1 << 30
"""A dataset file larger than this (1 GiB) is refused before it is read: a dataset is read
whole into memory, and one of that size is no longer a documentation scrape."""

RECORD_FILES = ("errors.csv", "errors.json", "errors.jsonl")
"""The files a dataset folder holds its records in, in the order a reader looks for them."""

# Dataset cells can be longer than the csv module's default 128 KiB field limit.
csv.field_size_limit(sys.maxsize)


def read_dataset_file(path: Path, limit: int = MAX_DATASET_FILE_BYTES) -> str:
    """The text of a dataset file, read with its size bounded before it is read: a FIFO, a
    device, a folder or a file over `limit` is a DatasetError naming the path, as is a file
    that is not UTF-8."""
    return _text(read_file(path, limit, error=DatasetError), str(path))


def dataset_file(path: Path) -> Path:
    """The records file a path names: the path itself, or the first of RECORD_FILES in it."""
    if path.is_dir():
        for name in RECORD_FILES:
            if (path / name).is_file():
                return path / name
        raise DatasetError(f"{path}: no errors.csv or errors.json in this folder")
    if not path.exists():
        raise DatasetError(f"{path}: no such file or folder")
    return path


def load_records(path: str | Path) -> list[Record]:
    """The records of a dataset folder, or of an errors.csv, errors.json or errors.jsonl file."""
    target = dataset_file(Path(path))
    return records_from_text(read_dataset_file(target), target.suffix, str(target))


def records_at_revision(
    repo_dir: str | Path, rev: str, relpath: str = "normalized/errors.csv"
) -> list[Record]:
    """The records of a dataset file as it was at git revision `rev`; relpath is relative to
    repo_dir (a folder means its errors.csv). Its size is checked before it is read."""
    path = PurePosixPath(relpath)
    if path.suffix.lower() not in (".csv", ".json", ".jsonl"):
        path = path / "errors.csv"
    origin = f"{rev}:{path}"
    if rev.startswith("-"):
        raise DatasetError(f"{origin}: not a git revision")  # git would read it as an option
    # "./" makes git resolve the path from repo_dir rather than from the repository's root.
    size = _git(repo_dir, ["cat-file", "-s", f"{rev}:./{path}"], origin)
    if int(size.strip() or b"0") > MAX_DATASET_FILE_BYTES:
        raise DatasetError(f"{origin}: over the {MAX_DATASET_FILE_BYTES}-byte limit")
    data = _git(repo_dir, ["show", f"{rev}:./{path}"], origin)
    return records_from_text(_text(data, origin), path.suffix, origin)


def _git(repo_dir: str | Path, args: list[str], origin: str) -> bytes:
    try:
        result = subprocess.run(
            ["git", "-C", str(repo_dir), *args], capture_output=True, check=False
        )
    except OSError as exc:
        raise DatasetError(f"{origin}: cannot run git: {exc.strerror or exc}") from exc
    if result.returncode != 0:
        lines = result.stderr.decode("utf-8", "replace").splitlines()
        reason = next((line.strip() for line in lines if line.strip()), "")
        raise DatasetError(f"{origin}: {reason or f'git exited with {result.returncode}'}")
    return result.stdout


def _text(data: bytes, origin: str) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DatasetError(f"{origin}: not UTF-8 (byte {exc.start})") from None


def records_from_text(text: str, suffix: str, origin: str) -> list[Record]:
    """Records from the text of a dataset file; `suffix` (.csv, .json, .jsonl) says its form."""
    kind = suffix.lower()
    if kind == ".json":
        objects: Iterable[Mapping[str, Any]] = _objects_from_json(text, origin)
    elif kind == ".jsonl":
        objects = _objects_from_jsonl(text, origin)
    else:
        objects = _objects_from_csv(text, origin)
    return records_from_objects(objects, origin)


def records_from_objects(objects: Iterable[Mapping[str, Any]], origin: str) -> list[Record]:
    """Records from JSON-shaped objects or CSV rows, each checked; keys must be unique."""
    records: list[Record] = []
    seen: set[str] = set()
    for number, obj in enumerate(objects, start=1):
        record = _record(obj, origin, number)
        if not record.key:
            raise DatasetError(f"{origin}: record {number} has no key")
        if record.key in seen:
            raise DatasetError(f"{origin}: key {record.key!r} appears more than once")
        seen.add(record.key)
        records.append(record)
    return records


def _objects_from_csv(text: str, origin: str) -> Iterator[dict[str, str]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise DatasetError(f"{origin}: empty file, expected a header line")
        if "key" not in header:
            raise DatasetError(f"{origin}: the header has no 'key' column")
        for cells in reader:
            if not cells:
                continue
            if len(cells) != len(header):
                raise DatasetError(
                    f"{origin}: line {reader.line_num} has {len(cells)} cells, "
                    f"the header has {len(header)}"
                )
            yield dict(zip(header, cells, strict=True))
    except csv.Error as exc:
        raise DatasetError(f"{origin}: malformed CSV at line {reader.line_num}: {exc}") from None


def _objects_from_json(text: str, origin: str) -> list[dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetError(f"{origin}: not valid JSON: {exc}") from None
    except RecursionError:
        raise DatasetError(f"{origin}: nested too deeply to read") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise DatasetError(f"{origin}: expected a JSON array of record objects")
    return data


def _objects_from_jsonl(text: str, origin: str) -> Iterator[dict[str, Any]]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DatasetError(f"{origin}: line {number}: not valid JSON: {exc}") from None
        except RecursionError:
            raise DatasetError(f"{origin}: line {number}: nested too deeply to read") from None
        if not isinstance(obj, dict):
            raise DatasetError(f"{origin}: line {number}: expected a record object")
        yield obj


def _record(obj: Mapping[str, Any], origin: str, number: int) -> Record:
    values: dict[str, Any] = {}
    for name, value in obj.items():
        spec = SPECS_BY_NAME.get(name)
        if spec is None:
            continue
        try:
            values[name] = _CONVERT[spec.kind](value)
        except ValueError as exc:
            raise DatasetError(f"{origin}: record {number}, {name}: {exc}") from None
    return Record(**values)


def _as_text(value: Any) -> str:
    """Text as text; a number (as a tool may write a numeric code) as its digits."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected text, not {type(value).__name__}")


def _as_status(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not an integer")
    whole = isinstance(value, float) and value.is_integer()
    if whole or (isinstance(value, str) and value.strip().isdigit()):
        value = int(value)
    if not isinstance(value, int):
        raise ValueError("not an integer")
    if not 100 <= value <= 599:
        raise ValueError(f"{value} is not an HTTP status (100-599)")
    return value


def _json_value(value: Any) -> Any:
    """A JSON cell's value: CSV holds it as text, JSON as itself; blank is empty."""
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise ValueError("not valid JSON") from None
        except RecursionError:
            raise ValueError("nested too deeply to read") from None
    return value


def _as_list(value: Any) -> list[str]:
    value = _json_value(value)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError("expected a JSON list")
    return [_as_text(item) for item in value]


def _as_object(value: Any) -> dict[str, str]:
    value = _json_value(value)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValueError("expected a JSON object")
    return {str(k): _as_text(v) for k, v in value.items()}


_CONVERT = {"text": _as_text, "status": _as_status, "list": _as_list, "object": _as_object}


def load(path: str | Path = "normalized") -> list[Record]:
    """The records of a dataset: a folder (its errors.csv, else errors.json or errors.jsonl)
    or one of those files. Raises DatasetError, one line naming the file and the problem."""
    return load_records(path)
