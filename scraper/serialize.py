"""Records as text and back: CSV cells, JSON objects, JSON lines; deterministic."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from scraper.types import RECORD_FIELDS, Record


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
    """A record from its CSV cells; a blank JSON cell (as older files have) is its empty value."""
    data: dict[str, Any] = dict(row)
    for name in ("http_status", "inferred_http_status"):
        status = row.get(name, "")
        data[name] = int(status) if status else None
    for name in ("extra", "repairs", "evidence"):
        text = row.get(name, "")
        data[name] = json.loads(text) if text else ({} if name == "extra" else [])
    return record_from_json(data)


# One encoder for every record: json.dumps with options builds a new one per call.
_ENCODE = json.JSONEncoder(ensure_ascii=False).encode
_ENCODE_SORTED = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
# What that encoder writes for a string (C-accelerated where available).
_json_string = json.encoder.encode_basestring


def _record_cells(record: Record) -> tuple[str, ...]:
    """The record's CSV cells in RECORD_FIELDS order; extra's keys sorted for a stable text."""
    status, repairs, extra = record.http_status, record.repairs, record.extra
    inferred, evidence = record.inferred_http_status, record.evidence
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
        _ENCODE(repairs) if repairs else "[]",
        _ENCODE_SORTED(extra) if extra else "{}",
        record.category,
        record.retryable,
        record.code_pattern,
        "" if inferred is None else str(inferred),
        _ENCODE(evidence) if evidence else "[]",
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
    inferred, evidence = record.inferred_http_status, record.evidence
    if inferred is None:
        inferred_json = "null"
    elif type(inferred) is int:
        inferred_json = str(inferred)
    else:
        inferred_json = _ENCODE(inferred)
    evidence_json = "[]" if evidence == [] else _ENCODE(evidence)
    return (
        f'{{"key": {_json_string(record.key)}, {before_status}, "http_status": {status_json}, '
        f'"code": {_json_string(record.code)}, "title": {_json_string(record.title)}, '
        f'"message": {_json_string(record.message)}, '
        f'"description": {_json_string(record.description)}, '
        f'"suggestion": {_json_string(record.suggestion)}, {url_and_digest}, '
        f'"locator": {_json_string(record.locator)}, '
        f'"repairs": {repairs_json}, "extra": {extra_json}, '
        f'"category": {_json_string(record.category)}, '
        f'"retryable": {_json_string(record.retryable)}, '
        f'"code_pattern": {_json_string(record.code_pattern)}, '
        f'"inferred_http_status": {inferred_json}, "evidence": {evidence_json}}}'
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


def json_array_part(records: list[Record], first: bool) -> str:
    """Records as part of the array records_json writes: its opening when `first`, else the
    separator after the records before. json_array_end() closes it."""
    return ("[\n" if first else ",\n") + ",\n".join(_json_lines(records))


def json_array_end(empty: bool) -> str:
    return "[]\n" if empty else "\n]\n"
