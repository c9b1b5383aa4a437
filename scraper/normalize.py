"""Raw tables to records: columns mapped, statuses parsed, text repaired, keys derived."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from scraper.columns import ColumnMap, is_status_family, map_columns, parse_status
from scraper.types import RawTable, Record

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


@dataclass(slots=True)
class NormalizeResult:
    records: list[Record]
    error_tables: int
    skipped_rows: int
    """Rows of error tables with neither a code nor a single status."""


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
    row = table.rows[row_index]
    repairs: list[str] = []
    if table.section_repairs:
        repairs.append(f"section: {'; '.join(table.section_repairs)}")

    def cell(col: int, name: str) -> str:
        if col in mojibake:
            repairs.append(f"{name}: {'; '.join(mojibake[col])}")
        if not page.fixes:
            return row[col]
        return _fix(row[col], page.fixes, name, repairs)

    values: dict[str, str] = {}
    for name, col in mapping.fields.items():
        values[name] = cell(col, name)
    status: int | None = None
    if "http_status" in values:
        status, reason = parse_status(values["http_status"])
        if reason and "title" not in mapping.fields:
            values["title"] = reason
    code = values.get("code", "")
    if status is None and "code" not in mapping.fields:
        # A status column's value that is one code but not an HTTP status ("0" for a
        # connection the client closed) is the vendor's code for the row.
        status_cell = values.get("http_status", "")
        if status_cell and len(status_cell.split()) == 1 and not is_status_family(status_cell):
            code = status_cell
    if not code and status is None:
        return None
    extra: dict[str, str] = {}
    for col in mapping.extra:
        header = table.header[col] or f"column {col + 1}"
        extra[header] = cell(col, header)
    if table.group_titles and table.group_titles[row_index]:
        extra["group"] = table.group_titles[row_index]
    locator = table.row_locators[row_index] if table.row_locators else table.locator
    return Record(
        source=page.source,
        vendor=page.vendor,
        product=page.product,
        lang=page.lang,
        section=section,
        http_status=status,
        code=code,
        title=values.get("title", ""),
        message=values.get("message", ""),
        description=values.get("description", ""),
        suggestion=values.get("suggestion", ""),
        url=page.url,
        sha256=page.sha256,
        locator=locator,
        repairs=repairs,
        extra=extra,
    )


def assign_keys(records: list[Record]) -> None:
    """source/section/code (or status), with #2, #3... for repeats, in document order."""
    seen: Counter[str] = Counter()
    for record in records:
        ident = record.code or (str(record.http_status) if record.http_status is not None else "")
        base = f"{record.source}/{slug(record.section) or '-'}/{'_'.join(ident.split())}"
        seen[base] += 1
        record.key = base if seen[base] == 1 else f"{base}#{seen[base]}"


def normalize_tables(tables: list[RawTable], page: PageInfo) -> NormalizeResult:
    records: list[Record] = []
    error_tables = skipped = 0
    for table in tables:
        mapping = map_columns(table)
        if not mapping.is_error_table:
            continue
        error_tables += 1
        repairs = _repairs_by_row(table)
        for index in range(len(table.rows)):
            mojibake = repairs.get(index, _NO_REPAIRS)
            record = _record(table, mapping, index, page, table.section, mojibake)
            if record is None:
                skipped += 1
            else:
                records.append(record)
    assign_keys(records)
    return NormalizeResult(records=records, error_tables=error_tables, skipped_rows=skipped)
