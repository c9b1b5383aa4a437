"""Which records a concrete code returned by an API belongs to.

An API answers `InvalidParameter.Name` or `561002`; the dataset has `InvalidParameter.%s` and
`561xxx`. `match_records` finds the records for such an answer, most specific first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from scraper.errors import DatasetError
from scraper.patterns import code_breadth, code_pattern
from scraper.types import Record


def match_records(code: str, records: Iterable[Record], status: int | None = None) -> list[Record]:
    """The records a concrete code (and, if given, HTTP status) belongs to, best first.

    Records whose code equals `code` come first (case-sensitive; case-insensitive only when no
    code is equal), then records whose code pattern matches it (the record's code_pattern, or
    one computed from its code when that field is empty), the narrowest pattern first, then in
    the order given. With a status, only records whose http_status or inferred_http_status is
    that status, or that have neither, are kept. An empty code finds the status-only records
    (no code) of that status.
    """
    pool = [r for r in records if status is None or _status_fits(r, status)]
    if not code:
        if status is None:
            return []
        return [r for r in pool if not r.code and status in (r.http_status, r.inferred_http_status)]
    exact = [r for r in pool if r.code == code]
    if not exact:
        folded = code.casefold()
        exact = [r for r in pool if r.code.casefold() == folded]
    chosen = {id(r) for r in exact}
    by_pattern = [
        (code_breadth(r.code), order, r)
        for order, r in enumerate(pool)
        if id(r) not in chosen and r.code and _pattern_matches(r, code)
    ]
    by_pattern.sort(key=lambda entry: (entry[0], entry[1]))
    return exact + [r for _, _, r in by_pattern]


def _status_fits(record: Record, status: int) -> bool:
    published = (record.http_status, record.inferred_http_status)
    return status in published or published == (None, None)


def _pattern_matches(record: Record, code: str) -> bool:
    regex = record.code_pattern or code_pattern(record.code)
    if not regex:
        return False
    try:
        compiled = _compiled(regex)
    except re.error as exc:
        raise DatasetError(
            f"{record.key or record.code}: code_pattern {regex!r} is not a regular expression"
            f" ({exc})"
        ) from None
    return compiled.search(code) is not None


@lru_cache(maxsize=4096)
def _compiled(regex: str) -> re.Pattern[str]:
    # ASCII: \d means 0-9, as in the other engines the dataset's patterns are written for.
    return re.compile(regex, re.ASCII)


def match(
    code: str,
    status: int | None = None,
    records: Iterable[Record] | str | Path = "normalized",
) -> list[Record]:
    """The records a concrete code (and status) returned by an API belongs to: exact codes
    first, then the records whose code pattern matches it, narrowest first. `records` is a
    list of records or a dataset (folder or file) to load."""
    if isinstance(records, str | Path):
        from scraper.reader import load_records

        where = records
        try:
            return match_records(code, load_records(where), status)
        except DatasetError as exc:
            said = str(exc)
            raise DatasetError(said if str(where) in said else f"{where}: {said}") from None
    return match_records(code, records, status)
