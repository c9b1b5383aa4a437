"""HTTP statuses a page links to its business codes in words.

A status table often says which business codes each status stands for: "400 Bad Request ...
Corresponds to business codes 100xxx.", "对应业务码 4001xx", "対応するエラーコード 5xxxx".
`infer_statuses` reads those sentences in the rows that publish a status and gives that status
to the page's other rows whose code they name and which publish none.

The rules:

- A claim is a phrase of data/patterns.toml ([claims], per language) followed by a list of codes,
  code patterns or ranges (`100xxx`, `401001`, `40001~40099`, `1000 to 1999`). Only items that
  are patterns (scraper.patterns) or codes of the page count; the list ends at the first word
  that is neither, so "corresponds to the quota" claims nothing.
- The named pattern is read as written: `5xxxx` is five characters, so it stands for five-digit
  codes and claims no six-digit code such as 500001.
- A record gets a status when it has a code, publishes no status and a claim names it. When
  claims of different statuses name one code, the narrowest claim wins (a plain code, then the
  fewest codes a pattern stands for); when the narrowest claims disagree the code gets none.
- The records are read, never changed; the result is keyed by the record's position.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from scraper.patterns import Breadth, escape, parse_code_pattern
from scraper.types import Record

_DATA_FILE = Path(__file__).parent / "data" / "patterns.toml"

# Where a status row's words are looked for, in this order (then the values of `extra`).
_TEXT_FIELDS = ("title", "message", "description", "suggestion")

# A sentence ends at . ! ? ; followed by space, or at CJK sentence punctuation.
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])")

# One code as a sentence writes it; a trailing full stop ends the sentence, not the code.
_CODE_TOKEN = re.compile(r"-?[0-9A-Za-z%${<\[*][0-9A-Za-z_%${}<>\[\]*.\-]*")


@dataclass(frozen=True, slots=True)
class InferredStatus:
    """A status the page's words give a code, with the sentence that says so."""

    status: int
    evidence: str
    """The sentence quoted and where it is: 'page: "..." (status 400 row, line 8)'."""


@dataclass(frozen=True, slots=True)
class StatusClaim:
    """One code, pattern or range a status row names as its own."""

    status: int
    row: int
    """Position of the status row among the page's records."""
    named: str
    """The code, pattern or range as the sentence writes it."""
    regex: str
    breadth: Breadth
    sentence: str
    locator: str

    def names(self, code: str) -> bool:
        return code == self.named or _compiled(self.regex).fullmatch(code) is not None

    @property
    def evidence(self) -> str:
        where = f"status {self.status} row" + (f", {self.locator}" if self.locator else "")
        return f'page: "{self.sentence}" ({where})'


def infer_statuses(records: Sequence[Record]) -> dict[int, InferredStatus]:
    """Statuses one page's words link to its codes, by position of the record that gets one.

    `records` are one page's records in document order. Only records with a code and no
    published http_status get a status; the records themselves are not changed.
    """
    claims = status_claims(records)
    inferred: dict[int, InferredStatus] = {}
    if not claims:
        return inferred
    for index, record in enumerate(records):
        if not record.code or record.http_status is not None:
            continue
        naming = [c for c in claims if c.row != index and c.names(record.code)]
        if not naming:
            continue
        narrowest = min(c.breadth for c in naming)
        winners = [c for c in naming if c.breadth == narrowest]
        if len({c.status for c in winners}) == 1:
            inferred[index] = InferredStatus(winners[0].status, winners[0].evidence)
    return inferred


def status_claims(records: Sequence[Record]) -> list[StatusClaim]:
    """Every code, pattern or range the page's status rows name, in document order."""
    page_codes = frozenset(r.code for r in records if r.code)
    claims: list[StatusClaim] = []
    syntax = _claim_syntax()
    for row, record in enumerate(records):
        if record.http_status is None:
            continue
        # Most status rows name no business code: a look for the first word of each phrase,
        # then one search over all their words, say so before they are split into sentences.
        words = _fold("\n".join(_texts(record)))
        lowered = words.lower()
        if not any(key in lowered for key in syntax.keys) or not syntax.phrase.search(words):
            continue
        for sentence in _sentences(record):
            for named in claimed_codes(sentence, page_codes):
                parsed = parse_code_pattern(named)
                regex, breadth = (
                    (parsed.regex, parsed.breadth)
                    if parsed
                    else (f"^{escape(named)}$", (0, 1, -len(named)))
                )
                claims.append(
                    StatusClaim(
                        record.http_status, row, named, regex, breadth, sentence, record.locator
                    )
                )
    return claims


