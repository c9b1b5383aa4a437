"""What a refresh did, as data (RefreshReport), and the texts the command line makes of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scraper import diff
from scraper.types import Record

STATUSES = ("ok", "empty", "unchanged", "stale", "failed", "skipped")
"""A source's outcome in one refresh; see SourceOutcome.status."""

BUCKETS = {
    "parsed": ("ok", "empty"),
    "unchanged upstream": ("unchanged",),
    "failed": ("stale", "failed"),
    "not selected": ("skipped",),
}
"""How the run summary counts the sources: each status in exactly one bucket."""


@dataclass(frozen=True, slots=True)
class SourceOutcome:
    """How one source of the manifest fared in a refresh."""

    id: str
    status: str
    """ok: parsed, its rows taken. empty: parsed, and it yields no rows. unchanged: the page is
    as before upstream, nothing re-parsed. stale: it failed or was held back, its previous rows
    kept. failed: it failed and had no rows to keep. skipped: not selected (--source), its rows
    kept as they are."""
    rows: int = 0
    """Its rows in the new dataset."""
    problem: str = ""
    """Why it failed or was held back; empty otherwise."""
    notes: tuple[str, ...] = ()
    """What its page said while it was read (what was cut, clamped or decoded otherwise than
    declared); only for pages parsed in this run."""
    tables: int = 0
    """Tables on its page, error tables or not, when it was parsed in this run."""

    @property
    def failed(self) -> bool:
        return self.status in ("stale", "failed")


@dataclass(slots=True)
class RefreshReport:
    """What a refresh did: per source its outcome, the dataset before and after, the files
    it changed. Plain data: nothing is printed; render_refresh_report and
    refresh_status_line make the texts."""

    manifest: Path
    sources: list[SourceOutcome]
    """One per source, in manifest order."""
    changes: diff.Diff
    """The records compared by key, old to new."""
    old_records: list[Record] = field(default_factory=list)
    new_records: list[Record] = field(default_factory=list)
    changed_files: list[str] = field(default_factory=list)
    """Files of normalized/ this refresh rewrote; empty when the dataset was already so."""
    offline: bool = False
    unaligned: list[str] = field(default_factory=list)
    """Rows of a translated page with no counterpart in the page it translates: each still
    has a catalog entry of its own."""

    @property
    def folder(self) -> Path:
        """The dataset folder: normalized/ beside the manifest."""
        return self.manifest.parent / "normalized"

    @property
    def records(self) -> int:
        return len(self.new_records)

    @property
    def failed(self) -> list[SourceOutcome]:
        """Sources that failed or were held back (stale or failed)."""
        return [s for s in self.sources if s.failed]

    @property
    def empty(self) -> list[SourceOutcome]:
        return [s for s in self.sources if s.status == "empty"]

    @property
    def problems(self) -> list[str]:
        """One line per source that failed or was held back: "id: reason"."""
        return [f"{s.id}: {s.problem}" for s in self.sources if s.problem]

    @property
    def notes(self) -> list[str]:
        """The notes of the pages parsed in this run, one line each: "id: note"."""
        return [f"{s.id}: {note}" for s in self.sources for note in s.notes]

    def counts(self) -> dict[str, int]:
        """Sources per bucket of BUCKETS, every bucket present: they add up to all sources."""
        return {
            bucket: sum(1 for s in self.sources if s.status in statuses)
            for bucket, statuses in BUCKETS.items()
        }


def refresh_status_line(report: RefreshReport) -> str:
    """One line for stderr: records, sources by bucket, the files written."""
    counts = ", ".join(f"{n} {bucket}" for bucket, n in report.counts().items())
    files = report.changed_files
    state = f"wrote {', '.join(files)}" if files else "no file changed"
    sources = len(report.sources)
    return (
        f"refresh: {report.records} records from {sources} source{'' if sources == 1 else 's'} "
        f"({counts}); {state}"
    )


def empty_warnings(report: RefreshReport) -> list[str]:
    """One line per source that yields no rows: "id: ..."."""
    return [
        f"{s.id}: no rows: no error-code table among the {s.tables} tables of its page; "
        "marked empty in sources.csv"
        if s.tables
        else f"{s.id}: no rows: no table on its page; marked empty in sources.csv"
        for s in report.empty
    ]


def render_refresh_report(report: RefreshReport) -> str:
    """The markdown summary for stdout (a pull-request body): the rows that changed, by
    source, as `diff` prints them; then the sources that failed, whose previous rows were
    kept. A run that changed nothing because sources failed says so, not "No changes."."""
    text = diff.render_markdown(report.changes) + _unaligned_block(report.unaligned)
    failed = report.failed
    if not failed:
        return text
    told = f"{len(failed)} of {len(report.sources)} sources failed"
    if not any(source.rows for source in failed):
        kept = "they had no rows to keep" if len(failed) > 1 else "it had no rows to keep"
    else:
        kept = "their previous rows are kept" if len(failed) > 1 else "its previous rows are kept"
    if report.changes.count == 0 and report.changes.provenance_changed == 0:
        lines = [f"No changes: {told}; {kept}."]
    else:
        lines = [text.rstrip("\n"), "", f"**{told}**; {kept}."]
    lines.append("")
    for source in failed:
        held = f"{source.rows} rows kept" if source.rows else "no rows yet"
        lines.append(f"- {source.id} ({held}): {_escape(source.problem)}")
    return "\n".join(lines) + "\n"


def _unaligned_block(unaligned: list[str]) -> str:
    if not unaligned:
        return ""
    lines = [
        "",
        f"**Rows of translations with no counterpart** ({len(unaligned)}): each keeps a "
        "catalog entry of its own.",
        "",
    ]
    lines += [f"- {_escape(line)}" for line in unaligned]
    return "\n".join(lines) + "\n"


_MARKUP = re.compile(r"[\\`*\[\]<>|~_]")


def _escape(text: str) -> str:
    """Plain text in a markdown list item: markup escaped, on one line."""
    return " ".join(_MARKUP.sub(lambda m: "\\" + m.group(0), text).split())
