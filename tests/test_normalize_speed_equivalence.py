"""The column shapes and record rules give what their plain statements give.

The module code takes shortcuts (caches, pre-checks, long cells read as prose at once, a
column's sample picked by a cached getter, a row's cells repaired only when a repair applies);
each reference below states a rule directly, cell by cell, and the two must agree on generated
tables and cells.
"""

from __future__ import annotations

import re
from dataclasses import replace
from http import HTTPStatus

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper.columns import ColumnMap, is_status_family, parse_status, read_table, shapes
from scraper.columns.headerless import coarse_signature
from scraper.columns.lexicon import cell_words
from scraper.columns.profiles import SAMPLE, ColumnProfile, profile
from scraper.columns.shapes import SHORT, CellShape
from scraper.columns.weights import CLASSIC_STATUSES
from scraper.normalize import PageInfo, _record, _repairs_by_row, assign_keys, slug
from scraper.types import CANONICAL_FIELDS, RawTable, Record

# Chinese, Japanese and Korean characters, as a regex class (the rules below, written plainly).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
# Two statuses with something other than a digit between them: "404/401", "201、202".
STATUS_LIST = re.compile(r"[1-5]\d\d\D+[1-5]\d\d")

CHECK = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

PROSE = "The request was rejected because the signature does not match the computed one."
CJK_PROSE = "请求参数错误，请检查后重试。" * 7
KNOWN_CELLS = [
    "",
    "400",
    " 404 Not Found ",
    "400 Bad Request",
    "503 Service Unavailable",
    "500",
    "599",
    "600",
    "400(요청 변수 확인)",
    "429 (호출 한도 초과 오류)",
    "4001",
    "５００",
    "٤٠٤",
    "5xx",
    "5XX",
    "N/A",
    "-",
    "—",
    "103-199",
    "400 - 499",
    "1000000-199999",
    "404/401",
    "201、202",
    "201, 202",
    "404;401",
    "400,401.",
    "E404/401",
    "0",
    "-1",
    "−1",
    "0x1",
    "1A2Bh",
    "1001",
    "1002",
    "1003",
    "end-1",
    "end-2",
    "end-3",
    "Bad Request",
    "bad request",
    "BadRequest",
    "NotFound",
    " NotFound ",
    "Ｂａｄ Ｒｅｑｕｅｓｔ",
    "Not Found (see below)",
    "Not Found (the resource you asked for does not exist here)",
    "Not Found (the resource you asked for does not exist on this server)",
    "Error (Not Found)",
    "we got back a (Not Found)",
    "a b c d e (Gone)",
    "I'm a Teapot",
    "Request-URI Too Long",
    "Not Found.",
    "(unused)",
    "Unassigned",
    "Internal Server",
    "InvalidParameter",
    "InvalidParameter.%s",
    "ErrorDataSizeLimitExceeded",
    "IndexSizeError",
    "ERR_TIMEOUT",
    "err_quota",
    "E1001",
    "`CANCELLED`",
    '"/e:epp/e:response"',
    "string",
    "Integer",
    "[object]",
    "yes",
    "✓",
    "Not found.",
    "Forbidden!",
    "错误码",
    "无效的参数",
    "请检查参数",
    "리소스를 찾을 수 없음",
    "类 08 - 连接异常",
    "Use a valid callback URL.",
    "Retry later, or contact support.",
    "See the HTTP spec",
    "E" * 80,
    "4" * 81,
    "404 " + "x" * 90,
    "Please " + "x" * 90,
    "The signature does not match the one computed from the request; please sign it again.",
    PROSE,
    CJK_PROSE,
]
HEADERS = [
    "HTTP Status Code",
    "Status Code",
    "Status",
    "Value",
    "Code",
    "Error Code",
    "Error",
    "Name",
    "Meaning",
    "Error Message",
    "Message",
    "Description",
    "Solution",
    "Parameter",
    "Request parameters",
    "Type",
    "错误码",
    "描述",
    "参数名称",
    "返回的错误信息",
    "",
    "Notes",
]
# What a blank cell holds: nothing, or only spaces.
BLANKS = ["", " ", "\u00a0", "\u3000"]

