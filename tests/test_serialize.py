"""Records as JSON and CSV text: the same bytes the json and csv modules write, only faster.

Each property compares the dataset's writers with a plain use of the standard library, the
way records were written before: `json.JSONEncoder(ensure_ascii=False).encode(as_dict())` per
record, and `csv.DictWriter` with every cell quoted when any cell holds a "\\r".
"""

from __future__ import annotations

import csv
import io
import json
from enum import IntEnum
from typing import Any, Literal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.serialize import (
    csv_text,
    json_array_end,
    json_array_part,
    record_from_flat,
    record_to_flat,
    records_csv,
    records_json,
    records_jsonl,
)
from scraper.types import RECORD_FIELDS, Record

ENCODE = json.JSONEncoder(ensure_ascii=False).encode

# Characters that JSON escapes or CSV quotes, lone surrogates, and a few beyond ASCII and BMP.
SPECIAL = '"\\,\r\n\t\x00\x08\x0c\x1f\x7f\x85\u2028\ud800\udfff\U0001f600é'
TEXT = st.text(st.characters() | st.sampled_from(SPECIAL), max_size=12)
# Fields a table's records share, drawn from a few values so that records share some of them.
SHARED = st.sampled_from(["", "a", 'q"\\', "é\r"]) | TEXT

RECORD = st.builds(
    Record,
    key=TEXT,
    source=SHARED,
    vendor=SHARED,
    product=SHARED,
    lang=SHARED,
    section=SHARED,
    http_status=st.none() | st.integers(),
    code=TEXT,
    title=TEXT,
    message=TEXT,
    description=TEXT,
    suggestion=TEXT,
    url=SHARED,
    sha256=SHARED,
    locator=TEXT,
    repairs=st.lists(TEXT, max_size=3),
    extra=st.dictionaries(TEXT, TEXT, max_size=3),
    category=SHARED,
    retryable=SHARED,
    code_pattern=TEXT,
    inferred_http_status=st.none() | st.integers(),
    evidence=st.lists(TEXT, max_size=3),
)
RECORDS = st.lists(RECORD, max_size=8)


def expected_jsonl(records: list[Record]) -> str:
    return "".join(ENCODE(r.as_dict()) + "\n" for r in records)


def expected_json(records: list[Record]) -> str:
    if not records:
        return "[]\n"
    return "[\n" + ",\n".join(ENCODE(r.as_dict()) for r in records) + "\n]\n"


def expected_flat(record: Record) -> dict[str, Any]:
    row = record.as_dict()
    row["http_status"] = "" if record.http_status is None else str(record.http_status)
    row["inferred_http_status"] = (
        "" if record.inferred_http_status is None else str(record.inferred_http_status)
    )
    # The JSON cells hold their empty value too, so every cell reads with json.loads.
    row["extra"] = json.dumps(record.extra, ensure_ascii=False, sort_keys=True)
    row["repairs"] = json.dumps(record.repairs, ensure_ascii=False)
    row["evidence"] = json.dumps(record.evidence, ensure_ascii=False)
    return row


