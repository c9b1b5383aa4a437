"""Classification rules that read what a word is said of, word families per language, and the
retry rules for limits, stale copies, settings to correct and defects to report."""

from __future__ import annotations

import pytest

from scraper.classification import classify
from scraper.types import Record


def verdict(**fields: object) -> tuple[str, str]:
    result = classify(Record(**fields))  # type: ignore[arg-type]
    return result.category, result.retryable


# --- rereadings and word families ------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"description": "The requested operation is not supported."}, "unimplemented"),
        ({"description": "The character encoding is not supported."}, "invalid_argument"),
        ({"code": "UnsupportedMediaFormat"}, "invalid_argument"),
        ({"description": "不支持该压缩类型。"}, "invalid_argument"),
        ({"description": "この操作はサポートされていません。"}, "unimplemented"),
        (
            {"description": "The value must be between 1 and 10; 42 is out of range."},
            "invalid_argument",
        ),
        ({"description": "The read offset is out of range."}, "out_of_range"),
        ({"description": "입력한 값이 범위를 벗어났습니다."}, "invalid_argument"),
        ({"description": "The options --fast and --safe are conflicting."}, "invalid_argument"),
        (
            {"description": "The request conflicts with the current state of the volume."},
            "failed_precondition",
        ),
        ({"description": "Transaction conflict with a concurrent write."}, "aborted"),
    ],
)
def test_what_a_term_is_said_of_decides_its_category(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


def test_a_reread_names_itself_in_the_evidence() -> None:
    result = classify(Record(description="The header value is unsupported."))
    assert result.category == "invalid_argument"
    assert any("said of an input" in line for line in result.evidence)


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"code": "AuthorizationFailed"}, "permission_denied"),
        (
            {"description": "The caller is not authorized to delete this folder."},
            "permission_denied",
        ),
        ({"code": "unauthorized_client"}, "permission_denied"),
        ({"http_status": 401, "title": "Unauthorized"}, "unauthenticated"),
        ({"description": "The security token has expired."}, "unauthenticated"),
        ({"code": "SecurityError"}, "permission_denied"),
    ],
)
def test_authorization_is_permission_and_credentials_are_authentication(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The order can no longer be modified.", "failed_precondition"),
        ("The job is already running.", "failed_precondition"),
        ("帐户已冻结，请充值后使用。", "failed_precondition"),
        ("The peer violated the protocol: protocol error.", "invalid_argument"),
        ("The field value does not conform to the schema.", "invalid_argument"),
        ("Column 'name' cannot be null.", "invalid_argument"),
        ("The outbound message queue is full.", "resource_exhausted"),
        ("The message TTL expired before delivery.", "deadline_exceeded"),
        ("The receiving device is powered off.", "unavailable"),
        ("An unhandled exception occurred in the worker.", "internal"),
        ("The connection to the database has recovered from the earlier failure.", "ok"),
    ],
)
def test_word_families_name_their_category(text: str, category: str) -> None:
    assert verdict(description=text)[0] == category


@pytest.mark.parametrize(
    ("text", "retryable"),
    [
        ("Requests per time window exceeded the limit.", "yes"),
        ("Too many uncompleted export jobs: limit exceeded.", "yes"),
        ("The number of templates exceeds the limit.", "no"),
        ("Quota exceeded.", "unknown"),
    ],
)
def test_a_limit_passes_by_waiting_only_when_it_is_a_rate_or_in_flight_work(
    text: str, retryable: str
) -> None:
    assert verdict(description=text) == ("resource_exhausted", retryable)


def test_contact_support_is_not_an_unsupported_feature() -> None:
    assert verdict(description="If it persists, contact customer support.")[0] != "unimplemented"
    assert verdict(suggestion="製品サポートに問い合わせてください。")[0] != "unimplemented"


def test_a_text_read_again_gives_what_it_gave_the_first_time() -> None:
    from scraper.classification.matching import MEMO_TEXTS, compile_terms

    matcher = compile_terms([("quota", ("a",)), ("timeout", ("b",))])
    first = matcher.find("quota and timeout")
    assert matcher.find("quota and timeout") == first == tuple(matcher._scan("quota and timeout"))
    for n in range(MEMO_TEXTS + 1):  # the memory is bounded
        matcher.find(f"text {n}")
    assert len(matcher.found) <= MEMO_TEXTS
    assert matcher.find("quota and timeout") == first


