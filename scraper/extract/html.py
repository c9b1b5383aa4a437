"""HTML tables: header detection, rowspan/colspan, sections from the headings above each table."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree
from lxml import html as lxml_html

from scraper.errors import ExtractError
from scraper.extract.text import Steps, collapse, reader_heading, reader_text
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Elements that a browser lays out as blocks: their edges separate words.
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "br",
        "caption",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_SKIP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "title"})

_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_LEADING_DIGITS = re.compile(r"\s*(\d+)")

_PARSER = lxml_html.HTMLParser(
    remove_comments=True, remove_pis=True, no_network=True, recover=True, default_doctype=False
)


def parse_html(text: str) -> etree._Element | None:
    """Parse a page or fragment; None when there is nothing to parse."""
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        return None
    try:
        return lxml_html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None


def element_text(element: etree._Element, skip_tables: bool = True) -> str:
    """What a reader sees of an element: block edges and <br> as spaces, markup dropped."""
    return collapse(element_raw_text(element, skip_tables))


def element_raw_text(element: etree._Element, skip_tables: bool = True) -> str:
    """An element's text with block edges as spaces, whitespace not yet collapsed."""
    parts: list[str] = []
    walker = etree.iterwalk(element, events=("start", "end"))
    for event, node in walker:
        tag = node.tag if isinstance(node.tag, str) else ""
        if event == "start":
            if tag in _SKIP_TAGS or (skip_tables and tag == "table" and node is not element):
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if node.text and tag:
                parts.append(node.text)
        else:
            if tag in _BLOCK_TAGS:
                parts.append(" ")
            if node.tail and node is not element:
                parts.append(node.tail)
    return "".join(parts)


def _span(value: str | None, limit: int, notes: list[str], table: int) -> int:
    """A span attribute as a browser reads it: leading digits, at least 1, at most limit."""
    if not value:
        return 1
    match = _LEADING_DIGITS.match(value)
    if not match:
        return 1
    digits = match.group(1)
    number = int(digits[:9])
    if len(digits) > 9 or number > limit:
        notes.append(f"table {table}: span {digits[:12]} clamped to {limit}")
        return limit
    return max(number, 1)


