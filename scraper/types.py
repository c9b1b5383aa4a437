"""Plain data that flows between the pipeline's stages."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from scraper.fields import RECORD_FIELDS

__all__ = ["RECORD_FIELDS"]

# The canonical fields a table column can map to.
CANONICAL_FIELDS: tuple[str, ...] = (
    "http_status",
    "code",
    "title",
    "message",
    "description",
    "suggestion",
)


# What a column can be assigned: a canonical field, or "extra" (kept under its header).
COLUMN_TARGETS: tuple[str, ...] = (*CANONICAL_FIELDS, "extra")


@dataclass(frozen=True, slots=True)
class ColumnOverrides:
    """A user's word on how a source's tables are read, over what the evidence decides."""

    columns: tuple[tuple[str, str], ...] = ()
    """(column, target) pairs: the column by its header text, or by its 0-based position
    written as digits ("0", "2"); the target is one of COLUMN_TARGETS."""
    header: bool | None = None
    """False: every table's first row is data; True: it is a header; None: decide by evidence."""

    def __bool__(self) -> bool:
        return bool(self.columns) or self.header is not None


NO_OVERRIDES = ColumnOverrides()


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
    overrides: ColumnOverrides = field(default_factory=lambda: NO_OVERRIDES)
    """The user's word on how the page's tables are read, over what the evidence decides."""


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
    category: str = ""
    """Inferred: a google.rpc.Code name, lower case (see scraper.fields.CATEGORIES)."""
    retryable: str = ""
    """Inferred: yes, no or unknown."""
    code_pattern: str = ""
    """Inferred: an anchored regular expression when the code has placeholders or ranges."""
    inferred_http_status: int | None = None
    """Inferred: a status the page's own words link to this code."""
    evidence: list[str] = field(default_factory=list)
    """The rules and sentences that decided the inferred fields."""

    def as_dict(self) -> dict[str, Any]:
        return dict(zip(RECORD_FIELDS, _record_values(self), strict=True))


_record_values = attrgetter(*RECORD_FIELDS)


@dataclass(frozen=True, slots=True)
class ColumnDecision:
    """Which field one column of a table was given, and the evidence that decided it."""

    index: int
    """0-based position of the column."""
    header: str
    """The column's header text ("" for a headerless table)."""
    field: str
    """One of COLUMN_TARGETS."""
    evidence: tuple[str, ...] = ()
    """Human-readable reasons, strongest first ("header names 'status code'", "92% are
    registered HTTP statuses", "override from the manifest")."""
    score: float = 0.0
    """The score of the chosen field for this column (0 for an override)."""
    overridden: bool = False
    """Whether the user's override decided this column."""


@dataclass(frozen=True, slots=True)
class TableExplanation:
    """Why a table was read as it was: an error table or not, and each column's field."""

    locator: str
    section: str
    header: tuple[str, ...]
    """The header as found on the page ("" cells for a headerless table's columns)."""
    rows: int
    """Data rows (including the first row when the table has no header)."""
    is_error_table: bool
    headerless: bool
    """Whether the table's first row was read as data."""
    columns: tuple[ColumnDecision, ...]
    reasons: tuple[str, ...]
    """Why the table is, or is not, an error table; what the evidence said of its header."""
    records: int = 0
    """Records the table yielded."""
    skipped_rows: int = 0
    """Rows with neither a code nor a single status."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "locator": self.locator,
            "section": self.section,
            "header": list(self.header),
            "rows": self.rows,
            "error_table": self.is_error_table,
            "headerless": self.headerless,
            "records": self.records,
            "skipped_rows": self.skipped_rows,
            "reasons": list(self.reasons),
            "columns": [
                {
                    "index": c.index,
                    "header": c.header,
                    "field": c.field,
                    "score": round(c.score, 2),
                    "overridden": c.overridden,
                    "evidence": list(c.evidence),
                }
                for c in self.columns
            ],
        }
