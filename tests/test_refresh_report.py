"""refresh as a library call: a report of plain data, nothing printed; and what the command line
makes of it (counts that add up, a failed run that says so, sources that yield no rows)."""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scraper import diff
from scraper.refresh_report import (
    STATUSES,
    RefreshReport,
    SourceOutcome,
    refresh_status_line,
    render_refresh_report,
)
from scraper.refreshing import refresh
from tests.conftest import run_cli
from tests.httpserver import TestServer, reply

ERRORS = b"# Errors\n\n| Code | Message |\n|---|---|\n| E1 | One |\n| E2 | Two |\n"
NO_ERRORS = b"# Parameters\n\n| Name | Type |\n|---|---|\n| id | string |\n"


def put_local_page(root: Path, source_id: str, body: bytes) -> None:
    """A local-only source's snapshot as a user makes it: the page and its metadata file."""
    raw = root / "raw"
    raw.mkdir(exist_ok=True)
    (raw / f"{source_id}.md").write_bytes(body)
    (raw / f"{source_id}.meta.json").write_text(json.dumps({"file": f"{source_id}.md"}))


def write_manifest(root: Path, ids: list[str], urls: dict[str, str] | None = None) -> Path:
    urls = urls or {}
    entries = []
    for source_id in ids:
        url = f'url = "{urls[source_id]}"\n' if source_id in urls else ""
        entries.append(f'[[source]]\nid = "{source_id}"\n{url}vendor = "V"\nproduct = "P"\n')
    manifest = root / "sources.toml"
    manifest.write_text("\n".join(entries), encoding="utf-8")
    return manifest


def statuses(root: Path) -> dict[str, str]:
    with (root / "normalized" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        return {row["id"]: row["status"] for row in csv.DictReader(handle)}


def line_counts(line: str) -> tuple[int, list[int]]:
    """From the run's line: the number of sources and the numbers of its buckets."""
    match = re.search(r"from (\d+) sources? \(([^)]*)\)", line)
    assert match, line
    return int(match[1]), [int(n) for n in re.findall(r"(\d+) [a-z ]+", match[2])]


@pytest.fixture
def server() -> Iterator[TestServer]:
    etag = '"' + hashlib.sha256(ERRORS).hexdigest()[:16] + '"'

    def handle(request: BaseHTTPRequestHandler) -> None:
        if request.headers.get("If-None-Match") == etag:
            reply(request, 304, b"", {"ETag": etag})
        else:
            reply(request, 200, ERRORS, {"ETag": etag, "Content-Type": "text/markdown"})

    with TestServer(handle) as running:
        yield running


def test_every_source_is_counted_once_and_the_library_prints_nothing(
    tmp_path: Path, server: TestServer, capfd: pytest.CaptureFixture[str]
) -> None:
    put_local_page(tmp_path, "local", ERRORS)
    put_local_page(tmp_path, "params", NO_ERRORS)
    ids = ["local", "params", "missing", "web"]
    manifest = write_manifest(tmp_path, ids, {"web": server.url("/web.md")})
    progress: list[tuple[str, int, int, str]] = []

    def run(**options: object) -> RefreshReport:
        report = refresh(manifest, delay=0, timeout=5, on_progress=progress_seen, **options)  # type: ignore[arg-type]
        assert sum(report.counts().values()) == len(ids)
        total, numbers = line_counts(refresh_status_line(report))
        assert total == len(ids) and sum(numbers) == total
        return report

    def progress_seen(stage: str, done: int, total: int, source_id: str) -> None:
        progress.append((stage, done, total, source_id))

    first = run()
    assert {s.id: s.status for s in first.sources} == {
        "local": "ok",
        "params": "empty",
        "missing": "failed",
        "web": "ok",
    }
    assert first.counts() == {"parsed": 3, "unchanged upstream": 0, "failed": 1, "not selected": 0}
    assert progress == [
        ("fetch", 1, 1, "web"),
        *[("parse", n, len(ids), source_id) for n, source_id in enumerate(ids, start=1)],
    ]
    assert statuses(tmp_path)["params"] == "empty"

    # The local page gone, the web page answered 304: stale and unchanged.
    for name in ("local.md", "local.meta.json"):
        (tmp_path / "raw" / name).unlink()
    second = run()
    assert {s.id: s.status for s in second.sources} == {
        "local": "stale",
        "params": "empty",
        "missing": "failed",
        "web": "unchanged",
    }
    assert second.counts() == {"parsed": 1, "unchanged upstream": 1, "failed": 2, "not selected": 0}
    assert [s.rows for s in second.sources] == [2, 0, 0, 2]

    third = run(only=["params"])
    assert third.counts() == {"parsed": 1, "unchanged upstream": 0, "failed": 0, "not selected": 3}
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


def test_a_local_only_source_without_its_file_says_what_it_needs(tmp_path: Path) -> None:
    manifest = write_manifest(tmp_path, ["acme"])
    report = refresh(manifest, offline=True)
    (outcome,) = report.sources
    assert outcome.status == "failed"
    assert outcome.problem == (
        "no snapshot in raw/: a local-only source needs raw/acme.md (or .html, .txt) and "
        "raw/acme.meta.json naming it"
    )
    assert "online" not in outcome.problem


def test_a_failed_refresh_does_not_say_no_changes(tmp_path: Path) -> None:
    put_local_page(tmp_path, "one", ERRORS)
    put_local_page(tmp_path, "two", ERRORS.replace(b"E", b"F"))
    manifest = write_manifest(tmp_path, ["one", "two", "three"])
    refresh(manifest, offline=True)
    (tmp_path / "raw" / "two.md").write_bytes(b"torn")  # its metadata now disagrees

    proc = run_cli("refresh", "--offline", "--manifest", str(manifest))
    assert proc.returncode == 1
    out = proc.stdout.decode()
    assert out.splitlines()[0] == "No changes: 2 of 3 sources failed; their previous rows are kept."
    assert "- two (2 rows kept): " in out
    assert "- three (no rows yet): no snapshot in raw/" in out
    assert "No changes." not in out


def test_a_failure_beside_changes_is_listed_after_them(tmp_path: Path) -> None:
    put_local_page(tmp_path, "one", ERRORS)
    manifest = write_manifest(tmp_path, ["one", "two"])
    report = refresh(manifest, offline=True)
    text = render_refresh_report(report)
    assert text.startswith(diff.render_markdown(report.changes).rstrip("\n"))
    assert "**1 of 2 sources failed**; it had no rows to keep." in text
    assert "- two (no rows yet): no snapshot in raw/" in text


def test_a_source_with_no_rows_is_marked_empty_and_warned_about(tmp_path: Path) -> None:
    put_local_page(tmp_path, "params", NO_ERRORS)
    put_local_page(tmp_path, "errors", ERRORS)
    manifest = write_manifest(tmp_path, ["params", "errors"])
    proc = run_cli("refresh", "--offline", "--manifest", str(manifest))
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.decode().splitlines() if "warning" in line]
    assert warnings == [
        "scraper: warning: params: no rows: no error-code table among the 1 tables of its "
        "page; marked empty in sources.csv"
    ]
    assert statuses(tmp_path) == {"params": "empty", "errors": "ok"}

    # validate accepts the status, and names the source in a warning that fails nothing.
    checked = run_cli("validate", str(tmp_path / "normalized"))
    assert checked.returncode == 0, checked.stderr
    assert f"warning: {tmp_path}/normalized/sources.csv: params: empty: no rows" in (
        checked.stderr.decode().splitlines()
    )
    assert json.loads(checked.stdout)["warnings"] == [
        f"{tmp_path}/normalized/sources.csv: params: empty: no rows"
    ]


