"""Map a table's columns to the record's fields: header vocabulary first, then the content.

The vocabulary is data (data/headers.toml). Content rules settle what headers cannot: a column
of HTTP reason phrases is the title, a "status code" column whose values are not HTTP statuses
is the code, an "error message" column holding identifiers is the code.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache
from http import HTTPStatus
from operator import itemgetter
from pathlib import Path
from typing import NamedTuple

from scraper.lang import has_cjk, is_cjk
from scraper.types import (
    NO_OVERRIDES,
    ColumnDecision,
    ColumnOverrides,
    RawTable,
    TableExplanation,
)

_PUNCT = re.compile(r"[\s\u2026.:;,!?*_`'\"“”‘’()\[\]{}<>/\\|#\-–—=+~]+")
_PAREN = re.compile(r"[(（]([^()（）]*)[)）]")
_STATUS = re.compile(r"^([1-5]\d\d)(?!\d)(?!\s*[-–~]\s*\d)(.*)$", re.DOTALL)
_STATUS_FAMILY = re.compile(r"^(?:[1-5](?:xx|XX)|[1-5]\d\d\s*[-–~]\s*[1-5]\d\d|N/?A|-|—)$")
_NUMERIC = re.compile(r"^-?\d+$")
_RANGE = re.compile(r"^\S+\s*[-–~]\s*\S+$")
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


# Headers and headings repeat from table to table of a page, and from page to page.
_fold_label = lru_cache(maxsize=4096)(fold)


# Installed as package data next to this module, as a file. Read directly: importlib.resources
# would add milliseconds to every run.
_VOCABULARY_FILE = Path(__file__).with_name("data") / "headers.toml"


@cache
def vocabulary() -> Vocabulary:
    data = tomllib.loads(_VOCABULARY_FILE.read_text("utf-8"))
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
    return cut == 0 or text[cut - 1] == " " or is_cjk(phrase[0])


def _starts_with(text: str, phrase: str) -> bool:
    if not text.startswith(phrase):
        return False
    return len(phrase) == len(text) or text[len(phrase)] == " " or is_cjk(phrase[-1])


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
    if len(cell) > _SHORT:
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
    """A status cell that stands for many statuses or none: "5xx", "103-199", "N/A"."""
    return bool(_STATUS_FAMILY.match(cell.strip())) or bool(_RANGE.match(cell.strip()))


def _is_reason(cell: str) -> bool:
    # No reason phrase is this long; the bound also keeps the cache below small.
    return len(cell) <= 60 and _is_short_reason(cell)


# Cells of reason, message and remedy columns repeat within a page.
@lru_cache(maxsize=8192)
def _is_short_reason(cell: str) -> bool:
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


@lru_cache(maxsize=1024)
def _spread(filled: int) -> Callable[[list[str]], tuple[str, ...]]:
    """Picks _SAMPLE of `filled` cells, evenly spaced; columns of one page share lengths."""
    step = filled / _SAMPLE
    return itemgetter(*(int(i * step) for i in range(_SAMPLE)))


def _sample(values: Iterable[str]) -> tuple[int, list[str]]:
    """How many cells are filled, and at most _SAMPLE of them spread over the column."""
    cells = list(filter(None, values))
    filled = len(cells)
    if filled > _SAMPLE:
        cells = list(_spread(filled)(cells))
    return filled, cells


def reason_share(values: Iterable[str]) -> float:
    """The share of a column's cells that are HTTP reason phrases."""
    _, cells = _sample(values)
    if not cells:
        return 0.0
    # As _is_reason, inlined: columns of prose ask this of every sampled cell.
    return sum(1 for cell in cells if len(cell) <= 60 and _is_short_reason(cell)) / len(cells)


def _has_cjk(cell: str) -> bool:
    return has_cjk(cell[:1000])


def cjk_share(values: Iterable[str]) -> float:
    """The share of a column's cells written in Chinese, Japanese or Korean."""
    _, cells = _sample(values)
    if not cells:
        return 0.0
    return sum(map(_has_cjk, cells)) / len(cells)


class _CellShape(NamedTuple):
    """What one cell looks like; a column's profile counts these."""

    status: bool
    status_family: bool
    code_like: bool
    errorish: bool
    numeric: bool
    reason: bool
    cjk: bool


_PROSE = _CellShape(False, False, False, False, False, False, False)
_CJK_PROSE = _PROSE._replace(cjk=True)


def _cell_shape(cell: str) -> _CellShape:
    if len(cell) > _SHORT:
        return _CJK_PROSE if _has_cjk(cell) else _PROSE
    return _short_cell_shape(cell)


