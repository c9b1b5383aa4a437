"""Property tests: the extractors and the page pipeline on generated input.

Three kinds of properties:

- Any text or bytes: the markdown and HTML extractors and `parse_page` return tables/records
  with a consistent shape, or raise a ScraperError; nothing else escapes.
- Generated tables: a pipe table or an HTML table built from known cells reads back as those
  cells (whitespace folded); HTML rowspan/colspan are checked against a model of the HTML
  table algorithm (https://html.spec.whatwg.org/#forming-a-table) with the documented limits.
- Generated error tables: `parse_page` yields one record per row, with the codes in order.

Deviations the properties found are also pinned down by small explicit cases (SPAN_CASES and
the tests after them), so each shows on its own.

The normal run is bounded by the "errcodes-ci" profile. The long run is opt-in:
`pytest tests/test_properties.py --run-fuzz -m fuzz -s` runs every property with the
"errcodes-fuzz" profile (FUZZ_EXAMPLES examples each, default 20000, within FUZZ_SECONDS,
default 480, for the whole run) and prints how many examples each property ran.
"""

from __future__ import annotations

import html as html_lib
import os
import re
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings
from hypothesis import strategies as st
from hypothesis.errors import UnsatisfiedAssumption

from scraper.decode import decode_bytes
from scraper.errors import ScraperError
from scraper.extract import html as html_extract
from scraper.extract import markdown as md_extract
from scraper.limits import DEFAULT_LIMITS
from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.types import RawTable
from tests.test_htmlscan import without_lines

settings.register_profile(
    "errcodes-ci",
    max_examples=60,
    deadline=None,
    # No "explain" phase: on a failure it costs more than the shrinking itself.
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "errcodes-fuzz",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
    suppress_health_check=list(HealthCheck),
    print_blob=True,
)
CI = settings.get_profile("errcodes-ci")
FUZZ = settings.get_profile("errcodes-fuzz")