cells = st.one_of(
    st.sampled_from(KNOWN_CELLS),
    st.text(alphabet="0123456789 5xX-/、,()（）NAaBdRequst.:错误", max_size=14),
    st.text(max_size=100),
)
# Cells as the extractors give them: whitespace collapsed to single spaces, trimmed. The
# shapes are stated for these (a status is looked for only when the first character is a
# digit; a token's pattern ends at `$`, which a trailing newline would pass).
read_cells = cells.map(lambda cell: " ".join(cell.split()))


@st.composite
def tables(draw: st.DrawFn) -> RawTable:
    width = draw(st.integers(1, 5))
    header = tuple(draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width)))
    rows = draw(
        st.lists(
            st.lists(cells, min_size=width, max_size=width).map(tuple), min_size=1, max_size=45
        )
    )
    # Rows with one cell filled and the others blank, as class lines among codes are.
    for index in draw(st.lists(st.integers(0, len(rows) - 1), max_size=4)):
        keep = draw(st.integers(0, width - 1))
        rows[index] = tuple(
            cell if col == keep else draw(st.sampled_from(BLANKS))
            for col, cell in enumerate(rows[index])
        )
    located = draw(st.booleans())
    return RawTable(
        header=header,
        rows=tuple(rows),
        section=draw(st.sampled_from(["Error codes", "状态码", "Parameters", ""])),
        locator="line 1",
        headings=draw(st.sampled_from([(), ("API errors",), ("Reference",)])),
        row_locators=tuple(f"line {i + 3}" for i in range(len(rows))) if located else (),
        group_titles=tuple(draw(st.sampled_from(["", "", "Auth"])) for _ in rows),
        section_repairs=draw(st.sampled_from([(), ("mojibake: latin-1",)])),
    )


# The rules, stated plainly.


def plain_parse_status(cell: str) -> tuple[int | None, str]:
    match = shapes._STATUS.match(cell.strip())
    if not match:
        return None, ""
    return int(match.group(1)), match.group(2).strip().strip("()（）:：-–— ").strip()


def plain_words(text: str) -> str:
    """Lower case, dashes as spaces, whitespace collapsed."""
    return " ".join(text.lower().replace("-", " ").split())


def plain_is_reason(cell: str) -> bool:
    if len(cell) > 60:
        return False
    phrases = shapes.reason_phrases()
    # "NotFound" is "Not Found" written as an identifier.
    spaced = cell if " " in cell else re.sub(r"(?<=[a-z])(?=[A-Z])", " ", cell)
    text = plain_words(spaced).strip(" .")
    if text in phrases:
        return True
    if "(" in cell or "（" in cell:
        outside = shapes._PAREN.sub(" ", text).strip()
        inside = [" ".join(part.lower().split()) for part in shapes._PAREN.findall(cell)]
        return outside in phrases or any(part in phrases for part in inside)
    return False


def plain_has_cjk(cell: str) -> bool:
    return CJK.search(cell[:1000]) is not None


def plain_is_remedy(cell: str, cjk: bool) -> bool:
    return shapes._REMEDY_EN.search(cell) is not None or (
        cjk and shapes._REMEDY_CJK.search(cell) is not None
    )


