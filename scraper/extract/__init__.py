"""Extractors: one per format, each `Document text -> [RawTable]`, picked by a registry."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from scraper.extract import html, markdown
from scraper.extract.sniff import sniff_format
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

Extractor = Callable[[str, Limits], Iterable[RawTable]]

# Markdown with HTML blocks is read by the markdown extractor, which hands each HTML table
# block to the HTML extractor with the markdown heading as its section.
EXTRACTORS: dict[str, Extractor] = {
    "markdown": markdown.extract_tables,
    "markdown+html": markdown.extract_tables,
    "html": lambda text, limits: html.iter_tables(text, limits=limits),
}


def iter_tables(text: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> Iterable[RawTable]:
    """All tables of a document in document order, read as they are asked for. Raises
    ExtractError past a limit."""
    return EXTRACTORS[fmt](text, limits)


def extract_tables(text: str, fmt: str, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """All tables of a document in document order. Raises ExtractError past a limit."""
    return list(iter_tables(text, fmt, limits))


__all__ = ["EXTRACTORS", "extract_tables", "iter_tables", "sniff_format"]
