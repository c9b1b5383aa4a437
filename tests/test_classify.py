"""Classification of records: categories from statuses and words in each language, retryability,
the evidence given, purity, and the rules file's own checks."""

from __future__ import annotations

import copy
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.classification import Classification, classify
from scraper.classification.matching import compile_terms
from scraper.classification.rules import RULES_FILE, RulesError, parse_rules, rules
from scraper.fields import CATEGORIES, RETRYABLE
from scraper.types import Record


def verdict(**fields: object) -> tuple[str, str]:
    result = classify(Record(**fields))  # type: ignore[arg-type]
    return result.category, result.retryable


# --- statuses alone --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "category"),
    [
        (200, "ok"),
        (204, "ok"),
        (301, "ok"),
        (400, "invalid_argument"),
        (401, "unauthenticated"),
        (403, "permission_denied"),
        (404, "not_found"),
        (405, "unimplemented"),
        (409, "aborted"),
        (416, "out_of_range"),
        (429, "resource_exhausted"),
        (499, "cancelled"),
        (500, "internal"),
        (501, "unimplemented"),
        (502, "unavailable"),
        (503, "unavailable"),
        (504, "deadline_exceeded"),
        (418, "unknown"),
        (451, "permission_denied"),
        (599, "internal"),
        (460, "invalid_argument"),
    ],
)
def test_a_bare_status_gives_its_aip_193_category(status: int, category: str) -> None:
    assert classify(Record(http_status=status)).category == category


def test_the_inferred_status_counts_when_none_is_published() -> None:
    result = classify(Record(code="E1", inferred_http_status=404))
    assert result.category == "not_found"
    assert "inferred status 404" in result.evidence


def test_the_published_status_wins_over_the_inferred_one() -> None:
    assert classify(Record(http_status=401, inferred_http_status=404)).category == (
        "unauthenticated"
    )


def test_a_row_with_no_status_and_no_telling_words_is_unknown() -> None:
    assert verdict(code="X17", description="See the manual.") == ("unknown", "unknown")


# --- words over statuses ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"http_status": 400, "message": "Quota exceeded for this project."}, "resource_exhausted"),
        ({"http_status": 403, "code": "Throttling"}, "resource_exhausted"),
        ({"http_status": 500, "message": "The request timed out."}, "deadline_exceeded"),
        ({"http_status": 500, "description": "Token expired."}, "unauthenticated"),
        ({"http_status": 503, "message": "The specified key does not exist."}, "not_found"),
        ({"http_status": 400, "code": "BucketAlreadyExists"}, "already_exists"),
        ({"http_status": 500, "message": "Stored data is corrupted."}, "data_loss"),
        ({"http_status": 400, "code": "OperationNotSupported"}, "unimplemented"),
    ],
)
def test_the_rows_words_refine_the_status(fields: dict[str, object], category: str) -> None:
    assert verdict(**fields)[0] == category


def test_a_weak_word_does_not_override_the_status() -> None:
    # "invalid" alone is weak: a 401's category stands.
    assert verdict(http_status=401, description="The value is invalid.")[0] == "unauthenticated"


def test_a_title_that_is_the_status_reason_phrase_adds_nothing() -> None:
    # "Temporary Redirect" would read as transient; as the 307's own name it says only "307".
    assert verdict(http_status=307, title="Temporary Redirect") == ("ok", "no")