def fold(text: str) -> str:
    """Whitespace folding as the contract states it: runs become one space, trimmed."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------
# Strategies: hostile text and bytes

FRAGMENTS = [
    "|", "||", "\\|", " | ", "\n", "\r\n", "\r", "\t", "`", "``", "```", "~~~", "    ",
    "# ", "## Error codes\n", "Error codes\n", "===\n", "---", "|---|---|\n", "| :-: |", "|-|",
    "> ", "- ", "1. ", "**", "__", "*", "[", "](", ")", "<br>", "<br/>", "&amp;", "&#0;",
    "&#x110000;", "&nbsp;", "&", "<", ">", "<!--", "-->", "<table>", "</table>", "<table ",
    "<tr>", "</tr>", "<td>", "</td>", "<th>", "<thead>", "</thead>", "<tbody>", "<caption>",
    "<td rowspan='3'>", "<th colspan=2>", "<td colspan=\"99999999999\">", "<td rowspan=0>",
    "<td colspan=-1>", "<h2>", "</h2>", "<h1 id=x>", "<p class=title>", "<script>", "</script>",
    "<html lang='zh-CN'>", "<?xml version='1.0'?>", "<!DOCTYPE html>", "<meta charset=gbk>",
    "---\n", "+++\n", "\ufeff", "\x00", "\x0b", "\x1b", "\x85", "\u2028", "\u00a0", "\u3000",
    "错误码", "錯誤碼", "エラーコード", "오류 코드", "说明", "Error code", "HTTP status",
    "Status Code", "Message", "Description", "Solution", "400 Bad Request", "5xx", "Err42",
    "InvalidParameter.%s", "Ã©", "ï¼š", "â€™", "ðŸ", "\U0001f600",
]  # fmt: skip

ANY_TEXT = st.one_of(
    st.text(max_size=400),
    st.lists(st.one_of(st.text(max_size=12), st.sampled_from(FRAGMENTS)), max_size=60).map("".join),
)

ANY_BYTES = st.one_of(
    st.binary(max_size=600),
    ANY_TEXT.map(lambda s: s.encode("utf-8")),
    ANY_TEXT.map(lambda s: s.encode("utf-16-le")),
    ANY_TEXT.map(lambda s: s.encode("utf-16")),  # with its BOM
    ANY_TEXT.map(lambda s: s.encode("utf-8-sig")),
    ANY_TEXT.map(lambda s: s.encode("gb18030", "ignore")),
    ANY_TEXT.map(lambda s: s.encode("cp1252", "ignore")),
    st.tuples(
        st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00", b""]),
        st.binary(max_size=300),
    ).map(lambda parts: parts[0] + parts[1]),
)

FILENAMES = st.sampled_from(["x.md", "x.html", "x.txt", "x"])


def check_table_shape(table: RawTable) -> None:
    """What any extracted table promises its consumers."""
    width = len(table.header)
    assert all(len(row) == width for row in table.rows), (table.header, table.rows)
    assert len(table.row_locators) in (0, len(table.rows))
    assert len(table.group_titles) in (0, len(table.rows))
    for row, col, _ in table.cell_repairs:
        assert -1 <= row < len(table.rows)
        assert 0 <= col < width
    assert all(isinstance(cell, str) for row in table.rows for cell in row)


def only_scraper_errors(call: Callable[[], Any]) -> Any:
    """The result of call(), None when it raised a ScraperError; anything else escapes."""
    try:
        return call()
    except ScraperError as exc:
        message = str(exc)
        assert message and "\n" not in message, repr(message)
        return None


# --------------------------------------------------------------------------------------------
# Properties on any input


def check_markdown_any_text(text: str) -> None:
    tables = only_scraper_errors(lambda: md_extract.extract_tables(text, DEFAULT_LIMITS))
    for table in tables or ():
        check_table_shape(table)


def check_html_any_text(text: str) -> None:
    tables = only_scraper_errors(lambda: html_extract.extract_tables(text, limits=DEFAULT_LIMITS))
    for table in tables or ():
        check_table_shape(table)


def check_parsed(parsed: Any) -> None:
    if parsed is None:
        return
    keys = [record.key for record in parsed.records]
    assert len(keys) == len(set(keys)), keys
    for record in parsed.records:
        assert record.code or record.http_status is not None
        assert record.http_status is None or 100 <= record.http_status <= 599
        assert record.source == "x"


def check_parse_page_text(text: str, filename: str) -> None:
    body = text.encode("utf-8")
    check_parsed(
        only_scraper_errors(lambda: parse_page(body, PageInfo(source="x"), filename=filename))
    )


def check_parse_page_bytes(body: bytes, filename: str) -> None:
    check_parsed(
        only_scraper_errors(lambda: parse_page(body, PageInfo(source="x"), filename=filename))
    )


def check_decode_bytes(body: bytes) -> None:
    decoded = only_scraper_errors(lambda: decode_bytes(body))
    if decoded is not None:
        text, codec = decoded
        assert isinstance(text, str) and codec
        assert "\x00" not in text


# --------------------------------------------------------------------------------------------
# Generated pipe tables

HEADERS = [
    "Error code", "HTTP status", "Message", "Description", "Error Message", "Solution",
    "Status Code", "Code", "Suggestion", "错误码", "错误信息", "描述", "解决方法",
    "錯誤碼", "エラーコード", "メッセージ", "対処方法", "오류 코드", "설명",
]  # fmt: skip

# Characters with no markdown meaning: letters, digits, blanks, CJK, plain punctuation.
_ASCII_PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789     .,:()\t\u00a0"
_CJK_PLAIN = (
    "".join(map(chr, range(0x4E00, 0xA000, 61)))  # CJK ideographs
    + "".join(map(chr, range(0x3041, 0x30FB)))  # kana
    + "".join(map(chr, range(0xAC00, 0xD7A4, 89)))  # hangul
    + "，。：（）、"
)
PLAIN_CHAR = st.one_of(st.sampled_from(_ASCII_PLAIN), st.sampled_from(_CJK_PLAIN))
PLAIN_TEXT = st.text(alphabet=PLAIN_CHAR, max_size=30)
# In a pipe table a cell may also hold a pipe, written escaped.
PIPE_CELL = st.text(alphabet=st.sampled_from(_ASCII_PLAIN + "|") | PLAIN_CHAR, max_size=30)
HEADER_CELL = st.one_of(st.sampled_from(HEADERS), PLAIN_TEXT)
_LIST_MARKER = re.compile(r"\s*\d{1,9}[.)](?:\s|$)")


@dataclass(frozen=True)
class MdCell:
    """A pipe-table cell: text, written plain or with inline markup a reader does not see."""

    text: str
    style: str = "plain"

    def written(self) -> str:
        text = self.text.replace("|", "\\|")
        if self.style == "bold":
            return f"**{text}**"
        if self.style == "code":
            return f"`{text}`"
        if self.style == "br":
            return f"{text}<br>{text}"
        if self.style == "entity":
            return f"{text} &amp; &lt;{text}&gt;"
        return text

    def expected(self) -> str:
        if self.style == "br":
            return fold(f"{self.text} {self.text}")
        if self.style == "entity":
            return fold(f"{self.text} & <{self.text}>")
        return fold(self.text)


@st.composite
def md_cells(draw: st.DrawFn, text: st.SearchStrategy[str] = PIPE_CELL) -> MdCell:
    value = draw(text)
    styles = ["plain", "plain", "plain", "br", "entity"]
    if value.strip():
        styles.append("code")  # `` is no code span
    if value and value == value.strip():
        styles.append("bold")  # ** a** is no emphasis
    return MdCell(value, draw(st.sampled_from(styles)))


@dataclass(frozen=True)
class PipeTable:
    header: list[str]
    rows: list[list[MdCell]]
    outer_pipes: bool
    delimiter: str
    """The delimiter row as written, "" for none."""
    heading: str
    lead: str = ""
    """A paragraph line right above the table, no blank line between."""

    def markdown(self) -> str:
        lines = []
        if self.heading:
            lines += [f"## {self.heading}", ""]
        if self.lead:
            lines.append(self.lead)
        lines.append(self.line([c.replace("|", "\\|") for c in self.header]))
        if self.delimiter:
            lines.append(self.delimiter)
        lines += [self.line([cell.written() for cell in row]) for row in self.rows]
        lines += ["See the console for details."]
        return "\n".join(lines) + "\n"

    def line(self, cells: list[str]) -> str:
        body = " | ".join(cells)
        return f"| {body} |" if self.outer_pipes else body


def _no_list_marker(text: str) -> str:
    return "x" + text if _LIST_MARKER.match(text) else text


@st.composite
def pipe_tables(draw: st.DrawFn) -> PipeTable:
    width = draw(st.integers(2, 6))
    outer = draw(st.booleans())
    # Without outer pipes a header needs its delimiter row to be a table at all (GFM too).
    has_delimiter = draw(st.booleans()) if outer else True
    header = draw(st.lists(HEADER_CELL, min_size=width, max_size=width))
    # A lone line of cells with no delimiter row under it is not a table.
    n_rows = draw(st.integers(0 if has_delimiter else 1, 8))
    rows = [draw(st.lists(md_cells(), min_size=width, max_size=width)) for _ in range(n_rows)]
    if not outer:
        # Without outer pipes an empty first or last cell reads as an outer pipe, and a first
        # cell like "1. x" as a list item: both are other tables, not this one.
        edge = PIPE_CELL.filter(lambda c: bool(c.strip())).map(_no_list_marker)
        header[0], header[-1] = draw(edge), draw(edge)
        for row in rows:
            row[0], row[-1] = draw(md_cells(edge)), draw(md_cells(edge))
    delimiter = ""
    if has_delimiter:
        count = draw(st.sampled_from([width, 1, width]))
        parts = draw(st.lists(st.from_regex(r"\A ?:?-{1,5}:? ?\Z"), min_size=count, max_size=count))
        delimiter = "|".join(parts)
        if outer or count == 1:
            delimiter = f"|{delimiter}|"
    heading = draw(st.sampled_from(["", "Error codes", "错误码"]))
    lead = draw(st.sampled_from(["", "The API returns these codes:", "下表列出错误码。"]))
    return PipeTable(header, rows, outer, delimiter, heading, lead)


def check_pipe_table_reads_back(table: PipeTable) -> None:
    text = table.markdown()
    tables = md_extract.extract_tables(text, DEFAULT_LIMITS)
    assert len(tables) == 1, (text, tables)
    found = tables[0]
    check_table_shape(found)
    assert list(found.header) == [fold(c) for c in table.header], text
    want = [[cell.expected() for cell in row] for row in table.rows]
    assert [list(row) for row in found.rows] == want, text
    first = (3 if table.heading else 1) + (1 if table.lead else 0)
    body_start = first + (2 if table.delimiter else 1)
    assert list(found.row_locators) == [f"line {body_start + i}" for i in range(len(table.rows))]
    assert found.locator == f"line {first}"
    if table.heading:
        assert found.section == table.heading


# --------------------------------------------------------------------------------------------
# Generated HTML tables, and a model of the HTML table algorithm

SPAN_VALUES = st.one_of(
    st.none(),
    st.none(),
    st.sampled_from(["1", "2", "3", "2", "3", "4"]),
    st.sampled_from(
        ["0", "-1", "abc", "2px", " 3", "2.5", "+2", "", "99999999999", "70000", "1e3", "03"]
    ),
)
HTML_TEXT = st.text(
    alphabet=st.sampled_from(_ASCII_PLAIN + "<>&\"'|*`#\n") | PLAIN_CHAR, max_size=20
)


@dataclass(frozen=True)
class Cell:
    text: str
    colspan: str | None = None
    rowspan: str | None = None

    def html(self, tag: str) -> str:
        attrs = ""
        if self.colspan is not None:
            attrs += f' colspan="{html_lib.escape(self.colspan)}"'
        if self.rowspan is not None:
            attrs += f' rowspan="{html_lib.escape(self.rowspan)}"'
        return f"<{tag}{attrs}>{html_lib.escape(self.text, quote=False)}</{tag}>"


@dataclass(frozen=True)
class HtmlTable:
    head: list[list[Cell]]
    body: list[list[Cell]]
    thead: bool

    def html(self) -> str:
        def rows(cells: list[list[Cell]], tag: str) -> str:
            return "".join("<tr>" + "".join(c.html(tag) for c in row) + "</tr>\n" for row in cells)

        if self.thead:
            inner = (
                f"<thead>\n{rows(self.head, 'th')}</thead>\n<tbody>\n{rows(self.body, 'td')}"
                "</tbody>\n"
            )
        else:
            inner = rows(self.head, "th") + rows(self.body, "td")
        return f"<h2>Error codes</h2>\n<table>\n{inner}</table>\n"


def _cells(draw: st.DrawFn, min_size: int, max_size: int) -> list[Cell]:
    return draw(
        st.lists(
            st.builds(Cell, HTML_TEXT, SPAN_VALUES, SPAN_VALUES),
            min_size=min_size,
            max_size=max_size,
        )
    )


@st.composite
def html_tables(draw: st.DrawFn) -> HtmlTable:
    thead = draw(st.booleans())
    # Without a thead the header is the first row of <th>s; a second <th> row would be read
    # as a header row or a body row by a heuristic this property does not model.
    n_head = draw(st.integers(1, 2)) if thead else 1
    head = [_cells(draw, 1, 6) for _ in range(n_head)]
    body = [_cells(draw, 0, 6) for _ in range(draw(st.integers(0, 8)))]
    return HtmlTable(head, body, thead)


def _html_integer(value: str | None) -> int | None:
    """The HTML rules for parsing non-negative integers; None on error."""
    if value is None:
        return None
    rest = value.lstrip(" \t\n\f\r")
    if rest.startswith("-"):
        digits = re.match(r"\d+", rest[1:])
        return 0 if digits and int(digits.group()) == 0 else None
    rest = rest.removeprefix("+")
    digits = re.match(r"\d+", rest)
    return int(digits.group()) if digits else None


def browser_colspan(value: str | None) -> int:
    number = _html_integer(value)
    if not number:
        return 1
    return min(number, 1000)


def browser_rowspan(value: str | None) -> int:
    """0 means: to the end of the row group."""
    number = _html_integer(value)
    if number is None:
        return 1
    return min(number, 65534)


@dataclass
class ModelTable:
    width: int
    header: list[str] | None
    """None when overlapping cells make the header's text ambiguous."""
    rows: list[list[set[str]]]
    """The body rows that are not group titles: per slot, the texts a reader may see there."""
    groups: list[str]
    overlaps: bool = False
    """Two cells cover one slot (a table model error: the slot's text is either's)."""


