"""What a column looks like: the shares of its cells of each shape, read from a sample."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from operator import itemgetter

from scraper.columns.shapes import INTEGER, CellShape, cell_shape

SAMPLE = 16
"""A column's shape is read from at most this many of its cells, spread over the column."""

# Row ids: a lower-case word, a separator and a count ("end-1", "row_2"); codes like "SYS.0001"
# or "XA0001" are upper case or dotted.
_NUMBERED = re.compile(r"^([a-z]+[-_])(\d+)[a-z]?$")


@dataclass(frozen=True, slots=True)
class ColumnProfile:
    """What a column's cells look like: shares of its sampled non-empty cells."""

    filled: int = 0
    """Non-empty cells in the whole column."""
    fill: float = 0.0
    """Share of the column's cells that are non-empty."""
    distinct: float = 0.0
    """Share of sampled cells that are distinct."""
    status: float = 0.0
    registered: float = 0.0
    classic: float = 0.0
    status_reason: float = 0.0
    family: float = 0.0
    integer: float = 0.0
    out_of_status_range: float = 0.0
    hex: float = 0.0
    token: float = 0.0
    identifier: float = 0.0
    symbol: float = 0.0
    upper: float = 0.0
    errorish: float = 0.0
    reason: float = 0.0
    phrase: float = 0.0
    prose: float = 0.0
    remedy: float = 0.0
    flag: float = 0.0
    datatype: float = 0.0
    cjk: float = 0.0
    http_word: float = 0.0
    digit: float = 0.0
    coded: float = 0.0
    consecutive: float = 0.0
    """Share of neighbouring integer cells that count up by one (1001, 1002, ...)."""
    numbered: float = 0.0
    """Share of cells that number rows: one prefix and a count ("end-1", "end-2", ...)."""
    mean_length: float = 0.0

    @property
    def codeish(self) -> float:
        """Share of cells that could be codes: integers, hex, identifiers, status families."""
        return min(1.0, self.token + self.family * (1.0 - self.token))


EMPTY_PROFILE = ColumnProfile()
_SHAPE_FIELDS = CellShape._fields


@lru_cache(maxsize=1024)
def _spread(filled: int) -> Callable[[Sequence[str]], tuple[str, ...]]:
    """Picks SAMPLE of `filled` cells, evenly spaced; columns of one page share lengths."""
    step = filled / SAMPLE
    return itemgetter(*(int(i * step) for i in range(SAMPLE)))


def sample(values: Sequence[str]) -> list[str]:
    """At most SAMPLE of a column's non-empty cells, spread evenly over it."""
    cells = [v for v in values if v]
    if len(cells) > SAMPLE:
        return list(_spread(len(cells))(cells))
    return cells


def profile(values: Sequence[str]) -> ColumnProfile:
    """The shape of a column from at most SAMPLE of its non-empty cells, spread over it."""
    filled = sum(1 for v in values if v)
    if not filled:
        return EMPTY_PROFILE
    cells = sample(values)
    n = len(cells)
    counts = map(sum, zip(*map(cell_shape, cells), strict=True))
    shares = dict(zip(_SHAPE_FIELDS, (c / n for c in counts), strict=True))
    http_word = shares.pop("http_word")
    # Long digit runs are no count of anything (and int() refuses thousands of digits).
    integers = [int(c.replace("−", "-")) for c in cells if len(c) <= 18 and INTEGER.match(c)]
    pairs = max(1, len(integers) - 1)
    consecutive = sum(1 for a, b in pairwise(integers) if b == a + 1) / pairs
    return ColumnProfile(
        filled=filled,
        numbered=_numbered_share(values),
        fill=filled / max(1, len(values)),
        distinct=len(set(cells)) / n,
        http_word=http_word,
        consecutive=consecutive if len(integers) >= 3 else 0.0,
        mean_length=sum(map(len, cells)) / n,
        **shares,
    )


def _numbered_share(values: Sequence[str]) -> float:
    """Share of the first cells that number rows with one prefix: "end-1", "end-2", "end-3"."""
    head = [v for v in values[:SAMPLE] if v]
    if len(head) < 3:
        return 0.0
    matches = [m for m in map(_NUMBERED.match, head) if m]
    if len(matches) < 0.8 * len(head):
        return 0.0
    prefixes = {m.group(1) for m in matches}
    numbers = [int(m.group(2)) for m in matches]
    if len(prefixes) != 1 or numbers[0] > 1:
        return 0.0
    # "end-4a", "end-4b" share a number; a count moves on by one.
    counting = sum(1 for a, b in pairwise(numbers) if b in (a, a + 1))
    return counting / (len(head) - 1)
