"""Column overrides end to end: the user's word (manifest or parse options) over the evidence.

A headerless table read with its first row as data, and a table whose headers say the wrong
thing ("Error code" over HTTP statuses, "Error message" over error identifiers) read as the
user says, from `parse` and from an offline `refresh` of a project in a temporary folder.
"""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import run_cli

HEADERLESS = """# Errors

| 1001 | Invalid token | Check the token |
| 1002 | Expired token | Log in again |
| 1003 | Unknown user | Check the user id |
"""

MISLABELLED_MD = """# Errors

| Error code | Error message | Measure |
|---|---|---|
| 400 | InvalidToken | Check the token |
| 401 | ExpiredToken | Log in again |
| 404 | UnknownUser | Check the user id |
"""

MISLABELLED_HTML = """<!DOCTYPE html>
<html lang="en"><body>
<h2>Errors</h2>
<table>
<thead><tr><th>Error code</th><th>Error message</th><th>Measure</th></tr></thead>
<tbody>
<tr><td>400</td><td>InvalidToken</td><td>Check the token</td></tr>
<tr><td>401</td><td>ExpiredToken</td><td>Log in again</td></tr>
<tr><td>404</td><td>UnknownUser</td><td>Check the user id</td></tr>
</tbody>
</table>
</body></html>
"""

PLAIN = """# Errors

| Code | Message | Description |
|---|---|---|
| InvalidToken | The token is invalid. | The token was revoked or mistyped. |
"""

MISLABELLED_OVERRIDES = (
    "--column",
    "Error code=http_status",
    "--column",
    "Error message=code",
    "--column",
    "Measure=suggestion",
)

EXPECTED_MISLABELLED = [
    (400, "InvalidToken", "Check the token"),
    (401, "ExpiredToken", "Log in again"),
    (404, "UnknownUser", "Check the user id"),
]


