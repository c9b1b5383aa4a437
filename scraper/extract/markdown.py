"""Markdown pages: pipe tables as people write them, and HTML table blocks inside markdown.

Block structure is read by a line scanner (fences, headings, HTML blocks, pipe tables), which
is lenient where GFM is strict (no delimiter row, a one-cell delimiter row, no outer pipes) and
fast on large pages; cell text is what markdown-it-py's inline parser reads in it (pipetable.py
reads rows, inline.py the markup).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from scraper.errors import ExtractError
from scraper.extract.inline import inline_raw_text, inline_text, page_references
from scraper.extract.pipetable import (
    PipeRows,
    cell_text,
    fit_rows,
    is_delimiter_body,
    row_body,
    split_row,
)
from scraper.extract.sniff import strip_front_matter
from scraper.extract.text import Steps, reader_heading
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

_FENCE = re.compile(r"^\s*(?:>\s*)*(`{3,}|~{3,})")
# An ATX heading, also inside block quotes, which a list item may indent ("    > ### Note:").
_ATX = re.compile(
    r"^(?: {0,3}|[ \t]*(?:>[ \t]?)+[ \t]{0,3})(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$"
)
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTML_HEADING = re.compile(r"^\s*<h([1-6])\b[^>]*>(.*?)</h\1\s*>", re.IGNORECASE)
_TABLE_OPEN = re.compile(r"<table[\s>]", re.IGNORECASE)
_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
_TABLE_MARK = re.compile(r"<(/?)table(?:[\s>]|$)[^>]*>?", re.IGNORECASE)
_CONTAINER = re.compile(r"^\s*(?:>\s*)*(?:(?:[-*+]|\d{1,9}[.)])\s+)?")
_BOLD_CAPTION = re.compile(r"^\s*(\*\*|__)")
_SENTENCE_END = tuple(".。:：!?！？,，;；")


def _strip_container(line: str) -> str:
    """A line without blockquote markers and list bullets, so nested tables read alike."""
    return _CONTAINER.sub("", line, count=1)


def _row_content(line: str) -> str | None:
    """The content of a line that can be a pipe-table row, without its containers; else None."""
    if line[:1] == "|":
        return line  # the usual row: no container, no fence
    content = _strip_container(line)
    if "|" not in content or not content.strip() or _FENCE.match(line):
        return None
    return content


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
    spaces_only: bool = False
    """Whether the page's only blanks are spaces and line breaks (see PipeRows)."""
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
            if "<" in line and _TABLE_OPEN.search(line):
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
        if any(not line.strip() for line in chunk_lines):
            chunk_lines = markdown_paragraphs_as_html(chunk_lines)
        section, headings = self.context()
        from scraper.extract import html  # loaded for pages with HTML tables only

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
        return _row_content(self.lines[index]) if index < len(self.lines) else None

    def _pipe_table(self, start: int) -> bool:
        """Read a pipe table starting at `start`; False when the lines are not a table.

        Whether a table starts here is decided by its first two lines alone, so that a long
        run of lines with pipes that is not a table costs one pass.
        """
        limits = self.limits
        first, second = self._row_text(start), self._row_text(start + 1)
        if first is None or second is None:
            return False
        header_cells_raw = split_row(first, limits.max_line_cells)
        has_delimiter = is_delimiter_body(row_body(second), limits.max_line_cells)
        if not has_delimiter and not (
            first.lstrip().startswith("|") and len(header_cells_raw) >= 2
        ):
            return False
        width = min(len(header_cells_raw), limits.max_columns)
        rows = PipeRows(width, limits, self.spaces_only)
        end = len(self.lines)
        for index in range(start + (2 if has_delimiter else 1), end):
            content = _row_content(self.lines[index])
            if content is None:
                end = index
                break
            rows.add(content, index)
            if len(rows.lines) > limits.max_rows:
                raise ExtractError(
                    f"table at line {self.offset + start + 1} has over {limits.max_rows} "
                    "rows, over the limit"
                )
        header = [cell_text(c, limits.max_cell_chars) for c in header_cells_raw[:width]]
        self._add_pipe_table(start, header, rows)
        self._nested_html_tables(start, end)
        self._pipe_end = end
        return True

    def _nested_html_tables(self, start: int, end: int) -> None:
        """HTML tables written inside the cells of a pipe table (a parameter's table of
        error codes, say) are tables of their own, after the one that holds them."""
        for index in range(start, end):
            line = self.lines[index]
            if "<table" not in line.lower():
                continue
            section, headings = self.context()
            from scraper.extract import html  # loaded for pages with HTML tables only

            for fragment in _html_table_fragments(line):
                found = html.extract_tables(
                    fragment,
                    section=section,
                    headings=headings,
                    line_offset=self.offset + index,
                    first_number=len(self.tables) + 1,
                    limits=self.limits,
                )
                for table in found:
                    self.tables.append(table)
                    self.title_lines.append(self.title_line())

    def _add_pipe_table(self, start: int, header: list[tuple[str, Steps]], rows: PipeRows) -> None:
        limits = self.limits
        notes = []
        if rows.cut:
            cap = limits.max_cell_chars
            notes.append(f"table at line {self.offset + start + 1}: a cell cut at {cap} characters")
        fitted, shifts = fit_rows(rows.rows, len(header))
        repairs = [(-1, col, steps) for col, (_, steps) in enumerate(header) if steps]
        # A flattened row's cells sit at the end of the fitted row.
        repairs.extend((row, col + shifts[row], steps) for row, col, steps in rows.repairs)
        section, headings = self.context()
        self.tables.append(
            RawTable(
                header=tuple(text for text, _ in header),
                rows=tuple(map(tuple, fitted)),
                section=section[0],
                section_repairs=section[1],
                cell_repairs=tuple(repairs),
                locator=f"line {self.offset + start + 1}",
                headings=headings,
                row_locators=tuple([f"line {self.offset + n + 1}" for n in rows.lines]),
                caption=self.caption(),
                group_titles=("",) * len(rows.lines),
                notes=tuple(notes),
            )
        )
        if len(self.tables) > limits.max_tables:
            raise ExtractError(f"over {limits.max_tables} tables on the page, over the limit")
        self.title_lines.append(self.title_line())
        self.paragraph = []


