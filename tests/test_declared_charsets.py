"""A declared charset that is wrong: the page is read in the codec that gives its tables.

A server (or the page itself) may declare a charset the bytes are not in: UTF-16 or EBCDIC on
a UTF-8 page decodes without error into text with no table. When the declared decoding gives no
table but strict UTF-8 or the page's own charset does, that one is taken, with a note.
"""

from __future__ import annotations

import csv
import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.decode import decode_page
from scraper.normalize import PageInfo
from scraper.pipeline import PageRecords, parse_page
from tests.conftest import run_cli
from tests.httpserver import TestServer, reply

MARKDOWN = (
    "# Errors\n\n| Error code | Message |\n|---|---|\n"
    "| InvalidParameter | The parameter is invalid: café |\n"
    "| Throttling | Too many requests. |\n"
)
HTML = (
    "<html><head><title>Errors</title></head><body><h2>Errors</h2><table>"
    "<tr><th>Error code</th><th>Message</th></tr>"
    "<tr><td>InvalidParameter</td><td>The parameter is invalid: café</td></tr>"
    "<tr><td>Throttling</td><td>Too many requests.</td></tr>"
    "</table></body></html> "
)
CHINESE_HTML = (
    '<html><head><meta charset="gbk"></head><body><h2>错误码</h2><table>'
    "<tr><th>错误码</th><th>错误信息</th></tr>"
    "<tr><td>InvalidParameter</td><td>参数错误</td></tr>"
    "<tr><td>Throttling</td><td>请求过多</td></tr>"
    "</table></body></html>"
)
PAGES: dict[str, tuple[bytes, str]] = {
    "/utf16.md": (MARKDOWN.encode("utf-8"), "text/markdown; charset=utf-16"),
    "/cp500.md": (MARKDOWN.encode("utf-8"), "text/markdown; charset=cp500"),
    "/utf16.html": (HTML.encode("utf-8"), "text/html; charset=UTF-16"),
    "/cp500.html": (HTML.encode("utf-8"), "text/html; charset=cp500"),
    "/gbk.html": (CHINESE_HTML.encode("gbk"), "text/html; charset=utf-16"),
    "/gbk-cp500.html": (CHINESE_HTML.encode("gbk"), "text/html; charset=cp500"),
    "/right.html": (HTML.encode("utf-8"), "text/html; charset=utf-8"),
}
PAGE = PageInfo(source="page", vendor="", product="", lang="", url="", sha256="")


def _handle(request: BaseHTTPRequestHandler) -> None:
    if request.path in PAGES:
        body, content_type = PAGES[request.path]
        reply(request, 200, body, {"Content-Type": content_type})
    else:
        reply(request, 404)


@pytest.fixture(scope="module")
def server() -> object:
    with TestServer(_handle) as running:
        yield running


NO_TABLE = "the page has no table in it, 1 in utf-8; read as utf-8"
NOT_TEXT = "the page is not text in it; read as utf-8"


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/utf16.md", NO_TABLE),
        ("/cp500.md", NO_TABLE),
        ("/utf16.html", NO_TABLE),
        ("/cp500.html", NOT_TEXT),
    ],
)
def test_parse_reads_a_utf8_page_whose_server_lies_about_its_charset(
    server: TestServer, path: str, why: str
) -> None:
    proc = run_cli("parse", server.url(path))
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    records = [json.loads(line) for line in proc.stdout.decode().splitlines()]
    assert [r["code"] for r in records] == ["InvalidParameter", "Throttling"]
    assert records[0]["message"] == "The parameter is invalid: café"
    charset = PAGES[path][1].rpartition("=")[2]
    notes = err.splitlines()
    assert (
        notes[0]
        == f"{server.url(path)}: charset {charset!r} declared by the server is wrong: {why}"
    )
    assert "2 records from 1 of 1 tables" in notes[-1] and "utf-8" in notes[-1]


