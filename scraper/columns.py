"""Map a table's columns to the record's fields: header vocabulary first, then the content.

The vocabulary is data (data/headers.toml). Content rules settle what headers cannot: a column
of HTTP reason phrases is the title, a "status code" column whose values are not HTTP statuses
is the code, an "error message" column holding identifiers is the code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from functools import cache, lru_cache
from http import HTTPStatus
from importlib import resources

from scraper.types import RawTable

_PUNCT = re.compile(r"[\s\u2026.:;,!?*_`'\"“”‘’()\[\]{}<>/\\|#\-–—=+~]+")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_STATUS = re.compile(r"^([1-5]\d\d)(?!\d)(?!\s*[-–~]\s*\d)(.*)$", re.DOTALL)
_STATUS_FAMILY = re.compile(r"^(?:[1-5](?:xx|XX)|[1-5]\d\d\s*[-–~]\s*[1-5]\d\d|N/?A|-|—)$")
_NUMERIC = re.compile(r"^-?\d+$")
_RANGE = re.compile(r"^\S+\s*[-–~]\s*\S+$")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_CODE_LIKE = re.compile(r"^[^\s]{1,80}$")
# Identifiers that read as errors by their words ("ErrorDataSizeLimitExceeded", "IndexSizeError").
_ERRORISH_VALUE = re.compile(
    r"(?:error|exception|fault|fail|denied|invalid|notfound|not_found|forbidden|exceed|^err)",
    re.IGNORECASE,
)

_EXTRA_REASONS = {"unassigned", "unused", "(unused)", "reserved", "internal server", "precondition"}


@dataclass(frozen=True, slots=True)
class Vocabulary:
    """Header phrases per field and strength, decoy words and error-context words."""

    phrases: dict[str, tuple[str, str]]
    """normalized phrase -> (field, strength)."""
    decoys: tuple[str, ...]
    error_words: tuple[str, ...]


def fold(text: str) -> str:
    """A header or phrase compared by its words: NFKC, lower case, punctuation as spaces."""
    return " ".join(_PUNCT.sub(" ", unicodedata.normalize("NFKC", text).lower()).split())


@cache
def vocabulary() -> Vocabulary:
    data = tomllib.loads(
        resources.files("scraper").joinpath("data/headers.toml").read_text("utf-8")
    )
    phrases: dict[str, tuple[str, str]] = {}
    for name in ("http_status", "code", "title", "message", "description", "suggestion"):
        for strength in ("strong", "weak"):
            for phrase in data[name].get(strength, []):
                phrases.setdefault(fold(phrase), (name, strength))
    return Vocabulary(
        phrases=phrases,
        decoys=tuple(fold(word) for word in data["decoy"]["words"]),
        error_words=tuple(fold(word) for word in data["error_context"]["words"]),
    )


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    field: str
    strength: str
    score: int
    """Higher is surer: exact 3, head noun 2, leading words 1, anywhere 0; plus phrase length."""
    length: int


def _variants(header: str) -> list[str]:
    """The header, and for bilingual headers ("状态码（Status Code）") each language alone."""
    variants = [header]
    inner = _PAREN.findall(header)
    if inner:
        variants.append(_PAREN.sub(" ", header))
        variants.extend(inner)
    return [fold(v) for v in variants if fold(v)]


def _ends_with(text: str, phrase: str) -> bool:
    if not text.endswith(phrase):
        return False
    cut = len(text) - len(phrase)
    return cut == 0 or text[cut - 1] == " " or bool(_CJK.match(phrase[0]))


def _starts_with(text: str, phrase: str) -> bool:
    if not text.startswith(phrase):
        return False
    return len(phrase) == len(text) or text[len(phrase)] == " " or bool(_CJK.match(phrase[-1]))


@lru_cache(maxsize=8192)
def match_header(header: str) -> HeaderMatch | None:
    """The field a header names by its words, or None."""
    vocab = vocabulary()
    best: HeaderMatch | None = None
    for text in _variants(header):
        for phrase, (name, strength) in vocab.phrases.items():
            if text == phrase:
                score = 3
            elif _ends_with(text, phrase):
                score = 2
            elif _starts_with(text, phrase):
                score = 1
            elif len(phrase) >= 4 and f" {phrase} " in f" {text} ":
                score = 0
            else:
                continue
            candidate = HeaderMatch(name, strength, score, len(phrase))
            if best is None or (score, len(phrase)) > (best.score, best.length):
                best = candidate
    return best


@cache
def _reason_phrases() -> frozenset[str]:
    return frozenset(fold(status.phrase) for status in HTTPStatus) | {
        fold(p) for p in _EXTRA_REASONS
    }


def parse_status(cell: str) -> tuple[int | None, str]:
    """An HTTP status at the start of a cell, and what follows it ("400 Bad Request")."""
    match = _STATUS.match(cell.strip())
    if not match:
        return None, ""
    rest = match.group(2).strip().strip("()（）:：-–— ").strip()
    return int(match.group(1)), rest


def is_status_family(cell: str) -> bool:
    """A status cell that stands for many statuses or none: "5xx", "103-199", "N/A"."""
    return bool(_STATUS_FAMILY.match(cell.strip())) or bool(_RANGE.match(cell.strip()))


def _is_reason(cell: str) -> bool:
    if len(cell) > 60:
        return False
    phrases = _reason_phrases()
    if cell.lower() in phrases:
        return True
    if "(" in cell or "（" in cell:
        return any(fold(part) in phrases for part in _PAREN.findall(cell))
    # A reason phrase is a few words with no sentence punctuation.
    if cell.count(" ") > 5 or cell.endswith((".", "。", "!", ":")):
        return False
    return fold(cell) in phrases


@dataclass(slots=True)
class ColumnProfile:
    """What a column's non-empty cells look like, as shares of them."""

    filled: int = 0
    status: float = 0.0
    status_family: float = 0.0
    code_like: float = 0.0
    errorish: float = 0.0
    numeric: float = 0.0
    reason: float = 0.0
    cjk: float = 0.0


