"""Large, deterministic error-code pages for the benchmark and its tests (no downloads).

The same content comes as a DITA-like HTML page (thead/tbody, every cell's text in a <p> behind a
doubled pair of <a name> anchors, <strong> here and there, long class/id/headers/width
attributes) and as a markdown page of pipe tables. Each section is an <h2>/## heading and a
five-column table: HTTP status, error code, message, description, solution.

Every section is generated from its own seed (the page seed, its index and the row count), so a
section reads the same whatever page it is part of: `html_page(1, rows, first=i)` is section i
of `html_page(n, rows)`. Row kinds follow a fixed schedule over the page's global row index
(section * rows + row): in every 100 rows, 8 have Chinese, Japanese or Korean description and
solution (the message stays English), and 1 of those has its CJK cells as mojibake (the UTF-8
bytes read as cp1252). A page of 40 or more rows therefore holds both kinds.

    html_page(sections=200, rows=50)     # about 8 MB
    markdown_page(sections=200, rows=50)
    expected_rows(sections=200, rows=50) # what a faithful parser gives, per row

The parts live in scripts/benchlib (page_words, page_rows, page_html, page_markdown); this
module is their one entry point. From the project's root, `python -m scripts.benchpages
[SECTIONS] [html|markdown]` writes a page to stdout.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Protocol

from scripts.benchlib.page_html import html_page
from scripts.benchlib.page_markdown import markdown_page
from scripts.benchlib.page_rows import (
    SEED,
    Row,
    Section,
    expected_rows,
    mojibake,
    page_sections,
    section,
)
from scripts.benchlib.page_words import HEADERS

__all__ = [
    "HEADERS",
    "SEED",
    "PageFunction",
    "Row",
    "Section",
    "expected_rows",
    "html_page",
    "markdown_page",
    "mojibake",
    "page_sections",
    "section",
]


class PageFunction(Protocol):
    """html_page and markdown_page."""

    def __call__(
        self, sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
    ) -> str: ...


def main(argv: Sequence[str]) -> None:
    """Write a page of `argv[0]` sections (200) as `argv[1]` (html, else markdown) to stdout."""
    count = int(argv[0]) if len(argv) > 0 else 200
    kind = argv[1] if len(argv) > 1 else "html"
    page = html_page(count) if kind == "html" else markdown_page(count)
    sys.stdout.write(page)


if __name__ == "__main__":
    main(sys.argv[1:])
