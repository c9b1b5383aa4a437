"""The header lexicon: which parts a column header is made of, and what they say of a field.

The words are data (data/lexicon.toml); this module folds a header into words, finds its
parts, and composes them: the head part (the last in reading order) names what the column
is, the parts before it qualify it ("HTTP" + "status" + "code", 错误 + 码, "return" + "value").
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from scraper.lang import has_cjk, is_cjk

_LEXICON_FILE = Path(__file__).parent.parent / "data" / "lexicon.toml"

# camelCase and PascalCase boundaries: "resultMessage", "RetCode", "ErrorDetail.Code".
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PUNCT = re.compile(r"[^\w\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
# Latin and CJK runs side by side ("Http返回值", "API结果") are separate words.
_SCRIPT_EDGE = re.compile(
    r"(?<=[a-z0-9])(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])(?=[a-z0-9])"
)


def fold(text: str) -> str:
    """Words of a header or heading: NFKC, camelCase split, lower case, punctuation as spaces."""
    if text.isascii():  # NFKC leaves ASCII as it is, and it has no script edge
        return " ".join(_PUNCT.sub(" ", _CAMEL.sub(" ", text).lower().replace("_", " ")).split())
    text = _CAMEL.sub(" ", unicodedata.normalize("NFKC", text))
    text = _PUNCT.sub(" ", text.lower().replace("_", " "))
    return " ".join(_SCRIPT_EDGE.sub(" ", text).split())


@dataclass(frozen=True, slots=True)
class Lexicon:
    latin: tuple[tuple[str, str], ...]
    """(" words ", part), longest first: matched as whole words in " folded text "."""
    cjk: tuple[tuple[str, str], ...]
    """(word, part), longest first: matched anywhere."""
    by_first_word: dict[str, tuple[int, ...]]
    """Latin entries (their indexes in `latin`) by their first word: a header is matched
    against the entries its own words start, not against the whole lexicon."""


@cache
def lexicon() -> Lexicon:
    data = tomllib.loads(_LEXICON_FILE.read_text("utf-8"))
    latin: list[tuple[str, str]] = []
    cjk: list[tuple[str, str]] = []
    for part, words in data["parts"].items():
        for word in words:
            folded = fold(word)
            if not folded:
                continue
            if is_cjk(folded[0]):
                cjk.append((folded, part))
            else:
                latin.append((f" {folded} ", part))
    latin.sort(key=lambda item: -len(item[0]))
    cjk.sort(key=lambda item: -len(item[0]))
    index: dict[str, list[int]] = {}
    for rank, (word, _) in enumerate(latin):
        index.setdefault(word.split()[0], []).append(rank)
    by_first = {first: tuple(ranks) for first, ranks in index.items()}
    return Lexicon(latin=tuple(latin), cjk=tuple(cjk), by_first_word=by_first)


@dataclass(frozen=True, slots=True)
class CellWords:
    """Whole-cell values that say what a column is (lower case)."""

    flags: frozenset[str]
    datatypes: frozenset[str]


@cache
def cell_words() -> CellWords:
    cells = tomllib.loads(_LEXICON_FILE.read_text("utf-8"))["cells"]
    return CellWords(flags=frozenset(cells["flags"]), datatypes=frozenset(cells["datatypes"]))


@dataclass(frozen=True, slots=True)
class HeaderParts:
    """The lexicon parts found in one header, in reading order."""

    text: str
    """The folded header."""
    parts: tuple[str, ...]
    words: tuple[str, ...]
    """The words that matched, one per part."""

    @property
    def head(self) -> str:
        return self.parts[-1] if self.parts else ""

    def has(self, *parts: str) -> bool:
        return any(p in self.parts for p in parts)


@lru_cache(maxsize=8192)
def header_parts(header: str) -> HeaderParts:
    """Find the lexicon's parts in a header; longer words first, each character used once."""
    text = fold(header)
    if not text:
        return HeaderParts("", (), ())
    lex = lexicon()
    found: list[tuple[int, str, str]] = []
    padded = f" {text} "
    taken = [False] * len(padded)
    ranks = sorted({r for w in set(text.split()) for r in lex.by_first_word.get(w, ())})
    for word, part in (lex.latin[r] for r in ranks):
        start = padded.find(word)
        while start != -1:
            span = range(start + 1, start + len(word) - 1)
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((start, part, word.strip()))
            start = padded.find(word, start + 1)
    for word, part in lex.cjk if has_cjk(text) else ():
        start = padded.find(word)
        while start != -1:
            span = range(start, start + len(word))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                found.append((start, part, word))
            start = padded.find(word, start + 1)
    found.sort()
    return HeaderParts(text, tuple(p for _, p, _ in found), tuple(w for _, _, w in found))


def mentions(texts: tuple[str, ...], *parts: str) -> str:
    """The first of `texts` (headings, a caption) that has one of `parts`, or ""."""
    for text in texts:
        if text and header_parts(text).has(*parts):
            return text
    return ""
