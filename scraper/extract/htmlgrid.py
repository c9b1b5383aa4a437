"""An HTML table as a grid of text cells: row groups, spans, header rows."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from selectolax.lexbor import LexborNode

from scraper.errors import ExtractError
from scraper.extract.htmltext import node_raw_text, node_texts, tag_ids
from scraper.extract.text import Steps, reader_text
from scraper.limits import Limits

_LEADING_DIGITS = re.compile(r"\s*\+?(\d+)")


_TR, _TD, _TH, _THEAD, _TBODY, _TFOOT = (
    next(iter(tag_ids(name))) for name in ("tr", "td", "th", "thead", "tbody", "tfoot")
)
_CELLS = {_TD, _TH}
_ROW_GROUPS = {_THEAD, _TBODY, _TFOOT}


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


def own_rows(table: LexborNode) -> list[tuple[LexborNode, int, bool]]:
    """The table's rows, not those of tables nested in it, each with its row group's number
    and whether that group is the <thead>. Spans never cross row groups."""
    rows: list[tuple[LexborNode, int, bool]] = []
    group = 0
    loose = False  # rows directly in <table> form one group until a section starts
    for child in table.iter():
        tag = child.tag_id
        if tag == _TR:
            if not loose:
                group += 1
                loose = True
            rows.append((child, group, False))
        elif tag in _ROW_GROUPS:
            group += 1
            loose = False
            rows.extend((row, group, tag == _THEAD) for row in child.iter() if row.tag_id == _TR)
    return rows


@dataclass(slots=True)
class GridRow:
    cells: list[str]
    repairs: list[Steps]
    """Per cell, the mojibake repair steps taken on its text; empty when none was repaired."""
    header_cells: int
    """How many of the row's own cells are <th>."""
    own_cells: int
    lone_span: int
    """The colspan of the row's only cell, when nothing spans into the row (else 0): a cell
    as wide as the table titles the rows below it."""
    has_spans: bool
    in_thead: bool


def grid(
    table: LexborNode, number: int, limits: Limits, notes: list[str], may_span: bool = True
) -> list[GridRow]:
    """The table's rows as text cells, spans laid out as a browser lays them out.

    `may_span` False says that no cell has a span attribute (the markup holds no "span").
    """
    rows = own_rows(table)
    if len(rows) > limits.max_rows:
        raise ExtractError(
            f"table {number} has {len(rows)} rows, over the limit of {limits.max_rows}"
        )
    spanned = {node.mem_id for node in table.css("[colspan], [rowspan]")} if may_span else set()
    if not spanned:
        return _plain_grid(rows, number, limits, notes)
    return _spanned_grid(rows, spanned, number, limits, notes)


def _check_cells(total: int, number: int, limits: Limits) -> None:
    if total > limits.max_cells:
        raise ExtractError(
            f"table {number} has over {limits.max_cells} cells (spans counted), over the limit"
        )


def _cell_text(cell: LexborNode, number: int, cap: int, notes: list[str]) -> tuple[str, Steps]:
    return _reader_text(node_raw_text(cell), number, cap, notes)


def _reader_text(raw: str, number: int, cap: int, notes: list[str]) -> tuple[str, Steps]:
    if len(raw) > cap:
        notes.append(f"table {number}: a cell cut at {cap} characters")
    elif raw.isascii():
        return " ".join(raw.split()), ()
    return _repaired_text(raw, cap)


@lru_cache(maxsize=4096)
def _repaired_text(raw: str, cap: int) -> tuple[str, Steps]:
    """Cached: tables repeat cells (a status, a shared description), and repair is costly."""
    return reader_text(raw, cap)


def _plain_grid(
    rows: list[tuple[LexborNode, int, bool]], number: int, limits: Limits, notes: list[str]
) -> list[GridRow]:
    """The grid of a table where no cell spans: each row is its own cells."""
    grid: list[GridRow] = []
    total = 0
    cap, max_columns = limits.max_cell_chars, limits.max_columns
    for index, (tr, _, in_thead) in enumerate(rows):
        children = list(tr.iter())
        tags = [child.tag_id for child in children]
        if _CELLS.issuperset(tags):
            cells = children
        else:
            cells = [child for child, tag in zip(children, tags, strict=True) if tag in _CELLS]
        read = cells
        if len(cells) > max_columns:
            notes.append(f"table {number}: row {index + 1} cut at {max_columns} columns")
            read = cells[:max_columns]
        texts, whole = node_texts(read)
        repairs: list[Steps] = []
        if whole.isascii() and len(whole) <= cap:
            # The common row: plain ASCII cells, nothing to repair or cut.
            if whole.isprintable() and "  " not in whole:
                # No blank but the space and no run of spaces: collapsing is trimming.
                out = [text.strip() for text in texts]
            else:
                out = [" ".join(text.split()) for text in texts]
        else:
            out = []
            for column, raw in enumerate(texts):
                text, steps = _reader_text(raw, number, cap, notes)
                out.append(text)
                if steps:
                    repairs.extend([()] * (column - len(repairs)))
                    repairs.append(steps)
        total += len(out)
        _check_cells(total, number, limits)
        grid.append(
            # Positional, in field order (cells, repairs, header_cells, own_cells, lone_span,
            # has_spans, in_thead): keywords cost half a microsecond a row.
            GridRow(
                out,
                repairs,
                tags.count(_TH),
                len(cells),
                1 if len(cells) == 1 else 0,
                False,
                in_thead,
            )
        )
    return grid


def _spanned_grid(
    rows: list[tuple[LexborNode, int, bool]],
    spanned: set[int],
    number: int,
    limits: Limits,
    notes: list[str],
) -> list[GridRow]:
    group_ends: dict[int, int] = {}
    for index, (_, group, _) in enumerate(rows):
        group_ends[group] = index + 1
    # Per column, the cells spanning down into it: (row they end before, text, steps), in
    # the order they were placed; the first one still running owns the slot.
    pending: dict[int, list[tuple[int, str, Steps]]] = {}
    grid: list[GridRow] = []
    total = 0
    cap = limits.max_cell_chars
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
        cells = [c for c in tr.iter() if c.tag_id in _CELLS]
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
            text, steps = _cell_text(cell, number, cap, notes)
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
        _check_cells(total, number, limits)
        grid.append(
            GridRow(
                cells=out,
                repairs=repairs,
                header_cells=sum(1 for c in cells if c.tag_id == _TH),
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


def header_row_count(grid: list[GridRow]) -> int:
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


def join_header(rows: list[list[str]], width: int) -> tuple[str, ...]:
    header: list[str] = []
    for col in range(width):
        seen: list[str] = []
        for row in rows:
            text = row[col] if col < len(row) else ""
            if text and text not in seen:
                seen.append(text)
        header.append(" ".join(seen))
    return tuple(header)
