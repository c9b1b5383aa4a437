"""Classification remembers what it read (folded texts, terms found, each field's votes): what it
gives a record must not depend on what it read before, nor leak from one record to another."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.classification import Classification, classify, decide
from scraper.classification.rules import rules
from scraper.columns.lexicon import _CAMEL, _PUNCT, _SCRIPT_EDGE, fold
from scraper.types import Record


def _record(
    code: str = "",
    http_status: int | None = None,
    title: str = "",
    message: str = "",
    description: str = "",
    suggestion: str = "",
    extra: dict[str, str] | None = None,
    inferred: int | None = None,
) -> Record:
    record = Record(
        key=f"t/{code}",
        source="t",
        code=code,
        http_status=http_status,
        title=title,
        message=message,
        description=description,
        suggestion=suggestion,
        extra=dict(extra or {}),
    )
    record.inferred_http_status = inferred
    return record


RECORDS = [
    _record("TooManyRequests", 429, message="Too many requests. Retry later."),
    _record("TooManyRequests", 400, message="Too many requests. Retry later."),
    _record("TooManyRequests", None, message="Too many requests. Retry later."),
    _record("QuotaExceeded1", 403, message="Quota exceeded.", description="Quota exceeded."),
    _record("QuotaExceeded2", 429, message="Quota exceeded.", description="Quota exceeded."),
    _record("UnsupportedFormat", 400, message="The format is not supported."),
    _record("UnsupportedFormat", 501, message="The format is not supported."),
    _record("UnsupportedFormat", 422, message="The format is not supported."),
    _record("Op1", 400, message="This operation is not supported."),
    _record("Op2", 501, message="This operation is not supported."),
    _record("Op3", 422, message="This operation is not supported."),
    _record("Op4", None, message="This operation is not supported."),
    _record("Rate1", 429, title="Rate limit exceeded", message="Slow down."),
    _record("Rate2", 400, title="Rate limit exceeded", message="Slow down."),
    _record("Rate3", None, title="Rate limit exceeded", message="Slow down."),
    _record("NotFound", 404, title="Not Found", message="The bucket does not exist."),
    _record("NotFound", 409, title="Not Found", message="The bucket does not exist."),
    _record("Conflict", 409, title="Conflict", message="The bucket does not exist."),
    _record("InternalError", 500, message="Internal error.", suggestion="Contact support."),
    _record("InternalError", 503, message="Internal error.", suggestion="Contact support."),
    _record("ServiceUnavailable", 503, message="Service is temporarily unavailable."),
    _record("ENOSPC", None, message="No space left on device."),
    _record("EAGAIN", None, message="Resource temporarily unavailable."),
    _record("DEADLINE_EXCEEDED", None, description="The deadline expired."),
    _record("4.2.2", None, message="Mailbox full."),
    _record("5.1.1", None, message="User unknown."),
    _record("10001", 400, message="参数错误", description="请求参数不合法。"),
    _record("10001", 500, message="参数错误", description="请求参数不合法。"),
    _record("10002", 429, message="請求過於頻繁", suggestion="請稍後重試。"),
    _record("E1001", 401, message="認証に失敗しました。", suggestion="しばらくしてから再試行"),
    _record("E1002", 503, message="サービスが一時的に利用できません。"),
    _record("K-01", 403, message="권한이 없습니다.", description="접근이 거부되었습니다."),
    _record("K-02", 500, message="서버 내부 오류", suggestion="잠시 후 다시 시도하세요."),
    _record("AccessDenied", 403, extra={"Retryable": "No"}, message="Access denied."),
    _record("AccessDenied", 403, extra={"Retryable": "Yes"}, message="Access denied."),
    _record("Throttled", 400, extra={"Retry": "true", "Note": "Rate exceeded"}),
    _record("Throttled", 400, extra={"Note": "Rate exceeded", "Retry": "false"}),
    _record("", 404, message="Not found."),
    _record("", None, message="Something happened."),
    _record("", None),
    _record("InvalidParameter", inferred=400, message="The parameter is invalid."),
    _record("InvalidParameter", inferred=409, message="The parameter is invalid."),
    _record("Timeout", 504, title="Gateway Timeout", message="The request timed out."),
    _record("Timeout", 408, title="Gateway Timeout", message="The request timed out."),
    _record("VersionConflict", 409, message="The object was modified. Read it again."),
    _record("Expired", 400, message="The token has expired.", description="The token expired."),
    _record("Expired", 401, message="The token has expired.", description="The token expired."),
    _record("MissingPageSize1", 400, message="The page size is missing."),
    _record("DisabledInstanceId1", 504, message="The specified instance ID is disabled."),
]


def _forget() -> None:
    """Empty every memory classification keeps, as in a fresh process."""
    compiled = rules()
    decide.fold.cache_clear()
    decide._memos.clear()
    matchers = [compiled.categories, compiled.retry, compiled.retry_headers]
    for reread in compiled.rereads:
        matchers.append(reread.unless)
        if reread.near is not None:
            matchers.append(reread.near)
    for matcher in matchers:
        matcher.found.clear()


def _alone(record: Record) -> Classification:
    _forget()
    return classify(record)


@pytest.fixture(scope="module")
def alone() -> list[Classification]:
    return [_alone(record) for record in RECORDS]


def test_a_record_gets_what_it_gets_alone_after_a_warm_cache(
    alone: list[Classification],
) -> None:
    _forget()
    first = [classify(record) for record in RECORDS]
    again = [classify(record) for record in RECORDS]
    assert first == alone
    assert again == alone


@pytest.mark.parametrize("seed", range(5))
def test_the_order_records_come_in_changes_nothing(alone: list[Classification], seed: int) -> None:
    order = list(range(len(RECORDS)))
    random.Random(seed).shuffle(order)
    if seed % 2:
        _forget()
    for _ in range(2):
        got = {index: classify(RECORDS[index]) for index in order}
        assert [got[index] for index in range(len(RECORDS))] == alone


def test_classify_does_not_change_the_record() -> None:
    record = RECORDS[0]
    before = (record.code, record.message, record.http_status, dict(record.extra))
    classify(record)
    assert (record.code, record.message, record.http_status, dict(record.extra)) == before


@pytest.mark.parametrize(
    "text",
    [
        "TooManyRequests",
        "HTTP_STATUS_CODE",
        "already-exists: x.y",
        "RetCode",
        "ErrorDetail.Code",
        "",
        "  a  b  ",
        "API结果",
        "Http返回值",
        "ｆｕｌｌ ｗｉｄｔｈ",
        "Ünïcode Wörds",
        "x_y-z",
    ],
)
def test_folding_is_the_header_lexicons(text: str) -> None:
    assert decide.fold(text) == fold(text) == slow_fold(text)


def slow_fold(text: str) -> str:
    """The general path of the lexicon's fold, which its ASCII shortcut must agree with."""
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text))
    text = _PUNCT.sub(" ", text.lower().replace("_", " "))
    return " ".join(_SCRIPT_EDGE.sub(" ", text).split())


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=30))
def test_the_ascii_shortcut_folds_as_the_general_path_does(text: str) -> None:
    assert fold(text) == slow_fold(text)
