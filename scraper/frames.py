"""The dataset as a pandas DataFrame, typed as the record is (pandas is an optional extra)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scraper.errors import ScraperError
from scraper.fields import RECORD_SPECS
from scraper.reader import load_records
from scraper.types import Record

if TYPE_CHECKING:
    import pandas

PANDAS_MISSING = (
    "to_dataframe needs pandas: pip install 'errcodes-scraper[pandas]' (or pip install pandas)"
)


def to_dataframe(records: Iterable[Record] | str | Path = "normalized") -> pandas.DataFrame:
    """Records, or the dataset at a path (folder or file), as a DataFrame with one column per
    field in the record's order: codes and texts as strings exactly as published ("0001" and
    "N/A" stay strings), http_status and inferred_http_status as nullable Int64, extra as a
    dict, repairs and evidence as lists.

    Raises ScraperError when pandas is not installed.
    """
    try:
        import pandas
    except ImportError:
        raise ScraperError(PANDAS_MISSING) from None
    if isinstance(records, str | Path):
        records = load_records(records)
    rows = [record.as_dict() for record in records]
    columns: dict[str, Any] = {}
    for spec in RECORD_SPECS:
        values = [row[spec.name] for row in rows]
        if spec.kind == "status":
            columns[spec.name] = pandas.array(values, dtype="Int64")
        elif spec.kind == "text":
            columns[spec.name] = pandas.array(values, dtype="string")
        else:
            columns[spec.name] = pandas.Series(values, dtype=object)
    return pandas.DataFrame(columns)