# A column's shape is read from at most this many of its cells, spread over the column.
_SAMPLE = 32
# Longer cells are prose: no code, status or reason phrase is that long.
_SHORT = 80


def _sample(values: list[str]) -> tuple[int, list[str]]:
    """How many cells are filled, and at most _SAMPLE of them spread over the column."""
    cells = [v for v in values if v]
    filled = len(cells)
    if filled > _SAMPLE:
        step = filled / _SAMPLE
        cells = [cells[int(i * step)] for i in range(_SAMPLE)]
    return filled, cells


def reason_share(values: list[str]) -> float:
    """The share of a column's cells that are HTTP reason phrases."""
    _, cells = _sample(values)
    if not cells:
        return 0.0
    return sum(1 for c in cells if len(c) <= _SHORT and _is_reason(c)) / len(cells)


def cjk_share(values: list[str]) -> float:
    """The share of a column's cells written in Chinese, Japanese or Korean."""
    _, cells = _sample(values)
    if not cells:
        return 0.0
    return sum(1 for c in cells if not c.isascii() and _CJK.search(c[:1000])) / len(cells)


class _Profiles:
    """Column profiles computed when a rule first asks for them: most tables need few."""

    def __init__(self, table: RawTable) -> None:
        self._table = table
        self._full: dict[int, ColumnProfile] = {}
        self._reason: dict[int, float] = {}
        self._cjk: dict[int, float] = {}

    def column(self, index: int) -> list[str]:
        return [row[index] for row in self._table.rows if index < len(row)]

    def __getitem__(self, index: int) -> ColumnProfile:
        if index not in self._full:
            self._full[index] = profile(self.column(index))
        return self._full[index]

    def filled(self, index: int) -> bool:
        return any(row[index] for row in self._table.rows if index < len(row))

    def reason(self, index: int) -> float:
        if index in self._full:
            return self._full[index].reason
        if index not in self._reason:
            self._reason[index] = reason_share(self.column(index))
        return self._reason[index]

    def cjk(self, index: int) -> float:
        if index in self._full:
            return self._full[index].cjk
        if index not in self._cjk:
            self._cjk[index] = cjk_share(self.column(index))
        return self._cjk[index]


def profile(values: list[str]) -> ColumnProfile:
    filled, cells = _sample(values)
    if not cells:
        return ColumnProfile()
    status = family = code_like = errorish = numeric = reason = cjk = 0
    for cell in cells:
        has_cjk = not cell.isascii() and _CJK.search(cell[:1000]) is not None
        cjk += has_cjk
        if len(cell) > _SHORT:
            continue
        if cell[0].isdigit() and parse_status(cell)[0] is not None:
            status += 1
            family += 1
        elif len(cell) <= 12 and _STATUS_FAMILY.match(cell):
            family += 1
        spaces = cell.count(" ")
        if not spaces and not has_cjk and _CODE_LIKE.match(cell):
            code_like += 1
            numeric += _NUMERIC.match(cell) is not None
        if spaces < 3:
            errorish += _ERRORISH_VALUE.search(cell.replace(" ", "")) is not None
        if spaces <= 5:
            reason += _is_reason(cell)
    n = len(cells)
    return ColumnProfile(
        filled=filled,
        status=status / n,
        status_family=family / n,
        code_like=code_like / n,
        errorish=errorish / n,
        numeric=numeric / n,
        reason=reason / n,
        cjk=cjk / n,
    )


@dataclass(slots=True)
class ColumnMap:
    """Which column holds which field; unmapped columns go to the record's extra."""

    fields: dict[str, int] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)

    @property
    def is_error_table(self) -> bool:
        return "code" in self.fields or "http_status" in self.fields


