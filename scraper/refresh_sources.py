"""One source in a refresh: its snapshot parsed into rows, or its previous rows kept."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from scraper.dataset import SourceRow
from scraper.errors import ScraperError
from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.refresh_report import SourceOutcome
from scraper.snapshots import body_name, save_snapshot
from scraper.types import Record, Snapshot, Source

# A page's notes in the report: the first this many (as parse prints them).
NOTES_PER_PAGE = 20


@dataclass(slots=True)
class Outcome:
    """A source's part of the new dataset: its records and its line of sources.csv."""

    records: list[Record]
    row: SourceRow
    status: str
    problem: str = ""
    notes: tuple[str, ...] = ()
    tables: int = 0

    def public(self) -> SourceOutcome:
        """What the report tells of it."""
        return SourceOutcome(
            id=self.row.id,
            status=self.status,
            rows=len(self.records),
            problem=self.problem,
            notes=self.notes,
            tables=self.tables,
        )


def parse_source(
    source: Source,
    stored: tuple[Snapshot, str] | None,
    previous: list[Record],
    previous_row: SourceRow | None,
    accept_drops: bool,
) -> Outcome:
    """Parse a source's snapshot into its new rows; a snapshot missing or unreadable, or a
    row count falling by more than half (unless `accept_drops`), keeps the previous rows."""
    if stored is None:
        return keep_previous(source, previous, previous_row, no_snapshot(source))
    snapshot, name = stored
    url = source.url or f"raw/{name}"
    page = PageInfo(
        source=source.id,
        vendor=source.vendor,
        product=source.product,
        lang=source.lang,
        url=url,
        sha256=snapshot.sha256,
        fixes=source.fixes,
        overrides=source.overrides,
    )
    try:
        parsed = parse_page(
            snapshot.body,
            page,
            http_charset=snapshot.charset,
            filename=name,
            fmt=source.format,
            name=source.id,
        )
    except ScraperError as exc:
        return keep_previous(
            source, previous, previous_row, str(exc).removeprefix(f"{source.id}: ")
        )
    except Exception as exc:  # a bug must not cost the other sources their refresh
        return keep_previous(
            source, previous, previous_row, f"internal error: {exc.__class__.__name__}"
        )
    records = parsed.records
    if previous and len(records) * 2 < len(previous) and not accept_drops:
        return keep_previous(
            source,
            previous,
            previous_row,
            f"row count would fall from {len(previous)} to {len(records)}; previous rows kept "
            "(--accept-drops to take the new ones)",
        )
    status = "ok" if records else "empty"
    row = SourceRow(
        id=source.id,
        vendor=source.vendor,
        product=source.product,
        lang=parsed.lang,
        url=url,
        raw_file=f"raw/{name}",
        sha256=snapshot.sha256,
        retrieved=snapshot.retrieved,
        format=parsed.format,
        tables=parsed.error_tables,
        rows=len(records),
        status=status,
        error="",
    )
    return Outcome(
        records=records,
        row=row,
        status=status,
        notes=parsed.notes[:NOTES_PER_PAGE],
        tables=parsed.tables,
    )


def no_snapshot(source: Source) -> str:
    if not source.url:
        return (
            f"no snapshot in raw/: a local-only source needs raw/{source.id}.md (or .html, "
            f".txt) and raw/{source.id}.meta.json naming it"
        )
    return f"no snapshot in raw/ (run `refresh --source {source.id}` online to fetch it)"


def keep_previous(
    source: Source, previous: list[Record], row: SourceRow | None, why: str
) -> Outcome:
    """A failed source keeps its previous rows, marked stale (failed when it has none)."""
    status = "stale" if previous else "failed"
    base = row or SourceRow(
        id=source.id, vendor=source.vendor, product=source.product, lang=source.lang, url=source.url
    )
    return Outcome(
        records=previous,
        row=replace(base, status=status, error=why, rows=len(previous)),
        status=status,
        problem=why,
    )


def heal_hint(source: Source) -> str:
    if not source.url:
        return "restore its files in raw/ (for example from git)"
    return f"run `refresh --source {source.id}` online to fetch it again"


def parse_and_store(
    source: Source,
    raw_dir: Path,
    new: Snapshot | None,
    stored: tuple[Snapshot, str] | None,
    torn: dict[str, str],
    accept_drops: bool,
    previous: list[Record],
    previous_row: SourceRow | None,
) -> Outcome:
    """Parse a source's new snapshot (else its stored one); store the new one when its rows
    are taken."""
    if new is not None:
        if (
            source.id in torn
            and previous_row is not None
            and previous_row.sha256 == new.sha256
            and previous_row.retrieved
        ):
            # A torn snapshot fetched again: the dataset still knows when this content was
            # first seen.
            new = replace(new, retrieved=previous_row.retrieved)
        stored = (new, body_name(source.id, new.content_type))
    outcome = parse_source(source, stored, previous, previous_row, accept_drops)
    # The snapshot and the rows change together: a page held back (parse failure, drop gate)
    # leaves the previous snapshot in raw/ as it leaves the previous rows.
    if new is not None and not outcome.problem:
        save_snapshot(raw_dir, new)
    return outcome
