"""Find a vocabulary's terms in folded text: Latin terms as whole words, CJK terms anywhere.

A matcher is built once from (term, label) pairs and then scans each text left to right, taking
the longest term that starts at each place, each character used once. Latin terms are looked
up by their first word and CJK terms by their first character, so a scan costs a few
dictionary lookups per word, however large the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from scraper.columns.lexicon import fold
from scraper.lang import is_cjk

Label = tuple[str, ...]

# One-word prefix terms are looked up by their first letters; a shorter prefix is refused.
PREFIX_KEY = 3

# Texts a matcher remembers what it found in (a few MB at most).
MEMO_TEXTS = 20_000


@dataclass(frozen=True, slots=True)
class Hit:
    """One term found in a text."""

    term: str
    """The words found (folded): the term itself, or for a prefix term the whole word."""
    label: Label


@dataclass(frozen=True, slots=True)
class _LatinTerm:
    words: tuple[str, ...]
    prefix: bool
    """The last word matches any word that starts with it."""
    term: str
    label: Label


@dataclass(frozen=True, slots=True)
class Matcher:
    """A compiled vocabulary."""

    latin: dict[str, tuple[_LatinTerm, ...]]
    """Latin terms by their first word (or, for a one-word prefix term, by "")."""
    prefixes: dict[str, tuple[_LatinTerm, ...]]
    """One-word prefix terms ("throttl*") by their first PREFIX_KEY letters."""
    cjk: dict[str, tuple[tuple[str, Label], ...]]
    """CJK terms by their first character, longest first."""
    found: dict[str, tuple[Hit, ...]] = field(default_factory=dict, compare=False)
    """What find gave each text it read: a page repeats its messages and remedies row after
    row. Emptied when it holds MEMO_TEXTS texts."""

    def find(self, text: str) -> tuple[Hit, ...]:
        """The terms in a folded text, in reading order, longest first where they overlap."""
        known = self.found.get(text)
        if known is None:
            if len(self.found) >= MEMO_TEXTS:
                self.found.clear()
            known = self.found[text] = tuple(self._scan(text))
        return known

    def _scan(self, text: str) -> list[Hit]:
        hits: list[Hit] = []
        tokens = text.split(" ")
        offsets: list[int] = []
        at = 0
        for token in tokens:
            offsets.append(at)
            at += len(token) + 1
        consumed = 0  # text offset up to which a CJK term already took the characters
        index = 0
        while index < len(tokens):
            token, start = tokens[index], offsets[index]
            if not token or start < consumed:
                index += 1
                continue
            if token.isascii() or not is_cjk(token[0]):
                # Most words start no term: skip them without a call.
                if token in self.latin or token[:PREFIX_KEY] in self.prefixes:
                    index += max(self._latin_at(tokens, index, hits), 1)
                else:
                    index += 1
                continue
            consumed = self._cjk_in(text, start, start + len(token), hits)
            index += 1
        return hits

    def _latin_at(self, tokens: list[str], index: int, hits: list[Hit]) -> int:
        """Match the longest Latin term starting at tokens[index]; the words it took."""
        for candidate in self.latin.get(tokens[index], ()):
            size = len(candidate.words)
            window = tokens[index : index + size]
            if len(window) < size:
                continue
            if candidate.prefix:
                fits = window[:-1] == list(candidate.words[:-1]) and window[-1].startswith(
                    candidate.words[-1]
                )
            else:
                fits = tuple(window) == candidate.words
            if fits:
                hits.append(Hit(" ".join(window), candidate.label))
                return size
        for candidate in self.prefixes.get(tokens[index][:PREFIX_KEY], ()):
            if tokens[index].startswith(candidate.words[0]):
                hits.append(Hit(tokens[index], candidate.label))
                return 1
        return 0

    def _cjk_in(self, text: str, start: int, end: int, hits: list[Hit]) -> int:
        """Match CJK terms from start to end (a term may run past end); where matching ended."""
        position = start
        while position < end:
            for term, label in self.cjk.get(text[position], ()):
                if text.startswith(term, position):
                    hits.append(Hit(term, label))
                    position += len(term)
                    break
            else:
                position += 1
        return position


def compile_terms(entries: Iterable[tuple[str, Label]]) -> Matcher:
    """Build a matcher from (term, label) pairs; a Latin term ending in "*" is a prefix.

    Raises ValueError for a one-word prefix shorter than PREFIX_KEY letters."""
    latin: dict[str, list[_LatinTerm]] = {}
    prefixes: dict[str, list[_LatinTerm]] = {}
    cjk: dict[str, list[tuple[str, Label]]] = {}
    for raw, label in entries:
        prefix = raw.endswith("*")
        folded = fold(raw.rstrip("*"))
        if not folded:
            continue
        if is_cjk(folded[0]):
            cjk.setdefault(folded[0], []).append((folded, label))
            continue
        words = tuple(folded.split(" "))
        term = _LatinTerm(words, prefix, folded + ("*" if prefix else ""), label)
        if prefix and len(words) == 1:
            if len(folded) < PREFIX_KEY:
                raise ValueError(f"prefix term {raw!r} is shorter than {PREFIX_KEY} letters")
            prefixes.setdefault(folded[:PREFIX_KEY], []).append(term)
        else:
            latin.setdefault(words[0], []).append(term)
    return Matcher(
        latin={first: _longest_first(terms) for first, terms in latin.items()},
        prefixes={key: _longest_first(terms) for key, terms in prefixes.items()},
        cjk={
            first: tuple(sorted(terms, key=lambda item: -len(item[0])))
            for first, terms in cjk.items()
        },
    )


def _longest_first(terms: list[_LatinTerm]) -> tuple[_LatinTerm, ...]:
    # More words first, then exact before prefix, then longer last word.
    return tuple(sorted(terms, key=lambda t: (-len(t.words), t.prefix, -len(t.words[-1]))))