def model_table(table: HtmlTable) -> ModelTable:
    """The table's slots as the HTML table algorithm forms them, cut at max_columns."""
    max_cols = DEFAULT_LIMITS.max_columns
    groups = [table.head, table.body] if table.thead else [table.head + table.body]
    slots: list[dict[int, list[str]]] = []
    from_above: list[set[int]] = []
    own: list[list[tuple[int, int]]] = []
    overlaps = False
    for group in groups:
        base = len(slots)
        slots += [{} for _ in group]
        from_above += [set() for _ in group]
        own += [[] for _ in group]
        for y, row in enumerate(group):
            x = 0
            for cell in row:
                while x in slots[base + y]:
                    x += 1
                colspan = browser_colspan(cell.colspan)
                rowspan = browser_rowspan(cell.rowspan) or len(group) - y
                rowspan = min(rowspan, len(group) - y)
                own[base + y].append((x, colspan))
                text = fold(cell.text)
                for dx in range(colspan):
                    if x + dx >= max_cols:
                        break
                    for dy in range(rowspan):
                        overlaps = overlaps or x + dx in slots[base + y + dy]
                        slots[base + y + dy].setdefault(x + dx, []).append(text)
                        if dy:
                            from_above[base + y + dy].add(x + dx)
                x += colspan
    width = max((max(row) + 1 for row in slots if row), default=0)
    n_head = len(table.head)
    header: list[str] | None = []
    for col in range(width):
        seen: list[str] = []
        for row in slots[:n_head]:
            texts = row.get(col, [""])
            if len(texts) > 1:
                header = None
                break
            if texts[0] and texts[0] not in seen:
                seen.append(texts[0])
        if header is None:
            break
        header.append(" ".join(seen))
    rows: list[list[set[str]]] = []
    titles: list[str] = []
    title = ""
    for index in range(n_head, len(slots)):
        cells = own[index]
        full_width = (
            width > 1
            and len(cells) == 1
            and cells[0][0] == 0
            and cells[0][1] >= width
            and not from_above[index]
        )
        if full_width:
            title = slots[index][0][0]
            continue
        rows.append([set(slots[index].get(col, [""])) for col in range(width)])
        titles.append(title)
    return ModelTable(width=width, header=header, rows=rows, groups=titles, overlaps=overlaps)