@pytest.mark.parametrize(
    ("path", "why"),
    [
        ("/gbk.html", "the page has no table in it, 1 in gb18030"),
        ("/gbk-cp500.html", "the page is not text in it"),
    ],
)
def test_the_pages_own_charset_is_tried_when_the_server_lies(
    server: TestServer, path: str, why: str
) -> None:
    proc = run_cli("parse", server.url(path), "--format", "csv")
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    records = list(csv.DictReader(io.StringIO(proc.stdout.decode())))
    assert [r["description"] for r in records] == ["参数错误", "请求过多"]
    charset = PAGES[path][1].rpartition("=")[2]
    assert f"charset {charset!r} declared by the server is wrong: {why}" in err
    assert "read as gb18030" in err


def test_a_server_with_the_right_charset_gets_no_note(server: TestServer) -> None:
    proc = run_cli("parse", server.url("/right.html"))
    assert proc.returncode == 0
    assert len(proc.stdout.splitlines()) == 2
    assert "wrong" not in proc.stderr.decode()


def test_a_page_whose_meta_charset_lies_is_read_as_utf8(tmp_path: Path) -> None:
    page = tmp_path / "errors.html"
    page.write_bytes(HTML.replace("<head>", '<head><meta charset="utf-16">').encode("utf-8"))
    proc = run_cli("parse", str(page))
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    assert len(proc.stdout.splitlines()) == 2
    assert "charset 'utf-16' declared by the page is wrong" in err


def test_refresh_takes_the_rows_of_a_page_whose_server_lies(
    tmp_path: Path, server: TestServer
) -> None:
    manifest = tmp_path / "sources.toml"
    manifest.write_text(
        f'[[source]]\nid = "liar"\nurl = "{server.url("/utf16.md")}"\n'
        'vendor = "V"\nproduct = "P"\n',
        encoding="utf-8",
    )
    proc = run_cli("refresh", "--manifest", str(manifest), "--delay", "0", "--timeout", "5")
    assert proc.returncode == 0, proc.stderr
    sources_csv = (tmp_path / "normalized" / "sources.csv").read_text(encoding="utf-8")
    (row,) = csv.DictReader(io.StringIO(sources_csv))
    assert (row["status"], row["tables"], row["rows"]) == ("ok", "1", "2")


def test_the_library_notes_the_wrong_charset_and_what_was_read() -> None:
    parsed = parse_page(MARKDOWN.encode("utf-8"), PAGE, http_charset="utf-16", filename="e.md")
    assert len(parsed.records) == 2
    assert parsed.encoding == "utf-8"
    assert parsed.tables == 1 and parsed.error_tables == 1
    assert "declared by the server is wrong" in parsed.notes[0]


def test_a_declared_charset_that_gives_no_table_elsewhere_either_is_kept() -> None:
    body = "# 说明\n\n没有表格。\n".encode("gbk")
    parsed = parse_page(body, PAGE, http_charset="gbk", filename="e.md")
    assert parsed.encoding == "gb18030"
    assert parsed.tables == 0
    assert parsed.notes == ()


@pytest.mark.parametrize(
    ("body", "charset"),
    [
        (MARKDOWN.encode("utf-8"), "utf-8"),
        (MARKDOWN.encode("utf-8"), ""),
        (MARKDOWN.encode("utf-8"), "iso-8859-1"),
        (MARKDOWN.replace("é", "e").encode("ascii"), "iso-8859-1"),
        (CHINESE_HTML.encode("gbk"), "gbk"),
        (CHINESE_HTML.encode("gbk"), ""),
    ],
)
def test_a_page_read_in_its_right_charset_keeps_nothing_for_a_second_reading(
    body: bytes, charset: str
) -> None:
    decoded = decode_page(body, http_charset=charset)
    assert decoded.alternatives == ()
    stream = PageRecords(body, PAGE, http_charset=charset, filename="e.md")
    assert stream._retry is None
    assert len(list(stream)) == 2


def test_only_codecs_that_may_read_the_page_differently_are_alternatives() -> None:
    utf8 = MARKDOWN.encode("utf-8")
    assert decode_page(utf8, http_charset="utf-16").alternatives == ("utf-8",)
    assert decode_page(utf8, http_charset="cp500").alternatives == ("utf-8",)
    gbk = CHINESE_HTML.encode("gbk")
    assert decode_page(gbk, http_charset="utf-16").alternatives == ("gb18030",)
    assert decode_page(gbk, http_charset="utf-16").declared_by == "server"
    assert decode_page(gbk, http_charset="cp500").refused == ("cp500", "server")
