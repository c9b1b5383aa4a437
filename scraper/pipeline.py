"""One page from bytes to records: decode, sniff, extract, map, normalize."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from scraper.decode import decode_bytes
from scraper.errors import ExtractError
from scraper.extract import iter_tables, sniff_format
from scraper.extract.sniff import declared_lang
from scraper.lang import detect_lang
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.normalize import PageInfo, normalize_tables
from scraper.types import RawTable, Record

_REGION_SCRIPTS = {
    "cn": "zh-Hans",
    "sg": "zh-Hans",
    "tw": "zh-Hant",
    "hk": "zh-Hant",
    "mo": "zh-Hant",
}


@dataclass(frozen=True, slots=True)
class ParsedPage:
    records: list[Record]
    format: str
    encoding: str
    lang: str
    tables: int
    """Tables found on the page, error tables or not."""
    notes: tuple[str, ...]
    """What was clamped or cut while reading the page."""
    error_tables: int
    skipped_rows: int


def normalize_lang(tag: str) -> str:
    """A page's language tag in the dataset's form: zh-CN -> zh-Hans, en-US -> en."""
    parts = tag.replace("_", "-").split("-")
    primary = parts[0].lower()
    if primary == "zh" and len(parts) > 1:
        second = parts[1]
        if second.lower() in ("hans", "hant"):
            return f"zh-{second.capitalize()}"
        return _REGION_SCRIPTS.get(second.lower(), "zh-Hans")
    return primary


def parse_page(
    body: bytes,
    page: PageInfo,
    *,
    http_charset: str = "",
    filename: str = "",
    fmt: str = "",
    name: str = "",
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedPage:
    """Records of every error table of a page. Raises the project's errors on bad input.

    `name` is how messages refer to the page (a path or URL); the source id by default.
    """
    where = name or page.source
    if len(body) > limits.max_page_bytes:
        raise ExtractError(
            f"{where}: page is {len(body)} bytes, over the {limits.max_page_bytes}-byte limit"
        )
    text, encoding = decode_bytes(body, http_charset=http_charset, name=where)
    fmt = fmt or sniff_format(text, filename)
    lang = page.lang or normalize_lang(declared_lang(text) if fmt != "markdown" else "")
    lang = lang or detect_lang(text)
    tables: list[RawTable] = []

    def kept(found: Iterable[RawTable]) -> Iterator[RawTable]:
        for table in found:
            tables.append(table)
            yield table

    # Tables are turned into records as they are read (a large page is read while the
    # records of its first tables are made).
    try:
        result = normalize_tables(kept(iter_tables(text, fmt, limits)), replace(page, lang=lang))
    except ExtractError as exc:
        raise ExtractError(f"{where}: {exc}") from None
    return ParsedPage(
        records=result.records,
        format=fmt,
        encoding=encoding,
        lang=lang,
        tables=len(tables),
        notes=tuple(note for table in tables for note in table.notes),
        error_tables=result.error_tables,
        skipped_rows=result.skipped_rows,
    )