def _extract_one(table: HtmlTable) -> RawTable:
    text = table.html()
    tables = html_extract.extract_tables(text, limits=DEFAULT_LIMITS)
    assert len(tables) == 1, text
    return tables[0]


def check_html_table_grid_invariants(table: HtmlTable) -> None:
    found = _extract_one(table)
    check_table_shape(found)  # every row as wide as the header, whatever the spans
    assert len(found.row_locators) == len(found.rows)
    model = model_table(table)
    if model.overlaps:
        return  # a table model error: see check_html_overlapping_cells_match_the_model
    assert len(found.header) == model.width, table.html()
    assert len(found.rows) == len(model.rows), table.html()


def _compare_with_the_model(table: HtmlTable, model: ModelTable) -> None:
    found = _extract_one(table)
    got = [list(row) for row in found.rows]
    assert len(found.header) == model.width, table.html()
    if model.header is not None:
        assert list(found.header) == model.header, table.html()
    assert len(got) == len(model.rows), (table.html(), got, model.rows)
    for got_row, want_row in zip(got, model.rows, strict=True):
        assert all(g in w for g, w in zip(got_row, want_row, strict=True)), (
            table.html(),
            got_row,
            want_row,
        )
    assert list(found.group_titles) == model.groups, table.html()


def check_html_table_cells_match_the_model(table: HtmlTable) -> None:
    model = model_table(table)
    assume(not model.overlaps)
    _compare_with_the_model(table, model)


