"""The dataset files: deterministic text, atomic set replacement, faithful round trips."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.dataset import (
    DATASET_FILES,
    SourceRow,
    read_records,
    read_sources,
    recover_dataset,
    write_dataset,
)
from scraper.serialize import record_from_json, records_csv, records_json
from scraper.types import RECORD_FIELDS, Record

TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\x00"),
    max_size=30,
)

RECORDS = st.lists(
    st.builds(
        Record,
        key=TEXT,
        source=st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
        vendor=TEXT,
        section=TEXT,
        http_status=st.none() | st.integers(100, 599),
        code=TEXT,
        message=TEXT,
        description=TEXT,
        repairs=st.lists(TEXT, max_size=2),
        extra=st.dictionaries(TEXT, TEXT, max_size=2),
    ),
    max_size=6,
).map(lambda records: [_with_key(r, i) for i, r in enumerate(records)])


def _with_key(record: Record, index: int) -> Record:
    record.key = f"{record.source}/{index}"
    return record


@settings(max_examples=60, deadline=None)
@given(RECORDS)
def test_csv_and_json_round_trip_to_the_same_records(records: list[Record]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "normalized"
        write_dataset(folder, records, [SourceRow(id=r.source) for r in records])
        assert read_records(folder) == records
        from_json = [record_from_json(d) for d in json.loads((folder / "errors.json").read_text())]
        assert from_json == records


def test_csv_columns_follow_the_contract_order() -> None:
    header = records_csv([]).splitlines()[0]
    assert header.split(",") == list(RECORD_FIELDS)


def test_json_has_one_record_per_line() -> None:
    records = [Record(key="a/x/1", source="a", code="1"), Record(key="a/x/2", source="a", code="2")]
    lines = records_json(records).splitlines()
    assert lines[0] == "[" and lines[-1] == "]"
    assert len(lines) == 4


def test_writing_the_same_dataset_twice_changes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "normalized"
    records = [Record(key="a/x/1", source="a", code="1", http_status=400)]
    sources = [SourceRow(id="a", rows=1)]
    assert sorted(write_dataset(folder, records, sources)) == sorted(DATASET_FILES)
    stamps = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert write_dataset(folder, records, sources) == []
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == stamps
    assert read_sources(folder) == sources


def test_a_replaced_set_leaves_no_staging_folder(tmp_path: Path) -> None:
    folder = tmp_path / "normalized"
    write_dataset(folder, [Record(key="a/x/1", source="a", code="1")], [SourceRow(id="a", rows=1)])
    write_dataset(folder, [Record(key="a/x/2", source="a", code="2")], [SourceRow(id="a", rows=1)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["normalized"]
    assert [r.code for r in read_records(folder)] == ["2"]


def test_recovery_brings_back_the_previous_set_after_a_torn_swap(tmp_path: Path) -> None:
    folder = tmp_path / "normalized"
    write_dataset(folder, [Record(key="a/x/1", source="a", code="1")], [SourceRow(id="a", rows=1)])
    # A kill between the two renames of the fallback swap leaves the old set aside.
    folder.rename(tmp_path / ".normalized.old-123")
    (tmp_path / ".normalized.new-abc").mkdir()
    recover_dataset(folder)
    assert [r.code for r in read_records(folder)] == ["1"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["normalized"]


def test_written_files_get_ordinary_permissions(tmp_path: Path) -> None:
    # Temporary files are created private; the dataset must not stay that way.
    from scraper import atomic

    folder = tmp_path / "normalized"
    write_dataset(folder, [Record(key="a/x/1", source="a", code="1")], [SourceRow(id="a")])

    assert folder.stat().st_mode & 0o777 == atomic.DIR_MODE
    assert (folder / "errors.csv").stat().st_mode & 0o777 == atomic.FILE_MODE
