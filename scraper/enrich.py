"""What the tool infers about a page's records, over what the page published.

Each record gets its code's pattern, a status the page's own words link to its code, and a
category and retry advice, with the evidence for each; no published field is changed.
"""

from __future__ import annotations

from collections.abc import Sequence

from scraper.classification import classify
from scraper.inferred import infer_statuses
from scraper.patterns import code_pattern
from scraper.types import Record


def enrich(records: Sequence[Record]) -> None:
    """Fill the inferred fields of one page's records (in document order), in place: first the
    patterns, then the statuses the page links to codes, then classification, which reads
    both."""
    for record in records:
        record.code_pattern = code_pattern(record.code) if record.code else ""
    statuses = infer_statuses(records)
    for index, inferred in statuses.items():
        records[index].inferred_http_status = inferred.status
    for index, record in enumerate(records):
        decided = classify(record)
        record.category, record.retryable = decided.category, decided.retryable
        evidence = list(decided.evidence)
        if index in statuses:
            evidence.append(f"status {statuses[index].status} from {statuses[index].evidence}")
        record.evidence = evidence
