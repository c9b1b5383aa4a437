"""Large, deterministic error-code pages for the benchmark and its tests (no downloads).

The same content comes as a DITA-like HTML page (thead/tbody, every cell's text in a <p> behind a
doubled pair of <a name> anchors, <strong> here and there, long class/id/headers/width
attributes) and as a markdown page of pipe tables. Each section is an <h2>/## heading and a
five-column table: HTTP status, error code, message, description, solution.

Every section is generated from its own seed (the page seed, its index and the row count), so a
section reads the same whatever page it is part of: `html_page(1, rows, first=i)` is section i
of `html_page(n, rows)`. Row kinds follow a fixed schedule over the page's global row index
(section * rows + row): in every 100 rows, 8 have Chinese, Japanese or Korean description and
solution (the message stays English), and 1 of those has its CJK cells as mojibake (the UTF-8
bytes read as cp1252). A page of 40 or more rows therefore holds both kinds.

    html_page(sections=200, rows=50)     # about 8 MB
    markdown_page(sections=200, rows=50)
    expected_rows(sections=200, rows=50) # what a faithful parser gives, per row
"""

from __future__ import annotations

import html
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import ftfy.bad_codecs  # noqa: F401  (registers the "sloppy-windows-1252" codec)

SEED = 20240611

HEADERS = ("HTTP Status Code", "Error Code", "Error Message", "Description", "Solution")

# Positions, in every block of 100 global rows, of the CJK rows, and of the mojibake row among
# them. Early slots make small pages (4 sections x 10 rows) hold both kinds.
CJK_SLOTS = frozenset({3, 14, 27, 33, 52, 64, 77, 90})
MOJIBAKE_SLOT = 33

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


@dataclass(frozen=True, slots=True)
class Row:
    """One generated table row: the published cells, and what a reader should get from them."""

    status: str
    """The status cell as published: "404" or "404 Not Found"."""
    code: str
    message: str
    description: str
    suggestion: str
    description_published: str
    """The description as the page has it (mojibake in mojibake rows), without markup."""
    suggestion_published: str
    strong_code: bool
    strong_words: str
    """A phrase of the description that the page sets in bold, "" for none."""
    kind: str
    """en, cjk or mojibake."""

    @property
    def http_status(self) -> int:
        return int(self.status.split()[0])

    @property
    def title(self) -> str:
        return self.status.partition(" ")[2]


@dataclass(frozen=True, slots=True)
class Section:
    index: int
    """0-based position on the full page."""
    title: str
    rows: tuple[Row, ...]


class PageFunction(Protocol):
    """html_page and markdown_page."""

    def __call__(
        self, sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
    ) -> str: ...


def mojibake(text: str) -> str:
    """Text as a page shows it when its UTF-8 bytes were read as cp1252."""
    return text.encode("utf-8").decode("sloppy-windows-1252")


def _row_kind(global_index: int) -> str:
    slot = global_index % 100
    if slot == MOJIBAKE_SLOT:
        return "mojibake"
    return "cjk" if slot in CJK_SLOTS else "en"


def section(index: int, rows: int = 50, seed: int = SEED) -> Section:
    """Section `index` of a page whose sections have `rows` rows each."""
    rng = random.Random(f"{seed}/{index}/{rows}")
    number = index + 1
    service = SERVICES[index % len(SERVICES)]
    title = f"{number} {service} API error codes"
    pairs = [(c, n) for c in range(len(CONDITIONS)) for n in range(len(NOUNS))]
    rng.shuffle(pairs)
    out: list[Row] = []
    for r in range(rows):
        cond_id, noun_id = pairs[r % len(pairs)]
        cond_name, cond_phrase = CONDITIONS[cond_id]
        noun_name, noun_phrase = NOUNS[noun_id]
        lap = r // len(pairs)
        code = f"{cond_name}{noun_name}{number}" + (f"x{lap + 1}" if lap else "")
        status = rng.choice(STATUSES)
        status_cell = f"{status} {REASONS[status]}" if rng.random() < 0.1 else str(status)
        message = f"The specified {noun_phrase} {cond_phrase}."
        kind = _row_kind(index * rows + r)
        strong_words = ""
        if kind == "en":
            description = rng.choice(DESCRIPTIONS).format(noun=noun_phrase, cond=cond_phrase)
            suggestion = rng.choice(SOLUTIONS).format(noun=noun_phrase)
            if rng.random() < 0.15:
                strong_words = noun_phrase
        else:
            sentences, remedies = CJK_TEXT[rng.randrange(len(CJK_TEXT))]
            description = "".join(rng.sample(sentences, 2))
            suggestion = rng.choice(remedies)
        published = (
            (mojibake(description), mojibake(suggestion))
            if kind == "mojibake"
            else (description, suggestion)
        )
        out.append(
            Row(
                status=status_cell,
                code=code,
                message=message,
                description=description,
                suggestion=suggestion,
                description_published=published[0],
                suggestion_published=published[1],
                strong_code=rng.random() < 0.05,
                strong_words=strong_words,
                kind=kind,
            )
        )
    return Section(index=index, title=title, rows=tuple(out))


def page_sections(
    count: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
) -> list[Section]:
    return [section(i, rows, seed) for i in range(first, first + count)]


def expected_rows(
    sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED
) -> list[dict[str, object]]:
    """The content fields a faithful parser gives for each row of the page, in order."""
    out: list[dict[str, object]] = []
    for part in page_sections(sections, rows, first, seed):
        for row in part.rows:
            out.append(
                {
                    "section": part.title,
                    "http_status": row.http_status,
                    "code": row.code,
                    "title": row.title,
                    "message": row.message,
                    "description": row.description,
                    "suggestion": row.suggestion,
                }
            )
    return out


