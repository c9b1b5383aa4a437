"""Pair a translated page's rows with the rows of the page it translates.

Rows pair by what a translation keeps as published: the code and the HTTP status. Section
titles are translated, so they cannot be compared as text; a section's position on its page
(first, second, ...) stands in for it when a code is listed under more than one section.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass

from scraper.types import Record


@dataclass(frozen=True, slots=True)
class Alignment:
    """How one translation's rows pair with its original's, by position in each list."""

    pairs: dict[int, int]
    """Translation row index -> original row index."""
    unaligned: dict[int, str]
    """Translation row index -> why it has no counterpart (a phrase, no source named)."""


def _section_ordinals(rows: Sequence[Record]) -> list[int]:
    """Each row's section as its position among the page's sections, in first-seen order."""
    seen: dict[str, int] = {}
    return [seen.setdefault(row.section, len(seen)) for row in rows]


def _exact_key(row: Record) -> Hashable:
    return ("code", row.code, row.http_status) if row.code else ("status", row.http_status)


def _code_key(row: Record) -> Hashable:
    # Only coded rows pair across differing statuses: a status-only row *is* its status.
    return ("code", row.code) if row.code else None


def _pair_pass(
    translation: Sequence[Record],
    original: Sequence[Record],
    pairs: dict[int, int],
    taken: set[int],
    key: Callable[[Record], Hashable],
    ordinals: tuple[list[int], list[int]] | None = None,
) -> None:
    """Pair still-free rows that share `key` (and the section position, when given), each
    translation row with the first free original row in document order."""
    free: dict[Hashable, deque[int]] = {}
    for index, row in enumerate(original):
        if index not in taken and key(row) is not None:
            place = (key(row), ordinals[1][index]) if ordinals else key(row)
            free.setdefault(place, deque()).append(index)
    for index, row in enumerate(translation):
        if index in pairs or key(row) is None:
            continue
        place = (key(row), ordinals[0][index]) if ordinals else key(row)
        candidates = free.get(place)
        if candidates:
            match = candidates.popleft()
            pairs[index] = match
            taken.add(match)


def _why_unaligned(row: Record, original: Sequence[Record], listed_codes: Counter[str]) -> str:
    if not original:
        return "the original has no rows"
    if row.code:
        listed = listed_codes[row.code]
        if not listed:
            return f"code {row.code!r} is not in the original"
        return f"code {row.code!r} is listed more often than in the original ({listed})"
    if row.http_status is None:
        return "the row has neither a code nor a status"
    return f"status-only row {row.http_status} has no counterpart in the original"


def align_rows(translation: Sequence[Record], original: Sequence[Record]) -> Alignment:
    """Pair each translation row with at most one original row, both in document order.

    Three passes, each over rows the previous left free: same code and status under the
    section at the same position; same code and status anywhere, in document order; for coded
    rows, the same code whatever the status (a status edited in one language only).
    """
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    ordinals = (_section_ordinals(translation), _section_ordinals(original))
    _pair_pass(translation, original, pairs, taken, _exact_key, ordinals)
    _pair_pass(translation, original, pairs, taken, _exact_key)
    _pair_pass(translation, original, pairs, taken, _code_key)
    listed_codes = Counter(row.code for row in original)
    unaligned = {
        index: _why_unaligned(row, original, listed_codes)
        for index, row in enumerate(translation)
        if index not in pairs
    }
    return Alignment(pairs=pairs, unaligned=unaligned)
