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
    latin_pairs: dict[tuple[str, str | None], tuple[_LatinTerm, ...]]
    """The Latin terms that can start with a pair of words, in the order of `latin`: by
    (first, second), or by (first, None) when no term names that second word."""
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
        if text.isascii():
            # No CJK character: every word is Latin, and no offsets are needed.
            latin, prefixes = self.latin, self.prefixes
            index, count = 0, len(tokens)
            while index < count:
                token = tokens[index]
                if token and (token in latin or token[:PREFIX_KEY] in prefixes):
                    index += max(self._latin_at(tokens, index, hits), 1)
                else:
                    index += 1
            return hits
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
        first = tokens[index]
        count = len(tokens)
        pairs = self.latin_pairs
        second = tokens[index + 1] if index + 1 < count else None
        candidates = pairs.get((first, second)) or pairs.get((first, None), ())
        for candidate in candidates:
            words = candidate.words
            size = len(words)
            if size == 1:
                # Keyed by its one word, and a one-word prefix term is never here: it fits.
                hits.append(Hit(first, candidate.label))
                return 1
            end = index + size
            if end > count:
                continue
            # The first word is the key; compare the others, the second one first.
            if candidate.prefix:
                fits = tokens[end - 1].startswith(words[-1]) and (
                    size == 2 or tokens[index + 1 : end - 1] == list(words[1:-1])
                )
            else:
                fits = tokens[index + 1] == words[1] and (
                    size == 2 or tuple(tokens[index + 2 : end]) == words[2:]
                )
            if fits:
                hits.append(Hit(" ".join(tokens[index:end]), candidate.label))
                return size
        for candidate in self.prefixes.get(first[:PREFIX_KEY], ()):
            if first.startswith(candidate.words[0]):
                hits.append(Hit(first, candidate.label))
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
    ordered = {first: _longest_first(terms) for first, terms in latin.items()}
    return Matcher(
        latin=ordered,
        prefixes={key: _longest_first(terms) for key, terms in prefixes.items()},
        cjk={
            first: tuple(sorted(terms, key=lambda item: -len(item[0])))
            for first, terms in cjk.items()
        },
        latin_pairs=_by_pairs(ordered),
    )


def _by_pairs(
    latin: dict[str, tuple[_LatinTerm, ...]],
) -> dict[tuple[str, str | None], tuple[_LatinTerm, ...]]:
    """Each first word's terms, less those whose second word rules them out: a term of one
    word, or of two whose last is a prefix, can follow any word; the others need theirs."""
    pairs: dict[tuple[str, str | None], tuple[_LatinTerm, ...]] = {}
    for first, terms in latin.items():
        seconds = {term.words[1] for term in terms if not _any_second(term)}
        for second in seconds:
            pairs[(first, second)] = tuple(
                term for term in terms if _any_second(term) or term.words[1] == second
            )
        pairs[(first, None)] = tuple(term for term in terms if _any_second(term))
    return pairs


def _any_second(term: _LatinTerm) -> bool:
    return len(term.words) == 1 or (term.prefix and len(term.words) == 2)


def _longest_first(terms: list[_LatinTerm]) -> tuple[_LatinTerm, ...]:
    # More words first, then exact before prefix, then longer last word.
    return tuple(sorted(terms, key=lambda t: (-len(t.words), t.prefix, -len(t.words[-1]))))