def expected_csv(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    has_cr = any("\r" in v for row in rows for v in row.values())
    quoting: Literal[0, 1] = csv.QUOTE_ALL if has_cr else csv.QUOTE_MINIMAL
    writer = csv.DictWriter(
        buffer, fieldnames=columns, lineterminator="\n", extrasaction="ignore", quoting=quoting
    )
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_json_lines_are_what_the_json_encoder_writes(records: list[Record]) -> None:
    assert records_jsonl(records) == expected_jsonl(records)


@settings(max_examples=150, deadline=None)
@given(RECORDS)
def test_the_json_array_is_what_the_json_encoder_writes(records: list[Record]) -> None:
    assert records_json(records) == expected_json(records)


@settings(max_examples=100, deadline=None)
@given(RECORDS, st.integers(min_value=1, max_value=4))
def test_records_written_in_batches_are_the_whole_text(records: list[Record], size: int) -> None:
    chunks = [records[start : start + size] for start in range(0, len(records), size)]
    assert "".join(records_jsonl(chunk) for chunk in chunks) == records_jsonl(records)
    parts = [json_array_part(chunk, first=index == 0) for index, chunk in enumerate(chunks)]
    assert "".join(parts) + json_array_end(empty=not chunks) == records_json(records)


class Status(IntEnum):
    NOT_FOUND = 404


# Values of other types than the declared ones are written as the encoder writes them.
ODD_RECORDS = [
    Record(code=None),  # type: ignore[arg-type]
    Record(source=None, sha256=1),  # type: ignore[arg-type]
    Record(http_status=True),
    Record(http_status=Status.NOT_FOUND),
    Record(http_status=404.0),  # type: ignore[arg-type]
    Record(http_status="404"),  # type: ignore[arg-type]
    Record(repairs=None),  # type: ignore[arg-type]
    Record(repairs=()),  # type: ignore[arg-type]
    Record(repairs=""),  # type: ignore[arg-type]
    Record(extra=None),  # type: ignore[arg-type]
    Record(extra={1: 2, None: [True]}),  # type: ignore[dict-item]
]


@pytest.mark.parametrize("odd", ODD_RECORDS, ids=repr)
def test_values_of_other_types_are_written_as_the_encoder_writes_them(odd: Record) -> None:
    records = [Record(key="a", source="s"), odd, Record(key="b", source="s")]
    assert records_jsonl(records) == expected_jsonl(records)
    assert records_json(records) == expected_json(records)


def test_a_value_the_encoder_cannot_write_is_refused_as_before() -> None:
    records = [Record(key="a"), Record(extra={"x": object()})]  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="not JSON serializable"):
        records_jsonl(records)


@settings(max_examples=300, deadline=None)
@given(RECORDS)
def test_csv_is_what_the_csv_module_writes(records: list[Record]) -> None:
    flat = [expected_flat(r) for r in records]
    assert [record_to_flat(r) for r in records] == flat
    assert records_csv(records) == expected_csv(flat, RECORD_FIELDS)


@settings(max_examples=200, deadline=None)
@given(RECORDS)
def test_csv_reads_back_as_the_same_records(records: list[Record]) -> None:
    reader = csv.DictReader(io.StringIO(records_csv(records), newline=""))
    assert tuple(reader.fieldnames or ()) == RECORD_FIELDS
    assert [record_from_flat(row) for row in reader] == records


# Header names are the program's own; they hold no "\r".
COLUMN = st.text(st.characters(blacklist_characters="\r") | st.sampled_from('",\n'), max_size=6)


@st.composite
def tables(draw: st.DrawFn) -> tuple[tuple[str, ...], list[dict[str, str]]]:
    columns = tuple(draw(st.lists(COLUMN, min_size=1, max_size=4, unique=True)))
    cells = st.lists(TEXT | st.just(""), min_size=len(columns), max_size=len(columns))
    rows = draw(st.lists(cells, max_size=5))
    return columns, [dict(zip(columns, row, strict=True)) for row in rows]


@settings(max_examples=300, deadline=None)
@given(tables())
def test_any_table_is_written_as_the_csv_module_writes_it(
    table: tuple[tuple[str, ...], list[dict[str, str]]],
) -> None:
    columns, rows = table
    assert csv_text(rows, columns) == expected_csv(rows, columns)


@pytest.mark.parametrize(
    ("cells", "line"),
    [
        (["a", "b"], "a,b"),
        (["a,b", "c"], '"a,b",c'),
        (['say "hi"', ""], '"say ""hi""",'),
        (["two\nlines", "x"], '"two\nlines",x'),
        ([""], '""'),
        (["", ""], ","),
    ],
)
def test_cells_are_quoted_only_when_they_must_be(cells: list[str], line: str) -> None:
    columns = ("h1", "h2")[: len(cells)]
    row = dict(zip(columns, cells, strict=True))
    assert csv_text([row], columns) == ",".join(columns) + "\n" + line + "\n"


def test_a_lone_carriage_return_quotes_every_cell() -> None:
    header, first, second, end = records_csv(
        [Record(key="a", message="one\rtwo"), Record(key="b")]
    ).split("\n")
    assert header == ",".join(f'"{name}"' for name in RECORD_FIELDS)
    assert '"one\rtwo"' in first
    empty = {"repairs": "[]", "extra": "{}", "evidence": "[]"}
    assert second == ",".join(['"b"'] + [f'"{empty.get(n, "")}"' for n in RECORD_FIELDS[1:]])
    assert end == ""
