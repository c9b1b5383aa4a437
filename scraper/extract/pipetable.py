"""Pipe-table rows to text cells: splitting, delimiter rows, cell text, rows fitted to the header.

Most rows of real tables are plain: ASCII, no inline markup. Such a row is read whole, its cells
split and trimmed in one go; any other row is read cell by cell through the inline parser and
mojibake repair. Both give a cell the text `reader_text(inline_raw_text(cell))` gives it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from scraper.extract.inline import has_markup, inline_raw_text, shortcut_text
from scraper.extract.text import Steps, reader_text
from scraper.lang import has_cjk
from scraper.limits import Limits

_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
# How a delimiter row starts (its first cell, then a pipe or the end): rules out most rows
# before they are split.
_DELIMITER_START = re.compile(r"\s*:?-+:?\s*(?:\||$)")


def row_body(line: str) -> str:
    """A row line without surrounding blanks and outer pipes; an escaped last pipe stays."""
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return body


def split_body(body: str, max_cells: int) -> list[str]:
    """The cells of a row body, at most `max_cells`; `\\|` is a pipe inside a cell."""
    if "\\" not in body:
        return body.split("|", max_cells)[:max_cells]
    cells = _UNESCAPED_PIPE.split(body, maxsplit=max_cells)[:max_cells]
    return [cell.replace("\\|", "|") for cell in cells]


def split_row(line: str, max_cells: int) -> list[str]:
    return split_body(row_body(line), max_cells)


def is_delimiter(cells: list[str]) -> bool:
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


def is_delimiter_body(body: str, max_cells: int) -> bool:
    """Whether a row body is a delimiter row (`| --- | :-: |`)."""
    return (
        "-" in body
        and _DELIMITER_START.match(body) is not None
        and is_delimiter(split_body(body, max_cells))
    )


def cell_text(raw: str, cap: int) -> tuple[str, Steps]:
    """What a reader sees of one cell, cut at `cap` characters, and its repair steps."""
    if raw.isascii() and len(raw) <= cap and not has_markup(raw):
        return " ".join(raw.split()), ()
    return _read_cell(raw, cap)


@lru_cache(maxsize=4096)
def _read_cell(raw: str, cap: int) -> tuple[str, Steps]:
    """Cached: tables repeat cells (a status, a shared description), and repair is costly."""
    return reader_text(inline_raw_text(raw[:cap]), cap)


@dataclass(slots=True)
class PipeRows:
    """The body rows of one pipe table as text cells, at most `width` per row.

    `width` is at most the limit of cells per line, so reading a row's first `width` cells
    reads what splitting the whole line would give of them.
    """

    width: int
    limits: Limits
    spaces_only: bool = False
    """Whether the page's only blanks are spaces and line breaks (no tabs, no other controls)."""
    rows: list[list[str]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    """Per row, the index of its line."""
    repairs: list[tuple[int, int, Steps]] = field(default_factory=list)
    """(row, column, steps) of each repaired cell, columns as read (before fitting)."""
    cut: bool = False
    """Whether a cell was cut at the cell-length limit."""

    def add(self, content: str, line: int) -> None:
        """Read one line of the table body (without its containers)."""
        body = row_body(content)
        if is_delimiter_body(body, self.limits.max_line_cells):
            return  # a delimiter row further down (a second header) is no data
        cells = None
        if len(body) <= self.limits.max_cell_chars and body.isascii():
            cells = self._cells_without_parser(body)
        if cells is None:
            cells = self._read_cells(split_body(body, self.width))
        self.rows.append(cells)
        self.lines.append(line)

    def _cells_without_parser(self, body: str) -> list[str] | None:
        """The cells' texts of an ASCII row that the inline parser need not read, else None.

        ASCII has no mojibake to repair, and a row with no markup but `**strong**` runs reads
        as a whole as its cells do one by one.
        """
        # No markup read here has a backslash: every pipe separates cells.
        text = shortcut_text(body, cell_separator="|")
        if text is None:
            return None
        cells = text.split("|", self.width)[: self.width]
        if "  " not in text and (self.spaces_only or text.isprintable()):
            # No blank but single spaces: each cell's blanks fold to themselves.
            return [cell.strip() for cell in cells]
        return [" ".join(cell.split()) for cell in cells]

    def _read_cells(self, cells: list[str]) -> list[str]:
        cap = self.limits.max_cell_chars
        texts = []
        for col, raw in enumerate(cells):
            self.cut = self.cut or len(raw) > cap
            text, steps = cell_text(raw, cap)
            if steps:
                self.repairs.append((len(self.rows), col, steps))
            texts.append(text)
        return texts


_STATUS_CELL = re.compile(r"^[1-5]\d\d(?!\d)")
_NUMBER_CELL = re.compile(r"^-?(?:\d+|0x[0-9a-fA-F]+)$")


def _cell_kind(text: str) -> str:
    """A coarse shape of a cell, to tell which column a stray cell belongs to."""
    if not text:
        return "empty"
    if _STATUS_CELL.match(text):
        return "status"
    if _NUMBER_CELL.match(text):
        return "number"
    if has_cjk(text):
        return "cjk"
    if " " not in text and len(text) <= 60:
        return "ident"
    return "text"


def _column_kinds(rows: list[list[str]], width: int) -> list[str]:
    full = [row for row in rows if len(row) >= width]
    kinds = []
    for col in range(width):
        seen = [_cell_kind(row[col]) for row in full if row[col]]
        kinds.append(max(sorted(set(seen)), key=seen.count) if seen else "")
    return kinds


def fit_rows(rows: list[list[str]], width: int) -> tuple[list[list[str]], list[int]]:
    """Give every row (of at most `width` cells) the header's width; per row, its shift.

    Missing cells are empty, as GFM reads them, except a short row whose cells match the last
    columns better than the first: that is a vendor's flattened rowspan, the leading cells
    filled down from the row above, and its cells shift right.
    """
    if min(map(len, rows), default=width) == width:  # no row is short
        return rows, [0] * len(rows)
    kinds = _column_kinds(rows, width)
    fitted: list[list[str]] = []
    shifts: list[int] = []
    for row in rows:
        shift = 0
        if len(row) < width:
            missing = width - len(row)
            left = sum(_cell_kind(c) == kinds[i] for i, c in enumerate(row) if c)
            right = sum(_cell_kind(c) == kinds[i + missing] for i, c in enumerate(row) if c)
            if fitted and right > left:
                row = fitted[-1][:missing] + row
                shift = missing
            else:
                row = row + [""] * missing
        fitted.append(row)
        shifts.append(shift)
    return fitted, shifts