def check_html_overlapping_cells_match_the_model(table: HtmlTable) -> None:
    """Tables where two cells cover one slot (a table model error, common in hand-edited
    pages): either text may show in the shared slot, but every cell still covers all the
    slots its spans say, so the rows below read as in a browser."""
    model = model_table(table)
    assume(model.overlaps)
    _compare_with_the_model(table, model)


# --------------------------------------------------------------------------------------------
# Generated error tables through the whole page pipeline

CODE_HEADERS = ["Error code", "错误码", "エラーコード", "오류 코드", "Code", "錯誤碼"]
OTHER_HEADERS = ["Message", "Description", "Solution", "错误信息", "说明", "対処方法", "설명"]
CODES = st.integers(0, 10**6).map(lambda n: f"Err{n}")
# Other cells never read as an HTTP reason phrase (which would make their column the title).
OTHER_CELL = PIPE_CELL.map(lambda t: "msg " + re.sub(r"[()（）]", "", t))


STATUSES = st.tuples(
    st.sampled_from([400, 401, 403, 404, 409, 429, 500, 503]),
    st.sampled_from(["", " Bad Request", " Not Found", " (Conflict)"]),
)


@dataclass(frozen=True)
class ErrorTable:
    header: list[str]
    codes: list[str]
    statuses: list[tuple[int, str]] | None
    """Per row the HTTP status and the reason phrase written after it, or no status column."""
    others: list[list[str]]
    as_html: bool

    def page(self) -> tuple[bytes, str]:
        rows = []
        for index, (code, rest) in enumerate(zip(self.codes, self.others, strict=True)):
            status = (
                [f"{s}{r}" for s, r in self.statuses[index : index + 1]] if self.statuses else []
            )
            rows.append([code, *status, *rest])
        if self.as_html:
            cells = "".join(f"<th>{html_lib.escape(h)}</th>" for h in self.header)
            body = "".join(
                "<tr>" + "".join(f"<td>{html_lib.escape(c)}</td>" for c in row) + "</tr>\n"
                for row in rows
            )
            text = (
                '<!DOCTYPE html>\n<html lang="en"><body>\n<h2>Error codes</h2>\n'
                f"<table>\n<tr>{cells}</tr>\n{body}</table>\n</body></html>\n"
            )
            return text.encode("utf-8"), "x.html"
        lines = ["# Error codes", "", "| " + " | ".join(self.header) + " |"]
        lines.append("|" + "---|" * len(self.header))
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in row) + " |" for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8"), "x.md"


