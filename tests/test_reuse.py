"""A page's tables that are alike are read alike: reusing a reading never changes one.

Every table of every page at hand (the fixtures, the seeds and, when it is beside the project,
the corpus) is read twice: by a PageReader, in page order, and afresh on its own. The field of
each column and the verdict (error table or not) must be the same.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.columns import PageReader, read_table
from scraper.decode import decode_bytes
from scraper.extract import iter_tables, sniff_format
from tests.conftest import FIXTURES, SHARED

PAGE_SUFFIXES = (".md", ".html", ".txt")


def _pages() -> list[Path]:
    folders = [FIXTURES / "kinds", SHARED / "seeds", SHARED / "corpus" / "docs"]
    return sorted(
        page
        for folder in folders
        if folder.is_dir()
        for page in folder.iterdir()
        if page.suffix in PAGE_SUFFIXES
    )


@pytest.mark.parametrize("page", _pages(), ids=lambda p: p.name)
def test_reused_readings_equal_fresh_ones(page: Path) -> None:
    text, _ = decode_bytes(page.read_bytes())
    reader = PageReader()
    for table in iter_tables(text, sniff_format(text, page.name)):
        reused, fresh = reader.read(table), read_table(table)
        where = f"{page.name}: {table.locator}"
        assert reused.mapping.fields == fresh.mapping.fields, where
        assert reused.explanation.is_error_table == fresh.explanation.is_error_table, where
        assert reused.table.rows == fresh.table.rows, where


def test_a_page_of_like_tables_reuses_the_first_reading() -> None:
    section = "| Code | Description |\n|---|---|\n| E{n}01 | The token is invalid. |\n"
    page = "\n".join(f"## Errors {n}\n\n" + section.format(n=n) for n in range(1, 6))
    reader = PageReader()
    readings = [reader.read(t) for t in iter_tables(page, "markdown")]
    assert [r.mapping.fields for r in readings] == [{"code": 0, "description": 1}] * 5
    assert not any(
        "read as the table at" in " ".join(r.explanation.reasons[-1:]) for r in readings[:1]
    )
    assert all("read as the table at line 3" in r.explanation.reasons[-1] for r in readings[1:])
    assert [r.explanation.section for r in readings] == [f"Errors {n}" for n in range(1, 6)]
