"""The words and sentences generated error-code rows are made of: statuses, services,
conditions, nouns, and Chinese, Japanese and Korean sentences."""

from __future__ import annotations

HEADERS = ("HTTP Status Code", "Error Code", "Error Message", "Description", "Solution")

STATUSES = (400, 400, 400, 401, 403, 403, 404, 404, 409, 412, 413, 429, 500, 502, 503, 504)
REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    412: "Precondition Failed",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}

SERVICES = (
    "Bucket",
    "Object",
    "Queue",
    "Topic",
    "Instance",
    "Cluster",
    "Volume",
    "Snapshot",
    "Gateway",
    "Certificate",
    "Domain",
    "Function",
    "Database",
    "Backup",
    "Subnet",
    "Image",
    "Key Management",
    "Access Policy",
    "Log Stream",
    "Message Group",
)

CONDITIONS = (
    ("Invalid", "is invalid"),
    ("Missing", "is missing"),
    ("Duplicate", "already exists"),
    ("Unsupported", "is not supported"),
    ("Expired", "has expired"),
    ("Malformed", "is malformed"),
    ("Forbidden", "may not be used by this account"),
    ("Unknown", "does not exist"),
    ("Locked", "is locked by another request"),
    ("Exceeded", "exceeds the quota"),
    ("Conflicting", "conflicts with the current state"),
    ("Deprecated", "is deprecated"),
    ("Unavailable", "is temporarily unavailable"),
    ("TooLarge", "is too large"),
    ("TooSmall", "is too small"),
    ("Mismatched", "does not match the stored value"),
    ("Disabled", "is disabled"),
    ("Throttled", "was throttled"),
    ("Incomplete", "is incomplete"),
    ("Unauthorized", "is not authorized"),
)

NOUNS = (
    ("BucketName", "bucket name"),
    ("ObjectKey", "object key"),
    ("Region", "region"),
    ("AccessKey", "access key"),
    ("Signature", "request signature"),
    ("Token", "security token"),
    ("PageSize", "page size"),
    ("PageNumber", "page number"),
    ("InstanceId", "instance ID"),
    ("ClusterId", "cluster ID"),
    ("VolumeSize", "volume size"),
    ("Tag", "tag"),
    ("TagValue", "tag value"),
    ("Timestamp", "timestamp"),
    ("ContentType", "content type"),
    ("ContentLength", "content length"),
    ("Checksum", "checksum"),
    ("Policy", "policy document"),
    ("Role", "role"),
    ("Endpoint", "endpoint"),
    ("VpcId", "VPC ID"),
    ("SubnetId", "subnet ID"),
    ("Certificate", "certificate"),
    ("DomainName", "domain name"),
    ("Quota", "quota"),
    ("RetentionPeriod", "retention period"),
    ("Encryption", "encryption setting"),
    ("Version", "version"),
    ("Filter", "filter expression"),
    ("Callback", "callback URL"),
)

DESCRIPTIONS = (
    "The {noun} {cond}.",
    "The request was rejected: the {noun} {cond}.",
    "The {noun} {cond}, or the caller lacks read & write access.",
    "The {noun} {cond}. No resources were changed.",
)

SOLUTIONS = (
    "Check the {noun} and try again.",
    "Correct the {noun}, then retry.",
    "Retry later, or contact support.",
    "Use a valid {noun}.",
)

# Per language: (description sentences, solution sentences). Sentences end in a full stop, so
# a mojibake cell never ends with the byte A0 read as a no-break space.
CJK_TEXT: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        (
            "请求中的参数不合法。",
            "指定的资源不存在或已被删除。",
            "请求过于频繁，已触发流量控制。",
            "签名验证失败，请检查访问密钥。",
            "当前账号没有执行该操作的权限。",
        ),
        (
            "请检查参数后重试。",
            "请稍后重试，如果问题仍然存在，请联系技术支持。",
            "请参考接口文档修改请求参数。",
            "请确认资源名称是否正确。",
        ),
    ),
    (
        (
            "請求中的參數不合法。",
            "指定的資源不存在或已被刪除。",
            "請求過於頻繁，已觸發流量控制。",
            "簽名驗證失敗，請檢查存取金鑰。",
        ),
        (
            "請檢查參數後重試。",
            "請稍後重試，如果問題仍然存在，請聯絡技術支援。",
            "請參考介面文件修改請求參數。",
        ),
    ),
    (
        (
            "リクエストのパラメーターが不正です。",
            "指定されたリソースは存在しないか、削除されています。",
            "リクエストが多すぎるため、スロットリングされました。",
            "署名の検証に失敗しました。",
        ),
        (
            "パラメーターを確認してから再試行してください。",
            "しばらくしてから再試行してください。問題が解決しない場合は、サポートにお問い合わせください。",
            "API リファレンスを参照してリクエストを修正してください。",
        ),
    ),
    (
        (
            "요청의 매개변수가 올바르지 않습니다.",
            "지정한 리소스가 존재하지 않거나 삭제되었습니다.",
            "요청이 너무 많아 제한되었습니다.",
            "서명 검증에 실패했습니다.",
        ),
        (
            "매개변수를 확인한 후 다시 시도하십시오.",
            "잠시 후 다시 시도하십시오. 문제가 계속되면 기술 지원팀에 문의하십시오.",
            "API 참조 문서를 참고하여 요청을 수정하십시오.",
        ),
    ),
)