@st.composite
def error_tables(draw: st.DrawFn) -> ErrorTable:
    others = draw(st.lists(st.sampled_from(OTHER_HEADERS), min_size=1, max_size=4, unique=True))
    codes = draw(st.lists(CODES, min_size=1, max_size=10))
    statuses = None
    header = [draw(st.sampled_from(CODE_HEADERS))]
    if draw(st.booleans()):
        statuses = [draw(STATUSES) for _ in codes]
        header.append(draw(st.sampled_from(["HTTP status", "HTTP Status Code", "HTTP状态码"])))
    header += others
    cells = [draw(st.lists(OTHER_CELL, min_size=len(others), max_size=len(others))) for _ in codes]
    return ErrorTable(header, codes, statuses, cells, draw(st.booleans()))


def check_error_table_records(table: ErrorTable) -> None:
    body, filename = table.page()
    parsed = parse_page(body, PageInfo(source="x"), filename=filename)
    records = parsed.records
    assert [record.code for record in records] == table.codes, body.decode()
    assert parsed.skipped_rows == 0
    keys = [record.key for record in records]
    assert len(set(keys)) == len(keys)
    assert all(record.section == "Error codes" for record in records)
    if table.statuses is not None:
        assert [r.http_status for r in records] == [s for s, _ in table.statuses], body.decode()
        reasons = [reason.strip(" ()") for _, reason in table.statuses]
        assert [r.title for r in records] == reasons, body.decode()


# --------------------------------------------------------------------------------------------
# Generated pages read piece by piece

PAGE_PARTS = [
    "<table><tr><th>Code</th><th>Message</th></tr><tr><td>E1</td><td>m1</td></tr></table>",
    "<table><tr><td>a<table><tr><td>in</td></tr></table></td><td>b</td></tr></table>",
    "<table>", "</table>", "<TABLE border=1>", "</TABLE >", "<table/>", "<tr><td>x</td></tr>",
    "<td colspan=2>w</td>", "<caption>c</caption>", "<h2>Errors</h2>", "<h3>", "</h3>",
    "<H4 id=x>", "<p class=title>T</p>", "<p class=title>", "<p>", "</p>", "<div>", "</div>",
    "<ul><li>", "<b>", "text", "\n", " ", "<!-- </table> -->", "<!--", "-->", "<!-->", "--!>",
    "<script>if (a</table>b) {}</script>", "<script><!-- <script> </script> --></script>",
    "<script>", "</script>", "<style>td{}</style>", "<textarea></table></textarea>",
    "<title>x</title>", "<svg><table><tr><td>s</td></tr></table></svg>", "<svg/>", "<svg>",
    "</svg>", "<math>", "</math>", "<template><table><tr><td>t</td></tr></table></template>",
    "<template>", "</template>", "<select><option>x</select>", "<select>", '<div title="<table>">',
    "<a href='</table>'>", "<div a=\"x>y\">", "<![CDATA[ </table> ]]>", "<plaintext>",
    "<!DOCTYPE html>", "<xmp></table></xmp>", "<noscript><table><tr><td>n</td></tr></table>",
    "</noscript>", "<iframe></table></iframe>", "<td", "<", ">", "\"", "'",
]  # fmt: skip

PAGES = st.lists(st.sampled_from(PAGE_PARTS), max_size=40).map("".join)


def check_html_pieces_read_as_the_whole(page: str) -> None:
    whole = only_scraper_errors(lambda: html_extract.extract_tables(page, piece_bytes=1 << 40))
    pieced = only_scraper_errors(lambda: html_extract.extract_tables(page, piece_bytes=1))
    assert (whole is None) == (pieced is None)
    if whole is None or pieced is None:
        return
    assert [without_lines(t) for t in pieced] == [without_lines(t) for t in whole], page
    for one, other in zip(whole, pieced, strict=True):
        if one.locator.startswith("line "):
            assert (other.locator, other.row_locators) == (one.locator, one.row_locators), page


# --------------------------------------------------------------------------------------------
# The properties, each run by a bounded test here and by the long fuzz run below

PROPERTIES: dict[str, tuple[Callable[..., None], dict[str, st.SearchStrategy[Any]]]] = {
    "markdown_any_text": (check_markdown_any_text, {"text": ANY_TEXT}),
    "html_any_text": (check_html_any_text, {"text": ANY_TEXT}),
    "parse_page_text": (check_parse_page_text, {"text": ANY_TEXT, "filename": FILENAMES}),
    "parse_page_bytes": (check_parse_page_bytes, {"body": ANY_BYTES, "filename": FILENAMES}),
    "decode_bytes": (check_decode_bytes, {"body": ANY_BYTES}),
    "pipe_table_reads_back": (check_pipe_table_reads_back, {"table": pipe_tables()}),
    "html_table_grid_invariants": (check_html_table_grid_invariants, {"table": html_tables()}),
    "html_table_cells_match_the_model": (
        check_html_table_cells_match_the_model,
        {"table": html_tables()},
    ),
    "html_overlapping_cells_match_the_model": (
        check_html_overlapping_cells_match_the_model,
        {"table": html_tables()},
    ),
    "error_table_records": (check_error_table_records, {"table": error_tables()}),
    "html_pieces_read_as_the_whole": (check_html_pieces_read_as_the_whole, {"page": PAGES}),
}


