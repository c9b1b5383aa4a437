"""parse --explain: why each table and column was read as it was, for people and for tools."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scraper.explain import explanations_json, render_explanations_text
from scraper.types import ColumnDecision, TableExplanation
from tests.conftest import run_cli

ERROR_TABLE = TableExplanation(
    locator="line 12",
    section="Error codes",
    header=("Error code", "Error message", "Measure"),
    rows=3,
    is_error_table=True,
    headerless=False,
    columns=(
        ColumnDecision(0, "Error code", "http_status", ("override", "from the manifest"), 0, True),
        ColumnDecision(1, "Error message", "code", ("all are error identifiers",), 0.9),
        ColumnDecision(2, "Measure", "extra"),
    ),
    reasons=("a column holds error codes",),
    records=2,
    skipped_rows=1,
)
PARAMETER_TABLE = TableExplanation(
    locator="line 3",
    section="",
    header=("Name", "Type"),
    rows=1,
    is_error_table=False,
    headerless=False,
    columns=(ColumnDecision(0, "Name", "extra"), ColumnDecision(1, "Type", "extra")),
    reasons=("no column maps to code or http_status",),
)
HEADERLESS_TABLE = TableExplanation(
    locator="line 20",
    section="更多",
    header=("", ""),
    rows=2,
    is_error_table=True,
    headerless=True,
    columns=(ColumnDecision(0, "", "code"), ColumnDecision(1, "", "message")),
    reasons=(),
    records=2,
)


def test_text_explains_each_table_in_order() -> None:
    text = render_explanations_text([PARAMETER_TABLE, ERROR_TABLE, HEADERLESS_TABLE])
    assert text == (
        "table 1 at line 3 (no section): not an error table\n"
        "  - no column maps to code or http_status\n"
        "  header: 'Name' | 'Type' (1 row below it)\n"
        "  [0] 'Name' -> extra\n"
        "  [1] 'Type' -> extra\n"
        "\n"
        "table 2 at line 12 (section «Error codes»): error table, 2 records, 1 row skipped "
        "(no code or single status)\n"
        "  - a column holds error codes\n"
        "  header: 'Error code' | 'Error message' | 'Measure' (3 rows below it)\n"
        "  [0] 'Error code' -> http_status (override)  (from the manifest)\n"
        "  [1] 'Error message' -> code  (all are error identifiers)\n"
        "  [2] 'Measure' -> extra\n"
        "\n"
        "table 3 at line 20 (section «更多»): error table, 2 records\n"
        "  header: none, every row is data (2 rows)\n"
        "  [0] (no header) -> code\n"
        "  [1] (no header) -> message\n"
    )


def test_text_of_a_page_without_tables() -> None:
    assert render_explanations_text([]) == "no tables on the page\n"


def test_json_is_one_ascii_line_with_one_entry_per_table() -> None:
    text = explanations_json(
        [PARAMETER_TABLE, HEADERLESS_TABLE],
        page="page.md",
        format="markdown",
        encoding="utf-8",
        lang="zh-Hans",
        records=2,
        notes=["2 records from 1 of 2 tables"],
    )
    assert text.endswith("\n") and text.count("\n") == 1
    assert text.isascii()
    document = json.loads(text)
    assert document == {
        "page": "page.md",
        "format": "markdown",
        "encoding": "utf-8",
        "lang": "zh-Hans",
        "records": 2,
        "tables": [PARAMETER_TABLE.as_dict(), HEADERLESS_TABLE.as_dict()],
        "notes": ["2 records from 1 of 2 tables"],
        "inferred": [],
    }
    assert document["tables"][1]["section"] == "更多"


PAGE = """# Parameters

| Name | Type | Description |
|---|---|---|
| token | string | The access token |

# Error codes

