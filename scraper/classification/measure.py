"""Measure the classifier against hand labels: accuracy, the worst category's confusion, misses.

`scripts/classcheck` is a thin caller of `main`. The labels name pages of the shared seed and
corpus folders (the labels file's grandparent folder); each page is parsed with the library and
its labelled rows are paired with records (see scraper.classification.labels).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from scraper.classification.decide import Classification, classify
from scraper.classification.labels import (
    LabelledRow,
    find_pages,
    half_of,
    load_labels,
    pair_rows,
    parse_records,
)
from scraper.errors import ScraperError
from scraper.types import Record

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_LABELS = ROOT.parent / "shared" / "labels" / "classification.csv"
HALVES = ("all", "dev", "test")


@dataclass(frozen=True, slots=True)
class Outcome:
    """One labelled row: the record it names (None when the page gave none) and the verdict."""

    label: LabelledRow
    record: Record | None
    got: Classification | None

    @property
    def category_right(self) -> bool:
        return self.got is not None and self.got.category == self.label.category

    @property
    def retryable_right(self) -> bool:
        return self.got is not None and self.got.retryable == self.label.retryable


@dataclass(frozen=True, slots=True)
class Measurement:
    """The outcomes of one run, and how long classifying the pages' records took."""

    outcomes: tuple[Outcome, ...]
    records_timed: int = 0
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return len(self.outcomes)

    @property
    def category_accuracy(self) -> float:
        return _share(sum(o.category_right for o in self.outcomes), self.rows)

    @property
    def retryable_accuracy(self) -> float:
        return _share(sum(o.retryable_right for o in self.outcomes), self.rows)

    @property
    def unmatched(self) -> int:
        """Labelled rows the parsed pages gave no record for."""
        return sum(o.record is None for o in self.outcomes)

    def confusion(self, category: str) -> Counter[str]:
        """The categories given to the rows labelled `category`."""
        return Counter(
            o.got.category if o.got else "(no record)"
            for o in self.outcomes
            if o.label.category == category
        )

    def worst_category(self) -> str:
        """The labelled category with the lowest share of its rows right ("" when no rows)."""
        totals: Counter[str] = Counter(o.label.category for o in self.outcomes)
        right: Counter[str] = Counter(o.label.category for o in self.outcomes if o.category_right)
        if not totals:
            return ""
        return min(sorted(totals), key=lambda c: (right[c] / totals[c], -totals[c]))


def _share(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def measure(labels_path: Path, *, half: str = "all", timing_rounds: int = 0) -> Measurement:
    """Classify the labelled rows of the labels file (one half of its pages, or all).

    With `timing_rounds`, every record of the parsed pages is also classified that many times
    and the time taken is recorded.
    """
    if half not in HALVES:
        raise ScraperError(f"half must be one of {', '.join(HALVES)}, not {half!r}")
    if not labels_path.is_file():
        raise ScraperError(f"no labels file at {labels_path}")
    pages = find_pages(labels_path.parent.parent)
    by_page: dict[str, list[LabelledRow]] = defaultdict(list)
    for label in load_labels(labels_path):
        if half == "all" or half_of(label.page) == half:
            by_page[label.page].append(label)
    outcomes: list[Outcome] = []
    every_record: list[Record] = []
    for page_id, labels in by_page.items():
        page = pages.get(page_id)
        records = parse_records(page) if page else []
        every_record.extend(records)
        for label, record in pair_rows(labels, records):
            outcomes.append(Outcome(label, record, classify(record) if record else None))
    started = perf_counter()
    for _ in range(timing_rounds):
        for record in every_record:
            classify(record)
    elapsed = perf_counter() - started
    return Measurement(tuple(outcomes), len(every_record) * timing_rounds, elapsed)


def render(result: Measurement, *, verbose: bool = False) -> str:
    """The report: accuracies, the worst category's confusion, the misses with -v, the time."""
    lines = [
        f"rows: {result.rows} labelled, {result.unmatched} without a record",
        f"category:  {result.category_accuracy:.1%}",
        f"retryable: {result.retryable_accuracy:.1%}",
    ]
    worst = result.worst_category()
    if worst:
        given = ", ".join(f"{c} {n}" for c, n in result.confusion(worst).most_common())
        lines.append(f"worst category: {worst} (given: {given})")
    if result.records_timed:
        per_record = result.seconds / result.records_timed * 1e6
        lines.append(
            f"time: {result.records_timed} classifications in {result.seconds * 1000:.0f} ms"
            f" ({per_record:.0f} µs per record)"
        )
    if verbose:
        lines.extend(_miss_lines(result))
    return "\n".join(lines)


def _miss_lines(result: Measurement) -> list[str]:
    lines: list[str] = []
    for o in result.outcomes:
        if o.category_right and o.retryable_right:
            continue
        label = o.label
        name = f"{label.page} {label.http_status or '-'} {label.code or '-'}"
        if o.got is None:
            lines.append(f"MISS {name}: no record")
            continue
        lines.append(
            f"MISS {name}: want {label.category}/{label.retryable},"
            f" got {o.got.category}/{o.got.retryable}; {'; '.join(o.got.evidence)}"
        )
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: print the accuracies on the labelled rows; 2 on a usage or data error."""
    parser = argparse.ArgumentParser(
        prog="classcheck", description="Measure the classifier against the hand labels."
    )
    parser.add_argument("--labels", type=Path, default=DEFAULT_LABELS, help="labels CSV")
    parser.add_argument("--half", choices=HALVES, default="all", help="pages by a hash of id")
    parser.add_argument("--rounds", type=int, default=5, help="timing rounds (0: no timing)")
    parser.add_argument("-v", "--verbose", action="store_true", help="list the misses")
    args = parser.parse_args(argv)
    try:
        result = measure(args.labels, half=args.half, timing_rounds=max(args.rounds, 0))
    except (ScraperError, OSError) as error:
        print(f"classcheck: {error}", file=sys.stderr)
        return 2
    print(render(result, verbose=args.verbose))
    return 0
