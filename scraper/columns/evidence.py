"""Evidence for each column and field: what the header's words say, what the cells look like.

Header evidence is 0 to 1 per field, composed from the header's lexicon parts. Content
evidence is -1 to 1 per field: positive when the cells look like the field, negative when they
contradict it. Both are plain numbers so that one decision (decide.py) can weigh them all.
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper.columns import weights as w
from scraper.columns.lexicon import HeaderParts
from scraper.columns.profiles import SAMPLE, ColumnProfile

TARGETS: tuple[str, ...] = (
    "http_status", "code", "title", "message", "description", "suggestion", "extra",
)
Scores = dict[str, float]

# Parts that qualify the head without naming a column of their own when they come last.
_WEAK_HEADS = ("param",)


def header_evidence(hp: HeaderParts) -> Scores:
    """What a header's words say of each field, from its head part and the parts before it."""
    if not hp.parts:
        return {}
    strong = [p for p in hp.parts if p not in _WEAK_HEADS]
    head = strong[-1] if strong else hp.head
    mods = set(hp.parts) - {head}
    if head == "code" and hp.parts.count("code") > 1:
        mods.add("code")
    http, status, error, result = "http" in mods, "status" in mods, "error" in mods, (
        "result" in mods
    )
    if head == "http" or (http and head in ("status", "code", "value", "result", "error")):
        return {"http_status": 1.0, "code": 0.3}
    if head == "status":
        return {"http_status": 0.7, "code": 0.4, "title": 0.2}
    if head == "code":
        if status and not (error or result):
            return {"http_status": 0.7, "code": 0.7}
        if mods & {"symbol", "name"}:
            return {"title": 0.6, "code": 0.5}
        return {"code": 1.0 if mods else 0.9, "http_status": 0.35}
    if head == "value":
        if mods & {"code", "error"}:
            return {"code": 1.0, "http_status": 0.35}
        if result:
            return {"code": 0.8, "http_status": 0.4, "title": 0.3}
        if status:
            return {"http_status": 0.6, "code": 0.6}
        return {"code": 0.6, "http_status": 0.3, "title": 0.2}
    if head == "id":
        return {"code": 0.6 if mods else 0.5, "extra": 0.2}
    if head == "result":
        return {"code": 0.5, "http_status": 0.3, "title": 0.2}
    if head == "error":
        return {"code": 0.5, "title": 0.3}
    if head == "symbol":
        return {"title": 0.8, "code": 0.5}
    if head == "name":
        if status or "reason" in mods:
            return {"title": 1.0}
        if error:
            return {"title": 0.8, "code": 0.5}
        return {"title": 0.9, "code": 0.3}
    if head == "kind":
        if error:
            return {"code": 0.5, "title": 0.5}
        return {"title": 0.4, "extra": 0.4, "code": 0.2}
    if head == "reason":
        return {"title": 0.6, "description": 0.5}
    if head == "message":
        if status:
            return {"title": 0.6, "message": 0.6}
        return {"message": 1.0, "description": 0.2}
    if head == "text":
        if status:
            return {"title": 0.6, "message": 0.4}
        return {"description": 0.6, "message": 0.5, "title": 0.2}
    if head == "desc":
        return {"description": 1.0, "title": 0.2}
    if head == "note":
        return {"description": 0.8, "title": 0.2}
    if head == "remedy":
        return {"suggestion": 1.0}
    if head == "group":
        return {"extra": 0.7, "code": 0.2}
    return {"extra": 0.8}  # param


@dataclass(frozen=True, slots=True)
class TableContext:
    """What the table around a column says: evidence no single column holds."""

    http: str
    """A heading, caption, header or cell that mentions HTTP ("" when none does)."""
    reason_column: int
    """A column of HTTP reason phrases, or -1."""
    numeric_codes: frozenset[int]
    """Columns of integer or hex codes."""
    cjk_columns: frozenset[int]
    """Columns mostly written in Chinese, Japanese or Korean."""


def http_support(index: int, p: ColumnProfile, hp: HeaderParts, ctx: TableContext) -> float:
    """How much the page says a column of statuses is HTTP, 0 to 1.5."""
    support = 0.0
    if hp.has("http", "status"):
        support += 0.5
    if p.status_reason >= 0.3 or p.reason >= 0.3:
        support += 0.5
    if ctx.reason_column not in (-1, index):
        support += 0.5
    if ctx.http:
        support += 0.6
    if p.classic >= 0.6 and p.consecutive < w.CONSECUTIVE_RUN:
        support += 0.6
    return support


