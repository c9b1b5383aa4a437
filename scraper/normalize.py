"""Raw tables to records: columns mapped, statuses parsed, text repaired, keys derived."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from scraper.columns import ColumnMap, PageReader, is_status_family, parse_status
from scraper.columns.headerless import coarse_signature
from scraper.columns.shapes import lists_statuses
from scraper.types import NO_OVERRIDES, ColumnOverrides, RawTable, Record, TableExplanation

_SLUG_DROP = re.compile(r"[^\w]+")


@dataclass(frozen=True, slots=True)
class PageInfo:
    """What every record of a page shares."""

    source: str
    vendor: str = ""
    product: str = ""
    lang: str = ""
    url: str = ""
    sha256: str = ""
    fixes: tuple[tuple[str, str], ...] = ()
    overrides: ColumnOverrides = NO_OVERRIDES
    """The user's word on how the page's tables are read (manifest or command line)."""


@lru_cache(maxsize=4096)
def slug(text: str) -> str:
    """A key part: lower case, word characters of any script, runs of others as one dash."""
    folded = unicodedata.normalize("NFKC", text).lower()
    return _SLUG_DROP.sub("-", folded).strip("-")


def _fix(text: str, fixes: tuple[tuple[str, str], ...], name: str, log: list[str]) -> str:
    """Apply the manifest's literal fixes, recording each one that applied."""
    fixed = text
    for wrong, right in fixes:
        if wrong in fixed:
            fixed = fixed.replace(wrong, right)
            log.append(f"{name}: fix {wrong!r} -> {right!r}")
    return fixed


def _repairs_by_row(table: RawTable) -> dict[int, dict[int, tuple[str, ...]]]:
    by_row: dict[int, dict[int, tuple[str, ...]]] = {}
    for row, col, steps in table.cell_repairs:
        by_row.setdefault(row, {})[col] = steps
    return by_row


_NO_REPAIRS: dict[int, tuple[str, ...]] = {}


def _record(
    table: RawTable,
    mapping: ColumnMap,
    row_index: int,
    page: PageInfo,
    section: str,
    mojibake: dict[int, tuple[str, ...]],
) -> Record | None:
    raw = table.rows[row_index]
    repairs: list[str] = []
    if table.section_repairs:
        repairs.append(f"section: {'; '.join(table.section_repairs)}")
    plain = not mojibake and not page.fixes
    row = raw if plain else _repaired_fields(raw, mapping, page, mojibake, repairs)
    column = mapping.fields.get
    status_col, code_col, title_col = column("http_status"), column("code"), column("title")
    status_cell = "" if status_col is None else row[status_col]
    code = "" if code_col is None else row[code_col]
    title = "" if title_col is None else row[title_col]
    status: int | None = None
    if status_col is not None:
        status, reason = parse_status(status_cell)
        if reason and title_col is None:
            title = reason
    if status is None and code_col is None and _is_lone_code(status_cell):
        # A status column's value that is one code but not an HTTP status ("0" for a
        # connection the client closed) is the vendor's code for the row.
        code = status_cell
    if not code and status is None:
        return None
    if _is_group_title(mapping, code, row, code_col):
        return None  # a class line ("类 08 - 连接异常", "**Session**") among codes, not a code
    extra: dict[str, str] = {}
    for col in mapping.extra:
        header = table.header[col] or f"column {col + 1}"
        extra[header] = raw[col] if plain else _repaired(raw, col, header, page, mojibake, repairs)
    if table.group_titles and table.group_titles[row_index]:
        extra["group"] = table.group_titles[row_index]
    message_col, description_col = column("message"), column("description")
    suggestion_col = column("suggestion")
    # Positional, in Record's field order: 17 keywords would cost a microsecond a row.
    return Record(
        "",  # key, set by assign_keys
        page.source,
        page.vendor,
        page.product,
        page.lang,
        section,
        status,
        code,
        title,
        "" if message_col is None else row[message_col],
        "" if description_col is None else row[description_col],
        "" if suggestion_col is None else row[suggestion_col],
        page.url,
        page.sha256,
        table.row_locators[row_index] if table.row_locators else table.locator,
        repairs,
        extra,
    )


def _repaired(
    row: tuple[str, ...],
    col: int,
    name: str,
    page: PageInfo,
    mojibake: dict[int, tuple[str, ...]],
    repairs: list[str],
) -> str:
    """A cell with the manifest's fixes applied, its repairs logged under `name`."""
    if col in mojibake:
        repairs.append(f"{name}: {'; '.join(mojibake[col])}")
    if not page.fixes:
        return row[col]
    return _fix(row[col], page.fixes, name, repairs)