# --- HTML -------------------------------------------------------------------------------------

_WIDTHS = ("12%", "22%", "21%", "24%", "21%")


class _Ids:
    """DITA-style generated ids: long, unique, deterministic."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def __call__(self, prefix: str = "p") -> str:
        return f"{prefix}{self.rng.getrandbits(24):06x}"


def _html_cell(tag: str, text_html: str, ids: _Ids, col: int, table_path: str, head: bool) -> str:
    anchor = ids()
    if head:
        attrs = (
            f'align="left" class="cellrowborder" valign="top" width="{_WIDTHS[col]}" '
            f'id="{table_path}.1.{col + 1}"'
        )
    else:
        attrs = f'class="cellrowborder" headers="{table_path}.1.{col + 1} "'
    return (
        f'<{tag} {attrs}><p id="{anchor}"><a name="{anchor}"></a><a name="{anchor}"></a>'
        f"{text_html}</p></{tag}>"
    )


def _escape(text: str) -> str:
    return html.escape(text, quote=False)


def _bold_html(text: str, words: str) -> str:
    if not words or words not in text:
        return _escape(text)
    before, _, after = text.partition(words)
    return f"{_escape(before)}<strong>{_escape(words)}</strong>{_escape(after)}"


def _html_section(part: Section, seed: int) -> Iterator[str]:
    ids = _Ids(random.Random(f"{seed}/ids/{part.index}/{len(part.rows)}"))
    number = part.index + 1
    table_path = f"mcps1.3.{number}.2.6"
    topic = ids("section")
    yield (
        f'<div class="section" id="{topic}"><a name="{topic}"></a><a name="{topic}"></a>'
        f'<h2 class="sectiontitle">{_escape(part.title)}</h2>\n'
    )
    service = _escape(part.title.split(" ", 1)[1].removesuffix(" API error codes"))
    yield (
        f'<p id="{ids()}">The following table describes the error codes that the '
        f"{service} API returns.</p>\n"
    )
    table_id = ids("table")
    yield (
        f'<div class="tablenoborder"><a name="{table_id}"></a><a name="{table_id}"></a>'
        f'<table cellpadding="4" cellspacing="0" summary="" id="{table_id}" frame="border" '
        f'border="1" rules="all"><caption><b>Table {number} </b>Error codes</caption>'
        f'<thead align="left"><tr id="{ids("row")}">\n'
    )
    for col, header in enumerate(HEADERS):
        yield _html_cell("th", _escape(header), ids, col, table_path, head=True)
    yield "</tr>\n</thead>\n<tbody>"
    for row in part.rows:
        code = f"<strong>{_escape(row.code)}</strong>" if row.strong_code else _escape(row.code)
        cells = (
            _escape(row.status),
            code,
            _escape(row.message),
            _bold_html(row.description_published, row.strong_words),
            _escape(row.suggestion_published),
        )
        yield f'<tr id="{ids("row")}">\n'
        for col, text_html in enumerate(cells):
            yield _html_cell("td", text_html, ids, col, table_path, head=False)
        yield "</tr>\n"
    yield "</tbody>\n</table>\n</div>\n</div>\n"


def html_page(sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED) -> str:
    """A DITA-like HTML page; about 8 MB at the defaults."""
    parts = [
        '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
        '<html lang="en" xml:lang="en" xmlns="http://www.w3.org/1999/xhtml">\n<head>\n'
        '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
        '<meta name="DC.Type" content="topic" />\n'
        "<title>Error Codes</title>\n</head>\n"
        '<body><a name="topic_errcode"></a><a name="topic_errcode"></a>'
        '<h1 class="topictitle1">Error Codes</h1>\n<div id="body0000001"><p>If an API call '
        "fails, the response body holds an error code and a message. The tables below list "
        "them by service.</p>\n"
    ]
    for part in page_sections(sections, rows, first, seed):
        parts.extend(_html_section(part, seed))
    parts.append("</div>\n</body>\n</html>\n")
    return "".join(parts)


# --- Markdown ---------------------------------------------------------------------------------


def _bold_md(text: str, words: str) -> str:
    if not words or words not in text:
        return text
    before, _, after = text.partition(words)
    return f"{before}**{words}**{after}"


def markdown_page(sections: int = 200, rows: int = 50, first: int = 0, seed: int = SEED) -> str:
    """The same content as `html_page`, as markdown pipe tables."""
    parts = [
        "# Error Codes\n\nIf an API call fails, the response body holds an error code and a "
        "message. The tables below list them by service.\n"
    ]
    for part in page_sections(sections, rows, first, seed):
        service = part.title.split(" ", 1)[1].removesuffix(" API error codes")
        parts.append(
            f"\n## {part.title}\n\nThe following table describes the error codes that the "
            f"{service} API returns.\n\n**Table {part.index + 1}** Error codes\n\n"
        )
        parts.append("| " + " | ".join(HEADERS) + " |\n")
        parts.append("|" + "|".join(" --- " for _ in HEADERS) + "|\n")
        for row in part.rows:
            code = f"**{row.code}**" if row.strong_code else row.code
            cells = (
                row.status,
                code,
                row.message,
                _bold_md(row.description_published, row.strong_words),
                row.suggestion_published,
            )
            parts.append("| " + " | ".join(cells) + " |\n")
    return "".join(parts)


if __name__ == "__main__":
    import sys

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    kind = sys.argv[2] if len(sys.argv) > 2 else "html"
    page = html_page(count) if kind == "html" else markdown_page(count)
    sys.stdout.write(page)