def content_evidence(
    index: int, p: ColumnProfile, hp: HeaderParts, ctx: TableContext
) -> Scores:
    """What a column's cells say of each field, -1 to 1."""
    if not p.filled:
        return {"extra": 0.5, "code": -1.0, "http_status": -1.0}
    scores: Scores = {}
    statusish = p.status + p.family
    numbers = p.integer + p.hex
    # Statuses: HTTP only when the page backs it; any number a status cannot be rules it out.
    http = 0.0
    strays = max(p.out_of_status_range, p.integer - p.status)
    # One stray value is tolerated in a column named for statuses, however short.
    tolerated = w.OUT_OF_RANGE_TOLERANCE
    if hp.has("http", "status"):
        tolerated = max(tolerated, 1.0 / min(p.filled, SAMPLE) + 1e-9)
    if strays > tolerated:
        http = -1.0
    elif statusish >= w.STATUS_SHARE:
        support = http_support(index, p, hp, ctx)
        if p.consecutive >= w.CONSECUTIVE_RUN and support < 1.0:
            support -= 0.3
        registered = p.registered / max(p.status, 1e-9) if p.status else 0.0
        http = statusish * min(1.0, 0.2 + support) * (0.5 + 0.5 * registered)
        if support < w.HTTP_SUPPORT_NEEDED:
            http = min(http, 0.2)
    else:
        http = statusish - 1.0
    scores["http_status"] = http

    # Codes in capitals (ERR_TIMEOUT) read as codes more than names in CamelCase do.
    # Status families ("5xx", "400-499") are ranges of HTTP statuses, not a vendor's codes.
    code = p.token - p.family - p.prose - 0.5 * p.phrase - p.flag
    code -= 0.2 * max(0.0, p.symbol - p.upper)
    if http > 0.3:
        code -= 0.8 * http
    if p.filled >= 4 and p.distinct < 0.5 and hp.head != "code":
        code -= 0.6  # codes are distinct; repeated values are groups or flags
    code -= p.numbered + p.datatype  # rows numbered "end-1", "end-2"; a field's data type
    # Beside a column of numbers, the number is the code and a symbol its name, unless the
    # symbol's own header calls it the code.
    beside_numbers = bool(ctx.numeric_codes - {index}) and hp.head != "code"
    if numbers < 0.5 and beside_numbers:
        code -= 0.25
    scores["code"] = max(-1.0, min(1.0, code))

    symbols = p.symbol if beside_numbers else 0.3 * p.symbol
    # A name is short: phrases as long as a description's are not titles.
    shortness = max(0.0, min(1.0, (w.TITLE_LONGEST - p.mean_length) / (w.TITLE_LONGEST / 2)))
    # Short phrases are weak evidence of names: under a header that names another text field
    # they count for less.
    phrases = 0.1 if hp.head in ("message", "text", "desc", "remedy") else 0.6
    title = (
        p.reason + phrases * p.phrase * shortness + 0.7 * symbols - 0.6 * p.prose - numbers
        - p.flag - 0.3 * p.remedy
    )
    scores["title"] = max(-1.0, min(1.0, title))

    text = p.prose + p.phrase
    # Some APIs return an identifier as their message (ACK_FAILED): tokens weigh against a
    # message only lightly.
    message = 0.2 * text - 0.3 * p.token - numbers
    if not p.cjk and not ctx.cjk_columns:
        message += 0.4 * p.prose  # what an English API returns is a sentence
    if not p.cjk and ctx.cjk_columns - {index}:
        message += 0.3  # an English message beside the page's own language: what the API says
    scores["message"] = max(-1.0, min(1.0, message))

    description = (
        p.prose + (0.7 - 0.4 * shortness) * p.phrase - 0.8 * p.token - numbers - p.flag
        - 0.3 * p.remedy
    )
    if not p.cjk and ctx.cjk_columns - {index}:
        description -= 0.3  # the page explains in its own language
    scores["description"] = max(-1.0, min(1.0, description))

    # Remedies read as prose; phrasing them as a request to act is what marks them.
    remedy = 0.8 * p.remedy + 0.4 * (p.prose + p.phrase) - p.token - numbers
    scores["suggestion"] = max(-1.0, min(1.0, remedy))

    repeated = 0.5 if p.filled >= 4 and p.distinct < 0.5 else 0.0
    extra = p.flag + p.numbered + repeated + 0.3 * (1 - p.fill)
    scores["extra"] = min(1.0, extra)
    return scores


def describe_profile(p: ColumnProfile) -> list[str]:
    """The column's most telling shares, as words."""
    if not p.filled:
        return ["empty"]
    shares = [
        (p.registered, "registered HTTP statuses"),
        (p.status_reason, "statuses with a reason phrase"),
        (p.family, "status families or ranges"),
        (p.out_of_status_range, "numbers no HTTP status can be"),
        (p.integer, "integers"),
        (p.hex, "hex numbers"),
        (p.symbol, "symbolic identifiers"),
        (p.identifier - p.symbol - p.hex, "other identifiers"),
        (p.errorish, "identifiers that name an error"),
        (p.reason, "HTTP reason phrases"),
        (p.phrase, "short phrases"),
        (p.prose, "sentences"),
        (p.remedy, "remedies"),
        (p.flag, "flags"),
        (p.datatype, "data type names"),
        (p.numbered, "row numbers"),
        (p.cjk, "CJK text"),
    ]
    notes = [f"{share:.0%} {label}" for share, label in shares if share >= 0.2]
    if p.filled >= 4 and p.distinct < 0.5:
        notes.append(f"only {p.distinct:.0%} distinct")
    return notes[:5]