def claimed_codes(sentence: str, page_codes: frozenset[str] = frozenset()) -> list[str]:
    """The codes, patterns and ranges a sentence names after a claim phrase (NFKC-folded:
    full-width "４００１ｘｘ" is 4001xx).

    An item counts when it is a pattern or range, or one of `page_codes`; the list ends at the
    first item that is neither.
    """
    syntax = _claim_syntax()
    sentence = _fold(sentence)
    named: list[str] = []
    for phrase in syntax.phrase.finditer(sentence):
        position = phrase.end()
        lead = syntax.lead.match(sentence, position)
        position = lead.end() if lead else position
        while True:
            item = _read_item(sentence, position, page_codes)
            if item is None:
                break
            text, position = item
            named.append(text)
            gap = syntax.list_separator.match(sentence, position)
            if gap is None:
                break
            position = gap.end()
    return named


def _read_item(sentence: str, position: int, page_codes: frozenset[str]) -> tuple[str, int] | None:
    """The code, pattern or range at `position` and where it ends, or None."""
    first = _token_at(sentence, position)
    if first is None:
        return None
    joined = _claim_syntax().range_separator.match(sentence, first)
    second = _token_at(sentence, joined.end()) if joined else None
    if second is not None:
        whole = sentence[position:second]
        parsed = parse_code_pattern(whole)
        if parsed and parsed.kind == "range":
            return whole, second
    code = sentence[position:first]
    if code in page_codes or parse_code_pattern(code) is not None:
        return code, first
    return None


def _token_at(sentence: str, position: int) -> int | None:
    """Where the code token at `position` ends; a trailing full stop ends the sentence."""
    token = _CODE_TOKEN.match(sentence, position)
    if token is None:
        return None
    end = position + len(token.group().rstrip(".-"))
    return end if end > position else None


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def _texts(record: Record) -> list[str]:
    return [getattr(record, name) for name in _TEXT_FIELDS] + list(record.extra.values())


def _sentences(record: Record) -> Iterator[str]:
    for text in _texts(record):
        for sentence in _SENTENCE_END.split(text):
            if sentence.strip():
                yield sentence.strip()


@dataclass(frozen=True, slots=True)
class _ClaimSyntax:
    keys: tuple[str, ...]
    """The first word of each phrase, lower case: a text none of them is in holds no claim."""
    phrase: re.Pattern[str]
    lead: re.Pattern[str]
    """What may stand between a phrase and its first code: space, a colon."""
    list_separator: re.Pattern[str]
    range_separator: re.Pattern[str]


@cache
def _claim_syntax() -> _ClaimSyntax:
    data = tomllib.loads(_DATA_FILE.read_text("utf-8"))
    phrases = [p for words in data["claims"].values() for p in words]
    return _ClaimSyntax(
        keys=tuple(sorted({p.split()[0].lower() for p in phrases if p.split()})),
        phrase=re.compile(_alternation(phrases, r"\s+"), re.IGNORECASE),
        lead=re.compile(r"\s*[:：]?\s*"),
        list_separator=re.compile(
            rf"\s*(?:{_alternation(data['lists']['separators'], '')})\s*|\s+", re.IGNORECASE
        ),
        range_separator=re.compile(
            rf"\s*(?:{_alternation(data['ranges']['separators'], '')})\s*", re.IGNORECASE
        ),
    )


def _alternation(words: list[str], space: str) -> str:
    """Words longest first; Latin words whole (not inside another word), CJK words anywhere."""
    out = []
    for word in sorted(words, key=len, reverse=True):
        body = space.join(re.escape(part) for part in word.split()) if space else re.escape(word)
        if word.isascii() and word[0].isalpha():
            body = rf"(?<![A-Za-z]){body}(?![A-Za-z])"
        out.append(body)
    return "|".join(out)


@lru_cache(maxsize=1024)
def _compiled(regex: str) -> re.Pattern[str]:
    return re.compile(regex, re.ASCII)