def plain_cell_shape(cell: str) -> CellShape:
    cjk = plain_has_cjk(cell)
    if len(cell) > SHORT:
        # Prose: only its language and, in its first words, a remedy's phrasing are read.
        return CellShape(
            prose=True,
            cjk=cjk,
            remedy=plain_is_remedy(cell[:40], False) or (cjk and plain_is_remedy(cell, True)),
        )
    status, rest = plain_parse_status(cell)
    integer = shapes.INTEGER.match(cell) is not None
    quoted = len(cell) > 1 and cell[0] in "\"'“" and cell[-1] in "\"'”"
    sentence_word = cell[-1] in ".。!?" and cell[:-1].isalpha()
    token = (
        1 <= len(cell) <= 64
        and not any(c.isspace() for c in cell)
        and not cjk
        and not quoted
        and not sentence_word
    )
    identifier = token and not integer and any(c.isalpha() for c in cell)
    words = max(1, len(cell) // 4) if cjk else len(cell.split())
    sentence = cell.endswith(shapes._SENTENCE_END) or "。" in cell or words > 8
    return CellShape(
        status=status is not None and (integer or rest != ""),
        registered=status in {int(s) for s in HTTPStatus},
        classic=status in CLASSIC_STATUSES,
        status_reason=status is not None and rest != "" and not rest[0].isdigit(),
        family=status is None and len(cell) <= 12 and is_status_family(cell),
        integer=integer,
        out_of_status_range=integer and not 100 <= int(cell.replace("−", "-")) <= 599,
        hex=token and shapes._HEX.match(cell) is not None,
        token=token,
        identifier=identifier,
        symbol=identifier and shapes._SYMBOL.match(cell.strip("`")) is not None,
        upper=identifier and cell.isupper(),
        errorish=token and shapes.is_errorish(cell),
        reason=not integer and plain_is_reason(cell),
        phrase=not token and not sentence and not integer,
        prose=not token and sentence,
        remedy=plain_is_remedy(cell, cjk),
        flag=cell.lower() in cell_words().flags,
        datatype=cell.lower().strip("`[]<>") in cell_words().datatypes,
        cjk=cjk,
        http_word="http" in cell.lower(),
        digit=token and any(c.isdigit() for c in cell),
        coded=token
        and (
            any(c.isdigit() for c in cell)
            or shapes._CAMEL.search(cell) is not None
            or shapes.is_errorish(cell)
            or "_" in cell
            or "." in cell
        ),
    )


def plain_sample(values: list[str]) -> list[str]:
    """At most SAMPLE of the filled cells, evenly spaced over the column."""
    filled = [v for v in values if v]
    if len(filled) <= SAMPLE:
        return filled
    step = len(filled) / SAMPLE
    return [filled[int(i * step)] for i in range(SAMPLE)]


def plain_numbered(values: list[str]) -> float:
    """Share of neighbouring first cells that count rows: "end-1", "end-2", "end-2a"."""
    head = [v for v in values[:SAMPLE] if v]
    if len(head) < 3:
        return 0.0
    ids = [re.fullmatch(r"([a-z]+[-_])(\d+)[a-z]?", v) for v in head]
    matched = [m for m in ids if m]
    if len(matched) < 0.8 * len(head) or len({m.group(1) for m in matched}) != 1:
        return 0.0
    numbers = [int(m.group(2)) for m in matched]
    if numbers[0] > 1:
        return 0.0
    steps = sum(1 for i in range(1, len(numbers)) if numbers[i] - numbers[i - 1] in (0, 1))
    return steps / (len(head) - 1)


def plain_profile(values: list[str]) -> ColumnProfile:
    sample = plain_sample(values)
    if not sample:
        return ColumnProfile()
    n = len(sample)
    found = [plain_cell_shape(cell) for cell in sample]
    names = list(CellShape._fields)

    def share(name: str) -> float:
        return sum(1 for shape in found if getattr(shape, name)) / n

    integers = [
        int(c.replace("−", "-")) for c in sample if len(c) <= 18 and shapes.INTEGER.match(c)
    ]
    counting = sum(1 for i in range(1, len(integers)) if integers[i] == integers[i - 1] + 1)
    return ColumnProfile(
        filled=sum(1 for v in values if v),
        fill=sum(1 for v in values if v) / len(values),
        distinct=len(set(sample)) / n,
        consecutive=counting / max(1, len(integers) - 1) if len(integers) >= 3 else 0.0,
        numbered=plain_numbered(values),
        mean_length=sum(len(c) for c in sample) / n,
        **{name: share(name) for name in names},
    )


def plain_is_one_code(status_cell: str) -> bool:
    """One word that is no status family and lists no statuses: "0", "-1", "E01"."""
    return (
        len(status_cell.split()) == 1
        and not is_status_family(status_cell)
        and not STATUS_LIST.search(status_cell)
    )


def plain_record(
    table: RawTable,
    mapping: ColumnMap,
    row_index: int,
    page: PageInfo,
    mojibake: dict[int, tuple[str, ...]],
) -> Record | None:
    row = table.rows[row_index]
    repairs: list[str] = []
    if table.section_repairs:
        repairs.append(f"section: {'; '.join(table.section_repairs)}")

    def cell(col: int, name: str) -> str:
        if col in mojibake:
            repairs.append(f"{name}: {'; '.join(mojibake[col])}")
        text = row[col]
        for wrong, right in page.fixes:
            if wrong in text:
                text = text.replace(wrong, right)
                repairs.append(f"{name}: fix {wrong!r} -> {right!r}")
        return text

    values = {name: cell(col, name) for name, col in mapping.fields.items()}
    status: int | None = None
    if "http_status" in values:
        status, reason = plain_parse_status(values["http_status"])
        if reason and "title" not in mapping.fields:
            values["title"] = reason
    code = values.get("code", "")
    if status is None and "code" not in mapping.fields:
        status_cell = values.get("http_status", "")
        if plain_is_one_code(status_cell):
            code = status_cell
    if not code and status is None:
        return None
    # A row of words in the code column and nothing else titles the codes below it.
    others = [text for col, text in enumerate(row) if col != mapping.fields.get("code")]
    alone = all(not text.strip() for text in others)
    words = mapping.codes_are_tokens and " " in code
    odd = bool(mapping.code_shapes) and coarse_signature(code) not in mapping.code_shapes
    if code and alone and (words or odd):
        return None
    extra: dict[str, str] = {}
    for col in mapping.extra:
        header = table.header[col] or f"column {col + 1}"
        extra[header] = cell(col, header)
    if table.group_titles and table.group_titles[row_index]:
        extra["group"] = table.group_titles[row_index]
    return Record(
        source=page.source,
        vendor=page.vendor,
        product=page.product,
        lang=page.lang,
        section=table.section,
        http_status=status,
        code=code,
        title=values.get("title", ""),
        message=values.get("message", ""),
        description=values.get("description", ""),
        suggestion=values.get("suggestion", ""),
        url=page.url,
        sha256=page.sha256,
        locator=table.row_locators[row_index] if table.row_locators else table.locator,
        repairs=repairs,
        extra=extra,
    )


def plain_keys(records: list[Record]) -> list[str]:
    seen: dict[str, int] = {}
    keys = []
    for record in records:
        ident = record.code or (str(record.http_status) if record.http_status is not None else "")
        base = f"{record.source}/{slug(record.section) or '-'}/{'_'.join(ident.split())}"
        seen[base] = seen.get(base, 0) + 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


# The module agrees with them.


@CHECK
@given(st.lists(cells, max_size=80))
def test_status_and_reason_cells_match_the_plain_rules(values: list[str]) -> None:
    for cell in values:
        assert parse_status(cell) == plain_parse_status(cell), cell
        assert shapes.is_reason(cell) == plain_is_reason(cell), cell


@CHECK
@given(st.lists(read_cells, max_size=80))
def test_column_shapes_match_the_plain_rules(values: list[str]) -> None:
    for cell in values:
        if cell:
            assert shapes.cell_shape(cell) == plain_cell_shape(cell), cell
    assert profile(values) == plain_profile(values)


def test_known_cells_match_the_plain_rules() -> None:
    for cell in KNOWN_CELLS:
        assert parse_status(cell) == plain_parse_status(cell), cell
        assert shapes.is_reason(cell) == plain_is_reason(cell), cell
    read = [" ".join(cell.split()) for cell in KNOWN_CELLS]
    for cell in filter(None, read):
        assert shapes.cell_shape(cell) == plain_cell_shape(cell), cell
    # Longer than a sample, and short enough to be read whole; numbered and counting columns.
    numbered = ["end-1", "end-2", "end-2a", "end-3", "see below", "end-5"]
    for values in (read * 3, read[:20], numbered, ["7", "8", "9", "11"], ["7", "8"]):
        assert profile(values) == plain_profile(values)


def mappings_of(table: RawTable) -> list[tuple[RawTable, ColumnMap]]:
    """The table as the mapper reads it, and the table with every field mapped (codes read as
    tokens and not), codes first, or statuses and no codes, and a leftover column."""
    width = len(table.header)
    every = ColumnMap(
        fields=dict(zip(CANONICAL_FIELDS, range(width - 1), strict=False)), extra=[width - 1]
    )
    codes_first = ("code", "description", "http_status", "title", "message", "suggestion")
    tokens = ColumnMap(
        fields=dict(zip(codes_first, range(width - 1), strict=False)),
        extra=[width - 1],
        codes_are_tokens=True,
    )
    no_codes = ("http_status", "description", "title", "message", "suggestion")
    statuses = ColumnMap(
        fields=dict(zip(no_codes, range(width - 1), strict=False)), extra=[width - 1]
    )
    reading = read_table(table)
    return [
        (reading.table, reading.mapping),
        (table, every),
        (table, replace(every, codes_are_tokens=True)),
        (table, tokens),
        (table, statuses),
    ]


PAGES = [
    PageInfo(source="src", vendor="v", lang="en", url="u", sha256="0"),
    PageInfo(source="src", fixes=(("Request", "Req"), ("错误", "錯誤"), ("\x00", "x"))),
]


def records_agree(table: RawTable, mapping: ColumnMap, page: PageInfo) -> list[Record]:
    mojibake = _repairs_by_row(table)
    records: list[Record] = []
    for index in range(len(table.rows)):
        row_repairs = mojibake.get(index, {})
        record = _record(table, mapping, index, page, table.section, row_repairs)
        assert record == plain_record(table, mapping, index, page, row_repairs)
        if record is not None:
            records.append(record)
    expected = plain_keys(records)
    assign_keys(records)
    assert [r.key for r in records] == expected
    return records


@CHECK
@given(tables(), st.sampled_from(PAGES), st.booleans())
def test_records_match_the_plain_rules(table: RawTable, page: PageInfo, repaired: bool) -> None:
    if repaired:
        steps = ("mojibake: cp1252",)
        width = len(table.header)
        marks = tuple((row, row % width, steps) for row in range(0, len(table.rows), 3))
        table = replace(table, cell_repairs=marks)
    for read, mapping in mappings_of(table):
        records_agree(read, mapping, page)


def test_known_cells_make_the_records_of_the_plain_rules() -> None:
    """Each known cell in each column of a table with every field mapped."""
    width = len(CANONICAL_FIELDS) + 1
    rows = tuple(
        tuple(
            KNOWN_CELLS[(i + col) % len(KNOWN_CELLS)] if col in (0, i % width) else ""
            for col in range(width)
        )
        for i in range(len(KNOWN_CELLS) * width)
    )
    known = RawTable(header=tuple(HEADERS[:width]), rows=rows, section="Errors", locator="l")
    for page in PAGES:
        for read, mapping in mappings_of(known):
            records_agree(read, mapping, page)


def test_class_lines_and_status_lists_are_no_records_by_either() -> None:
    codes = RawTable(
        header=("错误码", "说明"),
        rows=(
            ("类 08 - 连接异常", ""),
            ("08000", "连接异常"),
            ("08003", "连接不存在"),
            ("08006", "连接失败"),
            ("类 22 - 数据异常", "\u00a0"),
            ("22001", "字符串数据右截断"),
            ("22003", "数值超出范围"),
        ),
        section="错误码",
        locator="line 1",
    )
    statuses = RawTable(
        header=("HTTP status", "Description"),
        rows=(
            ("201、202", "Accepted."),
            ("404/401", "Not found, or not authorized."),
            ("0", "The client closed the connection."),
            ("500", "Server error."),
            ("503", "Unavailable."),
        ),
        section="Status codes",
        locator="line 1",
    )
    for page in PAGES:
        mapping = read_table(codes).mapping
        assert mapping.codes_are_tokens
        found = records_agree(codes, mapping, page)
        assert [r.code for r in found] == ["08000", "08003", "08006", "22001", "22003"]
        mapping = read_table(statuses).mapping
        assert "code" not in mapping.fields
        found = records_agree(statuses, mapping, page)
        assert [(r.http_status, r.code) for r in found] == [(None, "0"), (500, ""), (503, "")]
