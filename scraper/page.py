"""One page, from a path, a URL or bytes, to its records: the library's `parse`.

`open_page` gives the records as a stream (what `parse` the command writes as they come);
`parse` collects them into a Page with everything the page said about how it was read.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from scraper.bounded import read_file, read_stream
from scraper.errors import ScraperError
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.normalize import PageInfo, slug
from scraper.pipeline import PageRecords
from scraper.snapshots import sha256_hex
from scraper.types import NO_OVERRIDES, ColumnOverrides, Record, TableExplanation

if TYPE_CHECKING:  # fetching pulls in httpx, which a local page does not need
    from scraper.fetch import FetchPolicy

STDIN = "-"
"""The page argument that stands for standard input."""

Columns = Mapping[str, str] | Iterable[tuple[str, str]]
"""Column overrides: {header text or 0-based position in digits: field}."""


@dataclass(frozen=True, slots=True)
class Page:
    """A page's records and what the page said about how it was read."""

    records: list[Record]
    source: str
    """The source id the records carry."""
    url: str
    """Where the page came from: the URL or path given ("" for bytes and stdin)."""
    format: str
    """markdown, html or markdown+html: as given, or sniffed from the content."""
    encoding: str
    """The codec the page was read in."""
    lang: str
    """The page's BCP 47 tag: as given, declared by the page, or detected."""
    tables: int
    """Tables on the page, error tables or not."""
    error_tables: int
    skipped_rows: int
    """Rows of error tables with neither a code nor a single status."""
    notes: tuple[str, ...]
    """What was clamped, cut or decoded otherwise than declared, for the user."""
    explanations: tuple[TableExplanation, ...]
    """Per table, in document order: why it was (or was not) read as an error table, and
    which field each column was given on what evidence."""


# "ftp://...", "file://...": a URL, not a path, in a scheme the fetcher does not speak.
_OTHER_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://")


def is_url(text: str) -> bool:
    return text[:8].lower().startswith(("http://", "https://"))


def open_page(
    source: str | Path | bytes,
    *,
    format: str | None = None,
    lang: str | None = None,
    columns: Columns | None = None,
    header: bool | None = None,
    source_id: str | None = None,
    vendor: str = "",
    product: str = "",
    limits: Limits = DEFAULT_LIMITS,
    policy: FetchPolicy | None = None,
) -> PageRecords:
    """A page's records as a stream, made as it is iterated; after iterating, it holds what
    a Page holds (tables, notes, explanations, ...). Arguments as for `parse`."""
    overrides = column_overrides_of(columns, header)
    charset, filename, name, url = "", "", "bytes", ""
    if isinstance(source, bytes):
        body = source
        if len(body) > limits.max_page_bytes:
            raise ScraperError(
                f"bytes: page is {len(body)} bytes, over the {limits.max_page_bytes}-byte limit"
            )
    elif isinstance(source, str) and is_url(source):
        from urllib.parse import urlsplit

        from scraper.fetch import FetchPolicy, fetch_url

        chosen = policy or FetchPolicy()
        snapshot = fetch_url(source, replace(chosen, max_bytes=limits.max_page_bytes))
        body, charset = snapshot.body, snapshot.charset
        filename = urlsplit(snapshot.final_url or source).path
        name = url = source
    elif isinstance(source, str) and _OTHER_SCHEME.match(source):
        raise ScraperError(f"{source}: unsupported URL scheme (http and https are read)")
    elif str(source) == STDIN:
        body = read_stream(sys.stdin.buffer, limits.max_page_bytes, name="stdin")
        name = "stdin"
    else:
        body = read_file(Path(source), limits.max_page_bytes)
        filename = name = url = str(source)
    info = PageInfo(
        source=source_id or default_source_id(filename, name),
        vendor=vendor,
        product=product,
        lang=lang or "",
        url=url,
        sha256=sha256_hex(body),
        overrides=overrides,
    )
    return PageRecords(
        body,
        info,
        http_charset=charset,
        filename=filename,
        fmt=format or "",
        name=name,
        limits=limits,
    )


def parse(
    source: str | Path | bytes,
    *,
    format: str | None = None,
    lang: str | None = None,
    columns: Columns | None = None,
    header: bool | None = None,
    source_id: str | None = None,
    vendor: str = "",
    product: str = "",
    limits: Limits = DEFAULT_LIMITS,
    policy: FetchPolicy | None = None,
) -> Page:
    """The error-code records of one page, with how it was read.

    `source` is a file path, an http(s) URL (fetched under `policy`, robots.txt respected),
    "-" for standard input, or the page's bytes. `format` (markdown, html, markdown+html) and
    `lang` override what is sniffed or declared; `columns` ({header or position: field}) and
    `header` override how columns are read, as the manifest's keys do. `source_id` names the
    records' source (default: from the file name). Raises ScraperError (its subclasses:
    FetchError, DecodeError, ExtractError, ...) with a one-line message naming the page.
    """
    stream = open_page(
        source,
        format=format,
        lang=lang,
        columns=columns,
        header=header,
        source_id=source_id,
        vendor=vendor,
        product=product,
        limits=limits,
        policy=policy,
    )
    records = list(stream)
    return Page(
        records=records,
        source=stream.page.source,
        url=stream.page.url,
        format=stream.format,
        encoding=stream.encoding,
        lang=stream.lang,
        tables=stream.tables,
        error_tables=stream.error_tables,
        skipped_rows=stream.skipped_rows,
        notes=tuple(page_notes(stream, len(records))),
        explanations=tuple(stream.explanations),
    )


def column_overrides_of(columns: Columns | None, header: bool | None) -> ColumnOverrides:
    """Overrides checked as the manifest's are; a mistake is a ScraperError naming it."""
    if not columns and header is None:
        return NO_OVERRIDES
    from scraper.sources import column_overrides

    pairs = list(columns.items() if isinstance(columns, Mapping) else columns or ())
    try:
        return column_overrides(pairs, header)
    except ValueError as exc:
        message = str(exc.args[0]).removeprefix("columns: ")
        raise ScraperError(f"columns: {message}") from None


def default_source_id(filename: str, name: str = "") -> str:
    """The source id records get by default: from the file name ("stdin", "page" else)."""
    if name == "stdin":
        return "stdin"
    return slug(Path(filename).stem or "page").replace("_", "-") or "page"


def page_notes(stream: PageRecords, count: int) -> list[str]:
    """What a page tells once its records are out: what was clamped or cut (the first 20),
    then how many records came from how many tables."""
    notes = stream.notes[:20]
    if not count:
        notes.append(f"no error-code table found ({stream.tables} tables on the page)")
        return notes
    skipped = (
        f", {stream.skipped_rows} rows skipped (no code or single status)"
        if stream.skipped_rows
        else ""
    )
    notes.append(
        f"{count} records from {stream.error_tables} of {stream.tables} tables ({stream.format}, "
        f"{stream.encoding}, lang {stream.lang or '?'}){skipped}"
    )
    return notes
