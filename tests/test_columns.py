"""Header vocabulary and content rules, column by column."""

from __future__ import annotations

import pytest

from scraper.columns import map_columns, match_header, parse_status
from scraper.lang import detect_lang
from scraper.types import RawTable


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("HTTP Status Code", "http_status"),
        ("HttpCode", "http_status"),
        ("Error code", "code"),
        ("Status Code Description", "description"),
        ("Status Code Name", "title"),
        ("状态码含义", "description"),
        ("HTTP状态码（Status Code）", "http_status"),
        ("错误码（Error Code）", "code"),
        ("錯誤資訊", "message"),
        ("処理措施", None),
        ("対処方法", "suggestion"),
        ("해결 방법", "suggestion"),
        ("오류 발생 원인", "description"),
        ("Caused by an attempt to…", "description"),
        ("Handle it by…", "suggestion"),
        ("**Solution**", "suggestion"),
        ("Retriable", None),
    ],
)
def test_headers_name_fields_by_their_head_noun(header: str, field: str | None) -> None:
    match = match_header(header)
    assert (match.field if match else None) == field


@pytest.mark.parametrize(
    ("cell", "status", "rest"),
    [
        ("400 Bad Request", 400, "Bad Request"),
        ("400(요청 변수 확인)", 400, "요청 변수 확인"),
        ("429 (호출 한도 초과 오류)", 429, "호출 한도 초과 오류"),
        ("103-199", None, ""),
        ("5xx", None, ""),
        ("4001", None, ""),
        ("N/A", None, ""),
    ],
)
def test_status_cells(cell: str, status: int | None, rest: str) -> None:
    assert parse_status(cell) == (status, rest)


def table(header: tuple[str, ...], rows: list[tuple[str, ...]], section: str = "") -> RawTable:
    return RawTable(header=header, rows=tuple(rows), section=section, locator="line 1")


def test_a_status_named_column_of_other_values_is_the_code() -> None:
    mapping = map_columns(
        table(
            ("Status code", "Name", "Description"),
            [
                ("1000", "Normal Closure", "The purpose was fulfilled."),
                ("1001", "Going Away", "The endpoint is going away."),
            ],
        )
    )
    assert mapping.fields == {"code": 0, "title": 1, "description": 2}


def test_reason_phrases_are_the_title_whatever_the_header() -> None:
    mapping = map_columns(
        table(
            ("HTTP Code", "Meaning", "Description"),
            [("400", "Bad Request", "x"), ("404", "Not Found", "y")],
        )
    )
    assert mapping.fields["title"] == 1


def test_a_generic_code_table_needs_an_error_context() -> None:
    frames = table(
        ("Code", "Frame Type", "Reference"), [("0x0", "DATA", "RFC")], section="HTTP/2 Frame Type"
    )
    errors = table(
        ("Code", "Name", "Description"),
        [("0x1", "PROTOCOL_ERROR", "bad")],
        section="HTTP/2 Error Code",
    )
    assert not map_columns(frames).is_error_table
    assert map_columns(errors).is_error_table


def test_a_parameter_table_is_not_an_error_table() -> None:
    params = table(
        ("Parameter", "Type", "Description"),
        [("ErrorCode", "String", "The code")],
        section="Error response",
    )
    assert not map_columns(params).is_error_table


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