def _own_rows(table: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(row for row in child if row.tag == "tr")
    return rows


@dataclass(slots=True)
class _GridRow:
    cells: list[str]
    repairs: list[Steps]
    """Per cell, the mojibake repair steps taken on its text."""
    header_cells: int
    """How many of the row's own cells are <th>."""
    own_cells: int
    spans_whole_width: bool
    """One cell whose colspan covers the table: a title for the rows below."""
    has_spans: bool
    in_thead: bool
    line: int


def _grid(table: etree._Element, number: int, limits: Limits, notes: list[str]) -> list[_GridRow]:
    rows = _own_rows(table)
    if len(rows) > limits.max_rows:
        raise ExtractError(
            f"table {number} has {len(rows)} rows, over the limit of {limits.max_rows}"
        )
    pending: dict[int, tuple[int, str, Steps]] = {}
    grid: list[_GridRow] = []
    total = 0
    for index, tr in enumerate(rows):
        cells = [c for c in tr if c.tag in ("td", "th")]
        out: list[str] = []
        repairs: list[Steps] = []
        has_spans = False
        whole = False
        col = 0
        # Cells spanned down from rows above sit at known columns: past the last of them and
        # the row's own cells, the row is complete.
        last_pending = max(pending, default=-1)
        queue = iter(cells)
        cell = next(queue, None)
        while (cell is not None or col <= last_pending) and col < limits.max_columns:
            if col in pending:
                left, text, steps = pending[col]
                out.append(text)
                repairs.append(steps)
                if left > 1:
                    pending[col] = (left - 1, text, steps)
                else:
                    del pending[col]
                col += 1
                continue
            if cell is None:
                out.append("")
                repairs.append(())
                col += 1
                continue
            raw = element_raw_text(cell)
            if len(raw) > limits.max_cell_chars:
                notes.append(f"table {number}: a cell cut at {limits.max_cell_chars} characters")
            text, steps = reader_text(raw, limits.max_cell_chars)
            colspan = _span(cell.get("colspan"), limits.max_colspan, notes, number)
            rowspan = _span(cell.get("rowspan"), limits.max_rowspan, notes, number)
            rowspan = min(rowspan, len(rows) - index)
            has_spans = has_spans or colspan > 1 or rowspan > 1
            if len(cells) == 1 and colspan > 1 and not pending:
                whole = True
            for _ in range(min(colspan, limits.max_columns - col)):
                out.append(text)
                repairs.append(steps)
                if rowspan > 1:
                    pending[col] = (rowspan - 1, text, steps)
                col += 1
            cell = next(queue, None)
        if col >= limits.max_columns and (cell is not None or col <= last_pending):
            notes.append(f"table {number}: row {index + 1} cut at {limits.max_columns} columns")
            for stale in [c for c in pending if c >= limits.max_columns]:
                del pending[stale]
        total += len(out)
        if total > limits.max_cells:
            raise ExtractError(
                f"table {number} has over {limits.max_cells} cells (spans counted), over the limit"
            )
        parent = tr.getparent()
        grid.append(
            _GridRow(
                cells=out,
                repairs=repairs,
                header_cells=sum(1 for c in cells if c.tag == "th"),
                own_cells=len(cells),
                spans_whole_width=whole,
                has_spans=has_spans,
                in_thead=parent is not None and parent.tag == "thead",
                line=tr.sourceline or 0,
            )
        )
    return grid


def _header_row_count(grid: list[_GridRow]) -> int:
    """The first row is the header; a thead, or spans over th rows, make it several."""
    if not grid:
        return 0
    thead = 0
    while thead < len(grid) and grid[thead].in_thead:
        thead += 1
    if thead:
        return min(thead, len(grid))
    count = 1
    while (
        count < len(grid)
        and grid[count - 1].has_spans
        and grid[count].own_cells
        and grid[count].header_cells == grid[count].own_cells
    ):
        count += 1
    return count


def _join_header(rows: list[list[str]], width: int) -> tuple[str, ...]:
    header: list[str] = []
    for col in range(width):
        seen: list[str] = []
        for row in rows:
            text = row[col] if col < len(row) else ""
            if text and text not in seen:
                seen.append(text)
        header.append(" ".join(seen))
    return tuple(header)


def _caption(table: etree._Element) -> str:
    for child in table:
        if child.tag == "caption":
            return element_text(child)
    previous = table.getprevious()
    if previous is not None and previous.tag == "p" and "title" in (previous.get("class") or ""):
        return element_text(previous)
    return ""


def table_from_element(
    table: etree._Element,
    section: tuple[str, Steps],
    headings: tuple[str, ...],
    number: int,
    line_offset: int,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable | None:
    notes: list[str] = []
    grid = _grid(table, number, limits, notes)
    if not grid:
        return None
    width = max(len(row.cells) for row in grid)
    n_header = _header_row_count(grid)
    header = _join_header([row.cells for row in grid[:n_header]], width)
    cell_repairs: list[tuple[int, int, Steps]] = []
    for row in grid[:n_header]:
        cell_repairs.extend((-1, col, steps) for col, steps in enumerate(row.repairs) if steps)
    rows: list[tuple[str, ...]] = []
    locators: list[str] = []
    groups: list[str] = []
    group = ""
    for index, row in enumerate(grid[n_header:], start=n_header):
        if row.spans_whole_width and width > 1:
            group = row.cells[0]
            continue
        cell_repairs.extend(
            (len(rows), col, steps) for col, steps in enumerate(row.repairs) if steps
        )
        rows.append(tuple(row.cells + [""] * (width - len(row.cells))))
        locators.append(f"table {number} row {index + 1} line {row.line + line_offset}")
        groups.append(group)
    first_line = (table.sourceline or 0) + line_offset
    return RawTable(
        header=header,
        rows=tuple(rows),
        section=section[0],
        section_repairs=section[1],
        cell_repairs=tuple(cell_repairs),
        locator=f"table {number} line {first_line}",
        headings=headings,
        row_locators=tuple(locators),
        caption=_caption(table),
        group_titles=tuple(groups),
        notes=tuple(dict.fromkeys(notes)),
    )


def extract_tables(
    text: str,
    section: tuple[str, Steps] = ("", ()),
    headings: tuple[str, ...] = (),
    line_offset: int = 0,
    first_number: int = 1,
    limits: Limits = DEFAULT_LIMITS,
) -> list[RawTable]:
    """Every table of an HTML page or fragment, in document order.

    `section` and `headings` are the context the fragment sits in (its markdown heading), used
    until a heading inside the fragment replaces them. `line_offset` maps fragment lines to the
    enclosing document's lines.
    """
    root = parse_html(text)
    if root is None:
        return []
    outline: list[str] = list(headings)
    levels: list[int] = [0] * len(outline)
    current = section
    tables: list[RawTable] = []
    for element in root.iter("table", *HEADING_TAGS):
        level = HEADING_TAGS.get(element.tag)
        if level is not None:
            current = reader_heading(element_raw_text(element))
            while levels and levels[-1] >= level:
                levels.pop()
                outline.pop()
            levels.append(level)
            outline.append(current[0])
            continue
        number = first_number + len(tables)
        if number > limits.max_tables:
            raise ExtractError(f"over {limits.max_tables} tables on the page, over the limit")
        table = table_from_element(element, current, tuple(outline), number, line_offset, limits)
        if table is not None:
            tables.append(table)
    return tables


_HTML_LANG = re.compile(
    r"<html\b[^>]*?\blang\s*=\s*[\"']?([A-Za-z]{2,3}(?:-[A-Za-z0-9]+)*)", re.IGNORECASE
)


def declared_lang(text: str) -> str:
    """The language an HTML page declares on its <html> element, "" when none."""
    match = _HTML_LANG.search(text[:20_000])
    return match.group(1) if match else ""