def _repaired_fields(
    row: tuple[str, ...],
    mapping: ColumnMap,
    page: PageInfo,
    mojibake: dict[int, tuple[str, ...]],
    repairs: list[str],
) -> list[str]:
    """The row with its mapped cells repaired, logged in the mapping's order of fields."""
    fixed = list(row)
    for name, col in mapping.fields.items():
        fixed[col] = _repaired(row, col, name, page, mojibake, repairs)
    return fixed


def _is_group_title(
    mapping: ColumnMap, code: str, row: tuple[str, ...] | list[str], code_col: int | None
) -> bool:
    """A row whose code cell is its only filled cell, and reads as words among tokens or has
    none of the code column's shapes: it titles the rows below it."""
    if not code or not (mapping.codes_are_tokens or mapping.code_shapes):
        return False
    # Most rows have more than their code: that test first, it is the cheap one.
    if not _only_cell(row, code_col):
        return False
    if mapping.codes_are_tokens and " " in code:
        return True
    return bool(mapping.code_shapes) and coarse_signature(code) not in mapping.code_shapes


def _only_cell(row: tuple[str, ...] | list[str], index: int | None) -> bool:
    """Whether every cell of the row but `index` is empty (or a no-break space)."""
    # Most rows stop at their first or second cell.
    return not any(cell and i != index and not cell.isspace() for i, cell in enumerate(row))


def _is_lone_code(status_cell: str) -> bool:
    """A status cell holding one word that is no status family nor a list of statuses ("0",
    "-1", "E01"; not "5xx" nor "201、202")."""
    return (
        bool(status_cell)
        and len(status_cell.split()) == 1
        and not is_status_family(status_cell)
        and not lists_statuses(status_cell)
    )


class _Keys:
    """source/section/code (or status), with #2, #3... for repeats, in document order."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}
        self.prefixes: dict[tuple[str, str], str] = {}

    def assign(self, record: Record) -> None:
        ident = record.code or (str(record.http_status) if record.http_status is not None else "")
        place = (record.source, record.section)
        prefix = self.prefixes.get(place)
        if prefix is None:
            prefix = self.prefixes[place] = f"{record.source}/{slug(record.section) or '-'}/"
        base = prefix + "_".join(ident.split())
        count = self.seen.get(base, 0) + 1
        self.seen[base] = count
        record.key = base if count == 1 else f"{base}#{count}"


def assign_keys(records: list[Record]) -> None:
    """source/section/code (or status), with #2, #3... for repeats, in document order."""
    keys = _Keys()
    for record in records:
        keys.assign(record)


def unmatched_overrides(overrides: ColumnOverrides, matched: set[str]) -> list[str]:
    """Notes for the column overrides that named no column of any table of a page."""
    return [
        f"column override {name!r} named no column of any table"
        for name, _ in overrides.columns
        if name not in matched
    ]


class RecordStream:
    """The records of a page's tables, each made (key included) as its table is read, so that
    a large page's records can be written out before its last table is read."""

    def __init__(self, page: PageInfo) -> None:
        self.page = page
        self.error_tables = 0
        self.skipped_rows = 0
        """Rows of error tables with neither a code nor a single status."""
        self.explanations: list[TableExplanation] = []
        """Per table read so far, in document order: why it was read as it was."""
        self.matched_overrides: set[str] = set()
        """Column overrides that named a column of some table read so far."""

    def records(self, tables: Iterable[RawTable]) -> Iterator[Record]:
        page, keys = self.page, _Keys()
        reader = PageReader(page.overrides)
        for found in tables:
            reading = reader.read(found)
            table, mapping = reading.table, reading.mapping
            self.matched_overrides |= reading.matched
            if not mapping.is_error_table:
                self.explanations.append(reading.explanation)
                continue
            self.error_tables += 1
            repairs = _repairs_by_row(table)
            made = skipped = 0
            for index in range(len(table.rows)):
                mojibake = repairs.get(index, _NO_REPAIRS)
                record = _record(table, mapping, index, page, table.section, mojibake)
                if record is None:
                    skipped += 1
                else:
                    if reading.provenance:
                        record.repairs.extend(reading.provenance)
                    made += 1
                    keys.assign(record)
                    yield record
            self.skipped_rows += skipped
            explanation = replace(reading.explanation, records=made, skipped_rows=skipped)
            self.explanations.append(explanation)
