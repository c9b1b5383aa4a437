"""Extractors: one per format, each `page text -> [RawTable]`, picked by a registry.

A page may come as its text or as its UTF-8 bytes (the HTML reader works on bytes, and a page
that arrived as UTF-8 need not be encoded again)."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from scraper.extract.sniff import sniff_format
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

Content = str | bytes
Extractor = Callable[[Content, Limits], Iterable[RawTable]]


# Each extractor is imported when a page first needs it: a run reading HTML pages only does
# not load the markdown reader, nor a markdown-only run the HTML parser.
def _markdown(content: Content, limits: Limits) -> Iterable[RawTable]:
    from scraper.extract import markdown

    text = content if isinstance(content, str) else content.decode("utf-8", "replace")
    return markdown.extract_tables(text, limits)


def _html(content: Content, limits: Limits) -> Iterable[RawTable]:
    from scraper.extract import html

    return html.iter_tables(content, limits=limits)


# Markdown with HTML blocks is read by the markdown extractor, which hands each HTML table
# block to the HTML extractor with the markdown heading as its section.
EXTRACTORS: dict[str, Extractor] = {
    "markdown": _markdown,
    "markdown+html": _markdown,
    "html": _html,
}


def iter_tables(content: Content, fmt: str, limits: Limits = DEFAULT_LIMITS) -> Iterable[RawTable]:
    """All tables of a document in document order, read as they are asked for. Raises
    ExtractError past a limit."""
    return EXTRACTORS[fmt](content, limits)


def extract_tables(text: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """All tables of a document in document order. Raises ExtractError past a limit."""
    return list(iter_tables(text, fmt, limits))


__all__ = ["EXTRACTORS", "extract_tables", "iter_tables", "sniff_format"]
