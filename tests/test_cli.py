"""Each command as a user runs it: output on stdout, one-line errors on stderr, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.conftest import ROOT, run_cli

SEED = ROOT / "raw" / "jdcloud-jcq-response-result.txt"


def project_copy(tmp_path: Path) -> Path:
    shutil.copy(ROOT / "sources.toml", tmp_path / "sources.toml")
    shutil.copytree(ROOT / "raw", tmp_path / "raw")
    return tmp_path


def test_parse_prints_jsonl_records_and_a_note(tmp_path: Path) -> None:
    proc = run_cli("parse", str(SEED))
    assert proc.returncode == 0
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 13
    assert records[0]["message"] == "Invalid request parameters：[ error parameter name]"
    assert "13 records" in proc.stderr.decode()


def test_parse_formats_agree() -> None:
    as_json = json.loads(run_cli("parse", str(SEED), "--format", "json").stdout)
    as_csv = run_cli("parse", str(SEED), "--format", "csv").stdout.decode().splitlines()
    assert len(as_json) == 13
    assert len(as_csv) == 14
    assert as_csv[0].startswith("key,source,vendor,product,lang,section,http_status,code")


def test_parse_page_without_error_table_prints_nothing(tmp_path: Path) -> None:
    page = tmp_path / "params.md"
    page.write_text(
        "# Parameters\n\n| Name | Type | Description |\n|---|---|---|\n| id | string | The id |\n",
        encoding="utf-8",
    )
    proc = run_cli("parse", str(page))
    assert proc.returncode == 0
    assert proc.stdout == b""
    assert "no error-code table" in proc.stderr.decode()


def test_parse_of_binary_data_is_one_line_naming_the_file(tmp_path: Path) -> None:
    blob = tmp_path / "image.png"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    proc = run_cli("parse", str(blob))
    assert proc.returncode == 1
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert str(blob) in lines[0]
    assert "Traceback" not in proc.stderr.decode()


def test_parse_of_a_missing_file(tmp_path: Path) -> None:
    proc = run_cli("parse", str(tmp_path / "nope.md"))
    assert proc.returncode == 1
    assert proc.stderr.decode().strip() == f"scraper: {tmp_path / 'nope.md'}: no such file"


def test_parse_refuses_pages_over_the_size_limit(tmp_path: Path) -> None:
    proc = run_cli("parse", str(SEED), "--max-bytes", "100")
    assert proc.returncode == 1
    assert "over the 100-byte limit" in proc.stderr.decode()


def test_offline_refresh_rebuilds_the_committed_dataset(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    proc = run_cli("refresh", "--offline", "--manifest", str(project / "sources.toml"))
    assert proc.returncode == 0, proc.stderr
    for name in ("errors.csv", "errors.json", "sources.csv", "datapackage.json"):
        assert (project / "normalized" / name).read_bytes() == (
            ROOT / "normalized" / name
        ).read_bytes()
    again = run_cli("refresh", "--offline", "--manifest", str(project / "sources.toml"))
    assert again.stdout.decode().strip() == "No changes."


def test_validate_accepts_the_committed_dataset() -> None:
    proc = run_cli("validate", str(ROOT / "normalized"))
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {
        "folder": str(ROOT / "normalized"),
        "records": 84,
        "valid": True,
    }


def test_validate_reports_a_duplicate_key(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "normalized", project / "normalized")
    errors = project / "normalized" / "errors.csv"
    lines = errors.read_text(encoding="utf-8").splitlines(keepends=True)
    errors.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    proc = run_cli("validate", str(project / "normalized"))
    assert proc.returncode == 1
    assert "appears 2 times" in proc.stderr.decode()


def test_diff_of_a_dataset_with_itself_is_no_changes() -> None:
    proc = run_cli("diff", str(ROOT / "normalized"), str(ROOT / "normalized" / "errors.json"))
    assert proc.returncode == 0
    assert proc.stdout.decode() == "No changes.\n"


def test_diff_needs_two_sides() -> None:
    proc = run_cli("diff", str(ROOT / "normalized"))
    assert proc.returncode == 1
    assert "give OLD and NEW" in proc.stderr.decode()


def test_help_lists_every_command() -> None:
    out = run_cli("--help").stdout.decode()
    for command in ("parse", "refresh", "diff", "validate"):
        assert command in out


def _page_with_a_long_second_table(tmp_path: Path) -> Path:
    """An HTML page (its tables are read one by one) whose second table has 20 rows."""
    page = tmp_path / "two-tables.html"
    header = "<tr><th>Error Code</th><th>Message</th></tr>"

    def table(prefix: str, rows: int) -> str:
        body = "".join(f"<tr><td>{prefix}{n}</td><td>message {n}</td></tr>" for n in range(rows))
        return f"<table>{header}{body}</table>"

    page.write_text(f"<h1>A</h1>{table('E', 3)}<h1>B</h1>{table('F', 20)}", encoding="utf-8")
    return page


def test_records_read_before_a_table_over_the_limit_are_written(tmp_path: Path) -> None:
    page = _page_with_a_long_second_table(tmp_path)
    lines = run_cli("parse", str(page), "--max-rows", "10")
    assert lines.returncode == 1
    assert [json.loads(line)["code"] for line in lines.stdout.decode().splitlines()] == [
        "E0",
        "E1",
        "E2",
    ]
    error = lines.stderr.decode().strip()
    assert str(page) in error and "over the limit of 10" in error
    assert len(error.splitlines()) == 1
    array = run_cli("parse", str(page), "--max-rows", "10", "--format", "json")
    assert array.returncode == 1
    assert [record["code"] for record in json.loads(array.stdout)] == ["E0", "E1", "E2"]
    # CSV is written once every record is in: nothing of a page that fails.
    table = run_cli("parse", str(page), "--max-rows", "10", "--format", "csv")
    assert table.returncode == 1
    assert table.stdout == b""


def test_without_the_limit_both_tables_are_written(tmp_path: Path) -> None:
    page = _page_with_a_long_second_table(tmp_path)
    proc = run_cli("parse", str(page), "--format", "json")
    assert proc.returncode == 0
    assert len(json.loads(proc.stdout)) == 23
    assert "23 records from 2 of 2 tables" in proc.stderr.decode()
