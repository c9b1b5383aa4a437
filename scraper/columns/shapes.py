"""What a cell looks like: a status, a code, an identifier, a reason phrase, prose, a remedy."""

from __future__ import annotations

import re
from functools import cache, lru_cache
from http import HTTPStatus
from typing import NamedTuple

from scraper.columns.lexicon import cell_words
from scraper.columns.weights import CLASSIC_STATUSES
from scraper.lang import has_cjk

# One status, not a range or a list ("103-199", "404/401", "201、202").
_STATUS = re.compile(
    r"^([1-5]\d\d)(?!\d)(?!\s*(?:[-–~/,、，；;／]|or\b|and\b|和|或|及)\s*\d)(.*)$",
    re.DOTALL | re.IGNORECASE,
)
_STATUS_FAMILY = re.compile(r"^(?:[1-5](?:xx|XX)|[1-5]\d\d\s*[-–~]\s*[1-5]\d\d|N/?A|-|—)$")
# A range of numbers ("103-199", "0–999", "561xxx~562xxx"); not a code with a dash ("BV-1001").
_RANGE = re.compile(r"^\d[0-9a-zA-Z]*\s*[-–~]\s*\d[0-9a-zA-Z]*$")
_STATUS_LIST = re.compile(r"^[1-5]\d\d(?:\s*[/,、]\s*[1-5]\d\d)+$")
_STATUSES_IN_TEXT = re.compile(r"[1-5]\d\d\D+[1-5]\d\d")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
INTEGER = re.compile(r"^[-−]?\d+$")
_HEX = re.compile(r"^(?:0[xX][0-9a-fA-F]+|[0-9a-fA-F]+[hH])$")
# A code: one token with no spaces, a letter or digit in it: 1001, -32700, 0x8A150001,
# CADB0010, InvalidParameter.%s, ERR_TIMEOUT, DNS.0000, 561xxx, XA0xxx, 13nnn.
_TOKEN = re.compile(r"^[^\s]{1,64}$")
# Words that make an identifier name an error, looked for in its lower case.
_ERROR_WORDS = (
    "error", "exception", "fault", "fail", "denied", "invalid", "notfound", "not_found",
    "forbidden", "exceed", "unknown", "unavailable", "timeout", "refused", "illegal", "missing",
    "unsupported", "conflict", "limit",
)
# "err" as a word of its own (ERR_TIMEOUT, DomstringSizeErr), not inside one ("Terraform"),
# and errno-style names (EPERM, ENOENT, E911).
_ERR = re.compile(r"(?i:err)(?![a-z])|(?<![a-zA-Z])(?i:err)|^E[A-Z0-9]{2,}$")


def is_errorish(cell: str) -> bool:
    """Whether an identifier names an error by its words."""
    lowered = cell.lower()
    return any(word in lowered for word in _ERROR_WORDS) or _ERR.search(cell) is not None


_SENTENCE_END = (".", "。", "!", "！", "?", "？", ":", "：", ";", "；")
# Remedy phrasing, by language: imperatives and requests to act (请 asks, 请求 is a request).
_REMEDY_EN = re.compile(
    r"^(?:please\b|\d+\.\s|try\b|retry\b|check\b|verify\b|ensure\b|make sure\b|contact\b|"
    r"use\b|wait\b|reduce\b|increase\b|specify\b|provide\b|add\b|remove\b|update\b|upgrade\b|"
    r"install\b|enable\b|disable\b|confirm\b|correct\b|set\b|change\b|modify\b|delete\b|"
    r"create\b|restart\b|resend\b|re-?submit\b|re-?run\b|call\b|send\b|submit\b|do not\b|"
    r"don't\b|avoid\b|fix\b|review\b|refer\b|see\b|run\b|obtain\b|apply\b|adjust\b|follow\b|"
    r"register\b|request\b|log in\b|sign in\b|choose\b|select\b|open\b|go to\b|no action\b|"
    r"none\b|n/a\b|ask\b|consult\b|investigate\b|resolve\b|configure\b|grant\b|wait\b)"
    r"|\b(?:try again|retry later|contact (?:us|support|customer|the)|please)\b",
    re.IGNORECASE,
)
_REMEDY_CJK = re.compile(
    r"请(?!求)|請(?!求)|检查|檢查|确认|確認|联系|聯繫|重试|重試|稍后|稍後|修改|建议|建議|"
    r"してください|して下さい|ください|確認して|再試行|お問い合わせ|"
    r"하세요|하십시오|해 주세요|해주세요|확인|다시 시도|문의|합니다\.?$|^(?:없음|なし|无|無)$"
)