def _mentions_errors(*texts: str) -> bool:
    """Whether any text uses a word that says "error" or "status code"."""
    context = " ".join(fold(t) for t in texts)
    padded = f" {context} "
    return any(
        (f" {w}" in padded) if not _CJK.match(w[0]) else (w in context)
        for w in vocabulary().error_words
    )


def _has_error_context(table: RawTable) -> bool:
    return _mentions_errors(*table.headings, table.section, table.caption, *table.header)


def _is_decoy(header: str) -> bool:
    text = fold(header)
    return any(
        (w in text) if _CJK.match(w[0]) else (f" {w} " in f" {text} ") for w in vocabulary().decoys
    )


def map_columns(table: RawTable) -> ColumnMap:
    """Decide each column's field. A table with no code or status column maps nothing."""
    width = len(table.header)
    matches = [match_header(h) for h in table.header]
    profiles = _Profiles(table)
    taken: dict[str, int] = {}
    explicit_code = False

    # HTTP status: a column named for it whose values are statuses (or status families).
    for i, m in enumerate(matches):
        named = m is not None and m.field == "http_status"
        weakly = m is not None and m.strength == "weak" and m.field in ("http_status", "code")
        if not (named or weakly) or "http_status" in taken:
            continue
        p = profiles[i]
        if not p.filled:
            continue
        # Named for statuses: mostly statuses, or statuses and families ("5xx", "N/A").
        if (named and (p.status >= 0.5 or p.status_family >= 0.8)) or (
            weakly and p.status >= 0.5 and p.status_family >= 0.8
        ):
            taken["http_status"] = i
            explicit_code = explicit_code or named

    # Code: the strongest code-named column; a status-named column of other values is a code.
    code_candidates: list[tuple[int, int, int]] = []
    for i, m in enumerate(matches):
        if i in taken.values() or m is None or not profiles.filled(i):
            continue
        if m.field == "code" or (m.field == "http_status" and "http" not in fold(table.header[i])):
            rank = (2 if m.strength == "strong" else 0) + (1 if m.field == "code" else 0)
            code_candidates.append((rank, m.score, i))
        elif m.field == "http_status":
            code_candidates.append((1, m.score, i))
    if code_candidates:
        code_candidates.sort(key=lambda c: (-c[0], -c[1], c[2]))
        _, _, best = code_candidates[0]
        taken["code"] = best
        # "Error code" says what the table is; a bare "Code" needs the context to say it.
        explicit_code = explicit_code or _mentions_errors(table.header[best])
        for _, _, loser in code_candidates[1:]:
            p = profiles[loser]
            if "title" not in taken and p.code_like >= 0.8 and p.numeric < 0.5:
                taken["title"] = loser

    decoy = any(_is_decoy(h) for h in table.header)
    if decoy and not explicit_code:
        return ColumnMap()

    # No column is named for a code: the first column of identifiers may be one, in a table
    # laid out like an error table (another column explains or remedies).
    explained = any(
        m is not None and m.field in ("message", "description", "suggestion") for m in matches
    )
    if "code" not in taken and "http_status" not in taken and explained:
        for i in range(width):
            m, p = matches[i], profiles[i]
            if m is not None and m.field in ("description", "suggestion", "title"):
                continue
            if (p.filled and p.code_like >= 0.9 and p.errorish >= 0.5) or (
                p.filled and p.code_like >= 0.9 and _has_error_context(table) and i == 0
            ):
                taken["code"] = i
            if "code" in taken or i == 0:
                break

    if "code" not in taken and "http_status" not in taken:
        return ColumnMap()
    if not explicit_code and not _has_error_context(table):
        extra_evidence = any(
            m is not None and m.field in ("message", "suggestion") for m in matches
        )
        if not extra_evidence and profiles[taken.get("code", 0)].errorish < 0.5:
            return ColumnMap()

    # Reason phrases are titles whatever their header says.
    for i in range(width):
        if i in taken.values() or "title" in taken:
            continue
        if profiles.filled(i) and profiles.reason(i) >= 0.5:
            taken["title"] = i

    for i, m in enumerate(matches):
        if i in taken.values() or m is None:
            continue
        name = m.field
        if name in ("code", "http_status"):
            continue
        if name == "message" and "description" not in taken and profiles.cjk(i) >= 0.5:
            # A "message" column in the page's own language explains; the API's message
            # is what it returns, and that is what other columns quote.
            if not any(mm is not None and mm.field == "description" for mm in matches):
                name = "description"
        taken.setdefault(name, i)

    used = set(taken.values())
    return ColumnMap(
        fields=dict(sorted(taken.items(), key=lambda kv: kv[1])),
        extra=[i for i in range(width) if i not in used],
    )
