"""Each command as a user runs it: output on stdout, one-line errors on stderr, exit codes."""

from __future__ import annotations

import gc
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from scraper import cli
from scraper import page as page_module
from scraper.normalize import PageInfo
from scraper.pipeline import PageRecords
from scraper.types import NO_OVERRIDES, ColumnOverrides
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
        "warnings": [],
    }


def test_validate_reports_a_duplicate_key(tmp_path: Path) -> None:
    project = project_copy(tmp_path)
    shutil.copytree(ROOT / "normalized", project / "normalized")
    errors = project / "normalized" / "errors.csv"
    lines = errors.read_text(encoding="utf-8").splitlines(keepends=True)
    errors.write_text("".join([*lines, lines[1]]), encoding="utf-8")
    proc = run_cli("validate", str(project / "normalized"))
    assert proc.returncode == 1
    assert "appears more than once" in proc.stderr.decode()


def test_diff_of_a_dataset_with_itself_is_no_changes() -> None:
    proc = run_cli("diff", str(ROOT / "normalized"), str(ROOT / "normalized" / "errors.json"))
    assert proc.returncode == 0
    assert proc.stdout.decode() == "No changes.\n"


def test_diff_needs_two_sides() -> None:
    proc = run_cli("diff", str(ROOT / "normalized"))
    assert proc.returncode == 2  # a usage error
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


@pytest.fixture
def pages_read(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[PageInfo]]:
    """The PageInfo each in-process `parse` hands to the page reader."""
    seen: list[PageInfo] = []

    class Recorded(PageRecords):
        def __init__(self, body: bytes, page: PageInfo, **kwargs: Any) -> None:
            seen.append(page)
            super().__init__(body, page, **kwargs)

    monkeypatch.setattr(page_module, "PageRecords", Recorded)
    threshold = gc.get_threshold()
    yield seen
    gc.unfreeze()  # main() freezes and tunes the collector for a one-shot process
    gc.set_threshold(*threshold)


def test_parse_hands_column_overrides_to_the_page_reader(
    pages_read: list[PageInfo], capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli.main(
        [
            "parse",
            str(SEED),
            "--column",
            "Error=Code=code",
            "--column",
            "2=extra",
            "--column",
            "Notes=extra",
            "--no-header",
        ]
    )
    assert code == 0, capsys.readouterr().err
    (page,) = pages_read
    # Split at the last "=": a header may hold one, a field never does.
    assert page.overrides == ColumnOverrides(
        columns=(("2", "extra"), ("Error=Code", "code"), ("Notes", "extra")), header=False
    )


@pytest.mark.parametrize(
    ("flags", "header"), [(["--header"], True), (["--no-header"], False), ([], None)]
)
def test_parse_header_flags(
    pages_read: list[PageInfo],
    capsys: pytest.CaptureFixture[str],
    flags: list[str],
    header: bool | None,
) -> None:
    assert cli.main(["parse", str(SEED), *flags]) == 0, capsys.readouterr().err
    assert pages_read[0].overrides == ColumnOverrides(header=header)
    if not flags:
        assert pages_read[0].overrides is NO_OVERRIDES


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--column", "Measure"], "argument --column: 'Measure': give HEADER=FIELD"),
        (["--column", "=code"], "argument --column: a column needs a header text or a position"),
        (
            ["--column", "Measure=remedy"],
            "argument --column: 'Measure' -> 'remedy': the field must be one of http_status, "
            "code, title, message, description, suggestion, extra",
        ),
        (
            ["--column", "A=code", "--column", "1=code"],
            "argument --column: 'A' and '1' are both given 'code' (only extra may repeat)",
        ),
        (["--column", "A=code", "--column", "A=extra"], "argument --column: 'A' is given twice"),
        (["--header", "--no-header"], "argument --no-header: not allowed with argument --header"),
    ],
)
def test_bad_override_options_are_usage_errors(args: list[str], message: str) -> None:
    proc = run_cli("parse", str(SEED), *args)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert proc.stdout == b""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if "error:" in line]
    assert len(errors) == 1
    assert message in errors[0]


def test_many_columns_may_be_kept_as_extra(pages_read: list[PageInfo]) -> None:
    assert cli.main(["parse", str(SEED), "--column", "A=extra", "--column", "B=extra"]) == 0
    assert pages_read[0].overrides.columns == (("A", "extra"), ("B", "extra"))


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("parse", "--max-bytes"),
        ("parse", "--max-rows"),
        ("parse", "--max-columns"),
        ("parse", "--max-cells"),
        ("refresh", "--max-bytes"),
    ],
)
@pytest.mark.parametrize("value", ["0", "-1"])
def test_a_limit_below_one_is_a_usage_error_naming_the_option(
    command: str, option: str, value: str
) -> None:
    page = [str(SEED)] if command == "parse" else ["--offline", "--manifest", "/nonexistent"]
    proc = run_cli(command, *page, f"{option}={value}")
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert proc.stdout == b""
    errors = [line for line in err.splitlines() if "error:" in line]
    assert errors == [f"scraper {command}: error: argument {option}: must be >= 1, not {value}"]
