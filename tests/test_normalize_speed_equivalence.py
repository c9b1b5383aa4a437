"""The column and record rules give what their plain statements give.

The module code takes shortcuts (caches, pre-checks, a table's constants worked out once);
each reference below states a rule directly, cell by cell, and the two must agree on
generated tables and cells.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scraper import columns
from scraper.columns import ColumnMap, is_status_family, map_columns, parse_status
from scraper.normalize import PageInfo, _record, _repairs_by_row, assign_keys, slug
from scraper.types import RawTable, Record

# Chinese, Japanese and Korean characters, as a regex class (the rules below, written plainly).
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")

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
    "0",
    "-1",
    "0x1",
    "Bad Request",
    "bad request",
    "Ｂａｄ Ｒｅｑｕｅｓｔ",
    "Not Found (see below)",
    "Error (Not Found)",
    "we got back a (Not Found)",
    "a b c d e (Gone)",
    "I'm a Teapot",
    "Request-URI Too Long",
    "(unused)",
    "Unassigned",
    "Internal Server",
    "InvalidParameter",
    "ErrorDataSizeLimitExceeded",
    "IndexSizeError",
    "err_quota",
    "Not found.",
    "Forbidden!",
    "错误码",
    "无效的参数",
    "리소스를 찾을 수 없음",
    "Use a valid callback URL.",
    "Retry later, or contact support.",
    "E" * 80,
    "4" * 81,
    "404 " + "x" * 90,
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

cells = st.one_of(
    st.sampled_from(KNOWN_CELLS),
    st.text(alphabet="0123456789 5xX-/()（）NAaBdRequst.:错误", max_size=14),
    st.text(max_size=100),
)


@st.composite
def tables(draw: st.DrawFn) -> RawTable:
    width = draw(st.integers(1, 5))
    header = tuple(draw(st.lists(st.sampled_from(HEADERS), min_size=width, max_size=width)))
    rows = draw(
        st.lists(
            st.lists(cells, min_size=width, max_size=width).map(tuple), min_size=1, max_size=45
        )
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
    match = columns._STATUS.match(cell.strip())
    if not match:
        return None, ""
    return int(match.group(1)), match.group(2).strip().strip("()（）:：-–— ").strip()


def plain_is_reason(cell: str) -> bool:
    if len(cell) > 60:
        return False
    phrases = columns._reason_phrases()
    if cell.lower() in phrases:
        return True
    if "(" in cell or "（" in cell:
        return any(columns.fold(part) in phrases for part in columns._PAREN.findall(cell))
    if cell.count(" ") > 5 or cell.endswith((".", "。", "!", ":")):
        return False
    return columns.fold(cell) in phrases


def plain_sample(values: list[str]) -> tuple[int, list[str]]:
    filled_cells = [v for v in values if v]
    filled = len(filled_cells)
    if filled > columns._SAMPLE:
        step = filled / columns._SAMPLE
        filled_cells = [filled_cells[int(i * step)] for i in range(columns._SAMPLE)]
    return filled, filled_cells


def plain_has_cjk(cell: str) -> bool:
    return not cell.isascii() and CJK.search(cell[:1000]) is not None


def plain_profile(values: list[str]) -> columns.ColumnProfile:
    filled, sample = plain_sample(values)
    if not sample:
        return columns.ColumnProfile()
    counts: Counter[str] = Counter()
    for cell in sample:
        has_cjk = plain_has_cjk(cell)
        counts["cjk"] += has_cjk
        if len(cell) > columns._SHORT:
            continue
        if cell[0].isdigit() and plain_parse_status(cell)[0] is not None:
            counts["status"] += 1
            counts["family"] += 1
        elif len(cell) <= 12 and columns._STATUS_FAMILY.match(cell):
            counts["family"] += 1
        spaces = cell.count(" ")
        if not spaces and not has_cjk and columns._CODE_LIKE.match(cell):
            counts["code_like"] += 1
            counts["numeric"] += columns._NUMERIC.match(cell) is not None
        if spaces < 3:
            counts["errorish"] += columns._ERRORISH_VALUE.search(cell.replace(" ", "")) is not None
        if spaces <= 5:
            counts["reason"] += plain_is_reason(cell)
    n = len(sample)
    return columns.ColumnProfile(
        filled=filled,
        status=counts["status"] / n,
        status_family=counts["family"] / n,
        code_like=counts["code_like"] / n,
        errorish=counts["errorish"] / n,
        numeric=counts["numeric"] / n,
        reason=counts["reason"] / n,
        cjk=counts["cjk"] / n,
    )


def plain_mentions_errors(*texts: str) -> bool:
    context = " ".join(columns.fold(t) for t in texts)
    return any(
        (f" {w}" in f" {context} ") if not CJK.match(w[0]) else (w in context)
        for w in columns.vocabulary().error_words
    )


def plain_is_decoy(header: str) -> bool:
    text = columns.fold(header)
    return any(
        (w in text) if CJK.match(w[0]) else (f" {w} " in f" {text} ")
        for w in columns.vocabulary().decoys
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
        if status_cell and len(status_cell.split()) == 1 and not is_status_family(status_cell):
            code = status_cell
    if not code and status is None:
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
    seen: Counter[str] = Counter()
    keys = []
    for record in records:
        ident = record.code or (str(record.http_status) if record.http_status is not None else "")
        base = f"{record.source}/{slug(record.section) or '-'}/{'_'.join(ident.split())}"
        seen[base] += 1
        keys.append(base if seen[base] == 1 else f"{base}#{seen[base]}")
    return keys


# The module agrees with them.


@CHECK
@given(st.lists(cells, max_size=80))
def test_column_shapes_match_the_plain_rules(values: list[str]) -> None:
    for cell in values:
        assert parse_status(cell) == plain_parse_status(cell), cell
        assert columns._is_reason(cell) == plain_is_reason(cell), cell
    assert columns._sample(values) == plain_sample(values)
    assert columns.profile(values) == plain_profile(values)
    assert columns.reason_share(values) == plain_profile(values).reason
    assert columns.cjk_share(values) == plain_profile(values).cjk


def test_known_cells_match_the_plain_rules() -> None:
    for cell in KNOWN_CELLS:
        assert parse_status(cell) == plain_parse_status(cell), cell
        assert columns._is_reason(cell) == plain_is_reason(cell), cell
    assert columns.profile(KNOWN_CELLS * 3) == plain_profile(KNOWN_CELLS * 3)


@CHECK
@given(st.lists(st.sampled_from(HEADERS) | st.text(max_size=30), min_size=1, max_size=4))
def test_header_words_match_the_plain_rules(texts: list[str]) -> None:
    assert columns._mentions_errors(*texts) == plain_mentions_errors(*texts)
    for text in texts:
        assert columns._is_decoy(text) == plain_is_decoy(text)


def test_vocabulary_words_are_decoys_and_error_words() -> None:
    vocab = columns.vocabulary()
    for word in vocab.decoys:
        assert columns._is_decoy(word) == plain_is_decoy(word) is True
    for word in vocab.error_words:
        assert columns._mentions_errors(word) == plain_mentions_errors(word) is True


def mappings_of(table: RawTable) -> list[ColumnMap]:
    """The table's own mapping, and one with every field and a leftover column."""
    width = len(table.header)
    names = ["http_status", "code", "title", "message", "description", "suggestion"]
    every = ColumnMap(fields=dict(zip(names, range(width - 1), strict=False)), extra=[width - 1])
    return [map_columns(table), every]


PAGES = [
    PageInfo(source="src", vendor="v", lang="en", url="u", sha256="0"),
    PageInfo(source="src", fixes=(("Request", "Req"), ("错误", "錯誤"), ("\x00", "x"))),
]


@CHECK
@given(tables(), st.sampled_from(PAGES), st.booleans())
def test_records_match_the_plain_rules(table: RawTable, page: PageInfo, repaired: bool) -> None:
    if repaired:
        steps = ("mojibake: cp1252",)
        width = len(table.header)
        marks = tuple((row, row % width, steps) for row in range(0, len(table.rows), 3))
        table = replace(table, cell_repairs=marks)
    mojibake = _repairs_by_row(table)
    for mapping in mappings_of(table):
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