# Reason phrases beyond the registry's: words status tables use for unassigned codes.
_EXTRA_REASONS = {"unassigned", "unused", "(unused)", "reserved", "internal server", "precondition"}

SHORT = 80
"""Longer cells are prose: no code, status or reason phrase is that long."""


def parse_status(cell: str) -> tuple[int | None, str]:
    """An HTTP status at the start of a cell, and what follows it ("400 Bad Request")."""
    if len(cell) > SHORT:
        return _split_status(cell)
    return _split_short_status(cell)


def _split_status(cell: str) -> tuple[int | None, str]:
    text = cell.strip()
    # Most cells that hold no status fail here, before the pattern runs.
    if not text or text[0] not in "12345":
        return None, ""
    match = _STATUS.match(text)
    if not match:
        return None, ""
    rest = match.group(2).strip().strip("()（）:：-–— ").strip()
    return int(match.group(1)), rest


# A status column repeats a few dozen values; long cells stay out to keep the cache small.
_split_short_status = lru_cache(maxsize=4096)(_split_status)


def is_status_family(cell: str) -> bool:
    """A status cell that stands for many statuses or none: "5xx", "103-199", "201、202",
    "N/A"."""
    text = cell.strip()
    return bool(
        _STATUS_FAMILY.match(text) or _RANGE.match(text) or _STATUS_LIST.match(text)
    )


def lists_statuses(cell: str) -> bool:
    """Whether a cell names two statuses or more anywhere in it ("201、202", "404/401")."""
    return _STATUSES_IN_TEXT.search(cell) is not None


@cache
def registered_statuses() -> frozenset[int]:
    return frozenset(int(status) for status in HTTPStatus)


@cache
def reason_phrases() -> frozenset[str]:
    words = {status.phrase.lower() for status in HTTPStatus} | _EXTRA_REASONS
    return frozenset(" ".join(w.replace("-", " ").split()) for w in words)


def is_reason(cell: str) -> bool:
    """An HTTP reason phrase ("Bad Request", "not found", "Forbidden (403)")."""
    return len(cell) <= 60 and _is_short_reason(cell)


@lru_cache(maxsize=8192)
def _is_short_reason(cell: str) -> bool:
    phrases = reason_phrases()
    # "NotFound" and "BadRequest" are reason phrases written as identifiers.
    spaced = _CAMEL.sub(" ", cell) if " " not in cell else cell
    text = " ".join(spaced.lower().replace("-", " ").split()).strip(" .")
    if text in phrases:
        return True
    if "(" in cell or "（" in cell:
        outside = _PAREN.sub(" ", text).strip()
        return outside in phrases or any(
            " ".join(p.lower().split()) in phrases for p in _PAREN.findall(cell)
        )
    return False


