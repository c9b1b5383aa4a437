"""HTML tables: header detection, rowspan/colspan, sections from the headings above each table.

Pages are parsed with lexbor (selectolax), an HTML5 parser: it builds the tree a browser
builds, resolves no external entities and fetches nothing, and holds deep nesting without
recursion limits.
"""

from __future__ import annotations

import html as html_entities
import re
from array import array
from dataclasses import dataclass
from itertools import accumulate

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.errors import ExtractError
from scraper.extract.text import Steps, collapse, reader_heading, reader_text
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}

# Elements that a browser lays out as blocks: their edges separate words.
_BLOCK = (
    "address|article|aside|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|footer|form|"
    "h[1-6]|header|hr|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul"
)
_ANY_TAG = r"(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_BLOCK_TAG = re.compile(rf"</?(?:{_BLOCK})\b{_ANY_TAG}", re.IGNORECASE)
_TAG = re.compile(rf"<{_ANY_TAG}")
_HIDDEN = re.compile(
    r"<!--.*?-->|<(script|style|template|noscript|title)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TABLE_START = re.compile(r"<table[\s>/]", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_LEADING_DIGITS = re.compile(r"\s*\+?(\d+)")


def markup_text(markup: str) -> str:
    """The text of serialized HTML: block edges and <br> as spaces, entities decoded."""
    if "<" not in markup and "&" not in markup:
        return markup
    text = _TAG.sub("", _BLOCK_TAG.sub(" ", _HIDDEN.sub("", markup)))
    return html_entities.unescape(text) if "&" in text else text


def node_raw_text(node: LexborNode) -> str:
    """What a reader sees of an element, whitespace not yet collapsed; nested tables left out."""
    child = node.child
    if child is None:
        return ""
    if child.next is None and child.is_text_node:
        return child.text_content or ""
    # With at most one text node that is not blank, no element boundary can separate two
    # words: lexbor's own text is then what a reader sees (the common, fast case).
    joined = node.text(deep=True, separator="\x00", strip=False)
    if sum(1 for part in joined.split("\x00") if part and not part.isspace()) <= 1:
        return joined.replace("\x00", "")
    inner = node.inner_html or ""
    if _TABLE_START.search(inner):
        # A table inside the cell is a table of its own, not part of this cell's text.
        copy = node.clone()
        for nested in copy.css("table"):
            nested.decompose()
        inner = copy.inner_html or ""
    return markup_text(inner)


def node_text(node: LexborNode) -> str:
    return collapse(node_raw_text(node))


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


def _own_rows(table: LexborNode) -> list[tuple[LexborNode, int, bool]]:
    """The table's rows, not those of tables nested in it, each with its row group's number
    and whether that group is the <thead>. Spans never cross row groups."""
    rows: list[tuple[LexborNode, int, bool]] = []
    group = 0
    loose = False  # rows directly in <table> form one group until a section starts
    for child in table.iter():
        tag = child.tag
        if tag == "tr":
            if not loose:
                group += 1
                loose = True
            rows.append((child, group, False))
        elif tag in ("thead", "tbody", "tfoot"):
            group += 1
            loose = False
            rows.extend((row, group, tag == "thead") for row in child.iter() if row.tag == "tr")
    return rows


@dataclass(slots=True)
class _GridRow:
    cells: list[str]
    repairs: list[Steps]
    """Per cell, the mojibake repair steps taken on its text."""
    header_cells: int
    """How many of the row's own cells are <th>."""
    own_cells: int
    lone_span: int
    """The colspan of the row's only cell, when nothing spans into the row (else 0): a cell
    as wide as the table titles the rows below it."""
    has_spans: bool
    in_thead: bool


def _grid(table: LexborNode, number: int, limits: Limits, notes: list[str]) -> list[_GridRow]:
    rows = _own_rows(table)
    if len(rows) > limits.max_rows:
        raise ExtractError(
            f"table {number} has {len(rows)} rows, over the limit of {limits.max_rows}"
        )
    group_ends: dict[int, int] = {}
    for index, (_, group, _) in enumerate(rows):
        group_ends[group] = index + 1
    # Per column, the cells spanning down into it: (row they end before, text, steps), in
    # the order they were placed; the first one still running owns the slot.
    pending: dict[int, list[tuple[int, str, Steps]]] = {}
    grid: list[_GridRow] = []
    total = 0
    cap = limits.max_cell_chars
    spanned = {node.mem_id for node in table.css("[colspan], [rowspan]")}
    previous_group = 0
    for index, (tr, group, in_thead) in enumerate(rows):
        if group != previous_group:
            pending.clear()  # a row group ends every span begun in it
            previous_group = group
        for column in list(pending):
            running = [entry for entry in pending[column] if entry[0] > index]
            if running:
                pending[column] = running
            else:
                del pending[column]
        rows_left = group_ends[group] - index
        cells = [c for c in tr.iter() if c.tag in ("td", "th")]
        out: list[str] = []
        repairs: list[Steps] = []
        has_spans = False
        lone_span = 0
        col = 0
        # Past the last column spanned into from above and the row's own cells, the row is
        # complete.
        last_pending = max(pending, default=-1)
        spanned_in = bool(pending)
        queue = iter(cells)
        cell = next(queue, None)
        while (cell is not None or col <= last_pending) and col < limits.max_columns:
            if col in pending:
                _, text, steps = pending[col][0]
                out.append(text)
                repairs.append(steps)
                col += 1
                continue
            if cell is None:
                out.append("")
                repairs.append(())
                col += 1
                continue
            raw = node_raw_text(cell)
            if len(raw) > cap:
                notes.append(f"table {number}: a cell cut at {cap} characters")
            text, steps = reader_text(raw, cap)
            attributes = cell.attributes if cell.mem_id in spanned else {}
            colspan = _span(attributes.get("colspan"), limits.max_colspan, notes, number)
            rowspan_value = attributes.get("rowspan")
            rowspan = _span(rowspan_value, limits.max_rowspan, notes, number)
            if rowspan_value is not None and _is_zero(rowspan_value):
                rowspan = rows_left  # rowspan="0": to the end of the row group
            rowspan = min(rowspan, rows_left)
            has_spans = has_spans or colspan > 1 or rowspan > 1
            if len(cells) == 1 and not spanned_in:
                lone_span = colspan
            for _ in range(min(colspan, limits.max_columns - col)):
                # A wide cell laid over a slot spanned from above (a table model error)
                # leaves the slot to the cell that took it first while that one lasts.
                covering = pending.get(col)
                if covering:
                    out.append(covering[0][1])
                    repairs.append(covering[0][2])
                else:
                    out.append(text)
                    repairs.append(steps)
                if rowspan > 1:
                    pending.setdefault(col, []).append((index + rowspan, text, steps))
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
        grid.append(
            _GridRow(
                cells=out,
                repairs=repairs,
                header_cells=sum(1 for c in cells if c.tag == "th"),
                own_cells=len(cells),
                lone_span=lone_span,
                has_spans=has_spans,
                in_thead=in_thead,
            )
        )
    return grid


def _is_zero(value: str) -> bool:
    match = _LEADING_DIGITS.match(value)
    return match is not None and int(match.group(1)[:9]) == 0


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


def _caption(table: LexborNode) -> str:
    for child in table.iter():
        if child.tag == "caption":
            return node_text(child)
    previous = table.prev
    while (
        previous is not None and previous.is_text_node and not (previous.text_content or "").strip()
    ):
        previous = previous.prev
    if previous is not None and previous.tag == "p":
        if "title" in (previous.attributes.get("class") or "").split():
            return node_text(previous)
    return ""


def table_from_node(
    table: LexborNode,
    section: tuple[str, Steps],
    headings: tuple[str, ...],
    number: int,
    where: str,
    limits: Limits = DEFAULT_LIMITS,
) -> RawTable | None:
    """One table as text cells. `where` says where the table starts ("line 12", "")."""
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
    prefix = f"{where} " if where else ""
    for index, row in enumerate(grid[n_header:], start=n_header):
        if width > 1 and row.lone_span >= width:
            group = row.cells[0]
            continue
        cell_repairs.extend(
            (len(rows), col, steps) for col, steps in enumerate(row.repairs) if steps
        )
        rows.append(tuple(row.cells + [""] * (width - len(row.cells))))
        locators.append(f"{prefix}table {number} row {index + 1}")
        groups.append(group)
    return RawTable(
        header=header,
        rows=tuple(rows),
        section=section[0],
        section_repairs=section[1],
        cell_repairs=tuple(cell_repairs),
        locator=f"{prefix}table {number}",
        headings=headings,
        row_locators=tuple(locators),
        caption=_caption(table),
        group_titles=tuple(groups),
        notes=tuple(dict.fromkeys(notes)),
    )


_VOID_OR_IMPLIED = re.compile(
    r"<(?:area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr|param)\b[^>]*>"
    r"|</?(?:p|li|dt|dd|option|optgroup|tr|td|th|tbody|thead|tfoot|colgroup|caption|rb|rt|rp"
    r"|html|head|body)\b[^>]*>|<[!?][^>]*>|<[^<>]*/>",
    re.IGNORECASE,
)
_END_TAG = re.compile(r"</[^>]*>")
_START_TAG = re.compile(r"<[a-zA-Z][^>]*>")
_NOT_A_MARK = re.compile(r"[^\x01\x02]+")
_MARK_STEPS = bytes.maketrans(b"\x01\x02", b"\xff\x01")
_CHUNK = 65_536


def _nesting_depth(text: str) -> int:
    """How deep elements nest, not counting void elements and those whose end is implied."""
    marks = _END_TAG.sub("\x01", _VOID_OR_IMPLIED.sub("", text))
    marks = _NOT_A_MARK.sub("", _START_TAG.sub("\x02", marks))
    if not marks:
        return 0
    return max(accumulate(array("b", marks.encode("ascii").translate(_MARK_STEPS))))


def _check_depth(text: str, max_depth: int) -> None:
    """Refuse a page whose elements nest more than `max_depth` deep.

    An HTML5 tree builder checks the stack of open elements at every tag, so nesting
    thousands deep costs quadratic time. Counting "<" and "</" chunk by chunk bounds the depth
    from above at no real cost; only a page that may be that deep is measured exactly.
    """
    bound = running = 0
    for start in range(0, len(text), _CHUNK):
        chunk = text[start : start + _CHUNK]
        ends = chunk.count("</")
        starts = chunk.count("<") - ends
        bound = max(bound, running + starts)
        running += starts - ends
    if bound > max_depth and _nesting_depth(text) > max_depth:
        raise ExtractError(f"elements nested more than {max_depth} deep, over the limit")


def _table_lines(text: str, line_offset: int) -> list[int]:
    """The line each <table> start tag is on, in document order (comments left out)."""
    lines: list[int] = []
    line, position = 1 + line_offset, 0
    visible = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    for match in _TABLE_START.finditer(visible):
        line += visible.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


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
    if not text.strip():
        return []
    _check_depth(text, limits.max_depth)
    root = LexborHTMLParser(text).root
    if root is None:
        return []
    outline: list[str] = list(headings)
    levels: list[int] = [0] * len(outline)
    current = section
    found = root.css("table, h1, h2, h3, h4, h5, h6")
    table_count = sum(1 for node in found if node.tag == "table")
    lines = _table_lines(text, line_offset)
    if len(lines) != table_count:
        lines = []  # tables the parser made up, or hid: line numbers would mislead
    tables: list[RawTable] = []
    seen_tables = 0
    for node in found:
        tag = node.tag or ""
        level = HEADING_TAGS.get(tag)
        if level is not None:
            current = reader_heading(node_raw_text(node))
            while levels and levels[-1] >= level:
                levels.pop()
                outline.pop()
            levels.append(level)
            outline.append(current[0])
            continue
        number = first_number + seen_tables
        where = f"line {lines[seen_tables]}" if lines else ""
        seen_tables += 1
        if number > limits.max_tables:
            raise ExtractError(f"over {limits.max_tables} tables on the page, over the limit")
        table = table_from_node(node, current, tuple(outline), number, where, limits)
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