def _page(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _parse(page: Path, *args: str) -> list[dict[str, Any]]:
    proc = run_cli("parse", str(page), "--format", "json", *args)
    assert proc.returncode == 0, proc.stderr.decode()
    records: list[dict[str, Any]] = json.loads(proc.stdout)
    return records


def _mentions_an_override(record: dict[str, Any]) -> bool:
    return any("override" in repair for repair in record["repairs"])


def test_no_header_reads_the_first_row_as_data(tmp_path: Path) -> None:
    page = _page(tmp_path, "headerless.md", HEADERLESS)
    records = _parse(page, "--no-header")
    assert [r["code"] for r in records] == ["1001", "1002", "1003"]
    assert [r["locator"] for r in records] == ["line 3", "line 4", "line 5"]
    assert all(r["section"] == "Errors" for r in records)
    assert all(_mentions_an_override(r) for r in records)


def test_no_header_with_columns_by_position(tmp_path: Path) -> None:
    page = _page(tmp_path, "headerless.md", HEADERLESS)
    records = _parse(
        page,
        "--no-header",
        "--column",
        "0=code",
        "--column",
        "1=message",
        "--column",
        "2=suggestion",
    )
    assert [(r["code"], r["message"], r["suggestion"]) for r in records] == [
        ("1001", "Invalid token", "Check the token"),
        ("1002", "Expired token", "Log in again"),
        ("1003", "Unknown user", "Check the user id"),
    ]
    assert all(r["extra"] == {} and r["http_status"] is None for r in records)


@pytest.mark.parametrize(("name", "text"), [("m.md", MISLABELLED_MD), ("m.html", MISLABELLED_HTML)])
def test_columns_by_header_text_fix_a_mislabelled_table(
    tmp_path: Path, name: str, text: str
) -> None:
    page = _page(tmp_path, name, text)
    records = _parse(page, *MISLABELLED_OVERRIDES)
    assert [(r["http_status"], r["code"], r["suggestion"]) for r in records] == EXPECTED_MISLABELLED
    assert all(r["message"] == "" and r["extra"] == {} for r in records)
    assert all(_mentions_an_override(r) for r in records)


def test_columns_by_position_fix_a_mislabelled_table(tmp_path: Path) -> None:
    page = _page(tmp_path, "m.md", MISLABELLED_MD)
    records = _parse(
        page, "--column", "0=http_status", "--column", "1=code", "--column", "2=suggestion"
    )
    assert [(r["http_status"], r["code"], r["suggestion"]) for r in records] == EXPECTED_MISLABELLED


def test_a_column_sent_to_extra_keeps_its_header(tmp_path: Path) -> None:
    page = _page(tmp_path, "plain.md", PLAIN)
    (record,) = _parse(page, "--column", "Description=extra")
    assert record["code"] == "InvalidToken"
    assert record["message"] == "The token is invalid."
    assert record["description"] == ""
    assert record["extra"] == {"Description": "The token was revoked or mistyped."}


def test_header_true_reads_a_table_as_it_is_read_without_overrides(tmp_path: Path) -> None:
    page = _page(tmp_path, "plain.md", PLAIN)
    (plain,) = _parse(page)
    (said,) = _parse(page, "--header")
    fields = ("key", "http_status", "code", "message", "description", "extra", "locator")
    assert {f: said[f] for f in fields} == {f: plain[f] for f in fields}


def test_explain_marks_overridden_columns(tmp_path: Path) -> None:
    page = _page(tmp_path, "m.md", MISLABELLED_MD)
    proc = run_cli("parse", str(page), "--explain=json", *MISLABELLED_OVERRIDES)
    assert proc.returncode == 0, proc.stderr.decode()
    (table,) = json.loads(proc.stderr)["tables"]
    assert table["error_table"] is True
    assert table["records"] == 3
    assert [(c["header"], c["field"], c["overridden"]) for c in table["columns"]] == [
        ("Error code", "http_status", True),
        ("Error message", "code", True),
        ("Measure", "suggestion", True),
    ]
    text = run_cli("parse", str(page), "--explain", *MISLABELLED_OVERRIDES).stderr.decode()
    assert "  [0] 'Error code' -> http_status (override)" in text


def test_explain_says_a_table_was_read_without_a_header(tmp_path: Path) -> None:
    page = _page(tmp_path, "headerless.md", HEADERLESS)
    proc = run_cli("parse", str(page), "--explain=json", "--no-header")
    (table,) = json.loads(proc.stderr)["tables"]
    assert table["headerless"] is True
    assert table["rows"] == 3
    assert table["error_table"] is True
    assert table["records"] == 3
    assert table["columns"][0]["field"] == "code"


def _offline_project(folder: Path) -> Path:
    """A project of its own: a manifest with overrides and the snapshots it reads in raw/."""
    raw = folder / "raw"
    raw.mkdir()
    pages = {"acme-headerless": ("md", HEADERLESS), "acme-mislabelled": ("html", MISLABELLED_HTML)}
    for source_id, (extension, text) in pages.items():
        body = text.encode("utf-8")
        (raw / f"{source_id}.{extension}").write_bytes(body)
        meta = {"file": f"{source_id}.{extension}", "sha256": hashlib.sha256(body).hexdigest()}
        (raw / f"{source_id}.meta.json").write_text(json.dumps(meta) + "\n", encoding="utf-8")
    manifest = folder / "sources.toml"
    manifest.write_text(
        """[[source]]
id = "acme-headerless"
vendor = "Acme"
product = "Widgets API"
lang = "en"
header = false
columns = {"0" = "code", "1" = "message", "2" = "suggestion"}

[[source]]
id = "acme-mislabelled"
vendor = "Acme"
product = "Widgets API"
columns = {"Error code" = "http_status", "Error message" = "code", "Measure" = "suggestion"}
""",
        encoding="utf-8",
    )
    return manifest


def test_offline_refresh_applies_the_manifests_overrides(tmp_path: Path) -> None:
    manifest = _offline_project(tmp_path)
    proc = run_cli("refresh", "--offline", "--manifest", str(manifest))
    assert proc.returncode == 0, proc.stderr.decode()
    records = json.loads((tmp_path / "normalized" / "errors.json").read_text(encoding="utf-8"))
    by_source: dict[str, list[dict[str, Any]]] = {}
    for record in records:
        by_source.setdefault(record["source"], []).append(record)
    headerless = by_source.get("acme-headerless", [])
    assert [(r["code"], r["message"], r["suggestion"]) for r in headerless] == [
        ("1001", "Invalid token", "Check the token"),
        ("1002", "Expired token", "Log in again"),
        ("1003", "Unknown user", "Check the user id"),
    ]
    mislabelled = by_source.get("acme-mislabelled", [])
    assert [
        (r["http_status"], r["code"], r["suggestion"]) for r in mislabelled
    ] == EXPECTED_MISLABELLED
    assert all(r["message"] == "" and r["extra"] == {} for r in mislabelled)
    assert all(_mentions_an_override(r) for r in records)
    with (tmp_path / "normalized" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        statuses = {row["id"]: (row["status"], row["rows"]) for row in csv.DictReader(handle)}
    assert statuses == {"acme-headerless": ("ok", "3"), "acme-mislabelled": ("ok", "3")}
    validated = run_cli("validate", str(tmp_path / "normalized"))
    assert validated.returncode == 0, validated.stderr.decode()


def test_an_override_that_names_no_column_is_noted(tmp_path: Path) -> None:
    page = tmp_path / "plain.md"
    page.write_text(PLAIN, encoding="utf-8")
    proc = run_cli("parse", str(page), "--column", "Remedy=suggestion")
    assert proc.returncode == 0
    assert "column override 'Remedy' named no column of any table" in proc.stderr.decode()
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["code"] for r in records] == ["InvalidToken"]
    assert records[0]["repairs"] == []