| Error Code | Message | Description |
|---|---|---|
| InvalidToken | The token is invalid. | Check the token. |
| ExpiredToken | The token has expired. | Log in again. |
| | | A row with no code. |
"""


@pytest.fixture
def page(tmp_path: Path) -> Path:
    path = tmp_path / "errors.md"
    path.write_text(PAGE, encoding="utf-8")
    return path


def test_explain_leaves_the_records_on_stdout_as_they_were(page: Path) -> None:
    plain = run_cli("parse", str(page))
    for flag in ("--explain", "--explain=text", "--explain=json"):
        explained = run_cli("parse", str(page), flag)
        assert explained.returncode == 0, explained.stderr
        assert explained.stdout == plain.stdout
    as_csv = run_cli("parse", str(page), "--format", "csv", "--explain=json")
    assert as_csv.stdout == run_cli("parse", str(page), "--format", "csv").stdout


def test_explain_text_then_the_summary_on_stderr(page: Path) -> None:
    proc = run_cli("parse", str(page), "--explain")
    assert proc.returncode == 0
    err = proc.stderr.decode()
    assert err.startswith("table 1 at line 3 (section «Parameters»): not an error table\n")
    assert (
        "\ntable 2 at line 9 (section «Error codes»): error table, 2 records, 1 row skipped" in err
    )
    assert "  header: 'Error Code' | 'Message' | 'Description' (3 rows below it)\n" in err
    assert "  [0] 'Error Code' -> code" in err
    assert "  [1] 'Message' -> message" in err
    assert "  [2] 'Description' -> description" in err
    assert err.endswith(
        f"{page}: 2 records from 1 of 2 tables (markdown, utf-8, lang en), "
        "1 rows skipped (no code or single status)\n"
    )


def test_explain_json_is_the_only_thing_on_stderr(page: Path) -> None:
    proc = run_cli("parse", str(page), "--explain=json")
    assert proc.returncode == 0
    document = json.loads(proc.stderr)
    assert document["page"] == str(page)
    assert (document["format"], document["encoding"], document["lang"]) == (
        "markdown",
        "utf-8",
        "en",
    )
    assert document["records"] == 2
    tables = document["tables"]
    assert [t["error_table"] for t in tables] == [False, True]
    assert [t["locator"] for t in tables] == ["line 3", "line 9"]
    assert [t["section"] for t in tables] == ["Parameters", "Error codes"]
    assert tables[1]["records"] == 2
    assert tables[1]["skipped_rows"] == 1
    assert [(c["index"], c["header"], c["field"]) for c in tables[1]["columns"]] == [
        (0, "Error Code", "code"),
        (1, "Message", "message"),
        (2, "Description", "description"),
    ]
    assert not any(c["overridden"] for t in tables for c in t["columns"])
    assert document["notes"] == [
        "2 records from 1 of 2 tables (markdown, utf-8, lang en), "
        "1 rows skipped (no code or single status)"
    ]


def test_explain_format_may_follow_the_page(page: Path) -> None:
    proc = run_cli("parse", str(page), "--explain", "json")
    assert proc.returncode == 0
    assert len(json.loads(proc.stderr)["tables"]) == 2


def test_explain_of_a_page_without_tables(tmp_path: Path) -> None:
    empty = tmp_path / "prose.md"
    empty.write_text("# Nothing here\n\nJust prose.\n", encoding="utf-8")
    text = run_cli("parse", str(empty), "--explain")
    assert text.stderr.decode() == (
        f"no tables on the page\n\n{empty}: no error-code table found (0 tables on the page)\n"
    )
    document = json.loads(run_cli("parse", str(empty), "--explain=json").stderr)
    assert document["tables"] == []
    assert document["records"] == 0
    assert document["notes"] == ["no error-code table found (0 tables on the page)"]


def test_a_failing_page_is_one_error_line_even_with_explain(tmp_path: Path) -> None:
    proc = run_cli("parse", str(tmp_path / "missing.md"), "--explain=json")
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == f"scraper: {tmp_path / 'missing.md'}: no such file"


def test_an_unknown_explain_format_is_a_usage_error(page: Path) -> None:
    proc = run_cli("parse", str(page), "--explain=xml")
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "argument --explain: invalid choice: 'xml' (choose from 'text', 'json')" in (
        proc.stderr.decode()
    )