# --- each category from words, each language -----------------------------------------------


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The operation succeeded.", "ok"),
        ("The operation was cancelled by the caller.", "cancelled"),
        ("Unknown error.", "unknown"),
        ("A required parameter is missing.", "invalid_argument"),
        ("The deadline expired before the operation could complete.", "deadline_exceeded"),
        ("The requested bucket does not exist.", "not_found"),
        ("A user with this name already exists.", "already_exists"),
        ("Access denied: the caller lacks the role.", "permission_denied"),
        ("Rate limit exceeded.", "resource_exhausted"),
        ("The feature is not enabled for this account.", "failed_precondition"),
        ("Transaction conflict with a concurrent write.", "aborted"),
        ("The offset is out of range.", "out_of_range"),
        ("This method is not implemented.", "unimplemented"),
        ("Internal server error.", "internal"),
        ("The service is temporarily unavailable.", "unavailable"),
        ("Unrecoverable data loss.", "data_loss"),
        ("Authentication failed: invalid credentials.", "unauthenticated"),
    ],
)
def test_english_words_name_every_category(text: str, category: str) -> None:
    assert verdict(description=text)[0] == category


@pytest.mark.parametrize(
    ("text", "category", "lang"),
    [
        ("请求过于频繁，请稍后重试", "resource_exhausted", "zh-Hans"),
        ("参数错误", "invalid_argument", "zh-Hans"),
        ("指定的用户不存在", "not_found", "zh-Hans"),
        ("服务器内部错误", "internal", "zh-Hans"),
        ("請求逾時", "deadline_exceeded", "zh-Hant"),
        ("權限不足", "permission_denied", "zh-Hant"),
        ("名稱已經存在", "already_exists", "zh-Hant"),
        ("タイムアウトしました", "deadline_exceeded", "ja"),
        ("認証に失敗しました", "unauthenticated", "ja"),
        ("この機能はサポートされていません", "unimplemented", "ja"),
        ("요청 한도를 초과했습니다", "resource_exhausted", "ko"),
        ("리소스를 찾을 수 없습니다", "not_found", "ko"),
        ("서비스를 사용할 수 없습니다", "unavailable", "ko"),
    ],
)
def test_cjk_words_name_categories(text: str, category: str, lang: str) -> None:
    result = classify(Record(description=text))
    assert result.category == category
    assert any(lang in line for line in result.evidence)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("RequestLimitExceeded", "resource_exhausted"),
        ("Throttling.User", "resource_exhausted"),
        ("QUOTA_EXCEEDED", "resource_exhausted"),
        ("NoSuchKey", "not_found"),
        ("InvalidParameterValue", "invalid_argument"),
        ("DEADLINE_EXCEEDED", "deadline_exceeded"),
        ("UNAVAILABLE", "unavailable"),
        ("ENOENT", "not_found"),
        ("EAGAIN", "resource_exhausted"),
    ],
)
def test_code_words_are_split_and_read(code: str, category: str) -> None:
    assert verdict(code=code)[0] == category


# --- retryable -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Please try again later.",
        "请稍后重试。",
        "請稍後再試。",
        "しばらくしてから再試行してください。",
        "잠시 후 다시 시도해 주세요.",
    ],
)
def test_try_again_later_in_each_language_is_retryable(text: str) -> None:
    result = classify(Record(http_status=500, suggestion=text))
    assert result.retryable == "yes"
    assert any(line.startswith("text: ") for line in result.evidence)


@pytest.mark.parametrize(
    ("fields", "retryable"),
    [
        ({"http_status": 429}, "yes"),
        ({"http_status": 503}, "yes"),
        ({"http_status": 504}, "yes"),
        ({"code": "Throttling"}, "yes"),
        ({"http_status": 500}, "unknown"),
        ({"http_status": 400, "message": "Invalid parameter."}, "no"),
        ({"http_status": 404}, "no"),
        ({"http_status": 200}, "no"),
        ({"http_status": 400, "suggestion": "Fix the parameter and retry."}, "no"),
        ({"http_status": 500, "suggestion": "Retry the request."}, "yes"),
        ({"http_status": 500, "suggestion": "Do not retry this request."}, "no"),
        ({"message": "Daily quota exceeded."}, "no"),
        ({"message": "Quota exceeded."}, "unknown"),
        ({"message": "Too many requests per second."}, "yes"),
        ({"code": "4.2.2"}, "yes"),
        ({"code": "5.1.1"}, "no"),
        ({"message": "The feed has not yet been processed."}, "yes"),
    ],
)
def test_retryable_follows_the_words_then_the_category(
    fields: dict[str, object], retryable: str
) -> None:
    assert verdict(**fields)[1] == retryable