# Short cells repeat (statuses, reason phrases, codes across tables); prose stays out.
@lru_cache(maxsize=8192)
def _short_cell_shape(cell: str) -> _CellShape:
    has_cjk = _has_cjk(cell)
    status = cell[0].isdigit() and parse_status(cell)[0] is not None
    family = status or (len(cell) <= 12 and _STATUS_FAMILY.match(cell) is not None)
    spaces = cell.count(" ")
    code_like = not spaces and not has_cjk and _CODE_LIKE.match(cell) is not None
    return _CellShape(
        status=status,
        status_family=family,
        code_like=code_like,
        errorish=spaces < 3 and _ERRORISH_VALUE.search(cell.replace(" ", "")) is not None,
        numeric=code_like and _NUMERIC.match(cell) is not None,
        reason=spaces <= 5 and _is_reason(cell),
        cjk=has_cjk,
    )


class _Profiles:
    """Column profiles computed when a rule first asks for them: most tables need few."""

    def __init__(self, table: RawTable) -> None:
        self._rows = table.rows
        # Columns narrower than every row are read without a length test per row.
        self._every_row = min(map(len, table.rows), default=0)
        self._full: dict[int, ColumnProfile] = {}
        self._reason: dict[int, float] = {}
        self._cjk: dict[int, float] = {}

    def column(self, index: int) -> Iterable[str]:
        if index < self._every_row:
            return map(itemgetter(index), self._rows)
        return (row[index] for row in self._rows if index < len(row))

    def __getitem__(self, index: int) -> ColumnProfile:
        if index not in self._full:
            self._full[index] = profile(self.column(index))
        return self._full[index]

    def filled(self, index: int) -> bool:
        return any(self.column(index))

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


def profile(values: Iterable[str]) -> ColumnProfile:
    filled, cells = _sample(values)
    if not cells:
        return ColumnProfile()
    n = len(cells)
    status, family, code_like, errorish, numeric, reason, cjk = (
        sum(flags) / n for flags in zip(*map(_cell_shape, cells), strict=True)
    )
    return ColumnProfile(
        filled=filled,
        status=status,
        status_family=family,
        code_like=code_like,
        errorish=errorish,
        numeric=numeric,
        reason=reason,
        cjk=cjk,
    )


@dataclass(slots=True)
class ColumnMap:
    """Which column holds which field; unmapped columns go to the record's extra."""

    fields: dict[str, int] = field(default_factory=dict)
    extra: list[int] = field(default_factory=list)

    @property
    def is_error_table(self) -> bool:
        return "code" in self.fields or "http_status" in self.fields


def _by_script(words: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Words apart by script: (Latin, CJK). CJK text has no spaces to mark word bounds."""
    cjk = tuple(w for w in words if is_cjk(w[0]))
    return tuple(w for w in words if not is_cjk(w[0])), cjk


@cache
def _error_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Error-context words: Latin ones as " word" (a word's start), CJK ones as they are."""
    latin, cjk = _by_script(vocabulary().error_words)
    return tuple(f" {w}" for w in latin), cjk


@cache
def _decoy_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Decoy words: Latin ones as " word " (a whole word), CJK ones as they are."""
    latin, cjk = _by_script(vocabulary().decoys)
    return tuple(f" {w} " for w in latin), cjk


def _mentions_errors(*texts: str) -> bool:
    """Whether any text uses a word that says "error" or "status code"."""
    context = " ".join(map(_fold_label, texts))
    padded = f" {context} "
    latin, cjk = _error_words()
    return any(w in padded for w in latin) or any(w in context for w in cjk)


def _has_error_context(table: RawTable) -> bool:
    return _mentions_errors(*table.headings, table.section, table.caption, *table.header)


@lru_cache(maxsize=4096)
def _is_decoy(header: str) -> bool:
    text = fold(header)
    padded = f" {text} "
    latin, cjk = _decoy_words()
    return any(w in padded for w in latin) or any(w in text for w in cjk)


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
        if m.field == "code" or (
            m.field == "http_status" and "http" not in _fold_label(table.header[i])
        ):
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


@dataclass(frozen=True, slots=True)
class TableReading:
    """A table as the mapper read it: its rows (the first row moved to data when the table has
    no header), the column mapping, why, and what records must say of overrides."""

    table: RawTable
    mapping: ColumnMap
    explanation: TableExplanation
    provenance: tuple[str, ...] = ()
    """Notes every record of the table carries in its repairs (overrides that applied)."""


def read_table(table: RawTable, overrides: ColumnOverrides = NO_OVERRIDES) -> TableReading:
    mapping = map_columns(table)
    by_index = {i: name for name, i in mapping.fields.items()}
    columns = tuple(
        ColumnDecision(i, h, by_index.get(i, "extra")) for i, h in enumerate(table.header)
    )
    explanation = TableExplanation(
        locator=table.locator,
        section=table.section,
        header=table.header,
        rows=len(table.rows),
        is_error_table=mapping.is_error_table,
        headerless=False,
        columns=columns,
        reasons=(),
    )
    return TableReading(table, mapping, explanation)
