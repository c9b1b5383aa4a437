"""Scrape vendor API error-code tables from documentation pages into one canonical dataset.

The library behind the `scraper` commands; each command is a thin call of one of these:

    page = scraper.parse("errors.html")          # a path, an http(s) URL or bytes -> Page
    records = scraper.load("normalized")          # a dataset folder or file -> [Record]
    frame = scraper.to_dataframe(records)         # typed pandas DataFrame (pandas extra)
    diff = scraper.compare("old/", "normalized")  # -> Diff; render_markdown / render_json
    report = scraper.refresh("sources.toml", offline=True)   # -> RefreshReport
    scraper.match("InvalidParameter.Name")        # the records a returned code belongs to

Every error raised on purpose is a ScraperError, with a one-line message naming its input.
"""

from scraper.catalog import Catalog, build_catalog
from scraper.classification import Classification, classify
from scraper.dataset import SourceRow
from scraper.diff import Diff, compare, render_json, render_markdown
from scraper.errors import (
    DatasetError,
    DecodeError,
    ExtractError,
    FetchError,
    ManifestError,
    ScraperError,
    UsageError,
)
from scraper.fields import CATEGORIES, RECORD_FIELDS, RETRYABLE
from scraper.frames import to_dataframe
from scraper.interrupts import RefreshInterrupted
from scraper.limits import Limits
from scraper.matching import match
from scraper.page import Page, open_page, parse
from scraper.reader import load
from scraper.refresh_report import RefreshReport, SourceOutcome, render_refresh_report
from scraper.refreshing import refresh
from scraper.sources import load_manifest
from scraper.sqlite_export import SqliteExport, export_sqlite
from scraper.types import ColumnDecision, Record, Source, TableExplanation
from scraper.validate import validate_dataset

__version__ = "0.1.0"

__all__ = [
    "CATEGORIES",
    "RECORD_FIELDS",
    "RETRYABLE",
    "Catalog",
    "Classification",
    "ColumnDecision",
    "DatasetError",
    "DecodeError",
    "Diff",
    "ExtractError",
    "FetchError",
    "Limits",
    "ManifestError",
    "Page",
    "Record",
    "RefreshInterrupted",
    "RefreshReport",
    "ScraperError",
    "Source",
    "SourceOutcome",
    "SourceRow",
    "SqliteExport",
    "TableExplanation",
    "UsageError",
    "__version__",
    "build_catalog",
    "classify",
    "compare",
    "export_sqlite",
    "load",
    "load_manifest",
    "match",
    "open_page",
    "parse",
    "refresh",
    "render_json",
    "render_markdown",
    "render_refresh_report",
    "to_dataframe",
    "validate_dataset",
]