def _bounded(name: str) -> Callable[..., None]:
    check, strategies = PROPERTIES[name]
    return CI(given(**strategies)(check))


test_markdown_extractor_raises_only_scraper_errors = _bounded("markdown_any_text")
test_html_extractor_raises_only_scraper_errors = _bounded("html_any_text")
test_parse_page_on_any_text_raises_only_scraper_errors = _bounded("parse_page_text")
test_parse_page_on_any_bytes_raises_only_scraper_errors = _bounded("parse_page_bytes")
test_decode_bytes_raises_only_scraper_errors = _bounded("decode_bytes")
test_a_generated_pipe_table_reads_back = _bounded("pipe_table_reads_back")
test_a_generated_html_table_has_a_consistent_grid = _bounded("html_table_grid_invariants")
test_a_generated_html_table_reads_as_a_browser_forms_it = _bounded(
    "html_table_cells_match_the_model"
)
test_overlapping_html_cells_read_as_a_browser_forms_them = _bounded(
    "html_overlapping_cells_match_the_model"
)
test_a_generated_error_table_gives_one_record_per_row = _bounded("error_table_records")
test_a_generated_page_reads_the_same_in_pieces = _bounded("html_pieces_read_as_the_whole")


# Span cases the model test can stumble on, one per way of reading a table, so that each one
# shows on its own. The expected rows are the slots the HTML table algorithm forms.
SPAN_CASES = {
    "rowspan-into-one-colspan-cell": (
        "<table><tr><th>Code</th><th>Message</th><th>Description</th></tr>"
        "<tr><td rowspan=2>E1</td><td>m1</td><td>d1</td></tr>"
        "<tr><td colspan=2>shared</td></tr>"
        "<tr><td>E2</td><td>m2</td><td>d2</td></tr></table>",
        [["E1", "m1", "d1"], ["E1", "shared", "shared"], ["E2", "m2", "d2"]],
        ["", "", ""],
    ),
    "part-width-single-cell-row-is-not-a-title": (
        "<table><tr><th>Code</th><th>Message</th><th>Description</th></tr>"
        "<tr><td colspan=2>E9</td></tr>"
        "<tr><td>E2</td><td>m2</td><td>d2</td></tr></table>",
        [["E9", "E9", ""], ["E2", "m2", "d2"]],
        ["", ""],
    ),
    "full-width-title-row": (
        "<table><tr><th>Code</th><th>Message</th></tr>"
        "<tr><td colspan=2>Auth</td></tr>"
        "<tr><td>E2</td><td>m2</td></tr></table>",
        [["E2", "m2"]],
        ["Auth"],
    ),
    "thead-rowspan-stays-in-thead": (
        "<table><thead><tr><th rowspan=2>Code</th><th>Message</th></tr></thead>"
        "<tbody><tr><td>E1</td><td>m1</td></tr></tbody></table>",
        [["E1", "m1"]],
        [""],
    ),
    "colspan-with-plus-sign": (
        "<table><tr><th>Code</th><th>Message</th><th>Description</th></tr>"
        "<tr><td>E1</td><td colspan='+2'>both</td></tr></table>",
        [["E1", "both", "both"]],
        [""],
    ),
    "rowspan-zero-spans-to-the-end-of-the-group": (
        "<table><tr><th>Code</th><th>Message</th></tr>"
        "<tr><td>E1</td><td rowspan=0>same</td></tr>"
        "<tr><td>E2</td></tr><tr><td>E3</td></tr></table>",
        [["E1", "same"], ["E2", "same"], ["E3", "same"]],
        ["", "", ""],
    ),
    "junk-spans": (
        "<table><tr><th>Code</th><th>Message</th><th>Description</th><th>Note</th></tr>"
        "<tr><td colspan=abc>E1</td><td rowspan='2px'>m1</td><td colspan=' 2'>d1</td></tr>"
        "<tr><td colspan=-1>E2</td><td colspan=0>d2</td><td rowspan=99999999999>n2</td></tr>"
        "</table>",
        [["E1", "m1", "d1", "d1"], ["E2", "m1", "d2", "n2"]],
        ["", ""],
    ),
}