class CellShape(NamedTuple):
    """What one cell looks like; a column's profile counts these (a tuple: columns are summed
    field by field in one pass)."""

    status: bool = False
    """One HTTP status (100-599) at the start, maybe with a reason: "404", "404 Not Found"."""
    registered: bool = False
    """That status is in the HTTP registry."""
    classic: bool = False
    """That status is one APIs document most (400, 401, 403, 404, 429, 500...)."""
    status_reason: bool = False
    """A status followed by its reason phrase."""
    family: bool = False
    """A status family or range: "5xx", "400-499", "N/A"."""
    integer: bool = False
    out_of_status_range: bool = False
    """An integer that cannot be an HTTP status (negative, 0-99, 600 and up)."""
    hex: bool = False
    token: bool = False
    """One short token with no spaces: a code or an identifier."""
    identifier: bool = False
    """A token with letters: ERR_TIMEOUT, InvalidToken, DNS.0000, CADB0010."""
    symbol: bool = False
    """An identifier written as a constant: UPPER_SNAKE with an underscore, or CamelCase."""
    upper: bool = False
    """An identifier in capitals: ERR_TIMEOUT, CANCELLED, E1001."""
    errorish: bool = False
    """An identifier whose words say error, failure, invalid, exceeded..."""
    reason: bool = False
    """An HTTP reason phrase."""
    phrase: bool = False
    """A few words, no sentence: a name or a title ("Unspecified error", "送信済")."""
    prose: bool = False
    """A sentence or more."""
    remedy: bool = False
    """Phrased as a remedy: an imperative, "please", 请, してください, 하세요."""
    flag: bool = False
    """A yes/no or check mark."""
    datatype: bool = False
    """A data type's name: string, int, boolean, object..."""
    cjk: bool = False
    http_word: bool = False
    """Mentions HTTP."""
    digit: bool = False
    """A token with a digit in it: 1001, F01, E-201, 0x80."""
    coded: bool = False
    """A token shaped like a code, not like a word: a digit, an underscore or a dot in it,
    CamelCase, or an error's name ("Auth", "Format" and "BETA" are words)."""


_PROSE = CellShape(prose=True)
_CJK_PROSE = CellShape(prose=True, cjk=True)
# A constant's name: UPPER_SNAKE, a word in capitals (SUCCESS, CONFLICT), or CamelCase.
_SYMBOL = re.compile(
    r"^(?:[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}[A-Z0-9]*|[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+)$"
)


def cell_shape(cell: str) -> CellShape:
    if len(cell) > SHORT:
        cjk = has_cjk(cell[:1000])
        remedy = bool(_REMEDY_EN.search(cell[:40])) or (cjk and bool(_REMEDY_CJK.search(cell)))
        if not remedy:
            return _CJK_PROSE if cjk else _PROSE
        return CellShape(prose=True, cjk=cjk, remedy=True)
    return _short_cell_shape(cell)


@lru_cache(maxsize=8192)
def _short_cell_shape(cell: str) -> CellShape:
    cjk = has_cjk(cell)
    status, rest = parse_status(cell) if cell[0].isdigit() else (None, "")
    integer = INTEGER.match(cell) is not None
    spaces = " " in cell
    # CJK text is words, not a code, even with no spaces in it. A quoted string is a literal
    # ("/e:epp/e:response"), and a word that ends a sentence ("Created.") is text.
    token = (
        not spaces
        and not cjk
        and not (len(cell) > 1 and cell[0] in "\"'“" and cell[-1] in "\"'”")
        and not (cell[-1] in ".。!?" and cell[:-1].isalpha())
        and _TOKEN.match(cell) is not None
    )
    identifier = token and not integer and any(c.isalpha() for c in cell)
    lowered = cell.lower()
    words = cell_words()
    if token:
        phrase = prose = False
    else:
        count = max(1, len(cell) // 4) if cjk else len(cell.split())
        sentence = cell.endswith(_SENTENCE_END) or "。" in cell or count > 8
        phrase, prose = not sentence and not integer, sentence
    has_status = status is not None
    digit = token and any(c.isdigit() for c in cell)
    symbol = identifier and _SYMBOL.match(cell.strip("`")) is not None
    errorish = token and is_errorish(cell)
    # Positional, in the fields' order: this runs for every distinct short cell sampled.
    return CellShape(
        has_status and (integer or bool(rest)),
        has_status and status in registered_statuses(),
        has_status and status in CLASSIC_STATUSES,
        has_status and bool(rest) and not rest[0].isdigit(),
        not has_status and len(cell) <= 12 and is_status_family(cell),
        integer,
        integer and not 100 <= int(cell.replace("−", "-")) <= 599,
        token and _HEX.match(cell) is not None,
        token,
        identifier,
        symbol,
        identifier and cell.isupper(),
        errorish,
        not integer and is_reason(cell),
        phrase,
        prose,
        _REMEDY_EN.search(cell) is not None or (cjk and _REMEDY_CJK.search(cell) is not None),
        lowered in words.flags,
        lowered.strip("`[]<>") in words.datatypes,
        cjk,
        "http" in lowered,
        digit,
        token
        and (digit or errorish or "_" in cell or "." in cell or _CAMEL.search(cell) is not None),
    )