@pytest.mark.parametrize(
    ("code", "category"),
    [
        ("HierarchyRequestError", "invalid_argument"),
        ("HIERARCHY_REQUEST_ERR", "invalid_argument"),
        ("NAMESPACE_ERR", "invalid_argument"),
        ("InvalidAccessError", "unimplemented"),
        ("INVALID_STATE_ERR", "failed_precondition"),
        ("AbortError", "cancelled"),
        ("ENOTDIR", "failed_precondition"),
        ("ENOLCK", "resource_exhausted"),
    ],
)
def test_standard_exception_and_errno_names_name_their_category(code: str, category: str) -> None:
    assert verdict(code=code)[0] == category


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"description": "The request body size exceeds the limit of 4 MB."}, "invalid_argument"),
        ({"description": "Too many items in a single request (at most 50)."}, "invalid_argument"),
        ({"description": "配列の要素数が上限を超えています。"}, "invalid_argument"),
        ({"description": "请求体大小超过上限。"}, "invalid_argument"),
        ({"description": "요청 크기가 제한을 초과했습니다."}, "invalid_argument"),
        (
            {"description": "The storage size of the account exceeds the limit."},
            "resource_exhausted",
        ),
        ({"description": "The number of buckets exceeds the limit."}, "resource_exhausted"),
        (
            {"http_status": 400, "message": "Content-Length does not exist in the request header."},
            "invalid_argument",
        ),
        ({"description": "请求头中不存在 Date。"}, "invalid_argument"),
        ({"description": "The specified bucket does not exist."}, "not_found"),
    ],
)
def test_a_limit_or_absence_said_of_the_request_itself_is_a_bad_input(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("The alert count is above the threshold.", "resource_exhausted"),
        ("送信数がしきい値を超えています。", "resource_exhausted"),
        ("'select' is a reserved word and cannot name a column.", "invalid_argument"),
        ("保留字不能用作表名。", "invalid_argument"),
        ("Codes 900-999 are reserved.", "unknown"),
        ("Implementation specific error.", "unknown"),
        ("The base class of every exception thrown by the client.", "unknown"),
        ("The upload session is not complete.", "failed_precondition"),
        ("アップロードが完了していません。", "failed_precondition"),
        ("이 버전은 해당 기능을 지원 하지 않습니다.", "unimplemented"),
        ("指定されたファイルの種類はサポートされていません。", "invalid_argument"),
        ("The step was manually skipped.", "cancelled"),
    ],
)
def test_more_word_families_name_their_category(text: str, category: str) -> None:
    assert verdict(description=text)[0] == category


