"""The SQLite export, read back with the standard library's sqlite3 as any SQL tool would."""

from __future__ import annotations

import json
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.dataset import SourceRow, read_records, read_sources
from scraper.errors import DatasetError
from scraper.fields import RECORD_FIELDS, RECORD_SPECS
from scraper.sqlite_export import FTS_COLUMNS, SqliteExport, export_sqlite, fts_tokenizer
from scraper.types import Record

ROOT = Path(__file__).resolve().parent.parent
TABLES = ("errors", "sources")

SOURCES = [
    SourceRow(id="acme-en", vendor="Acme", lang="en", tables=1, rows=2),
    SourceRow(id="acme-zh", vendor="Acme", lang="zh-Hans", tables=1, rows=2),
]
RECORDS = [
    Record(
        key="acme-en/errors/QuotaExceeded",
        source="acme-en",
        lang="en",
        section="Errors",
        http_status=429,
        code="QuotaExceeded",
        message="The request quota of the account is used up.",
        suggestion="Wait for the next period.",
        repairs=["encode sloppy-windows-1252", "decode utf-8"],
        extra={"Since": "v2", "Area": "billing"},
        category="resource_exhausted",
        retryable="yes",
        evidence=["code says quota"],
    ),
    Record(
        key="acme-en/errors/InvalidSignature",
        source="acme-en",
        lang="en",
        section="Errors",
        code="InvalidSignature",
        message="The signature does not match.",
        category="unauthenticated",
        retryable="no",
    ),
    Record(
        key="acme-zh/错误码/InvalidParameter",
        source="acme-zh",
        lang="zh-Hans",
        section="错误码",
        http_status=400,
        code="InvalidParameter",
        message="请求参数错误。",
        suggestion="检查请求参数后重试。",
        inferred_http_status=400,
    ),
    Record(
        key="acme-zh/错误码/LimitExceeded",
        source="acme-zh",
        lang="zh-Hans",
        section="错误码",
        code="LimitExceeded",
        message="超过配额限制。",
        description="账号的调用配额已用完。",
    ),
]


@contextmanager
def opened(path: Path) -> Iterator[sqlite3.Connection]:
    with closing(sqlite3.connect(path)) as conn:
        yield conn


def search(conn: sqlite3.Connection, query: str) -> list[str]:
    """Keys of the errors whose texts match a full-text query, sorted."""
    sql = (
        "SELECT errors.key FROM errors JOIN errors_fts ON errors.rowid = errors_fts.rowid"
        " WHERE errors_fts MATCH ?"
    )
    return sorted(key for (key,) in conn.execute(sql, (query,)))


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    path = tmp_path / "errors.db"
    export_sqlite(path, RECORDS, SOURCES)
    return path


def test_export_reports_the_rows_written(tmp_path: Path) -> None:
    path = tmp_path / "errors.db"
    result = export_sqlite(str(path), RECORDS, SOURCES)
    assert result == SqliteExport(path=path, errors=4, sources=2, catalog=0)


def test_errors_columns_follow_the_field_description(exported: Path) -> None:
    expected_types = {"text": "TEXT", "status": "INTEGER", "list": "TEXT", "object": "TEXT"}
    with opened(exported) as conn:
        info = conn.execute("PRAGMA table_info(errors)").fetchall()
    assert [row[1] for row in info] == list(RECORD_FIELDS)
    assert [row[2] for row in info] == [expected_types[spec.kind] for spec in RECORD_SPECS]
    assert [row[1] for row in info if row[5]] == ["key"]


def test_errors_source_refers_to_sources(exported: Path) -> None:
    with opened(exported) as conn:
        links = conn.execute("PRAGMA foreign_key_list(errors)").fetchall()
        assert [(row[2], row[3], row[4]) for row in links] == [("sources", "source", "id")]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_sources_columns_and_counts_are_typed(exported: Path) -> None:
    with opened(exported) as conn:
        info = conn.execute("PRAGMA table_info(sources)").fetchall()
        rows = conn.execute("SELECT id, tables, rows, typeof(rows) FROM sources").fetchall()
    types = {row[1]: row[2] for row in info}
    assert next(iter(types)) == "id" and [row[1] for row in info if row[5]] == ["id"]
    assert types["tables"] == types["rows"] == "INTEGER"
    assert types["vendor"] == types["status"] == "TEXT"
    assert rows == [("acme-en", 1, 2, "integer"), ("acme-zh", 1, 2, "integer")]


