"""Whether a table's first row is a header or already data, and the table read either way.

A header names its columns; a data row has the shape of the rows below it. The first row is
data when none of its cells has a header word and a column of codes or statuses has, in the
first row, a value of the same shape as its other values.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from scraper.columns.lexicon import header_parts
from scraper.columns.shapes import cell_shape
from scraper.columns.weights import HEADER_LONGEST, HEADER_WORDS
from scraper.types import RawTable

_UPPER = re.compile(r"[A-Z]+")
_LOWER = re.compile(r"[a-z]+")
_DIGITS = re.compile(r"[0-9]+")


def signature(cell: str) -> str:
    """A value's shape: letters and digits as runs of A, a and 9 ("E1001" -> "A9")."""
    text = _DIGITS.sub("9", _LOWER.sub("a", _UPPER.sub("A", cell.strip())))
    return text if len(text) <= 24 else text[:24]


_LETTERS = re.compile(r"[^\W\d_]+")
_CJK_RUN = re.compile("[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")


def coarse_signature(cell: str) -> str:
    """A value's kind of shape: runs of letters as "a", of CJK as "字", of digits as "9"
    ("AuthorizationException" and "Session" -> "a", "E-1001" -> "a-9")."""
    text = _CJK_RUN.sub("字", cell.strip())
    return _DIGITS.sub("9", _LETTERS.sub("a", text))[:24]


def _keyish(values: list[str]) -> bool:
    shapes = [cell_shape(v) for v in values if v]
    if len(shapes) < 1:
        return False
    keyish = sum(1 for s in shapes if s.token or s.status or s.family)
    return keyish / len(shapes) >= 0.8


def _code_shaped(cell: str) -> bool:
    """A value only a code or status has: a digit in it, or a constant's shape (ERR_X,
    InvalidToken); a plain word ("Chrome", "Previous") could as well be a header."""
    shape = cell_shape(cell)
    if not (shape.token or shape.status or shape.family):
        return False
    return shape.status or shape.symbol or any(c.isdigit() for c in cell)


def _names_a_column(cell: str) -> bool:
    """A short cell with a header word in it ("Error code", "描述"); sentences are data."""
    if not cell or len(cell) > HEADER_LONGEST or len(cell.split()) > HEADER_WORDS:
        return False
    return bool(header_parts(cell).parts)


def first_row_is_data(table: RawTable) -> tuple[bool, str]:
    """Whether the first row (read as the header) is data, and why."""
    header = table.header
    if not table.rows or not any(header):
        return False, ""
    if any(_names_a_column(cell) for cell in header):
        return False, ""
    sample = table.rows[:32]
    for index, cell in enumerate(header):
        if not cell:
            continue
        below = [row[index] for row in sample if index < len(row) and row[index]]
        if not below or not _keyish(below) or not _code_shaped(cell):
            continue
        shapes = Counter(signature(v) for v in below)
        if shapes[signature(cell)] / len(below) >= 0.2:
            return True, (
                f"first row read as data: {cell!r} has the shape of the values below it "
                "and no cell of the row is a header word"
            )
    return False, ""


def as_headerless(table: RawTable) -> RawTable:
    """The table with its first row moved from the header to the data."""
    width = len(table.header)
    locators = table.row_locators
    return replace(
        table,
        header=("",) * width,
        rows=(table.header, *table.rows),
        row_locators=(table.locator, *locators) if locators else (),
        group_titles=("", *table.group_titles) if table.group_titles else (),
        cell_repairs=tuple((row + 1, col, steps) for row, col, steps in table.cell_repairs),
    )
