"""Pipe-table rows and inline markup read by the shortcuts give what the plain rules give.

The markdown extractor reads most rows whole and most cells without markdown-it-py's inline
parser (scraper/extract/pipetable.py, inline.py). Each reference below reads cell by cell
through the parser, and the two must agree on generated cells, rows and pages.
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.extract import markdown
from scraper.extract.inline import inline_raw_text, parsed_text, shortcut_text
from scraper.extract.pipetable import (
    PipeRows,
    is_delimiter,
    is_delimiter_body,
    row_body,
    split_body,
)
from scraper.extract.text import Steps, reader_text
from scraper.limits import DEFAULT_LIMITS, Limits
from scripts import benchpages

CHECK = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of cells: markup in and out of context, blanks of every kind, CJK and mojibake.
# No NUL: the parser writes it as U+FFFD, and the extractor keeps whichever each path gives.
CELL_PIECES = [
    "a", "Err_Code", "A__B", "_x", "x_", "403", "read & write", "&amp;", "&#65;", "&x;", "&",
    "!", "![i](u)", "~", "~~s~~", "**b**", "**b", "b**", "** b**", "**a|b**", "*e*", "`c`",
    "<br>", "<b>x</b>", "[l](u)", "[", "]", ">", "<", "\\", "\\|", "\\*", "é", "Ã©",
    "æŒ‡å®šçš„", "中文", "エラー", "오류", " ", "  ", "\t", "\u00a0", "\u3000", "\x0b", "\x1f",
    "-", "---", ":-:", ".", ",", "(", ")", "?", "\x7f",
]  # fmt: skip
CELL = st.lists(st.sampled_from(CELL_PIECES), max_size=5).map("".join)
# Inline text of one line, as cells and headings are.
INLINE = st.lists(st.sampled_from([*CELL_PIECES, "|", "**", "*", "__"]), max_size=8).map("".join)


@CHECK
@given(INLINE)
def test_inline_text_is_what_the_parser_reads(source: str) -> None:
    shortcut = shortcut_text(source)
    assert shortcut is None or shortcut == parsed_text(source)
    assert inline_raw_text(source) == parsed_text(source)


def _reference_cells(
    line: str, width: int, limits: Limits
) -> tuple[list[str], list[tuple[int, int, Steps]], bool]:
    """Texts, repairs and whether a cell was cut: each cell through the parser, one by one."""
    cells = split_body(row_body(line), limits.max_line_cells)[:width]
    cap = limits.max_cell_chars
    read = [reader_text(parsed_text(cell[:cap]), cap) for cell in cells]
    repairs = [(0, col, steps) for col, (_, steps) in enumerate(read) if steps]
    return [text for text, _ in read], repairs, any(len(cell) > cap for cell in cells)


@st.composite
def rows(draw: st.DrawFn) -> tuple[str, int, Limits]:
    cells = draw(st.lists(CELL, max_size=7))
    joiner = draw(st.sampled_from([" | ", "|", "  |\t"]))
    line = joiner.join(cells)
    if draw(st.booleans()):
        line = f"|{line}|"
    line += draw(st.sampled_from(["", " ", "\\", "|"]))
    limits = draw(st.sampled_from([DEFAULT_LIMITS, Limits(max_cell_chars=8, max_line_cells=4)]))
    width = draw(st.integers(1, 6))
    return line, min(width, limits.max_line_cells), limits


@CHECK
@given(rows(), st.booleans())
def test_a_row_reads_as_its_cells_one_by_one(
    row: tuple[str, int, Limits], tabs_elsewhere: bool
) -> None:
    line, width, limits = row
    # Spaces only, as the page's extractor works it out: no tab or other control blank on the
    # page, on this line or elsewhere.
    spaces_only = not tabs_elsewhere and not any(
        blank in line for blank in "\t\v\f\x1c\x1d\x1e\x1f"
    )
    read = PipeRows(width, limits, spaces_only)
    read.add(line, 0)
    if is_delimiter(split_body(row_body(line), limits.max_line_cells)):
        assert read.rows == []
        return
    texts, repairs, cut = _reference_cells(line, width, limits)
    assert (read.rows, read.repairs, read.cut) == ([texts], repairs, cut), line


@CHECK
@given(st.lists(st.sampled_from(["-", ":", " ", "|", "\t", "a", "\\", "--|--"]), max_size=9))
def test_the_delimiter_pre_check_rules_out_no_delimiter_row(pieces: list[str]) -> None:
    body = "".join(pieces)
    for max_cells in (1, 2, 10_000):
        expected = is_delimiter(split_body(body, max_cells))
        assert is_delimiter_body(body, max_cells) == expected, body


@CHECK
@given(st.lists(st.sampled_from(["a", "\r", "\n", "\r\n", "\r\r\n", "|"]), max_size=12))
def test_lines_split_as_the_normalized_text(pieces: list[str]) -> None:
    text = "".join(pieces)
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    assert markdown._lines(text) == normalized.split("\n")


def test_a_mixed_page_reads_as_its_lines_cell_by_cell() -> None:
    """Plain, bold, CJK and mojibake rows, each row as the parser reads its line's cells."""
    page = benchpages.markdown_page(4, 40)
    lines = page.split("\n")
    tables = markdown.extract_tables(page, DEFAULT_LIMITS)
    assert len(tables) == 4
    for table in tables:
        width = len(table.header)
        expected = []
        repairs: list[tuple[int, int, Steps]] = []
        for index, locator in enumerate(table.row_locators):
            line = lines[int(locator.removeprefix("line ")) - 1]
            texts, row_repairs, _ = _reference_cells(line, width, DEFAULT_LIMITS)
            expected.append(tuple(texts))
            repairs += [(index, col, steps) for _, col, steps in row_repairs]
        assert list(table.rows) == expected
        assert list(table.cell_repairs) == repairs
    assert any(table.cell_repairs for table in tables), "the page has mojibake rows"