def test_errors_has_an_index_per_filtered_column(exported: Path) -> None:
    with opened(exported) as conn:
        names = [row[1] for row in conn.execute("PRAGMA index_list(errors)")]
        indexed = {
            tuple(info[2] for info in conn.execute(f"PRAGMA index_info('{name}')"))
            for name in names
        }
    for column in ("code", "http_status", "source", "category"):
        assert (column,) in indexed


def test_full_text_search_finds_english_words_and_words_inside_codes(exported: Path) -> None:
    with opened(exported) as conn:
        assert search(conn, "quota") == ["acme-en/errors/QuotaExceeded"]
        assert search(conn, '"does not match"') == ["acme-en/errors/InvalidSignature"]
        assert search(conn, "Exceeded") == [
            "acme-en/errors/QuotaExceeded",
            "acme-zh/错误码/LimitExceeded",
        ]
        assert search(conn, "nothing") == []


def test_full_text_search_finds_chinese_words_of_three_or_more_characters(
    exported: Path,
) -> None:
    with opened(exported) as conn:
        assert search(conn, "请求参数") == ["acme-zh/错误码/InvalidParameter"]
        assert search(conn, "配额限制") == ["acme-zh/错误码/LimitExceeded"]
        assert search(conn, "错误码") == [
            "acme-zh/错误码/InvalidParameter",
            "acme-zh/错误码/LimitExceeded",
        ]


def test_two_character_words_are_found_with_like_on_the_search_table(exported: Path) -> None:
    # A trigram MATCH term needs three characters; LIKE on the same table serves shorter ones.
    sql = (
        "SELECT errors.key FROM errors JOIN errors_fts ON errors.rowid = errors_fts.rowid WHERE "
        + " OR ".join(f"errors_fts.{column} LIKE ?" for column in FTS_COLUMNS)
    )
    with opened(exported) as conn:
        assert search(conn, "参数") == []
        rows = conn.execute(sql, ["%参数%"] * len(FTS_COLUMNS)).fetchall()
    assert rows == [("acme-zh/错误码/InvalidParameter",)]


def test_search_index_follows_later_edits_of_the_errors_table(exported: Path) -> None:
    with opened(exported) as conn:
        conn.execute("UPDATE errors SET message = 'Rate limited' WHERE key = ?", (RECORDS[1].key,))
        conn.commit()
        assert search(conn, "match") == []
        assert search(conn, "rate limited") == [RECORDS[1].key]


def test_json_columns_parse_to_the_record_values(exported: Path) -> None:
    with opened(exported) as conn:
        rows = conn.execute("SELECT key, repairs, extra, evidence FROM errors").fetchall()
    by_key = {record.key: record for record in RECORDS}
    for key, repairs, extra, evidence in rows:
        assert json.loads(repairs) == by_key[key].repairs
        assert json.loads(extra) == by_key[key].extra
        assert json.loads(evidence) == by_key[key].evidence
    assert rows[0][2] == '{"Area":"billing","Since":"v2"}'  # compact, keys sorted


def test_missing_statuses_are_null_and_present_ones_integers(exported: Path) -> None:
    with opened(exported) as conn:
        rows = conn.execute(
            "SELECT http_status, typeof(http_status), typeof(inferred_http_status) FROM errors"
        ).fetchall()
    assert rows == [
        (429, "integer", "null"),
        (None, "null", "null"),
        (400, "integer", "integer"),
        (None, "null", "null"),
    ]


def test_rows_keep_the_given_order(exported: Path) -> None:
    with opened(exported) as conn:
        keys = [key for (key,) in conn.execute("SELECT key FROM errors ORDER BY rowid")]
    assert keys == [record.key for record in RECORDS]


def test_the_same_data_gives_the_same_file(tmp_path: Path) -> None:
    first, second = tmp_path / "a.db", tmp_path / "b.db"
    export_sqlite(first, RECORDS, SOURCES)
    export_sqlite(second, RECORDS, SOURCES)
    assert first.read_bytes() == second.read_bytes()


def test_the_committed_dataset_exports_every_row(tmp_path: Path) -> None:
    records = read_records(ROOT / "normalized")
    sources = read_sources(ROOT / "normalized")
    result = export_sqlite(tmp_path / "dataset.db", records, sources)
    with opened(result.path) as conn:
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES]
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert counts == [len(records), len(sources)] == [result.errors, result.sources]
    assert result.errors > 0


