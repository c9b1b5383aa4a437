"""The benchmark's pages and outputs are right, never its speed: benchpages.py and bench.py."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys

import pytest

from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.types import Record
from scripts import benchpages
from tests.conftest import ROOT

CONTENT = ("section", "http_status", "code", "title", "message", "description", "suggestion")

# Small pages: 4 sections of 10 rows hold CJK rows and a mojibake row (see benchpages).
SECTIONS, ROWS = 4, 10


def content(records: list[Record]) -> list[dict[str, object]]:
    return [{name: getattr(record, name) for name in CONTENT} for record in records]


def parse(text: str, filename: str) -> list[Record]:
    return parse_page(text.encode("utf-8"), PageInfo(source="bench"), filename=filename).records


def test_pages_are_deterministic() -> None:
    assert benchpages.html_page(SECTIONS, ROWS) == benchpages.html_page(SECTIONS, ROWS)
    assert benchpages.markdown_page(SECTIONS, ROWS) == benchpages.markdown_page(SECTIONS, ROWS)
    assert benchpages.html_page(SECTIONS, ROWS, seed=1) != benchpages.html_page(SECTIONS, ROWS)


def test_pages_do_not_depend_on_the_process() -> None:
    """Same bytes in another process with another hash seed: nothing rests on hash order."""
    code = (
        "import hashlib, sys\n"
        "from scripts import benchpages\n"
        "page = benchpages.html_page(4, 10) + benchpages.markdown_page(4, 10)\n"
        "sys.stdout.write(hashlib.sha256(page.encode()).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": str(ROOT)}
    proc = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=True
    )
    page = benchpages.html_page(4, 10) + benchpages.markdown_page(4, 10)
    assert proc.stdout.decode() == hashlib.sha256(page.encode()).hexdigest()


def test_small_pages_hold_every_kind_of_row() -> None:
    rows = [row for part in benchpages.page_sections(SECTIONS, ROWS) for row in part.rows]
    kinds = {row.kind for row in rows}
    assert kinds == {"en", "cjk", "mojibake"}
    html = benchpages.html_page(SECTIONS, ROWS)
    markdown = benchpages.markdown_page(SECTIONS, ROWS)
    for row in rows:
        if row.kind == "mojibake":
            # The page shows the mangled text, never the original.
            assert row.description_published == benchpages.mojibake(row.description)
            assert row.description_published != row.description
            assert row.description_published in html and row.description_published in markdown
            assert row.suggestion_published == benchpages.mojibake(row.suggestion)
        if row.kind != "en":
            assert row.message.isascii() and not row.description.isascii()
    assert "<strong>" in benchpages.html_page(20, ROWS) and "**" in benchpages.markdown_page(20)
    for part in benchpages.page_sections(20, 50):
        codes = [row.code for row in part.rows]
        assert len(set(codes)) == len(codes)


def test_sizes_scale_with_the_arguments() -> None:
    small, big = benchpages.html_page(2, 5), benchpages.html_page(4, 10)
    assert 3 * len(small) < len(big)
    assert len(benchpages.expected_rows(3, 7)) == 21


def test_html_page_gives_every_row() -> None:
    records = parse(benchpages.html_page(SECTIONS, ROWS), "page.html")
    assert len(records) == SECTIONS * ROWS
    assert content(records) == benchpages.expected_rows(SECTIONS, ROWS)
    assert [r.code for r in records] == [
        row.code for part in benchpages.page_sections(SECTIONS, ROWS) for row in part.rows
    ]
    kinds = [row.kind for part in benchpages.page_sections(SECTIONS, ROWS) for row in part.rows]
    for record, kind in zip(records, kinds, strict=True):
        # Mojibake is repaired and the repair recorded; nothing else is touched.
        assert bool(record.repairs) == (kind == "mojibake")


def test_markdown_page_gives_the_same_records_as_the_html_page() -> None:
    html = parse(benchpages.html_page(SECTIONS, ROWS), "page.html")
    markdown = parse(benchpages.markdown_page(SECTIONS, ROWS), "page.md")
    assert content(markdown) == content(html)
    assert [r.repairs for r in markdown] == [r.repairs for r in html]


@pytest.mark.parametrize(
    ("generate", "filename"),
    [(benchpages.html_page, "page.html"), (benchpages.markdown_page, "page.md")],
)
def test_each_section_alone_gives_the_records_of_the_big_page(
    generate: benchpages.PageFunction, filename: str
) -> None:
    whole = content(parse(generate(SECTIONS, ROWS), filename))
    alone: list[dict[str, object]] = []
    for index in range(SECTIONS):
        alone.extend(content(parse(generate(1, ROWS, first=index), filename)))
    assert alone == whole


def test_full_size_page_gives_all_ten_thousand_rows() -> None:
    records = parse(benchpages.html_page(200, 50), "page.html")
    assert len(records) == 10_000
    assert content(records) == benchpages.expected_rows(200, 50)
    assert len({r.key for r in records}) == 10_000
    assert sum(1 for r in records if r.repairs) == 100


def test_bench_harness_checks_and_reports() -> None:
    """A tiny run of the harness: every competitor's output passes its check, refresh included."""
    proc = subprocess.run(
        [
            sys.executable,
            *("-m", "scripts.bench"),
            *("--rounds", "1", "--sections", "4", "--rows", "10", "--sources", "12"),
            "--no-write",
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    table = proc.stdout.decode().splitlines()
    assert table[0].startswith("| task |")
    lines = [line for line in table if line.startswith("| parse") or line.startswith("| refresh")]
    assert len(lines) == 5
    for line in lines[:3]:
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        assert cells[-2:] == ["40", "40"]
    assert "refresh 12 sources, cold" in lines[3] and "refresh 12 sources, warm" in lines[4]
