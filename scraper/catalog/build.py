"""Records to catalog entries: one per vendor, product and code (or status), across languages."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from scraper.catalog.align import align_rows
from scraper.normalize import slug
from scraper.types import Record, Source

DECIDED_FIELDS: tuple[str, ...] = ("category", "retryable", "code_pattern")
"""Inferred fields that hold one value per entry; the joined records may disagree on them."""

TEXT_FIELDS: tuple[str, ...] = ("section", "title", "message", "description", "suggestion")
"""What one published row says of its code, kept per language."""

UNDETERMINED_LANG = "und"
"""BCP 47's tag for a language nobody declared or detected."""

EntryKey = tuple[str, str, str, int | None]
"""vendor, product, code; and the status only when there is no code."""


@dataclass(frozen=True, slots=True)
class Catalog:
    """The dataset's codes joined across languages."""

    entries: tuple[dict[str, Any], ...]
    """One per vendor, product and code (or status, for rows without a code), in the order
    of their first row (manifest order, then document order)."""
    unaligned: tuple[str, ...]
    """One line per translation row that pairs with no row of its original: source, key and
    why. Such a row still has an entry."""


@dataclass(slots=True)
class _Row:
    record: Record
    position: int
    """Place in manifest order, then document order."""
    depth: int = 0
    """0 for a page that translates nothing, 1 for its translation, 2 for a translation of
    that, ...: the lower, the closer to the original words."""
    anchor: int = -1
    """Position of the row whose entry this row joins (itself unless it pairs with a row of
    the page it translates)."""


def _entry_key(record: Record) -> EntryKey:
    status = None if record.code else record.http_status
    return (record.vendor, record.product, record.code, status)


class _Joiner:
    """Resolves, source by source, which row each translated row joins."""

    def __init__(self, rows: list[_Row], sources: Sequence[Source]) -> None:
        self.rows = rows
        self.targets = {source.id: source.translation_of for source in sources}
        self.by_source: dict[str, list[_Row]] = {}
        for row in rows:
            self.by_source.setdefault(row.record.source, []).append(row)
        self.depths: dict[str, int] = {}
        self.unaligned: list[str] = []

    def join_all(self) -> None:
        for source_id in self.by_source:
            self._join(source_id, ())

    def _join(self, source_id: str, chain: tuple[str, ...]) -> int:
        """Anchor the source's rows; returns the source's depth."""
        if source_id in self.depths:
            return self.depths[source_id]
        rows = self.by_source.get(source_id, [])
        target = self.targets.get(source_id, "")
        if not target or target in (*chain, source_id):
            # A page that translates nothing, or a translation_of cycle: its rows stand alone.
            for row in rows:
                row.anchor = row.position
                if target:
                    self._note(row, target, "translation_of forms a cycle")
            self.depths[source_id] = 0
            return 0
        depth = self._join(target, (*chain, source_id)) + 1
        originals = self.by_source.get(target, [])
        alignment = align_rows([r.record for r in rows], [r.record for r in originals])
        for index, row in enumerate(rows):
            row.depth = depth
            if index in alignment.pairs:
                row.anchor = originals[alignment.pairs[index]].anchor
            else:
                row.anchor = row.position
                self._note(row, target, alignment.unaligned[index])
        self.depths[source_id] = depth
        return depth

    def _note(self, row: _Row, target: str, why: str) -> None:
        record = row.record
        self.unaligned.append(f"{record.source} (translation of {target}): {record.key}: {why}")


def _decided(rows: list[_Row], name: str) -> tuple[str, dict[str, list[str]]]:
    """The entry's value of an inferred field, and the disagreement when rows differ.

    Rule: the row closest to the original words decides (lowest depth, then manifest and
    document order); an empty value is no answer, and "unknown" yields to any other answer.
    """
    ranked = sorted(rows, key=lambda r: (r.depth, r.position))
    answers = [(str(getattr(r.record, name)), r.record.key) for r in ranked]
    given = [(value, key) for value, key in answers if value]
    firm = [(value, key) for value, key in given if value != "unknown"]
    value = (firm or given or [("", "")])[0][0]
    keys_by_value: dict[str, list[str]] = {}
    for answer, key in given:
        keys_by_value.setdefault(answer, []).append(key)
    disagreement = keys_by_value if len(keys_by_value) > 1 else {}
    return value, {answer: sorted(keys) for answer, keys in sorted(disagreement.items())}


