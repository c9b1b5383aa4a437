"""Hostile pages: each gives records or a clean error, in bounded time and memory.

Every case runs the real command in a child process limited to 2 GiB of address space and
60 seconds, on `parse` and, for the set as a whole, on `refresh`.
"""

from __future__ import annotations

import gzip
import resource
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

TWO_GIB = 2 * 1024**3
TABLE = "| Error code | Message |\n|---|---|\n"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (TWO_GIB, TWO_GIB))


def run_limited(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "scraper", *args],
        cwd=cwd,
        capture_output=True,
        timeout=60,
        preexec_fn=_limit_memory,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )


def hostile_pages() -> dict[str, bytes]:
    deep = b"<div>" * 100_000
    return {
        "binary.bin": bytes(range(256)) * 64,
        "nul-bytes.md": (TABLE + "| E1 | a\x00b |\n").encode(),
        "utf16-no-bom.md": (TABLE + "| E1 | 中文的说明 |\n" * 20).encode("utf-16-le"),
        "mixed-encodings.md": (TABLE + "| E1 | 中文 |\n").encode()
        + "| E2 | 中文 |\n".encode("gbk"),
        "long-line.md": (TABLE + "| E1 | " + "x" * 8_000_000 + " |\n").encode(),
        "empty.md": b"",
        "billion-laughs.html": (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b"]><html><body><h1>Errors</h1><table><tr><th>Error code</th><th>Message</th></tr>"
            b"<tr><td>E1</td><td>&c;</td></tr></table></body></html>"
        ),
        "xxe.html": (
            b'<?xml version="1.0"?><!DOCTYPE f [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<html><body><h1>Errors</h1><table><tr><th>Error code</th><th>Message</th></tr>"
            b"<tr><td>E1</td><td>&x;</td></tr></table></body></html>"
        ),
        "deep-nesting.html": deep + b"<table><tr><td>x</td></tr></table>",
        "tag-soup.html": b"<table><tr><td><table><tr><b><i><td></b>" * 20_000,
        "huge-spans.html": (
            b"<h1>Errors</h1><table><tr><th>Error code</th><th>Message</th></tr>"
            b'<tr><td rowspan="999999999" colspan="999999999">E1</td><td>x</td></tr>'
            + b"<tr><td>E2</td><td>y</td></tr>" * 200
            + b"</table>"
        ),
        "wide-rows.html": b"<h1>Errors</h1><table><tr><th>Error code</th><th>Message</th></tr>"
        + (b"<tr>" + b'<td colspan="1000">E</td>' * 1000 + b"</tr>") * 20
        + b"</table>",
        "piped-prose.md": b"a | b\n" * 200_000,
        "nested-emphasis.md": (TABLE + "| E1 | " + "*a **" * 50_000 + " |\n").encode(),
        "gzip-file.html": gzip.compress(b"<table>" * 100_000),
    }


def _assert_clean(proc: subprocess.CompletedProcess[bytes], name: str) -> None:
    err = proc.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    if proc.returncode != 0:
        lines = [line for line in err.splitlines() if line.strip()]
        assert 1 <= len(lines) <= 3, err
        assert proc.returncode in (1, 2)
        assert name in err


@pytest.mark.parametrize("name", sorted(hostile_pages()))
def test_parse_survives_hostile_page(tmp_path: Path, name: str) -> None:
    page = tmp_path / name
    page.write_bytes(hostile_pages()[name])
    proc = run_limited("parse", str(page))
    _assert_clean(proc, name)
    if proc.returncode == 0:
        for line in proc.stdout.decode().splitlines():
            assert line.startswith("{")


def test_a_page_over_the_byte_limit_fails_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "big.md"
    page.write_bytes(b"x" * 2048)
    proc = run_limited("parse", str(page), "--max-bytes", "1024")
    assert proc.returncode == 1
    assert "over the 1024-byte limit" in proc.stderr.decode()


def test_a_table_over_the_row_limit_fails_cleanly(tmp_path: Path) -> None:
    page = tmp_path / "rows.md"
    page.write_text(TABLE + "| E | m |\n" * 50, encoding="utf-8")
    proc = run_limited("parse", str(page), "--max-rows", "10")
    assert proc.returncode == 1
    assert "over 10 rows" in proc.stderr.decode()


def test_clamped_spans_are_noted(tmp_path: Path) -> None:
    page = tmp_path / "huge-spans.html"
    page.write_bytes(hostile_pages()["huge-spans.html"])
    proc = run_limited("parse", str(page))
    assert proc.returncode == 0
    assert "clamped to" in proc.stderr.decode()


def test_refresh_survives_hostile_snapshots(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    entries = []
    pages = hostile_pages()
    ids = []
    for index, (name, body) in enumerate(sorted(pages.items())):
        source_id = f"hostile-{index}"
        ids.append(source_id)
        (raw / f"{source_id}.txt").write_bytes(body)
        (raw / f"{source_id}.meta.json").write_text(f'{{"file": "{source_id}.txt"}}\n')
        fmt = "html" if name.endswith(".html") else "markdown"
        entries.append(
            f'[[source]]\nid = "{source_id}"\nvendor = "V"\nproduct = "{name}"\nformat = "{fmt}"\n'
        )
    shutil.copy(ROOT / "raw" / "jdcloud-jcq-response-result.txt", raw / "good.txt")
    (raw / "good.meta.json").write_text('{"file": "good.txt"}\n')
    entries.append('[[source]]\nid = "good"\nvendor = "V"\nproduct = "P"\n')
    (tmp_path / "sources.toml").write_text("\n".join(entries), encoding="utf-8")

    proc = run_limited("refresh", "--offline", "--manifest", str(tmp_path / "sources.toml"))
    err = proc.stderr.decode()
    assert "Traceback" not in err
    failed = [line for line in err.splitlines() if line.startswith("scraper: hostile-")]
    assert proc.returncode == (1 if failed else 0)
    for line in failed:
        assert len(line) < 400
    sources = (tmp_path / "normalized" / "sources.csv").read_text(encoding="utf-8")
    assert "\ngood,V,P,en," in sources
    assert ",13,ok," in sources
    check = run_limited("validate", str(tmp_path / "normalized"))
    assert check.returncode == 0, check.stderr