def test_validate_names_stale_and_failed_sources_in_warnings(tmp_path: Path) -> None:
    failing: list[bool] = []

    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 500 if failing else 200, ERRORS, {"Content-Type": "text/markdown"})

    with TestServer(handle) as server:
        manifest = write_manifest(tmp_path, ["kept", "never"], {"kept": server.url("/e.md")})
        refresh(manifest, delay=0, timeout=5, retries=0)
        failing.append(True)
        report = refresh(manifest, delay=0, timeout=5, retries=0)
    assert [s.status for s in report.sources] == ["stale", "failed"]
    checked = run_cli("validate", str(tmp_path / "normalized"))
    assert checked.returncode == 0, checked.stderr
    warnings = json.loads(checked.stdout)["warnings"]
    assert [w.split(": ")[1:3] for w in warnings] == [["kept", "stale"], ["never", "failed"]]
    assert "500" in warnings[0]


@given(st.lists(st.sampled_from(STATUSES), max_size=30))
def test_the_buckets_add_up_to_the_sources(statuses: list[str]) -> None:
    sources = [SourceOutcome(id=f"s{n}", status=status) for n, status in enumerate(statuses)]
    report = RefreshReport(
        manifest=Path("sources.toml"), sources=sources, changes=diff.compare({}, {})
    )
    assert sum(report.counts().values()) == len(sources)
    total, numbers = line_counts(refresh_status_line(report))
    assert (total, sum(numbers)) == (len(sources), len(sources))


def test_the_progress_bar_draws_each_stage_and_clears_its_line() -> None:
    import io

    from scraper.progress import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(enabled=True, stream=stream)
    bar("fetch", 1, 2, "web")
    bar("parse", 2, 2, "local")
    bar.close()
    drawn = stream.getvalue().split("\r")
    assert drawn[1].startswith("fetch [" + "#" * 15 + "-" * 15 + "] 1/2 web")
    assert drawn[2].startswith("parse [" + "#" * 30 + "] 2/2 local")
    assert drawn[-1] == "" and drawn[-2].strip() == ""

    quiet = io.StringIO()
    silent = ProgressBar(enabled=False, stream=quiet)
    silent("parse", 1, 1, "x")
    silent.close()
    assert quiet.getvalue() == ""