def _texts(rows: list[_Row], langs: dict[str, str]) -> dict[str, list[dict[str, str]]]:
    """Texts per language, languages closest to the original first, each in document order."""
    by_lang: dict[str, list[_Row]] = {}
    for row in sorted(rows, key=lambda r: (r.depth, r.position)):
        lang = row.record.lang or langs.get(row.record.source, "") or UNDETERMINED_LANG
        by_lang.setdefault(lang, []).append(row)
    return {
        lang: [
            {name: str(getattr(row.record, name)) for name in TEXT_FIELDS}
            for row in sorted(members, key=lambda r: r.position)
        ]
        for lang, members in by_lang.items()
    }


def _statuses(values: list[int | None]) -> list[int]:
    return sorted({value for value in values if value is not None})


def _entry_id(key: EntryKey) -> str:
    """vendor/product/code/CODE or vendor/product/status/STATUS: readable, and a code can
    never be mistaken for a status."""
    vendor, product, code, status = key
    prefix = f"{slug(vendor) or '-'}/{slug(product) or '-'}"
    if code:
        return f"{prefix}/code/{code}"
    return f"{prefix}/status/{status if status is not None else 'none'}"


def _entry(entry_id: str, key: EntryKey, rows: list[_Row], langs: dict[str, str]) -> dict[str, Any]:
    vendor, product, code, _ = key
    rows = sorted(rows, key=lambda r: r.position)
    entry: dict[str, Any] = {
        "id": entry_id,
        "vendor": vendor,
        "product": product,
        "code": code,
        "http_statuses": _statuses([r.record.http_status for r in rows]),
        "inferred_http_statuses": _statuses([r.record.inferred_http_status for r in rows]),
    }
    disagreements: dict[str, dict[str, list[str]]] = {}
    for name in DECIDED_FIELDS:
        entry[name], disagreement = _decided(rows, name)
        if disagreement:
            disagreements[name] = disagreement
    entry["disagreements"] = disagreements
    entry["texts"] = _texts(rows, langs)
    entry["sources"] = list(dict.fromkeys(r.record.source for r in rows))
    entry["keys"] = [r.record.key for r in rows]
    return entry


def build_catalog(records: Sequence[Record], sources: Sequence[Source]) -> Catalog:
    """Join the records into one entry per vendor, product and code (or status).

    A source declared `translation_of` another has its rows paired with that source's rows
    (see scraper.catalog.align) and each paired row joins its counterpart's entry, so the
    entry holds the texts of every language. Rows are taken in manifest order (sources not in
    `sources` last), then in the order given, which is document order.
    """
    rank = {source.id: index for index, source in enumerate(sources)}
    order = sorted(range(len(records)), key=lambda i: (rank.get(records[i].source, len(rank)), i))
    rows = [_Row(records[i], position) for position, i in enumerate(order)]
    joiner = _Joiner(rows, sources)
    joiner.join_all()
    grouped: dict[EntryKey, list[_Row]] = {}
    for row in rows:
        grouped.setdefault(_entry_key(rows[row.anchor].record), []).append(row)
    langs = {source.id: source.lang for source in sources}
    entries: list[dict[str, Any]] = []
    used: dict[str, int] = {}
    for key, members in grouped.items():
        base = _entry_id(key)
        # Two spellings of a vendor or product can slug alike: later ones are numbered.
        used[base] = used.get(base, 0) + 1
        entry_id = base if used[base] == 1 else f"{base}#{used[base]}"
        entries.append(_entry(entry_id, key, members, langs))
    return Catalog(entries=tuple(entries), unaligned=tuple(joiner.unaligned))
