"""HTML tables: header detection, rowspan/colspan, sections from the headings above each table.

Pages are parsed with lexbor (selectolax), an HTML5 parser: it builds the tree a browser
builds, resolves no external entities and fetches nothing, and holds deep nesting without
recursion limits.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborNode

from scraper.errors import ExtractError
from scraper.extract import htmlpieces, htmlscan
from scraper.extract.htmlgrid import grid, header_row_count, join_header
from scraper.extract.htmltext import markup_text, node_raw_text, node_text, tag_ids
from scraper.extract.text import Steps, reader_heading
from scraper.limits import DEFAULT_LIMITS, Limits
from scraper.types import RawTable

HEADING_TAGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
(_TABLE,) = tag_ids("table")
# Pages larger than this are parsed piece by piece (see htmlscan), each piece while the one
# before it is read, and each tree freed once read.
PIECE_BYTES = 256 * 1024

__all__ = ["extract_tables", "iter_tables", "markup_text", "table_from_node"]


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
    row_prefix = f"{prefix}table {number} row "
    for index, row in enumerate(cells[n_header:], start=n_header):
        texts = row.cells
        if width > 1 and row.lone_span >= width:
            group = texts[0]
            continue
        if row.repairs:
            cell_repairs.extend(
                (len(rows), col, steps) for col, steps in enumerate(row.repairs) if steps
            )
        missing = width - len(texts)
        rows.append(tuple(texts + [""] * missing) if missing else tuple(texts))
        locators.append(row_prefix + str(index + 1))
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


class _PageReader:
    """Reads pieces of one page in order: headings move the outline, tables are read."""

    def __init__(
        self,
        data: bytes,
        lowered: bytes,
        outline: _Outline,
        line_offset: int,
        first_number: int,
        limits: Limits,
    ) -> None:
        self.data, self.lowered = data, lowered
        self.outline = outline
        self.line_offset = line_offset
        self.first_number = first_number
        self.limits = limits
        self.seen = 0
        """Tables met so far, read or empty."""

    def tables(self, bounds: Iterable[tuple[int, int]]) -> Iterator[RawTable]:
        pieces = htmlpieces.parsed_pieces(self.data, self.lowered, bounds, self.limits)
        for parser, piece, first_line in pieces:
            root = parser.root
            if root is not None:
                yield from self._piece_tables(root, piece, first_line)

    def _piece_tables(self, root: LexborNode, piece: bytes, first_line: int) -> Iterator[RawTable]:
        found = root.css("table, h1, h2, h3, h4, h5, h6")
        table_count = sum(1 for node in found if node.tag_id == _TABLE)
        lines = htmlscan.table_lines(piece, first_line + self.line_offset)
        if len(lines) != table_count:
            lines = []  # tables the parser made up, or hid: line numbers would mislead
        piece_tables = 0
        may_span = b"span" in piece
        outline = self.outline
        for node in found:
            level = HEADING_TAGS.get(node.tag or "")
            if level is not None:
                outline.enter(level, reader_heading(node_raw_text(node)))
                continue
            number = self.first_number + self.seen
            where = f"line {lines[piece_tables]}" if lines else ""
            self.seen += 1
            piece_tables += 1
            if number > self.limits.max_tables:
                raise ExtractError(
                    f"over {self.limits.max_tables} tables on the page, over the limit"
                )
            table = table_from_node(
                node, outline.current, tuple(outline.titles), number, where, self.limits, may_span
            )
            if table is not None:
                yield table


def iter_tables(
    text: str | bytes,
    section: tuple[str, Steps] = ("", ()),
    headings: tuple[str, ...] = (),
    line_offset: int = 0,
    first_number: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    piece_bytes: int = PIECE_BYTES,
) -> Iterator[RawTable]:
    """Every table of an HTML page or fragment, in document order, each as soon as it is read.

    `section` and `headings` are the context the fragment sits in (its markdown heading), used
    until a heading inside the fragment replaces them. `line_offset` maps fragment lines to the
    enclosing document's lines. Pages of `piece_bytes` and more are parsed piece by piece.
    `text` may be the page's UTF-8 bytes.
    """
    if not text.strip():
        return
    data = text if isinstance(text, bytes) else text.encode("utf-8", "replace")
    lowered = data.lower()
    reader = _PageReader(
        data, lowered, _Outline(section, headings), line_offset, first_number, limits
    )
    yield from reader.tables(htmlscan.pieces(lowered, piece_bytes))


def extract_tables(
    text: str,
    section: tuple[str, Steps] = ("", ()),
    headings: tuple[str, ...] = (),
    line_offset: int = 0,
    first_number: int = 1,
    limits: Limits = DEFAULT_LIMITS,
    piece_bytes: int = PIECE_BYTES,
) -> list[RawTable]:
    """iter_tables, as a list."""
    return list(
        iter_tables(text, section, headings, line_offset, first_number, limits, piece_bytes)
    )