@pytest.mark.parametrize(
    ("fields", "retryable"),
    [
        (
            {"description": "Could not connect to the server. Check the URL and the port."},
            "no",
        ),
        ({"description": "无法连接服务，请检查代理设置。"}, "no"),
        ({"description": "サーバーに接続できません。プロキシ設定を確認してください。"}, "no"),
        ({"description": "The service is temporarily unavailable."}, "yes"),
        ({"description": "Connection lost. Try again later on the same port."}, "yes"),
        ({"description": "An unexpected error occurred. Please file a bug report."}, "no"),
        ({"description": "예기치 않은 오류입니다. 버그 보고서를 제출하십시오."}, "no"),
        ({"description": "An unexpected error occurred."}, "unknown"),
    ],
)
def test_a_setting_to_correct_or_a_bug_to_report_is_not_retried(
    fields: dict[str, object], retryable: str
) -> None:
    assert verdict(**fields)[1] == retryable


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"code": "InvalidTimeoutException"}, "invalid_argument"),
        ({"description": "The -timeout option is invalid."}, "invalid_argument"),
        ({"description": "The requested timeout is larger than the maximum."}, "invalid_argument"),
        ({"description": "超时参数无效。"}, "invalid_argument"),
        ({"description": "The request timed out."}, "deadline_exceeded"),
        ({"code": "SETTINGS_TIMEOUT"}, "deadline_exceeded"),
        ({"message": "The specified ad product type is not available."}, "invalid_argument"),
        ({"message": "This target setting is unavailable."}, "invalid_argument"),
        ({"message": "The service is temporarily not available."}, "unavailable"),
        ({"description": "Unknown command."}, "unimplemented"),
        ({"title": "CMD_UNKNOWN"}, "unimplemented"),
        ({"description": "未知命令。"}, "unimplemented"),
        ({"description": "Unable to fetch from remote source."}, "unavailable"),
        ({"description": "패킷을 보내지 못했습니다."}, "unavailable"),
        ({"description": "The upload URL has expired."}, "failed_precondition"),
        ({"description": "The access token has expired."}, "unauthenticated"),
    ],
)
def test_what_a_timeout_an_absence_or_an_expiry_is_said_of_decides(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


@pytest.mark.parametrize(
    ("fields", "retryable"),
    [
        ({"description": "The eTag does not match the current item."}, "no"),
        ({"description": "Transaction conflict with a concurrent write."}, "yes"),
        ({"description": "Too many subscriptions; remove unneeded ones."}, "no"),
        ({"description": "登録できる上限値を超過しています。"}, "no"),
        ({"description": "The message buffer is full."}, "yes"),
        ({"description": "取得できませんでした。後でもう一度お試しください。"}, "yes"),
    ],
)
def test_stale_copies_caps_and_full_buffers_decide_retrying(
    fields: dict[str, object], retryable: str
) -> None:
    assert verdict(**fields)[1] == retryable


def test_contact_support_in_each_language_is_not_an_unsupported_feature() -> None:
    for text in ("請連絡 Microsoft 支援服務。", "请联系客户支持。", "지원 센터에 문의하십시오."):
        assert verdict(suggestion=text)[0] != "unimplemented", text


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"title": "OBJ_STATUS_PROHIB_OP"}, "failed_precondition"),
        ({"description": "Not allowed in the current state."}, "failed_precondition"),
        ({"description": "当前状态下不允许此操作。"}, "failed_precondition"),
        ({"description": "The operation is not allowed for this user."}, "permission_denied"),
        ({"description": "没有数据。"}, "not_found"),
        ({"description": "No rows were returned."}, "not_found"),
        ({"code": "NO_DATA_ALLOWED_ERR"}, "invalid_argument"),
    ],
)
def test_a_state_that_forbids_and_an_empty_result_name_their_category(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


@pytest.mark.parametrize(
    ("fields", "category"),
    [
        ({"description": "The end time is lower than the start time."}, "invalid_argument"),
        ({"description": "结束时间不能小于开始时间。"}, "invalid_argument"),
        ({"description": "終了日が開始日を下回っています。"}, "invalid_argument"),
        ({"description": "최댓값이 최솟값보다 작습니다."}, "invalid_argument"),
        ({"description": "Check that the database server is running."}, "unavailable"),
        ({"suggestion": "サーバーが実行されているかどうかを確認します"}, "unavailable"),
        ({"http_status": 522}, "unavailable"),
        ({"http_status": 524}, "deadline_exceeded"),
        (
            {"http_status": 400, "description": "The specified carrier is not supported."},
            "invalid_argument",
        ),
        ({"http_status": 400, "description": "该接口不支持此类项目。"}, "invalid_argument"),
        ({"http_status": 501, "description": "The operation is not supported."}, "unimplemented"),
        ({"description": "The requested operation is not supported."}, "unimplemented"),
        ({"title": "CONFIGURATION_ERROR"}, "failed_precondition"),
        ({"description": "环境变量未设置。"}, "failed_precondition"),
        ({"title": "ACCOUNT_NOT_ELIG"}, "failed_precondition"),
        ({"title": "BucketAlreadyOwnedByYou"}, "already_exists"),
        ({"description": "Init failed due to some error; see the log."}, "unknown"),
        ({"description": "由于某些原因初始化失败。"}, "unknown"),
        ({"description": "The connection is idle. You can safely ignore this message."}, "ok"),
    ],
)
def test_bounds_running_services_origins_and_unspecified_causes_name_their_category(
    fields: dict[str, object], category: str
) -> None:
    assert verdict(**fields)[0] == category


def test_an_error_while_processing_is_not_a_state_in_progress() -> None:
    assert verdict(
        http_status=500, description="要求の処理中に内部サーバー エラーが発生しました。"
    ) == (
        "internal",
        "unknown",
    )
    assert verdict(description="The request is still being processed.")[1] != "unknown"