@pytest.mark.parametrize(
    ("header", "cell", "retryable"),
    [("Retriable", "True", "yes"), ("Retriable", "False", "no"), ("可重试", "否", "no")],
)
def test_an_explicit_retry_column_wins(header: str, cell: str, retryable: str) -> None:
    record = Record(code="X", description="The broker is not available.", extra={header: cell})
    result = classify(record)
    assert result.retryable == retryable
    assert f"column {header}: {cell}" in result.evidence


# --- evidence, purity, determinism -----------------------------------------------------------


def test_evidence_names_the_status_the_code_word_and_the_sentence() -> None:
    result = classify(Record(http_status=429, code="Throttling", message="Try again later."))
    assert result == Classification(
        "resource_exhausted",
        "yes",
        ("code word throttling (en)", "status 429", "text: try again later (en)"),
    )


def test_an_overridden_status_is_named_as_such() -> None:
    result = classify(Record(http_status=400, message="Quota exceeded."))
    assert "status 400 (invalid_argument) overridden" in result.evidence


record_fields = st.fixed_dictionaries(
    {
        "http_status": st.none() | st.integers(100, 599),
        "inferred_http_status": st.none() | st.integers(100, 599),
        "code": st.text(max_size=30),
        "title": st.text(max_size=30),
        "message": st.text(max_size=80),
        "description": st.text(max_size=120),
        "suggestion": st.text(max_size=80),
        "extra": st.dictionaries(st.text(max_size=10), st.text(max_size=20), max_size=3),
    }
)


@settings(max_examples=200, deadline=None)
@given(record_fields)
def test_any_record_gets_valid_values_and_is_left_unchanged(fields: dict[str, object]) -> None:
    record = Record(**fields)  # type: ignore[arg-type]
    before = copy.deepcopy(record)
    first = classify(record)
    assert record == before
    assert first.category in CATEGORIES
    assert first.retryable in RETRYABLE
    assert first.evidence and all(isinstance(line, str) and line for line in first.evidence)
    assert classify(record) == first


# --- the rules file and the matcher ----------------------------------------------------------


def test_the_rules_file_compiles_and_covers_every_category() -> None:
    compiled = rules()
    assert set(compiled.rank) == set(CATEGORIES)
    assert set(compiled.retry_by_category) == set(CATEGORIES)


def test_a_rules_file_naming_an_unknown_category_is_refused() -> None:
    data = tomllib.loads(RULES_FILE.read_text("utf-8"))
    data["status"]["404"] = "missing"
    with pytest.raises(RulesError, match="'missing' is not a category"):
        parse_rules(data)


def test_a_rules_file_with_an_unknown_language_is_refused() -> None:
    data = tomllib.loads(RULES_FILE.read_text("utf-8"))
    data["retry"]["later"]["fr"] = ["plus tard"]
    with pytest.raises(RulesError, match="unknown language 'fr'"):
        parse_rules(data)


def test_the_matcher_takes_the_longest_term_whole_words_and_prefixes() -> None:
    matcher = compile_terms(
        [("not", ("a",)), ("not found", ("b",)), ("throttl*", ("c",)), ("超时", ("d",))]
    )
    assert [h.label for h in matcher.find("resource not found")] == [("b",)]
    assert [(h.term, h.label) for h in matcher.find("throttled now")] == [("throttled", ("c",))]
    assert matcher.find("nothing") == ()
    assert [h.term for h in matcher.find("请求超时了")] == ["超时"]


def test_a_prefix_term_too_short_to_index_is_refused() -> None:
    with pytest.raises(ValueError, match="shorter than"):
        compile_terms([("ab*", ("a",))])
