"""The one dataset reader: every form of a dataset reads to the same records."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from scraper.diff import compare, render_json, render_markdown
from scraper.errors import DatasetError
from scraper.reader import load_records, records_from_text
from scraper.serialize import records_csv, records_json, records_jsonl
from scraper.types import Record
from tests.conftest import ROOT

RECORDS = [
    Record(
        key="s/a/0001",
        source="s",
        section="A",
        http_status=400,
        code="0001",
        extra={"Level": "high"},
        repairs=["message: fixed"],
        inferred_http_status=None,
        evidence=["status 400"],
        category="invalid_argument",
        retryable="no",
    ),
    Record(key="s/a/N/A", source="s", section="A", code="N/A", inferred_http_status=429),
]


@pytest.mark.parametrize(
    ("name", "write"),
    [("errors.csv", records_csv), ("errors.json", records_json), ("errors.jsonl", records_jsonl)],
)
def test_each_file_form_reads_back_the_same_records(
    tmp_path: Path, name: str, write: object
) -> None:
    path = tmp_path / name
    path.write_text(write(RECORDS), encoding="utf-8")  # type: ignore[operator]
    assert load_records(path) == RECORDS
    assert load_records(tmp_path) == RECORDS


def test_the_committed_dataset_reads_the_same_from_csv_and_json() -> None:
    folder = ROOT / "normalized"
    assert load_records(folder / "errors.csv") == load_records(folder / "errors.json")


def test_a_dataset_written_before_the_inferred_fields_reads_with_empty_values() -> None:
    text = "key,source,http_status,code,repairs,extra\nk,s,404,E1,,\n"
    (record,) = records_from_text(text, ".csv", "old.csv")
    assert record == Record(key="k", source="s", http_status=404, code="E1")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("key,http_status\nk,4x4\n", "record 1, http_status: not an integer"),
        ("key,evidence\nk,{}\n", "record 1, evidence: expected a JSON list"),
        ("key,extra\nk,[]\n", "record 1, extra: expected a JSON object"),
    ],
)
def test_a_cell_of_the_wrong_kind_is_one_line_naming_record_and_field(
    text: str, problem: str
) -> None:
    with pytest.raises(DatasetError, match=rf"^x\.csv: {problem}$"):
        records_from_text(text, ".csv", "x.csv")


def test_a_jsonl_line_that_is_not_an_object_is_named(tmp_path: Path) -> None:
    path = tmp_path / "errors.jsonl"
    path.write_text('{"key": "a"}\n[1]\n', encoding="utf-8")
    with pytest.raises(DatasetError, match=r"errors\.jsonl: line 2: expected a record object"):
        load_records(path)


def test_compare_takes_records_files_and_folders_alike(tmp_path: Path) -> None:
    (tmp_path / "errors.json").write_text(records_json(RECORDS), encoding="utf-8")
    changed = [RECORDS[0], Record(**{**RECORDS[1].as_dict(), "category": "resource_exhausted"})]
    by_records = compare(RECORDS, changed)
    assert compare(tmp_path, changed) == by_records
    assert compare(str(tmp_path / "errors.json"), changed) == by_records
    assert [c.fields for c in by_records.changed] == [{"category": ("", "resource_exhausted")}]


def test_diff_json_keeps_numbers_as_numbers_and_objects_as_objects() -> None:
    added = Record(key="s/b/E2", source="s", section="B", http_status=503, code="E2")
    old = [RECORDS[0]]
    new = [Record(**{**RECORDS[0].as_dict(), "http_status": 429, "extra": {}}), added]
    data = json.loads(render_json(compare(old, new)))
    (source,) = data["sources"]
    (row,) = source["added"]
    assert row["http_status"] == 503 and row["extra"] == {} and row["evidence"] == []
    (change,) = source["changed"]
    assert change["http_status"] == 429
    assert change["fields"]["http_status"] == [400, 429]
    assert change["fields"]["extra"] == [{"Level": "high"}, {}]


def test_rows_of_one_code_in_two_sections_are_named_with_their_section() -> None:
    one = Record(key="s/a/E", source="s", section="Orders", code="E", message="x")
    two = Record(key="s/b/E", source="s", section="Refunds", code="E", message="y")
    text = render_markdown(compare([], [one, two]))
    assert "- `E` in Orders: x" in text
    assert "- `E` in Refunds: y" in text


def test_a_row_whose_evidence_alone_changed_is_counted_not_listed() -> None:
    reworded = Record(**{**RECORDS[0].as_dict(), "evidence": ["status 400 (reworded)"]})
    diff = compare(RECORDS, [reworded, RECORDS[1]])
    assert diff.count == 0 and diff.provenance_changed == 1
    assert "1 row changed only in sha256/locator/evidence" in render_markdown(diff)


def _dataset_copy(tmp_path: Path) -> Path:
    import shutil

    folder = tmp_path / "normalized"
    shutil.copytree(ROOT / "normalized", folder)
    return folder


@pytest.mark.parametrize(
    ("name", "edit", "problem"),
    [
        ("errors.schema.json", lambda t: t.replace("2020-12", "2019-09"), "not the schema"),
        ("catalog.json", lambda t: t.replace('"keys"', '"kays"'), "entries with an id and keys"),
        ("catalog.json", lambda t: t[:-3], "unreadable"),
        ("errors.csv", lambda t: t.replace(",unavailable,", ",broken,", 1), "category 'broken'"),
    ],
)
def test_validate_checks_the_inferred_fields_schema_and_catalog(
    tmp_path: Path, name: str, edit: object, problem: str
) -> None:
    from scraper.validate import validate_dataset

    folder = _dataset_copy(tmp_path)
    path = folder / name
    path.write_text(edit(path.read_text("utf-8")), encoding="utf-8")  # type: ignore[operator]
    problems = validate_dataset(folder)
    assert any(problem in p for p in problems), problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ('[{"key": "k", "http_status": 99999}]', "record 1, http_status: 99999 is not an HTTP"),
        ('[{"key": "k", "title": ["a"]}]', "record 1, title: expected text, not list"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply to read"),
    ],
)
def test_json_values_out_of_shape_are_one_line_naming_the_file(text: str, problem: str) -> None:
    with pytest.raises(DatasetError, match=rf"^x\.json: {re.escape(problem)}"):
        records_from_text(text, ".json", "x.json")


def test_a_catalog_naming_a_key_no_record_has_is_a_problem(tmp_path: Path) -> None:
    from scraper.validate import validate_dataset

    folder = _dataset_copy(tmp_path)
    path = folder / "catalog.json"
    entries = json.loads(path.read_text("utf-8"))
    entries[0]["keys"] = ["no/such/key"]
    path.write_text(json.dumps(entries), encoding="utf-8")
    problems = validate_dataset(str(folder))  # a path as text works as a Path does
    assert any("key 'no/such/key' is not a record" in p for p in problems), problems
    assert any("is in no entry" in p for p in problems), problems
