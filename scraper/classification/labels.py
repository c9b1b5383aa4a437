"""Hand labels and the records they label: read the labels, parse their pages, pair them up.

A labelled row is identified by page + code + http_status, plus section when a code repeats on
its page (see ../shared/labels/README.md). Pages are the seed captures and the corpus pages,
each parsed with the library the way the dataset is made.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scraper.normalize import PageInfo
from scraper.pipeline import parse_page
from scraper.types import Record


@dataclass(frozen=True, slots=True)
class LabelledRow:
    """One row of the labels file."""

    page: str
    section: str
    http_status: str
    code: str
    category: str
    retryable: str
    why: str


@dataclass(frozen=True, slots=True)
class LabelledPage:
    """A page the labels refer to: its document and what its truth says about it."""

    id: str
    document: Path
    format: str
    lang: str


def load_labels(path: Path) -> list[LabelledRow]:
    """The rows of a labels CSV (header: page, section, http_status, code, category, ...)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            LabelledRow(
                page=row["page"],
                section=row["section"],
                http_status=row["http_status"],
                code=row["code"],
                category=row["category"],
                retryable=row["retryable"],
                why=row.get("why", ""),
            )
            for row in csv.DictReader(handle)
        ]


def find_pages(shared: Path) -> dict[str, LabelledPage]:
    """The seed and corpus pages under a shared folder, by their truth's id."""
    pages: dict[str, LabelledPage] = {}
    for docs in (shared / "seeds", shared / "corpus" / "docs"):
        truth_dir = docs / "truth" if docs.name == "seeds" else docs.parent / "truth"
        for truth_file in sorted(truth_dir.glob("*.json")):
            truth = json.loads(truth_file.read_text("utf-8"))
            pages[truth["id"]] = LabelledPage(
                id=truth["id"],
                document=docs / truth["file"],
                format=truth.get("format", ""),
                lang=truth.get("lang", ""),
            )
    return pages


def half_of(page_id: str) -> str:
    """The half a page belongs to, "dev" or "test": a fixed split by a hash of its id."""
    return "dev" if hashlib.sha256(page_id.encode("utf-8")).digest()[0] % 2 == 0 else "test"


def parse_records(page: LabelledPage) -> list[Record]:
    """The records the library reads from a labelled page."""
    body = page.document.read_bytes()
    info = PageInfo(source=page.id, lang=page.lang, url=str(page.document))
    return parse_page(body, info, filename=page.document.name, fmt=page.format).records


def _norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


_STATUS = re.compile(r"([1-5]\d\d)(?!\d)(?!\s*[-–~]\s*\d)")


def status_of(cell: str) -> int | None:
    """The HTTP status a label's status cell names, as the corpus scorer reads it."""
    found = _STATUS.match(_norm(cell))
    return int(found.group(1)) if found else None


def pair_rows(
    labels: Iterable[LabelledRow], records: list[Record]
) -> Iterator[tuple[LabelledRow, Record | None]]:
    """Each label with the record it names (None when the page gave no such record)."""
    used: set[int] = set()
    for label in labels:
        want_code, want_status = _norm(label.code), status_of(label.http_status)
        candidates = [
            i
            for i, record in enumerate(records)
            if _norm(record.code) == want_code
            and (want_status is None or record.http_status == want_status)
        ]
        same_section = [i for i in candidates if _norm(records[i].section) == _norm(label.section)]
        ordered = same_section + [i for i in candidates if i not in same_section]
        free = [i for i in ordered if i not in used]
        chosen = free[0] if free else (ordered[0] if ordered else None)
        if chosen is not None:
            used.add(chosen)
        yield label, None if chosen is None else records[chosen]
