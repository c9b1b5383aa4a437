"""Markdown pages: pipe tables as people write them, and HTML table blocks inside markdown.

Block structure is read by a line scanner (fences, headings, HTML blocks, pipe tables), which
is lenient where GFM is strict (no delimiter row, a one-cell delimiter row, no outer pipes) and
fast on large pages; cell text goes through markdown-it-py's inline parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from scraper.errors import ExtractError
from scraper.extract import html
from scraper.extract.inline import inline_raw_text, inline_text
from scraper.extract.sniff import strip_front_matter
from scraper.extract.text import Steps, reader_heading, reader_text
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE)
_TABLE_OPEN = re.compile(r"<table[\s>]", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_CONTAINER = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_DELIMITER_CELL = re.compile(r"^\s*:?-+:?\s*$")
_BOLD_CAPTION = re.compile(r"^\s*(\*\*|__)")
_SENTENCE_END = tuple(".。:：!?！？,，;；")


def _split_row(line: str, max_cells: int) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = _UNESCAPED_PIPE.split(body, maxsplit=max_cells)[:max_cells]
    return [cell.replace("\\|", "|") for cell in cells]


def _is_delimiter(cells: list[str]) -> bool:
    return bool(cells) and all(_DELIMITER_CELL.match(cell) for cell in cells)


def _strip_container(line: str) -> str:
    """A line without blockquote markers and list bullets, so nested tables read alike."""
    return _CONTAINER.sub("", line, count=1)


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
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
    if _CJK.search(text):
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


def _fit_rows(rows: list[list[str]], width: int) -> tuple[list[list[str]], list[int]]:
    """Give every row the header's width.

    Surplus cells are dropped and missing ones are empty, as GFM reads them, except a short row
    whose cells match the last columns better than the first: that is a vendor's flattened
    rowspan, the leading cells filled down from the row above.
    """
    if all(len(row) >= width for row in rows):
        return [row[:width] for row in rows], [0] * len(rows)
    kinds = _column_kinds(rows, width)
    fitted: list[list[str]] = []
    shifts: list[int] = []
    for row in rows:
        shift = 0
        if len(row) > width:
            row = row[:width]
        elif len(row) < width:
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


def _title_like(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 80
        and not text.endswith(_SENTENCE_END)
        and "|" not in text
        and not text.startswith(("<", "!", "[", "-", "*", ">"))
    )


@dataclass(slots=True)
class _Scanner:
    lines: list[str]
    offset: int
    """Lines removed before `lines` (front matter), for line numbers in locators."""
    limits: Limits = DEFAULT_LIMITS
    tables: list[RawTable] = field(default_factory=list)
    title_lines: list[tuple[str, Steps]] = field(default_factory=list)
    """Per table, the short title line above it (used when the page has no headings)."""
    outline: list[tuple[int, str, Steps]] = field(default_factory=list)
    has_headings: bool = False
    paragraph: list[str] = field(default_factory=list)
    """Non-blank lines since the last block, for title lines and caption paragraphs."""

    def heading(self, level: int, heading: tuple[str, Steps]) -> None:
        while self.outline and self.outline[-1][0] >= level:
            self.outline.pop()
        self.outline.append((level, *heading))
        self.has_headings = True
        self.paragraph = []

    def context(self) -> tuple[tuple[str, Steps], tuple[str, ...]]:
        section = (self.outline[-1][1], self.outline[-1][2]) if self.outline else ("", ())
        return section, tuple(text for _, text, _ in self.outline)

    def caption(self) -> str:
        """A bold paragraph right above the table ("**Table 1** Error codes") is its caption."""
        if self.paragraph and _BOLD_CAPTION.match(self.paragraph[-1]):
            return inline_text(self.paragraph[-1].strip())
        return ""

    def title_line(self) -> tuple[str, Steps]:
        for line in reversed(self.paragraph):
            if _title_like(line):
                return reader_heading(inline_raw_text(line.strip()))
        return "", ()

    def scan(self) -> None:
        lines = self.lines
        i = 0
        while i < len(lines):
            line = lines[i]
            fence = _FENCE.match(line)
            if fence:
                i = self._skip_fence(i, fence.group(1))
                continue
            if "<!--" in line and "-->" not in line.split("<!--", 1)[1]:
                i = self._skip_comment(i)
                continue
            atx = _ATX.match(line)
            if atx:
                self.heading(len(atx.group(1)), reader_heading(inline_raw_text(atx.group(2) or "")))
                i += 1
                continue
            tag = _HTML_HEADING.match(line)
            if tag:
                self.heading(int(tag.group(1)), reader_heading(html_raw_text(tag.group(2))))
                i += 1
                continue
            if _TABLE_OPEN.search(line):
                i = self._html_table(i)
                continue
            if "|" in line and self._pipe_table(i):
                i = self._pipe_end
                continue
            if i + 1 < len(lines) and line.strip() and _SETEXT.match(lines[i + 1]):
                if len(self.paragraph) == 0 and "|" not in line:
                    level = 1 if lines[i + 1].strip().startswith("=") else 2
                    self.heading(level, reader_heading(inline_raw_text(line.strip())))
                    i += 2
                    continue
            if line.strip():
                self.paragraph.append(line)
            else:
                self.paragraph = []
            i += 1

    def _skip_fence(self, start: int, marker: str) -> int:
        closing = re.compile(
            r"^\s*(?:>\s*)*" + re.escape(marker[0]) + "{" + str(len(marker)) + r",}\s*$"
        )
        i = start + 1
        while i < len(self.lines) and not closing.match(self.lines[i]):
            i += 1
        self.paragraph = []
        return i + 1

    def _skip_comment(self, start: int) -> int:
        i = start + 1
        while i < len(self.lines) and "-->" not in self.lines[i]:
            i += 1
        return i + 1

    def _html_table(self, start: int) -> int:
        depth = 0
        end = start
        for end in range(start, len(self.lines)):
            text = self.lines[end]
            depth += len(_TABLE_OPEN.findall(text)) - len(_TABLE_CLOSE.findall(text))
            if depth <= 0:
                break
        first = self.lines[start]
        opening = _TABLE_OPEN.search(first)
        chunk_lines = [
            first[opening.start() :] if opening else first,
            *self.lines[start + 1 : end + 1],
        ]
        section, headings = self.context()
        found = html.extract_tables(
            "\n".join(chunk_lines),
            section=section,
            headings=headings,
            line_offset=self.offset + start,
            first_number=len(self.tables) + 1,
            limits=self.limits,
        )
        caption = self.caption()
        for table in found:
            if caption and not table.caption:
                table = replace(table, caption=caption)
            self.tables.append(table)
            self.title_lines.append(self.title_line())
        self.paragraph = []
        return end + 1

    _pipe_end: int = 0

    def _row_text(self, index: int) -> str | None:
        """The content of a line that can be a pipe-table row, without its containers."""
        if index >= len(self.lines):
            return None
        line = self.lines[index]
        content = _strip_container(line)
        if "|" not in content or not content.strip() or _FENCE.match(line):
            return None
        return content

    def _pipe_table(self, start: int) -> bool:
        """Read a pipe table starting at `start`; False when the lines are not a table.

        Whether a table starts here is decided by its first two lines alone, so that a long
        run of lines with pipes that is not a table costs one pass.
        """
        limits = self.limits
        first, second = self._row_text(start), self._row_text(start + 1)
        if first is None or second is None:
            return False
        header_cells_raw = _split_row(first, limits.max_line_cells)
        has_delimiter = _is_delimiter(_split_row(second, limits.max_line_cells))
        if not has_delimiter and not (
            first.lstrip().startswith("|") and len(header_cells_raw) >= 2
        ):
            return False
        end = start + (2 if has_delimiter else 1)
        kept: list[tuple[list[str], int]] = []
        while (content := self._row_text(end)) is not None:
            row = _split_row(content, limits.max_line_cells)
            # A delimiter row further down (a second header) is dropped, not read as data.
            if not _is_delimiter(row):
                kept.append((row, end))
                if len(kept) > limits.max_rows:
                    raise ExtractError(
                        f"table at line {self.offset + start + 1} has over {limits.max_rows} "
                        "rows, over the limit"
                    )
            end += 1
        width = min(len(header_cells_raw), limits.max_columns)
        cap = limits.max_cell_chars
        notes = []
        if any(len(c) > cap for row, _ in kept for c in row[:width]):
            notes.append(f"table at line {self.offset + start + 1}: a cell cut at {cap} characters")
        header_cells = [
            reader_text(inline_raw_text(c[:cap]), cap) for c in header_cells_raw[:width]
        ]
        cells = [
            [reader_text(inline_raw_text(c[:cap]), cap) for c in row[:width]] for row, _ in kept
        ]
        fitted, shifts = _fit_rows([[text for text, _ in row] for row in cells], width)
        repairs: list[tuple[int, int, Steps]] = [
            (-1, col, steps) for col, (_, steps) in enumerate(header_cells) if steps
        ]
        for index, row_cells in enumerate(cells):
            # A flattened row's cells sit at the end of the fitted row.
            repairs.extend(
                (index, col + shifts[index], steps)
                for col, (_, steps) in enumerate(row_cells)
                if steps
            )
        section, headings = self.context()
        self.tables.append(
            RawTable(
                header=tuple(text for text, _ in header_cells),
                rows=tuple(tuple(row) for row in fitted),
                section=section[0],
                section_repairs=section[1],
                cell_repairs=tuple(repairs),
                locator=f"line {self.offset + start + 1}",
                headings=headings,
                row_locators=tuple(f"line {self.offset + n + 1}" for _, n in kept),
                caption=self.caption(),
                group_titles=tuple("" for _ in kept),
                notes=tuple(notes),
            )
        )
        if len(self.tables) > limits.max_tables:
            raise ExtractError(f"over {limits.max_tables} tables on the page, over the limit")
        self.title_lines.append(self.title_line())
        self.paragraph = []
        self._pipe_end = end
        return True


def html_raw_text(fragment: str) -> str:
    return html.markup_text(fragment)


def _lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def extract_tables(text: str, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """Every pipe table and HTML table of a markdown page, in document order."""
    body = strip_front_matter(text)
    offset = text[: len(text) - len(body)].count("\n")
    scanner = _Scanner(lines=_lines(body), offset=offset, limits=limits)
    scanner.scan()
    if scanner.has_headings:
        return scanner.tables
    # A plain-text capture lost its heading markup: the short title line above each table
    # is the closest thing to a heading the page still has.
    return [
        replace(table, section=title, section_repairs=steps, headings=(title,) if title else ())
        for table, (title, steps) in zip(scanner.tables, scanner.title_lines, strict=True)
    ]