# A line that starts an HTML block able to interrupt a paragraph (CommonMark's kind 6), or
# closes a tag: in a table written as HTML, the lines of markup.
_HTML_BLOCK_LINE = re.compile(
    r"^ {0,3}</?(?:table|thead|tbody|tfoot|tr|td|th|caption|colgroup|col|p|div|ul|ol|li|dl|dt|"
    r"dd|pre|section|article|details|summary|h[1-6]|hr|br|blockquote|center|figure)\b|^ {0,3}<!--",
    re.IGNORECASE,
)


def _html_table_fragments(line: str) -> list[str]:
    """The outermost `<table>...</table>` fragments of one line, in order."""
    fragments: list[str] = []
    depth = 0
    begin = 0
    for mark in _TABLE_MARK.finditer(line):
        if mark.group(1) != "/":
            if depth == 0:
                begin = mark.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                fragments.append(line[begin : mark.end()])
    return fragments


def markdown_paragraphs_as_html(lines: list[str]) -> list[str]:
    """An HTML table's lines with its markdown paragraphs read as markdown, line for line.

    In markdown, an HTML block ends at a blank line: text after it that is not markup is a
    paragraph, and its escapes, code spans and emphasis are markdown (a DITA export writes
    each cell's text so). Lines of markup, and text inside an unbroken block, stay as written.
    """
    from scraper.extract.inline import render_inline_html

    out: list[str] = []
    in_block = True
    for line in lines:
        if not line.strip():
            in_block = False
            out.append(line)
        elif in_block or _HTML_BLOCK_LINE.match(line):
            in_block = True
            out.append(line)
        else:
            out.append(render_inline_html(line.strip()))
    return out


def html_raw_text(fragment: str) -> str:
    from scraper.extract.htmltext import markup_text  # loaded for pages with HTML only

    return markup_text(fragment)


# The ASCII blanks that str.split() folds, but for the space and line breaks.
_CONTROL_BLANKS = "\t\v\f\x1c\x1d\x1e\x1f"


def _lines(text: str) -> list[str]:
    """The lines of a text split at CRLF, CR and LF, with no line-break-normalized copy of it."""
    lines = text.split("\n")
    if "\r" not in text:
        return lines
    split: list[str] = []
    last = len(lines) - 1
    for index, line in enumerate(lines):
        if "\r" not in line:
            split.append(line)
            continue
        if index < last and line.endswith("\r"):
            line = line[:-1]  # the CR of a CRLF
        split.extend(line.split("\r"))
    return split


def _body_lines(text: str) -> tuple[int, list[str]]:
    """The lines after any front matter, and how many line feeds the front matter holds.

    The text after the front matter is a copy of the page: it is let go once split in lines.
    """
    body = strip_front_matter(text)
    return text[: len(text) - len(body)].count("\n"), _lines(body)


# A link reference definition: "[label]: destination" at the start of a line.
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[([^\]\n]{1,999})\]:[ \t]*\S", re.MULTILINE)


def extract_tables(text: str, limits: Limits = DEFAULT_LIMITS) -> list[RawTable]:
    """Every pipe table and HTML table of a markdown page, in document order."""
    offset, lines = _body_lines(text)
    spaces_only = not any(blank in text for blank in _CONTROL_BLANKS)
    scanner = _Scanner(lines=lines, offset=offset, limits=limits, spaces_only=spaces_only)
    labels = _REFERENCE_DEFINITION.findall(text) if "]:" in text else []
    with page_references(labels):
        scanner.scan()
    if scanner.has_headings:
        return scanner.tables
    # A plain-text capture lost its heading markup: the short title line above each table
    # is the closest thing to a heading the page still has.
    return [
        replace(table, section=title, section_repairs=steps, headings=(title,) if title else ())
        for table, (title, steps) in zip(scanner.tables, scanner.title_lines, strict=True)
    ]