def test_an_existing_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "errors.db"
    path.write_bytes(b"not a database")
    export_sqlite(path, RECORDS[:1], SOURCES)
    with opened(path) as conn:
        assert conn.execute("SELECT key FROM errors").fetchall() == [(RECORDS[0].key,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.db"]


def test_a_failed_export_leaves_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "errors.db"
    export_sqlite(path, RECORDS, SOURCES)
    before = path.read_bytes()
    twice = [RECORDS[0], RECORDS[0]]
    with pytest.raises(DatasetError, match=r"errors\.key") as caught:
        export_sqlite(path, twice, SOURCES)
    assert str(path) in str(caught.value) and "\n" not in str(caught.value)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["errors.db"]


def test_a_path_in_a_missing_folder_is_a_dataset_error(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "errors.db"
    with pytest.raises(DatasetError) as caught:
        export_sqlite(path, RECORDS)
    message = str(caught.value)
    assert str(path) in message and "does not exist" in message and "\n" not in message
    assert not path.parent.exists()


def test_a_folder_as_path_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="is a folder") as caught:
        export_sqlite(tmp_path, RECORDS)
    assert str(tmp_path) in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_no_catalog_table_without_entries(exported: Path) -> None:
    with opened(exported) as conn:
        tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    assert "catalog" not in tables and {"errors", "sources", "errors_fts"} <= tables


CATALOG: list[dict[str, Any]] = [
    {
        "id": "acme/InvalidParameter",
        "vendor": "Acme",
        "code": "InvalidParameter",
        "http_status": 400,
        "texts": {"zh-Hans": {"message": "请求参数错误。"}, "en": {"message": "Bad parameter."}},
        "sources": ["acme-zh", "acme-en"],
    },
    {"id": "acme/LimitExceeded", "vendor": "Acme", "code": "LimitExceeded", "http_status": None},
]


def test_catalog_entries_become_a_table_with_nested_members_as_json(tmp_path: Path) -> None:
    result = export_sqlite(tmp_path / "errors.db", RECORDS, SOURCES, CATALOG)
    assert result.catalog == 2
    with opened(result.path) as conn:
        info = conn.execute("PRAGMA table_info(catalog)").fetchall()
        rows = conn.execute("SELECT * FROM catalog ORDER BY rowid").fetchall()
    types = {row[1]: row[2] for row in info}
    assert types == {
        "id": "TEXT",
        "vendor": "TEXT",
        "code": "TEXT",
        "http_status": "INTEGER",
        "texts": "TEXT",
        "sources": "TEXT",
    }
    assert [row[1] for row in info if row[5]] == ["id"]
    first = dict(zip(types, rows[0], strict=True))
    assert json.loads(first["texts"]) == CATALOG[0]["texts"]
    assert json.loads(first["sources"]) == ["acme-zh", "acme-en"]
    assert rows[1] == ("acme/LimitExceeded", "Acme", "LimitExceeded", None, None, None)


def test_a_catalog_entry_without_id_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"catalog\.json: entry 2 has no id"):
        export_sqlite(tmp_path / "errors.db", RECORDS, SOURCES, [CATALOG[0], {"code": "X"}])
    assert list(tmp_path.iterdir()) == []


def test_the_tokenizer_is_trigram_where_sqlite_has_it() -> None:
    assert fts_tokenizer((3, 34, 0)) == "trigram"
    assert fts_tokenizer((3, 33, 9)) == "unicode61"
    if sqlite3.sqlite_version_info >= (3, 34, 0):
        assert fts_tokenizer() == "trigram"


TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
    max_size=12,
)
ANY_RECORD = st.builds(
    Record,
    source=st.sampled_from(["acme-en", "acme-zh"]),
    code=TEXT,
    message=TEXT,
    http_status=st.none() | st.integers(100, 599),
    inferred_http_status=st.none() | st.integers(100, 599),
    repairs=st.lists(TEXT, max_size=2),
    extra=st.dictionaries(TEXT, TEXT, max_size=2),
    evidence=st.lists(TEXT, max_size=2),
)


@settings(max_examples=30, deadline=None)
@given(st.lists(ANY_RECORD, max_size=6))
def test_every_record_reads_back_as_it_was_given(records: list[Record]) -> None:
    records = [
        Record(**{**record.as_dict(), "key": f"k{index}"}) for index, record in enumerate(records)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "errors.db"
        export_sqlite(path, records, SOURCES)
        with opened(path) as conn:
            conn.row_factory = sqlite3.Row
            rows = conn.execute("SELECT * FROM errors ORDER BY rowid").fetchall()
    kinds = {spec.name: spec.kind for spec in RECORD_SPECS}
    read_back = [
        {
            name: json.loads(row[name]) if kinds[name] in ("list", "object") else row[name]
            for name in RECORD_FIELDS
        }
        for row in rows
    ]
    assert read_back == [record.as_dict() for record in records]