@pytest.mark.parametrize("name", sorted(SPAN_CASES))
def test_html_spans_are_read_as_a_browser_reads_them(name: str) -> None:
    text, rows, groups = SPAN_CASES[name]
    (table,) = html_extract.extract_tables(text, limits=DEFAULT_LIMITS)
    assert [list(row) for row in table.rows] == rows
    assert list(table.group_titles) == groups


def test_a_colspan_over_a_rowspan_slot_does_not_make_the_rowspan_longer() -> None:
    # Row 3's second cell overlaps the rowspan from row 2 (a table model error): the slot's
    # text may be either, but the rowspan still ends at row 3, as in a browser.
    text = (
        "<table><tr><th>Code</th><th>Message</th><th>Description</th></tr>"
        "<tr><td>E1</td><td>m1</td><td rowspan=2>d1</td></tr>"
        "<tr><td>E2</td><td colspan=2>m2</td></tr>"
        "<tr><td>E3</td><td>m3</td><td>d3</td></tr></table>"
    )
    (table,) = html_extract.extract_tables(text, limits=DEFAULT_LIMITS)
    assert table.header == ("Code", "Message", "Description")
    assert table.rows[0] == ("E1", "m1", "d1")
    assert table.rows[1][:2] == ("E2", "m2")
    assert table.rows[2] == ("E3", "m3", "d3")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-32"])
def test_a_nul_in_a_page_never_reaches_a_record(encoding: str) -> None:
    # decode drops a stray NUL ("no CSV reader takes it"), whatever the page's encoding.
    page = "| Error code | Message |\n|---|---|\n" + "| E1 | a long enough message |\n" * 5
    body = (page + "| E2 | a\x00b |\n").encode(encoding)
    parsed = parse_page(body, PageInfo(source="x"), filename="x.md")
    assert [r.message for r in parsed.records][-1] == "ab"


# --------------------------------------------------------------------------------------------
# The long fuzz run


class _BudgetSpent(BaseException):
    """Ends one property's fuzz run when its share of the time budget is spent.

    A BaseException, so that Hypothesis does not take it for a failure to shrink.
    """


@dataclass
class _FuzzRun:
    name: str
    deadline: float
    calls: int = 0
    first_failure: str = ""

    def wrap(self, check: Callable[..., None]) -> Callable[..., None]:
        def counted(**kwargs: Any) -> None:
            if not self.first_failure and time.monotonic() > self.deadline:
                raise _BudgetSpent
            if not self.first_failure:
                self.calls += 1
            try:
                check(**kwargs)
            except UnsatisfiedAssumption:
                raise
            except Exception as exc:
                if not self.first_failure:
                    self.first_failure = f"{exc_line(exc)} on {kwargs!r}"[:2000]
                if time.monotonic() > self.deadline + 60:
                    raise _BudgetSpent from None  # shrinking too long: keep the raw example
                raise

        counted.__name__ = f"fuzz_{self.name}"
        return counted


@pytest.mark.fuzz
def test_fuzz_every_property_at_length() -> None:
    """Every property above with the fuzz profile, FUZZ_EXAMPLES examples each (default 20000)
    within a time budget of FUZZ_SECONDS (default 480) shared evenly; prints how many examples
    each ran before it passed, ran out of time or failed, and every failure."""
    runs = PROPERTIES
    started = time.monotonic()
    budget_end = started + float(os.environ.get("FUZZ_SECONDS", "480"))
    failures: list[str] = []
    total = 0
    for index, (name, (check, strategies)) in enumerate(runs.items()):
        t0 = time.monotonic()
        # An even share of what is left: time a property did not need goes to the next ones.
        share = max(budget_end - t0, 0.0) / (len(runs) - index)
        run = _FuzzRun(name, deadline=t0 + share)
        test = FUZZ(given(**strategies)(run.wrap(check)))
        outcome = "ok"
        try:
            test()
        except _BudgetSpent:
            outcome = "ok (time budget spent)"
        except Exception as exc:  # collect every property's failure, then report them all
            outcome = "FAILED"
            detail = "".join(traceback.format_exception(exc))
            failures.append(f"{name}: {exc_line(exc)}")
            print(f"--- fuzz {name} failed:\n{detail[-6000:]}")
        if run.first_failure and outcome != "FAILED":
            outcome = "FAILED (not shrunk)"
            failures.append(f"{name}: {run.first_failure}")
        if run.first_failure:
            print(f"fuzz {name}: first failure: {run.first_failure}")
        total += run.calls
        seconds = time.monotonic() - t0
        print(f"fuzz {name}: {run.calls} examples in {seconds:.0f} s: {outcome}")
    seconds = time.monotonic() - started
    print(f"fuzz: {total} examples in {seconds:.0f} s, {len(failures)} properties failed")
    assert not failures, failures


def exc_line(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{exc.__class__.__name__}: {first[:200]}"
