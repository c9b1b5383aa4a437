"""The lookup and export commands, and what parse says of the inferred fields, run as a user
runs them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from tests.conftest import ROOT, run_cli

SEED_003 = ROOT / "raw" / "ai-api-status-business-codes.txt"


def lines(data: bytes) -> list[dict[str, object]]:
    return [json.loads(line) for line in data.decode().splitlines()]


def test_lookup_finds_a_pattern_record_for_a_concrete_code() -> None:
    done = run_cli("lookup", "InvalidParameter.GroupId")
    assert done.returncode == 0, done.stderr
    (found, *_) = lines(done.stdout)
    assert found["code"] == "InvalidParameter.%s"
    assert found["code_pattern"] == r"^InvalidParameter\..+$"


def test_lookup_puts_the_exact_code_first_and_filters_by_status() -> None:
    done = run_cli("lookup", "100001", "--status", "400")
    assert done.returncode == 0, done.stderr
    assert [r["code"] for r in lines(done.stdout)] == ["100001"]
    assert run_cli("lookup", "100001", "--status", "401").returncode == 1


def test_lookup_of_an_unknown_code_exits_1_naming_it() -> None:
    done = run_cli("lookup", "NoSuchCode")
    assert done.returncode == 1
    assert done.stdout == b""
    assert b"no record for code 'NoSuchCode'" in done.stderr


def test_export_writes_a_sqlite_file_with_full_text_search(tmp_path: Path) -> None:
    target = tmp_path / "errors.db"
    done = run_cli("export", "sqlite", str(target))
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().strip() == str(target)
    with sqlite3.connect(target) as db:
        count = db.execute("SELECT count(*) FROM errors").fetchone()[0]
        hits = db.execute(
            "SELECT errors.code FROM errors_fts JOIN errors ON errors.rowid = errors_fts.rowid "
            "WHERE errors_fts MATCH 'frequent'"
        ).fetchall()
        catalog = db.execute("SELECT count(*) FROM catalog").fetchone()[0]
    committed = json.loads((ROOT / "normalized" / "errors.json").read_text("utf-8"))
    assert count == len(committed)
    assert ("130005",) in hits
    assert catalog == len(json.loads((ROOT / "normalized" / "catalog.json").read_text("utf-8")))


def test_export_to_a_missing_folder_is_one_line_exit_1(tmp_path: Path) -> None:
    done = run_cli("export", "sqlite", str(tmp_path / "nowhere" / "x.db"))
    assert done.returncode == 1
    assert len(done.stderr.decode().strip().splitlines()) == 1


def test_parse_explain_json_says_what_was_inferred_and_why() -> None:
    done = run_cli("parse", str(SEED_003), "--explain=json")
    assert done.returncode == 0, done.stderr
    explained = json.loads(done.stderr)
    inferred = {entry["key"].rsplit("/", 1)[1]: entry for entry in explained["inferred"]}
    assert len(inferred) == len(lines(done.stdout))
    business = inferred["100001"]
    assert business["inferred_http_status"] == 400
    assert any("Corresponds to business codes 100xxx." in e for e in business["evidence"])


def test_parse_explain_text_has_a_line_per_record() -> None:
    done = run_cli("parse", str(SEED_003), "--explain")
    text = done.stderr.decode()
    assert "inferred, per record:" in text
    assert "  130005: resource_exhausted, retryable yes" in text


def test_parse_of_a_url_takes_timeout_and_retries_as_usage_checked() -> None:
    done = run_cli("parse", "http://127.0.0.1:9/x.html", "--timeout", "0")
    assert done.returncode == 2
    assert b"--timeout" in done.stderr
    help_text = run_cli("parse", "--help").stdout.decode()
    assert "--retries N" in help_text and "(default: 3)" in help_text


def test_export_refuses_to_replace_what_is_not_a_regular_file(tmp_path: Path) -> None:
    import os

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = run_cli("export", "sqlite", str(fifo))
    assert done.returncode == 1
    assert f"{fifo}: not a regular file" in done.stderr.decode()
    assert fifo.exists() and not fifo.is_file()


def test_diff_with_git_takes_at_most_one_dataset() -> None:
    done = run_cli("diff", "--git", "HEAD", "normalized", "normalized")
    assert done.returncode == 2


def test_lookup_status_must_be_an_http_status() -> None:
    assert run_cli("lookup", "E1", "--status", "999").returncode == 2


def test_parse_refuses_other_url_schemes_naming_the_url() -> None:
    done = run_cli("parse", "ftp://example.invalid/errors.html")
    assert done.returncode == 1
    url = "ftp://example.invalid/errors.html"
    assert done.stderr.decode().startswith(f"scraper: {url}: unsupported URL scheme")
