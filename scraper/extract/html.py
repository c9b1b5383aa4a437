"""HTML tables: header detection, rowspan/colspan, sections from the headings above each table.

Pages are parsed with lexbor (selectolax), an HTML5 parser: it builds the tree a browser
builds, resolves no external entities and fetches nothing, and holds deep nesting without
recursion limits.
"""

from __future__ import annotations

import itertools
import queue
import re
import threading
from collections import deque
from collections.abc import Iterator

from selectolax.lexbor import LexborHTMLParser, LexborNode

from scraper.errors import ExtractError
from scraper.extract import htmlscan
from scraper.extract.htmlgrid import grid, header_row_count, join_header
from scraper.extract.htmltext import markup_text, node_raw_text, node_text
from scraper.extract.text import Steps, reader_heading
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Pages larger than this are parsed piece by piece (see htmlscan), each piece while the one
# before it is read, and each tree freed once read.
PIECE_BYTES = 256 * 1024

__all__ = ["declared_lang", "extract_tables", "markup_text", "table_from_node"]


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
    may_span: bool = True,
) -> RawTable | None:
    """One table as text cells. `where` says where the table starts ("line 12", "").
    `may_span` False says that no cell has a span attribute."""
    notes: list[str] = []
    cells = grid(table, number, limits, notes, may_span)
    if not cells:
        return None
    width = max(len(row.cells) for row in cells)
    n_header = header_row_count(cells)
    header = join_header([row.cells for row in cells[:n_header]], width)
    cell_repairs: list[tuple[int, int, Steps]] = []
    for row in cells[:n_header]:
        cell_repairs.extend((-1, col, steps) for col, steps in enumerate(row.repairs) if steps)
    rows: list[tuple[str, ...]] = []
    locators: list[str] = []
    groups: list[str] = []
    group = ""
    prefix = f"{where} " if where else ""
    for index, row in enumerate(cells[n_header:], start=n_header):
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


class _Outline:
    """The headings above the current point of the page, carried from piece to piece."""

    def __init__(self, section: tuple[str, Steps], headings: tuple[str, ...]) -> None:
        self.current = section
        self.titles: list[str] = list(headings)
        self.levels: list[int] = [0] * len(headings)

    def enter(self, level: int, heading: tuple[str, Steps]) -> None:
        self.current = heading
        while self.levels and self.levels[-1] >= level:
            self.levels.pop()
            self.titles.pop()
        self.levels.append(level)
        self.titles.append(heading[0])


class _Parsing:
    """A piece handed to the parsing thread, and its tree once parsed."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.tree: LexborHTMLParser | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


def _parse_each(jobs: queue.SimpleQueue[_Parsing | None]) -> None:
    """The parsing thread: one thread, so that freed trees are reused by the next parse."""
    while (job := jobs.get()) is not None:
        try:
            job.tree = LexborHTMLParser(job.body)
        except BaseException as exc:  # handed to the reader, in its thread
            job.error = exc
        job.body = b""
        job.done.set()


def _tree(job: _Parsing) -> LexborHTMLParser:
    job.done.wait()
    if job.error is not None:
        raise job.error
    assert job.tree is not None
    return job.tree


# How many pieces are parsed ahead of the one being read.
_AHEAD = 2


def _parsed_pieces(
    data: bytes, lowered: bytes, limits: Limits, piece_bytes: int
) -> Iterator[tuple[LexborHTMLParser, bytes, int]]:
    """Each piece's parsed tree, lower-cased bytes and first line, in document order; pieces
    of a large page are parsed ahead, in a thread of their own (lexbor lets go of the GIL),
    while the one before is read."""
    bounds = htmlscan.pieces(lowered, piece_bytes)
    first = next(bounds)
    if first[1] == len(data):
        htmlscan.check_depth(lowered, limits.max_depth)
        yield LexborHTMLParser(data), lowered, 1
        return
    prefix = htmlscan.doctype(lowered, data)
    jobs: queue.SimpleQueue[_Parsing | None] = queue.SimpleQueue()
    threading.Thread(target=_parse_each, args=(jobs,), daemon=True).start()
    ahead: deque[tuple[_Parsing, bytes, int]] = deque()
    line = 1
    try:
        for start, end in itertools.chain([first], bounds):
            piece = lowered[start:end]
            htmlscan.check_depth(piece, limits.max_depth)
            job = _Parsing(data[start:end] if start == 0 else prefix + data[start:end])
            jobs.put(job)
            ahead.append((job, piece, line))
            line += piece.count(b"\n")
            if len(ahead) > _AHEAD:
                job, done_piece, done_line = ahead.popleft()
                yield _tree(job), done_piece, done_line
        while ahead:
            job, done_piece, done_line = ahead.popleft()
            yield _tree(job), done_piece, done_line
    finally:
        jobs.put(None)


def extract_tables(
    text: str,
    section: tuple[str, Steps] = ("", ()),
    headings: tuple[str, ...] = (),
    line_offset: int = 0,
    first_number: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    piece_bytes: int = PIECE_BYTES,
) -> list[RawTable]:
    """Every table of an HTML page or fragment, in document order.

    `section` and `headings` are the context the fragment sits in (its markdown heading), used
    until a heading inside the fragment replaces them. `line_offset` maps fragment lines to the
    enclosing document's lines.
    """
    if not text.strip():
        return []
    data = text.encode("utf-8", "replace")
    lowered = data.lower()
    outline = _Outline(section, headings)
    tables: list[RawTable] = []
    seen_tables = 0
    for parser, piece, first_line in _parsed_pieces(data, lowered, limits, piece_bytes):
        root = parser.root
        if root is None:
            continue
        found = root.css("table, h1, h2, h3, h4, h5, h6")
        table_count = sum(1 for node in found if node.tag == "table")
        lines = htmlscan.table_lines(piece, first_line + line_offset)
        if len(lines) != table_count:
            lines = []  # tables the parser made up, or hid: line numbers would mislead
        piece_tables = 0
        may_span = b"span" in piece
        for node in found:
            tag = node.tag or ""
            level = HEADING_TAGS.get(tag)
            if level is not None:
                outline.enter(level, reader_heading(node_raw_text(node)))
                continue
            number = first_number + seen_tables
            where = f"line {lines[piece_tables]}" if lines else ""
            seen_tables += 1
            piece_tables += 1
            if number > limits.max_tables:
                raise ExtractError(f"over {limits.max_tables} tables on the page, over the limit")
            table = table_from_node(
                node, outline.current, tuple(outline.titles), number, where, limits, may_span
            )
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
