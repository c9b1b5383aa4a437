"""Plain data that flows between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

# The record's fields, in the order of the published CSV.
RECORD_FIELDS: tuple[str, ...] = (
    "key",
    "source",
    "vendor",
    "product",
    "lang",
    "section",
    "http_status",
    "code",
    "title",
    "message",
    "description",
    "suggestion",
    "url",
    "sha256",
    "locator",
    "repairs",
    "extra",
)

# The canonical fields a table column can map to.
CANONICAL_FIELDS: tuple[str, ...] = (
    "http_status",
    "code",
    "title",
    "message",
    "description",
    "suggestion",
)


@dataclass(frozen=True, slots=True)
class Source:
    """One entry of the manifest."""

    id: str
    """Unique id, `[a-z0-9-]+`; names the raw snapshot files."""
    url: str = ""
    """Where the page is published; empty for a local-only source."""
    vendor: str = ""
    product: str = ""
    lang: str = ""
    """BCP 47 tag; empty means: take it from the page or detect it."""
    title: str = ""
    """What the page is, in a few words."""
    format: str = ""
    """markdown, html or markdown+html; empty means: sniff it from the content."""
    translation_of: str = ""
    """Id of the source this page translates."""
    fixes: tuple[tuple[str, str], ...] = ()
    """Literal (wrong, right) replacements applied to cell text, recorded as repairs."""
    respect_robots: bool = True
    """Whether robots.txt is consulted before fetching."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The exact bytes of a page and what is known about how they were obtained."""

    source_id: str
    body: bytes
    url: str = ""
    final_url: str = ""
    status: int = 0
    content_type: str = ""
    charset: str = ""
    """Charset declared by the HTTP response, if any."""
    etag: str = ""
    last_modified: str = ""
    sha256: str = ""
    retrieved: str = ""
    """When this content was first seen (UTC, ISO 8601)."""


@dataclass(frozen=True, slots=True)
class RawTable:
    """A table as found on a page: text cells, before any column is interpreted."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    section: str
    """The nearest heading above the table, "" when there is none."""
    locator: str
    """Where the table starts in the document."""
    headings: tuple[str, ...] = ()
    """The headings the table sits under, outermost first (the page's outline at the table)."""
    row_locators: tuple[str, ...] = ()
    """Where each row is; same length as rows."""
    caption: str = ""
    """A caption or title paragraph attached to the table; not a heading."""
    group_titles: tuple[str, ...] = ()
    """Per row, the text of a full-width title row above it ("" when none)."""
    cell_repairs: tuple[tuple[int, int, tuple[str, ...]], ...] = ()
    """(row, column, steps) for each cell whose mojibake was repaired; row -1 is the header."""
    section_repairs: tuple[str, ...] = ()
    """Repair steps taken on the section's text."""
    notes: tuple[str, ...] = ()
    """What was clamped or cut while reading the table, for the user's information."""


@dataclass(slots=True)
class Record:
    """One row of an error-code table, normalized."""

    key: str = ""
    source: str = ""
    vendor: str = ""
    product: str = ""
    lang: str = ""
    section: str = ""
    http_status: int | None = None
    code: str = ""
    title: str = ""
    message: str = ""
    description: str = ""
    suggestion: str = ""
    url: str = ""
    sha256: str = ""
    locator: str = ""
    repairs: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(RECORD_FIELDS, _record_values(self), strict=True))


_record_values = attrgetter(*RECORD_FIELDS)
