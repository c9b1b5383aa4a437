"""refresh and diff end to end: real processes against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest

from scraper import refresh_sources
from scraper import refreshing as refresh_module
from scraper.normalize import PageInfo
from scraper.pipeline import ParsedPage, parse_page
from scraper.types import NO_OVERRIDES, ColumnOverrides
from tests.conftest import ROOT, run_cli
from tests.httpserver import TestServer, reply

# The four seed pages that have a URL, served from the committed snapshots.
PAGES = {
    "/jd": ("jd", "jdcloud-jcq-response-result"),
    "/ali-en": ("ali-en", "alibaba-mqtt-openapi-errors-en"),
    "/ali-tc": ("ali-tc", "alibaba-mqtt-openapi-errors-zh-hant"),
    "/otc": ("otc", "otc-lts-status-code"),
}


class Site:
    """Pages by path, each with an ETag; 304 to a matching If-None-Match; scripted failures."""

    def __init__(self) -> None:
        self.pages = {
            path: (ROOT / "raw" / f"{seed}.txt").read_bytes() for path, (_, seed) in PAGES.items()
        }
        self.failing: set[str] = set()
        self.not_modified = 0

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if request.path in self.failing:
            reply(request, 500, b"upstream broke")
            return
        body = self.pages.get(request.path)
        if body is None:
            reply(request, 404, b"no such page")
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if request.headers.get("If-None-Match") == etag:
            self.not_modified += 1
            reply(request, 304, b"", {"ETag": etag})
            return
        reply(request, 200, body, {"ETag": etag, "Content-Type": "text/markdown; charset=utf-8"})


@pytest.fixture
def site() -> Iterator[tuple[Site, TestServer]]:
    content = Site()
    with TestServer(content.handle) as server:
        yield content, server


def make_project(folder: Path, server: TestServer) -> Path:
    entries = []
    for path, (_, seed) in PAGES.items():
        entries.append(
            f'[[source]]\nid = "{seed}"\nurl = "{server.url(path)}"\n'
            f'vendor = "Vendor"\nproduct = "Product"\n'
        )
    manifest = folder / "sources.toml"
    manifest.write_text("\n".join(entries), encoding="utf-8")
    return manifest


def refresh(manifest: Path, *extra: str) -> tuple[int, str, str]:
    proc = run_cli("refresh", "--manifest", str(manifest), "--delay", "0", "--timeout", "5", *extra)
    return proc.returncode, proc.stdout.decode(), proc.stderr.decode()


def tree(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != "sources.toml"
    }


def rows(folder: Path) -> list[dict[str, str]]:
    with (folder / "normalized" / "errors.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_first_refresh_then_revalidation_changes_nothing(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    code, out, err = refresh(manifest)
    assert code == 0, err
    assert len(rows(tmp_path)) == 58
    assert "58 added" in out
    before = tree(tmp_path)
    assert "raw/jdcloud-jcq-response-result.md" in before

    code, out, err = refresh(manifest)
    assert code == 0, err
    assert content.not_modified == 4
    assert "(0 parsed, 4 unchanged upstream" in err
    assert out.strip() == "No changes."
    assert "no file changed" in err
    assert tree(tmp_path) == before


def test_a_changed_page_is_summarized_and_diffed(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    old = tmp_path / "old"
    shutil.copytree(tmp_path / "normalized", old)

    page = content.pages["/ali-en"].decode()
    lines = page.splitlines(keepends=True)
    lines = [line for line in lines if "| ApiNotSupport |" not in line]
    lines.insert(3, "| 429 | ThrottlingNew | Too many calls. | Calls are being throttled. |\n")
    page = "".join(lines).replace(
        "| Requests are being throttled. Retry the request. |",
        "| Requests are throttled. Wait a minute, then retry. |",
    )
    content.pages["/ali-en"] = page.encode()

    code, summary, err = refresh(manifest)
    assert code == 0, err
    for name in ("ApiNotSupport", "ThrottlingNew", "SystemOverFlow"):
        assert name in summary
    assert "1 added, 1 removed, 1 changed" in summary
    assert '"Requests are being throttled. Retry the request." -> ' in summary

    markdown = run_cli("diff", str(old), str(tmp_path / "normalized"))
    assert markdown.returncode == 0
    assert markdown.stdout.decode() == summary

    as_json = run_cli(
        "diff", str(old / "errors.json"), str(tmp_path / "normalized"), "--format", "json"
    )
    data = json.loads(as_json.stdout)
    assert data["summary"]["added"] == 1
    assert data["summary"]["removed"] == 1
    assert data["summary"]["changed"] == 1
    text = as_json.stdout.decode()
    for name in ("ApiNotSupport", "ThrottlingNew", "SystemOverFlow"):
        assert name in text


def test_a_failing_source_keeps_its_rows_and_is_marked(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    content.failing.add("/otc")
    content.pages["/jd"] = content.pages["/jd"].replace(b"ack failed", b"ack has failed")

    code, out, err = refresh(manifest, "--retries", "0")
    assert code == 1
    assert "Traceback" not in err
    failure_lines = [line for line in err.splitlines() if "otc-lts-status-code" in line]
    assert len(failure_lines) == 1
    assert "500" in failure_lines[0]
    kept = [r for r in rows(tmp_path) if r["source"] == "otc-lts-status-code"]
    assert len(kept) == 11
    assert "ack has failed" in out
    with (tmp_path / "normalized" / "sources.csv").open(encoding="utf-8", newline="") as handle:
        status = {r["id"]: (r["status"], r["error"]) for r in csv.DictReader(handle)}
    assert status["otc-lts-status-code"][0] == "stale"
    assert "500" in status["otc-lts-status-code"][1]
    assert status["jdcloud-jcq-response-result"] == ("ok", "")


def test_a_page_that_loses_most_rows_is_held_back(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    content.pages["/jd"] = b"# Returned Result\n\nThis page moved.\n"

    code, _, err = refresh(manifest)
    assert code == 1
    assert "jdcloud-jcq-response-result: row count would fall from 13 to 0" in err
    assert len([r for r in rows(tmp_path) if r["source"] == "jdcloud-jcq-response-result"]) == 13

    code, out, err = refresh(manifest, "--accept-drops")
    assert code == 0, err
    assert "13 removed" in out
    assert not [r for r in rows(tmp_path) if r["source"] == "jdcloud-jcq-response-result"]


def test_only_the_named_source_is_fetched(tmp_path: Path, site: tuple[Site, TestServer]) -> None:
    _, server = site
    manifest = make_project(tmp_path, server)
    code, _, err = refresh(manifest, "--source", "otc-lts-status-code")
    assert code == 1  # the others have no snapshot yet
    assert server.count("/otc") == 1
    assert server.count("/jd") == 0
    assert len(rows(tmp_path)) == 11
    assert "jdcloud-jcq-response-result: no snapshot" in err


def test_an_unknown_source_id_is_a_clear_error(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    _, server = site
    manifest = make_project(tmp_path, server)
    code, _, err = refresh(manifest, "--source", "nope")
    assert code == 2  # a usage error, as a mistyped option is
    assert err.strip().splitlines() == [f"scraper: {manifest}: no source with id 'nope'"]


def test_parse_accepts_a_url(site: tuple[Site, TestServer]) -> None:
    _, server = site
    proc = run_cli("parse", server.url("/jd"))
    assert proc.returncode == 0, proc.stderr
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert len(records) == 13
    assert records[0]["url"] == server.url("/jd")


def test_parse_of_a_missing_url_names_it(site: tuple[Site, TestServer]) -> None:
    _, server = site
    proc = run_cli("parse", server.url("/gone"))
    assert proc.returncode == 1
    lines = proc.stderr.decode().strip().splitlines()
    assert len(lines) == 1
    assert "404" in lines[0]


def test_hostile_servers_fail_their_sources_cleanly(tmp_path: Path) -> None:
    """An endless body, a slow drip, a reset, a redirect to ftp and a gzip bomb: each fails
    its own source with one line, in bounded time, while a good source refreshes."""
    import gzip
    import socket
    import struct
    import time

    good = (ROOT / "raw" / "jdcloud-jcq-response-result.txt").read_bytes()
    bomb = gzip.compress(b"\0" * (32 * 1024 * 1024), compresslevel=9)

    def handle(request: BaseHTTPRequestHandler) -> None:
        path = request.path
        if path == "/good":
            reply(request, 200, good)
        elif path in ("/endless", "/drip"):
            request.send_response(200)
            request.end_headers()
            for _ in range(100_000):
                request.wfile.write(b"x" * (65536 if path == "/endless" else 1))
                request.wfile.flush()
                if path == "/drip":
                    time.sleep(0.05)
        elif path == "/reset":
            linger = struct.pack("ii", 1, 0)
            request.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            request.close_connection = True
        elif path == "/ftp":
            reply(request, 302, b"", {"Location": "ftp://127.0.0.1/page"})
        elif path == "/bomb":
            reply(request, 200, bomb, {"Content-Encoding": "gzip"})

    names = ["good", "endless", "drip", "reset", "ftp", "bomb"]
    with TestServer(handle) as server:
        manifest = tmp_path / "sources.toml"
        manifest.write_text(
            "\n".join(
                f'[[source]]\nid = "{name}"\nurl = "{server.url("/" + name)}"\n'
                'vendor = "V"\nproduct = "P"\n'
                for name in names
            ),
            encoding="utf-8",
        )
        started = time.monotonic()
        code, _, err = refresh(
            manifest, "--retries", "0", "--timeout", "2", "--max-bytes", "1000000"
        )
    assert time.monotonic() - started < 60
    assert code == 1
    assert "Traceback" not in err
    for name in names[1:]:
        lines = [line for line in err.splitlines() if line.startswith(f"scraper: {name}:")]
        assert len(lines) == 1, (name, err)
    assert len([r for r in rows(tmp_path) if r["source"] == "good"]) == 13


def test_a_sources_overrides_reach_the_page_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    body = (
        b"| Error code | Error message | Measure |\n|---|---|---|\n| 400 | InvalidToken | Retry |\n"
    )
    for source_id in ("acme", "plain"):
        (raw / f"{source_id}.md").write_bytes(body)
        (raw / f"{source_id}.meta.json").write_text(f'{{"file": "{source_id}.md"}}\n')
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        '[[source]]\nid = "acme"\nvendor = "V"\nproduct = "P"\n'
        'columns = {"Error code" = "http_status", "1" = "code", "Measure" = "suggestion"}\n'
        "header = true\n\n"
        '[[source]]\nid = "plain"\nvendor = "V"\nproduct = "P"\n',
        encoding="utf-8",
    )
    seen: dict[str, ColumnOverrides] = {}

    def recording_parse_page(body: bytes, page: PageInfo, **kwargs: Any) -> ParsedPage:
        seen[page.source] = page.overrides
        return parse_page(body, page, **kwargs)

    monkeypatch.setattr(refresh_sources, "parse_page", recording_parse_page)
    report = refresh_module.refresh(manifest, offline=True)
    assert report.problems == []
    assert seen == {
        "acme": ColumnOverrides(
            columns=(("1", "code"), ("Error code", "http_status"), ("Measure", "suggestion")),
            header=True,
        ),
        "plain": NO_OVERRIDES,
    }


TORN: dict[str, Callable[[Path, str], object]] = {
    # A kill between the body's write and its metadata's: the body is new, the digest old.
    "body changed": lambda raw, seed: (raw / f"{seed}.md").write_bytes(
        (raw / f"{seed}.md").read_bytes() + b"\nA line the metadata does not know.\n"
    ),
    "meta of the wrong type": lambda raw, seed: _edit_meta(raw, seed, etag=123),
    "meta not JSON": lambda raw, seed: (raw / f"{seed}.meta.json").write_text("{\n"),
}


def _edit_meta(raw: Path, seed: str, **changes: object) -> None:
    path = raw / f"{seed}.meta.json"
    path.write_text(json.dumps({**json.loads(path.read_text()), **changes}))


@pytest.mark.parametrize("tear", sorted(TORN))
def test_a_torn_snapshot_is_fetched_again_and_repaired(
    tmp_path: Path, site: tuple[Site, TestServer], tear: str
) -> None:
    _, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    good = tree(tmp_path)
    seed = "jdcloud-jcq-response-result"
    TORN[tear](tmp_path / "raw", seed)

    # Offline nothing can heal it: the source is stale, and the message says what will.
    code, _, err = refresh(manifest, "--offline")
    assert code == 1
    lines = [line for line in err.splitlines() if line.startswith(f"scraper: {seed}:")]
    assert len(lines) == 1, err
    assert f"run `refresh --source {seed}` online" in lines[0]
    assert len([r for r in rows(tmp_path) if r["source"] == seed]) == 13

    # Online, the page is fetched whole (no validators from metadata that cannot be trusted)
    # and the snapshot repaired: raw/ and normalized/ are as before the tear.
    asked = server.count("/jd")
    code, _, err = refresh(manifest)
    assert code == 0, err
    requests = [seen for seen in server.seen if seen.path == "/jd"][asked:]
    assert len(requests) == 1
    assert "if-none-match" not in requests[0].headers
    assert "if-modified-since" not in requests[0].headers
    assert tree(tmp_path) == good


def test_a_page_held_back_keeps_its_snapshot_with_its_rows(
    tmp_path: Path, site: tuple[Site, TestServer]
) -> None:
    content, server = site
    manifest = make_project(tmp_path, server)
    assert refresh(manifest)[0] == 0
    before = tree(tmp_path)

    # The drop gate, then a page that cannot be read: rows and snapshot both stay.
    for page, why in (
        (b"# Returned Result\n\nThis page moved.\n", "row count would fall from 13 to 0"),
        (b"\x00\x01\x02\xff" * 64, ""),
    ):
        content.pages["/jd"] = page
        code, _, err = refresh(manifest)
        assert code == 1
        assert f"jdcloud-jcq-response-result: {why}" in err
        now = tree(tmp_path)
        assert {k: v for k, v in now.items() if k.startswith("raw/")} == {
            k: v for k, v in before.items() if k.startswith("raw/")
        }
        # The rows kept are still the rows of the snapshot kept: an offline rebuild agrees.
        code, _, err = refresh(manifest, "--offline")
        assert code == 0, err
        assert tree(tmp_path) == before

    content.pages["/jd"] = b"# Returned Result\n\nThis page moved.\n"
    code, _, err = refresh(manifest, "--accept-drops")
    assert code == 0, err
    assert (tmp_path / "raw" / "jdcloud-jcq-response-result.md").read_bytes() == content.pages[
        "/jd"
    ]


class ChurningSite(Site):
    """A server that gives every answer a new ETag and Last-Modified, whatever the body."""

    def __init__(self) -> None:
        super().__init__()
        self.answers = 0

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        body = self.pages[request.path]
        self.answers += 1
        reply(
            request,
            200,
            body,
            {
                "ETag": f'"v{self.answers}"',
                "Last-Modified": f"Mon, 01 Jan 2024 00:00:{self.answers % 60:02d} GMT",
                "Content-Type": "text/markdown; charset=utf-8",
            },
        )


def test_new_validators_with_the_same_body_change_no_file(tmp_path: Path) -> None:
    content = ChurningSite()
    with TestServer(content.handle) as server:
        manifest = make_project(tmp_path, server)
        assert refresh(manifest)[0] == 0
        before = tree(tmp_path)
        code, out, err = refresh(manifest)
        assert code == 0, err
        assert content.answers == 8
        assert "(0 parsed, 4 unchanged upstream" in err
        assert out.strip() == "No changes."
        assert tree(tmp_path) == before


def test_refresh_prints_the_notes_of_the_pages_it_parsed(tmp_path: Path) -> None:
    page = (
        "# Errors\n\n| Error code | Message |\n|---|---|\n"
        "| InvalidParameter | The parameter is invalid: café |\n"
    ).encode()

    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 200, page, {"Content-Type": "text/markdown; charset=utf-16"})

    with TestServer(handle) as server:
        manifest = tmp_path / "sources.toml"
        manifest.write_text(
            f'[[source]]\nid = "liar"\nurl = "{server.url("/e.md")}"\n'
            'vendor = "V"\nproduct = "P"\n',
            encoding="utf-8",
        )
        code, _, err = refresh(manifest)
    assert code == 0, err
    notes = [line for line in err.splitlines() if line.startswith("scraper: liar: ")]
    assert len(notes) == 1, err
    assert "charset 'utf-16' declared by the server is wrong" in notes[0]
    # An offline refresh parses the snapshot again, and says so again; --quiet says nothing.
    code, _, err = refresh(manifest, "--offline")
    assert code == 0, err
    assert [line for line in err.splitlines() if line.startswith("scraper: liar: ")] == notes
    code, _, err = refresh(manifest, "--offline", "--quiet")
    assert (code, err) == (0, "")
