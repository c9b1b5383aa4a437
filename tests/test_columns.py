"""The column mapper: header parts, status cells, and how tables are read, column by column."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

import scraper.columns
from scraper.columns import header_parts, is_status_family, parse_status, read_table
from scraper.columns.evidence import header_evidence
from scraper.lang import detect_lang
from scraper.normalize import PageInfo, RecordStream
from scraper.types import ColumnOverrides, RawTable

LEXICON = Path(scraper.columns.__file__).parent.parent / "data" / "lexicon.toml"


# Header parts: the lexicon's words found in a header, in reading order; the last is the head.


@pytest.mark.parametrize(
    ("header", "parts"),
    [
        ("HTTP Status Code", ("http", "status", "code")),
        ("HttpCode", ("http", "code")),
        ("Http返回值", ("http", "result", "value")),
        ("resultMessage", ("result", "message")),
        ("RetCode", ("result", "code")),
        ("ErrorDetail.Code", ("error", "note", "code")),
        ("Error code", ("error", "code")),
        ("Status Code Description", ("status", "code", "desc")),
        ("Status Code Name", ("status", "code", "name")),
        ("状态码含义", ("status", "code", "note")),
        ("返回码说明", ("result", "code", "desc")),
        ("HTTP状态码（Status Code）", ("http", "status", "code", "status", "code")),
        ("错误码（Error Code）", ("error", "code", "error", "code")),
        ("錯誤資訊", ("error", "message")),
        ("エラーコード", ("error", "code")),
        ("오류 코드", ("error", "code")),
        ("処理措施", ("remedy", "remedy")),
        ("対処方法", ("remedy",)),
        ("해결 방법", ("remedy",)),
        ("오류 발생 원인", ("error", "note")),
        ("Caused by an attempt to…", ("note",)),
        ("Handle it by…", ("remedy",)),
        ("**Solution**", ("remedy",)),
        ("Request parameters", ("param",)),
        ("Retriable", ()),
        ("", ()),
    ],
)
def test_header_parts_in_reading_order(header: str, parts: tuple[str, ...]) -> None:
    assert header_parts(header).parts == parts


def test_camel_case_and_scripts_are_separate_words() -> None:
    assert header_parts("resultMessage").text == "result message"
    assert header_parts("resultMessage").words == ("result", "message")
    assert header_parts("Http返回值").text == "http 返回值"
    assert header_parts("Http返回值").words == ("http", "返回", "值")


@pytest.mark.parametrize(
    ("header", "head"),
    [
        ("HTTP Status Code", "code"),
        ("状态码含义", "note"),
        ("Status Code Description", "desc"),
        ("Status Code Name", "name"),
        ("Http返回值", "value"),
        ("resultMessage", "message"),
        ("Retriable", ""),
    ],
)
def test_the_head_is_the_last_part(header: str, head: str) -> None:
    assert header_parts(header).head == head


def test_http_return_value_has_http_result_and_value() -> None:
    hp = header_parts("Http返回值")
    assert hp.has("http") and hp.has("result") and hp.has("value")
    assert not hp.has("error")


def test_every_lexicon_word_reads_as_its_own_part() -> None:
    parts = tomllib.loads(LEXICON.read_text("utf-8"))["parts"]
    for part, words in parts.items():
        for word in words:
            assert header_parts(word).parts == (part,), (part, word)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("HTTP Status Code", "http_status"),
        ("HttpCode", "http_status"),
        ("HTTP状态码（Status Code）", "http_status"),
        ("Http返回值", "http_status"),
        ("Error code", "code"),
        ("错误码（Error Code）", "code"),
        ("エラーコード", "code"),
        ("Status Code Description", "description"),
        ("状态码含义", "description"),
        ("오류 발생 원인", "description"),
        ("Caused by an attempt to…", "description"),
        ("Status Code Name", "title"),
        ("錯誤資訊", "message"),
        ("resultMessage", "message"),
        ("処理措施", "suggestion"),
        ("対処方法", "suggestion"),
        ("해결 방법", "suggestion"),
        ("Handle it by…", "suggestion"),
        ("**Solution**", "suggestion"),
        ("Parameter", "extra"),
        ("Retriable", None),
    ],
)
def test_headers_lean_to_the_field_their_head_names(header: str, field: str | None) -> None:
    scores = header_evidence(header_parts(header))
    assert (max(scores, key=scores.__getitem__) if scores else None) == field


# Status cells.


@pytest.mark.parametrize(
    ("cell", "status", "rest"),
    [
        ("400 Bad Request", 400, "Bad Request"),
        ("404", 404, ""),
        ("200 OK", 200, "OK"),
        ("400(요청 변수 확인)", 400, "요청 변수 확인"),
        ("429 (호출 한도 초과 오류)", 429, "호출 한도 초과 오류"),
        ("103-199", None, ""),
        ("400 - 499", None, ""),
        ("5xx", None, ""),
        ("4001", None, ""),
        ("N/A", None, ""),
        ("404/401", None, ""),
        ("404 / 401", None, ""),
        ("201、202", None, ""),
        ("201, 202", None, ""),
        ("Bad Request", None, ""),
        ("", None, ""),
    ],
)
def test_status_cells(cell: str, status: int | None, rest: str) -> None:
    assert parse_status(cell) == (status, rest)


@pytest.mark.parametrize(
    ("cell", "family"),
    [
        ("5xx", True),
        ("4XX", True),
        ("103-199", True),
        ("400 - 499", True),
        ("404/401", True),
        ("201、202", True),
        ("N/A", True),
        ("NA", True),
        ("-", True),
        ("—", True),
        ("404", False),
        ("400 Bad Request", False),
        ("1001", False),
        ("0", False),
        ("E404", False),
    ],
)
def test_status_families(cell: str, family: bool) -> None:
    assert is_status_family(cell) is family


# Tables.


def table(
    header: tuple[str, ...], rows: list[tuple[str, ...]], section: str = "", **more: object
) -> RawTable:
    return RawTable(header=header, rows=tuple(rows), section=section, locator="line 1", **more)


def test_a_status_named_column_of_other_values_is_the_code() -> None:
    reading = read_table(
        table(
            ("Status code", "Name", "Description"),
            [
                ("1000", "Normal Closure", "The purpose was fulfilled."),
                ("1001", "Going Away", "The endpoint is going away."),
                ("1002", "Protocol error", "The endpoint received a malformed frame."),
            ],
        )
    )
    assert reading.mapping.is_error_table
    assert reading.mapping.fields == {"code": 0, "title": 1, "description": 2}


def test_a_column_of_statuses_is_the_status_whatever_its_header() -> None:
    reading = read_table(
        table(
            ("Error code", "Error message", "Measure"),
            [
                ("400", "InvalidToken", "Check the token"),
                ("401", "ExpiredToken", "Log in again"),
                ("404", "UnknownUser", "Check the user id"),
            ],
            section="Errors",
        )
    )
    assert reading.mapping.fields == {"http_status": 0, "code": 1, "suggestion": 2}


def test_reason_phrases_are_the_title_whatever_the_header() -> None:
    reading = read_table(
        table(
            ("HTTP Code", "Meaning", "Description"),
            [
                ("400", "Bad Request", "The request is malformed."),
                ("404", "Not Found", "The resource does not exist."),
                ("429", "Too Many Requests", "Slow down and retry later."),
            ],
        )
    )
    assert reading.mapping.fields == {"http_status": 0, "title": 1, "description": 2}


def test_reason_phrases_in_the_status_cell_become_the_title() -> None:
    status_table = table(
        ("HTTP status", "Description"),
        [
            ("400 Bad Request", "The request is malformed."),
            ("404 Not Found", "The resource does not exist."),
        ],
    )
    assert read_table(status_table).mapping.fields == {"http_status": 0, "description": 1}
    records = list(RecordStream(PageInfo(source="s")).records([status_table]))
    assert [(r.http_status, r.title) for r in records] == [
        (400, "Bad Request"),
        (404, "Not Found"),
    ]


def test_a_bare_code_table_of_identifiers_needs_an_error_context() -> None:
    fields = table(
        ("Code", "Description"),
        [
            ("id", "The record's id."),
            ("clientid", "The client's id."),
            ("name", "The name shown to users."),
        ],
        section="Data sources",
    )
    reading = read_table(fields)
    assert not reading.mapping.is_error_table
    assert reading.mapping.fields == {}
    assert reading.mapping.extra == [0, 1]
    assert not reading.explanation.is_error_table
    assert list(RecordStream(PageInfo(source="s")).records([fields])) == []


def test_identifiers_that_name_errors_make_an_error_table() -> None:
    errors = table(
        ("Code", "Description"),
        [
            ("InvalidToken", "The token is not valid."),
            ("ERR_TIMEOUT", "The call timed out."),
            ("AccessDenied", "The caller may not do this."),
        ],
        section="Data sources",
    )
    assert read_table(errors).mapping.fields == {"code": 0, "description": 1}


def test_a_generic_code_table_needs_an_error_context() -> None:
    frames = table(
        ("Code", "Frame Type", "Reference"), [("0x0", "DATA", "RFC")], section="HTTP/2 Frame Type"
    )
    errors = table(
        ("Code", "Name", "Description"),
        [("0x1", "PROTOCOL_ERROR", "bad")],
        section="HTTP/2 Error Code",
    )
    assert not read_table(frames).mapping.is_error_table
    assert read_table(errors).mapping.is_error_table


def test_a_parameter_table_is_not_an_error_table() -> None:
    params = table(
        ("Parameter", "Type", "Description"),
        [
            ("ErrorCode", "String", "The code"),
            ("RequestId", "string", "The request's id."),
            ("Count", "int", "How many items there are."),
        ],
        section="Error response",
    )
    reading = read_table(params)
    assert not reading.mapping.is_error_table
    assert any("names parameters or fields" in r for r in reading.explanation.reasons)


HEADERLESS = table(
    ("1001", "Invalid token", "Check the token"),
    [("1002", "Expired token", "Log in again"), ("1003", "Unknown user", "Check the user id")],
    section="Errors",
)


def test_a_headerless_table_reads_its_first_row_as_data() -> None:
    reading = read_table(HEADERLESS)
    assert reading.explanation.headerless
    assert reading.table.header == ("", "", "")
    assert reading.table.rows[0] == ("1001", "Invalid token", "Check the token")
    assert reading.explanation.rows == 3
    assert reading.mapping.fields["code"] == 0
    assert any("first row read as data" in r for r in reading.explanation.reasons)
    assert reading.provenance == ()  # the evidence decided, not an override
    records = list(RecordStream(PageInfo(source="s")).records([HEADERLESS]))
    assert [r.code for r in records] == ["1001", "1002", "1003"]
    assert records[0].suggestion == "Check the token"


def test_a_header_of_header_words_stays_the_header() -> None:
    reading = read_table(
        table(
            ("Code", "Message"),
            [("1001", "Invalid token"), ("1002", "Expired token")],
            section="Errors",
        )
    )
    assert not reading.explanation.headerless
    assert reading.table.header == ("Code", "Message")


MEASURED = table(
    ("Code", "Message", "Measure"),
    [
        ("1001", "Invalid token", "Check the token"),
        ("1002", "Expired token", "Log in again"),
        ("1003", "Unknown user", "Check the user id"),
    ],
    section="Errors",
)


@pytest.mark.parametrize("target", ["suggestion", "description", "extra"])
def test_column_overrides_decide_and_show(target: str) -> None:
    reading = read_table(MEASURED, ColumnOverrides(columns=(("Measure", target),)))
    assert reading.explanation.columns[2].field == target
    if target == "extra":
        assert 2 in reading.mapping.extra and 2 not in reading.mapping.fields.values()
    else:
        assert reading.mapping.fields[target] == 2
    assert reading.provenance == (f"columns: 'Measure' read as {target} (override)",)
    decision = reading.explanation.columns[2]
    assert decision.overridden
    assert decision.evidence == ("override",)
    assert not any(c.overridden for c in reading.explanation.columns[:2])
    records = list(
        RecordStream(
            PageInfo(source="s", overrides=ColumnOverrides(columns=(("Measure", target),)))
        ).records([MEASURED])
    )
    assert len(records) == 3
    assert all(reading.provenance[0] in r.repairs for r in records)


def test_header_override_reads_the_first_row_as_data() -> None:
    overrides = ColumnOverrides(columns=(("Measure", "suggestion"),), header=False)
    reading = read_table(HEADERLESS, overrides)
    assert reading.explanation.headerless
    assert "header: first row read as data (override)" in reading.provenance
    assert "first row read as data (override)" in reading.explanation.reasons
    # A headerless table has no column headed "Measure": the header override still applies.
    assert not any(c.overridden for c in reading.explanation.columns)
    records = list(RecordStream(PageInfo(source="s", overrides=overrides)).records([HEADERLESS]))
    assert [r.code for r in records] == ["1001", "1002", "1003"]
    assert all("header: first row read as data (override)" in r.repairs for r in records)


def test_header_override_with_columns_by_position() -> None:
    overrides = ColumnOverrides(columns=(("2", "suggestion"),), header=False)
    reading = read_table(HEADERLESS, overrides)
    assert reading.mapping.fields["suggestion"] == 2
    assert reading.explanation.columns[2].overridden
    assert reading.provenance == (
        "header: first row read as data (override)",
        "columns: '2' read as suggestion (override)",
    )


def test_header_override_keeps_a_header_the_evidence_would_move() -> None:
    reading = read_table(HEADERLESS, ColumnOverrides(header=True))
    assert not reading.explanation.headerless
    assert reading.table.header == HEADERLESS.header
    assert reading.explanation.rows == 2


@pytest.mark.parametrize(
    "found",
    [
        MEASURED,
        HEADERLESS,
        table(
            ("HTTP Code", "Meaning", "Description", "Retriable"),
            [
                ("400", "Bad Request", "The request is malformed.", "no"),
                ("503", "Service Unavailable", "The service is down.", "yes"),
            ],
        ),
        table(("Parameter", "Type"), [("name", "string"), ("count", "int")]),
    ],
)
def test_the_explanation_has_one_decision_per_column(found: RawTable) -> None:
    reading = read_table(found)
    explanation = reading.explanation
    width = len(found.header)
    assert [c.index for c in explanation.columns] == list(range(width))
    assert tuple(c.header for c in explanation.columns) == reading.table.header
    assert explanation.is_error_table == reading.mapping.is_error_table
    assert explanation.reasons and all(isinstance(r, str) and r for r in explanation.reasons)
    for decision in explanation.columns:
        assert decision.evidence
        assert all(isinstance(e, str) and e for e in decision.evidence)
        if reading.table.header[decision.index]:
            assert any(e.startswith("header words: ") for e in decision.evidence) == bool(
                header_parts(reading.table.header[decision.index]).parts
            )
    if reading.mapping.is_error_table:
        for name, index in reading.mapping.fields.items():
            assert explanation.columns[index].field == name
        for index in reading.mapping.extra:
            assert explanation.columns[index].field == "extra"


# Language detection.


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The request failed because the parameter is missing. " * 3, "en"),
        ("请求参数错误，请检查后重试。" * 3, "zh-Hans"),
        ("請求參數錯誤，請檢查後重試。" * 3, "zh-Hant"),
        ("リクエストが正しくありません。" * 3, "ja"),
        ("요청 변수를 확인하세요. 오류가 발생했습니다." * 3, "ko"),
        ("1234 5678", ""),
    ],
)
def test_language_detection(text: str, lang: str) -> None:
    assert detect_lang(text) == lang
