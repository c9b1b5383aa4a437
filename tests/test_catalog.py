"""The catalog: codes joined across translated pages, written as catalog.json."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from frictionless import Resource, Schema
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.catalog import Catalog, build_catalog, catalog_json, catalog_resource, catalog_schema
from scraper.catalog.align import align_rows
from scraper.dataset import read_records
from scraper.sources import load_manifest
from scraper.types import Record, Source
from tests.conftest import ROOT

EN = "alibaba-mqtt-openapi-errors-en"
ZH = "alibaba-mqtt-openapi-errors-zh-hant"
FRICTIONLESS = Path(sys.executable).parent / "frictionless"


def row(source: str, key: str, code: str = "", status: int | None = 400, **fields: Any) -> Record:
    """A hand-made record; vendor V, product P, section S unless given."""
    values: dict[str, Any] = {"vendor": "V", "product": "P", "section": "S", "lang": ""}
    values.update(fields)
    return Record(key=key, source=source, code=code, http_status=status, **values)


ORIGINAL = Source(id="orig", vendor="V", product="P", lang="en")
TRANSLATION = Source(id="tr", vendor="V", product="P", lang="ja", translation_of="orig")


def by_id(catalog: Catalog) -> dict[str, dict[str, Any]]:
    return {entry["id"]: entry for entry in catalog.entries}


@pytest.fixture(scope="module")
def seed_catalog() -> tuple[Catalog, list[Record]]:
    sources = [s for s in load_manifest(ROOT / "sources.toml") if s.id in (EN, ZH)]
    records = [r for r in read_records(ROOT / "normalized") if r.source in (EN, ZH)]
    return build_catalog(records, sources), records


def test_seed_pages_join_into_fourteen_entries_in_both_languages(
    seed_catalog: tuple[Catalog, list[Record]],
) -> None:
    catalog, records = seed_catalog
    assert len(records) == 34
    assert len(catalog.entries) == 14
    assert len({entry["code"] for entry in catalog.entries}) == 14
    assert catalog.unaligned == ()
    for entry in catalog.entries:
        assert list(entry["texts"]) == ["en", "zh-Hant"], entry["id"]
        assert len(entry["texts"]["en"]) == len(entry["texts"]["zh-Hant"]), entry["id"]
    joined = [key for entry in catalog.entries for key in entry["keys"]]
    assert sorted(joined) == sorted(r.key for r in records)


def test_seed_code_listed_under_two_sections_keeps_both_texts_per_language(
    seed_catalog: tuple[Catalog, list[Record]],
) -> None:
    entry = by_id(seed_catalog[0])["alibaba-cloud/apsaramq-for-mqtt/code/InternalError"]
    assert entry["http_statuses"] == [500]
    assert [t["section"] for t in entry["texts"]["en"]] == [
        "Token-related error codes",
        "Group ID-related error codes",
    ]
    assert [t["section"] for t in entry["texts"]["zh-Hant"]] == [
        "Token相關錯誤碼",
        "Group ID相關錯誤碼",
    ]
    # Keys: the original's rows in document order, then the translation's.
    assert [key.split("/")[0] for key in entry["keys"]] == [EN, EN, ZH, ZH]
    assert entry["sources"] == [EN, ZH]


def test_translated_rows_pair_by_section_position_not_by_first_listing() -> None:
    original = [
        row("orig", "o1", "Busy", 500, section="Tokens"),
        row("orig", "o2", "Busy", 500, section="Groups"),
    ]
    # The translation lists Busy only in its second section, whose title is translated.
    translation = [
        row("tr", "t1", "Other", 400, section="トークン"),
        row("tr", "t2", "Busy", 500, section="グループ"),
    ]
    alignment = align_rows(translation, original)
    assert alignment.pairs == {1: 1}
    assert set(alignment.unaligned) == {0}


def test_aligned_rows_join_the_original_entry_even_under_a_translated_product_name() -> None:
    records = [
        row("orig", "o1", "Busy", 500, section="Tokens", message="Busy."),
        row("orig", "o2", "Busy", 500, section="Groups", message="Still busy."),
        row("tr", "t1", "Busy", 500, product="P（日本語）", section="トークン", message="混雑"),
        row("tr", "t2", "Busy", 500, product="P（日本語）", section="グループ", message="混雑中"),
    ]
    catalog = build_catalog(records, [ORIGINAL, TRANSLATION])
    assert [e["id"] for e in catalog.entries] == ["v/p/code/Busy"]
    texts = catalog.entries[0]["texts"]
    assert [t["message"] for t in texts["en"]] == ["Busy.", "Still busy."]
    assert [t["message"] for t in texts["ja"]] == ["混雑", "混雑中"]
    assert catalog.entries[0]["keys"] == ["o1", "o2", "t1", "t2"]


def test_translation_row_without_counterpart_is_listed_and_kept() -> None:
    records = [
        row("orig", "o1", "Busy", 500),
        row("tr", "t1", "Busy", 500),
        row("tr", "t2", "OnlyHere", 404, message="翻訳にだけある"),
    ]
    catalog = build_catalog(records, [ORIGINAL, TRANSLATION])
    assert catalog.unaligned == (
        "tr (translation of orig): t2: code 'OnlyHere' is not in the original",
    )
    entry = by_id(catalog)["v/p/code/OnlyHere"]
    assert entry["keys"] == ["t2"]
    assert list(entry["texts"]) == ["ja"]
    assert entry["texts"]["ja"][0]["message"] == "翻訳にだけある"


def test_code_listed_more_often_in_the_translation_is_unaligned_but_joined() -> None:
    records = [row("orig", "o1", "Busy", 500), row("tr", "t1", "Busy"), row("tr", "t2", "Busy")]
    catalog = build_catalog(records, [ORIGINAL, TRANSLATION])
    # t1 pairs on the code alone (its status differs); t2 has nothing left to pair with.
    assert catalog.unaligned == (
        "tr (translation of orig): t2: code 'Busy' is listed more often than in the original (1)",
    )
    assert [e["keys"] for e in catalog.entries] == [["o1", "t1", "t2"]]
    assert catalog.entries[0]["http_statuses"] == [400, 500]


def test_status_only_rows_join_by_status_and_unmatched_ones_stand_alone() -> None:
    records = [
        row("orig", "o1", status=404, title="Not Found"),
        row("orig", "o2", status=500, title="Internal Server Error"),
        row("tr", "t1", status=404, title="見つかりません"),
        row("tr", "t2", status=503, title="利用できません"),
    ]
    catalog = build_catalog(records, [ORIGINAL, TRANSLATION])
    entries = by_id(catalog)
    assert list(entries) == ["v/p/status/404", "v/p/status/500", "v/p/status/503"]
    assert entries["v/p/status/404"]["keys"] == ["o1", "t1"]
    assert entries["v/p/status/404"]["code"] == ""
    assert entries["v/p/status/503"]["texts"] == {
        "ja": [
            {
                "section": "S",
                "title": "利用できません",
                "message": "",
                "description": "",
                "suggestion": "",
            }
        ]
    }
    assert catalog.unaligned == (
        "tr (translation of orig): t2: status-only row 503 has no counterpart in the original",
    )


def test_a_code_and_a_status_of_the_same_text_are_different_entries() -> None:
    records = [row("orig", "o1", "404", 404), row("orig", "o2", "", 404)]
    assert [e["id"] for e in build_catalog(records, [ORIGINAL]).entries] == [
        "v/p/code/404",
        "v/p/status/404",
    ]


def test_sources_without_translation_give_one_language_per_entry() -> None:
    other = Source(id="other", vendor="W", product="Q", lang="ko")
    records = [
        row("orig", "o1", "Busy", 500, lang="en"),
        row("other", "x1", "Busy", 500, vendor="W", product="Q", lang="ko"),
    ]
    catalog = build_catalog(records, [ORIGINAL, other])
    assert [(e["id"], list(e["texts"])) for e in catalog.entries] == [
        ("v/p/code/Busy", ["en"]),
        ("w/q/code/Busy", ["ko"]),
    ]
    assert catalog.unaligned == ()


def test_translation_of_a_source_without_rows_lists_every_row() -> None:
    records = [row("tr", "t1", "Busy", 500)]
    catalog = build_catalog(records, [ORIGINAL, TRANSLATION])
    assert catalog.unaligned == ("tr (translation of orig): t1: the original has no rows",)
    assert [e["keys"] for e in catalog.entries] == [["t1"]]


def test_original_language_decides_inferred_fields_and_disagreements_are_listed() -> None:
    # The translation comes first in the manifest: the original's rows still decide.
    records = [
        row("tr", "t1", "Busy", 503, category="unavailable", retryable="no"),
        row("orig", "o1", "Busy", 503, category="resource_exhausted", retryable="unknown"),
        row("orig", "o2", "Idle", 400, category="", retryable="", code_pattern=""),
        row("tr", "t2", "Idle", 400, category="invalid_argument", code_pattern="^Idle$"),
    ]
    catalog = build_catalog(records, [TRANSLATION, ORIGINAL])
    busy, idle = by_id(catalog)["v/p/code/Busy"], by_id(catalog)["v/p/code/Idle"]
    assert busy["category"] == "resource_exhausted"
    # "unknown" is no answer when another row has one.
    assert busy["retryable"] == "no"
    assert busy["disagreements"] == {
        "category": {"resource_exhausted": ["o1"], "unavailable": ["t1"]},
        "retryable": {"no": ["t1"], "unknown": ["o1"]},
    }
    # An empty value is no answer: the translation's fills it, with nothing to disagree.
    assert (idle["category"], idle["code_pattern"], idle["disagreements"]) == (
        "invalid_argument",
        "^Idle$",
        {},
    )


def test_statuses_are_distinct_and_sorted() -> None:
    records = [
        row("orig", "o1", "Busy", 503, inferred_http_status=429, section="A"),
        row("orig", "o2", "Busy", None, section="B"),
        row("orig", "o3", "Busy", 429, inferred_http_status=429, section="C"),
    ]
    entry = build_catalog(records, [ORIGINAL]).entries[0]
    assert (entry["http_statuses"], entry["inferred_http_statuses"]) == ([429, 503], [429])


def test_same_input_gives_the_same_bytes_one_entry_per_line(
    seed_catalog: tuple[Catalog, list[Record]],
) -> None:
    catalog, records = seed_catalog
    sources = [s for s in load_manifest(ROOT / "sources.toml") if s.id in (EN, ZH)]
    text = catalog_json(catalog)
    assert catalog_json(build_catalog(copy.deepcopy(records), sources)) == text
    lines = text.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 14 + 2)
    assert json.loads(text) == list(catalog.entries)
    assert all(line.startswith('{"id": ') for line in lines[1:-1])
    assert catalog_json(Catalog(entries=(), unaligned=())) == "[]\n"


def test_entry_members_are_written_in_one_order_however_the_entry_was_built() -> None:
    entry = dict(build_catalog([row("orig", "o1", "Busy", 500)], [ORIGINAL]).entries[0])
    reordered = dict(reversed(entry.items()))
    assert catalog_json(Catalog((reordered,), ())) == catalog_json(Catalog((entry,), ()))


def test_entries_follow_the_manifest_order_of_independent_sources() -> None:
    first = Source(id="first", vendor="V", product="P")
    second = Source(id="second", vendor="W", product="Q")
    records = [
        row("second", "s1", "B", vendor="W", product="Q"),
        row("first", "f1", "A"),
    ]
    ids = [e["id"] for e in build_catalog(records, [first, second]).entries]
    assert ids == ["v/p/code/A", "w/q/code/B"]
    ids = [e["id"] for e in build_catalog(records, [second, first]).entries]
    assert ids == ["w/q/code/B", "v/p/code/A"]


def test_vendors_that_slug_alike_get_distinct_ids() -> None:
    records = [row("orig", "o1", "X", vendor="Acme Co"), row("orig", "o2", "X", vendor="acme-co")]
    assert [e["id"] for e in build_catalog(records, [ORIGINAL]).entries] == [
        "acme-co/p/code/X",
        "acme-co/p/code/X#2",
    ]


_CODES = st.sampled_from(["", "A", "B", "C.%s"])
_STATUSES = st.sampled_from([None, 400, 404, 500])
_SOURCES = [
    Source(id="a", vendor="V", product="P", lang="en"),
    Source(id="b", vendor="V", product="P", lang="ja", translation_of="a"),
    Source(id="c", vendor="V", product="P2", lang="ko", translation_of="b"),
    Source(id="d", vendor="W", product="P", lang="en"),
]


@st.composite
def _records(draw: st.DrawFn) -> list[Record]:
    cells = draw(
        st.lists(
            st.tuples(
                st.sampled_from([s.id for s in _SOURCES] + ["unlisted"]),
                _CODES,
                _STATUSES,
                st.sampled_from(["S1", "S2"]),
            ),
            max_size=25,
        )
    )
    return [
        row(source, f"{source}/{n}", code, status, section=section)
        for n, (source, code, status, section) in enumerate(cells)
    ]


@settings(max_examples=150, deadline=None)
@given(_records(), st.permutations(_SOURCES))
def test_every_record_key_is_in_exactly_one_entry(
    records: list[Record], sources: list[Source]
) -> None:
    catalog = build_catalog(records, sources)
    joined = [key for entry in catalog.entries for key in entry["keys"]]
    assert sorted(joined) == sorted(r.key for r in records)
    assert len({entry["id"] for entry in catalog.entries}) == len(catalog.entries)
    assert catalog_json(catalog) == catalog_json(build_catalog(records, sources))
    for line in catalog.unaligned:
        assert line.split(": ")[1] in joined


def test_schema_accepts_the_seed_entries_and_rejects_broken_ones(
    seed_catalog: tuple[Catalog, list[Record]],
) -> None:
    entries = [dict(entry) for entry in seed_catalog[0].entries]
    schema = Schema.from_descriptor(catalog_schema())
    assert Resource(data=entries, schema=schema).validate().valid
    entries[1]["http_statuses"] = "400"
    entries[2]["id"] = entries[3]["id"]
    entries[4]["retryable"] = "maybe"
    report = Resource(data=entries, schema=schema).validate()
    assert sorted(report.flatten(["rowNumber", "type"])) == [
        [3, "type-error"],
        [5, "primary-key"],
        [5, "unique-error"],
        [6, "constraint-error"],
    ]


def _validate_package(folder: Path, resource: dict[str, Any], catalog: Catalog) -> dict[str, Any]:
    """Run the real `frictionless validate` on a copy of normalized/ extended with the catalog."""
    shutil.copytree(ROOT / "normalized", folder)
    (folder / "catalog.json").write_text(catalog_json(catalog), encoding="utf-8")
    package = json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))
    kept = [r for r in package["resources"] if r["name"] != resource["name"]]
    package["resources"] = [*kept, resource]
    (folder / "datapackage.json").write_text(json.dumps(package), encoding="utf-8")
    done = subprocess.run(
        [str(FRICTIONLESS), "validate", "--json", "datapackage.json"],
        cwd=folder,
        capture_output=True,
        timeout=300,
    )
    report: dict[str, Any] = json.loads(done.stdout)
    return report


def test_frictionless_validates_the_package_with_the_catalog(
    tmp_path: Path, seed_catalog: tuple[Catalog, list[Record]]
) -> None:
    resource = catalog_resource()
    assert {k: resource[k] for k in ("name", "path", "format", "mediatype")} == {
        "name": "catalog",
        "path": "catalog.json",
        "format": "json",
        "mediatype": "application/json",
    }
    report = _validate_package(tmp_path / "normalized", resource, seed_catalog[0])
    assert report["valid"], report
    assert [task["name"] for task in report["tasks"]][-1] == "catalog"


def test_frictionless_checks_every_entry_when_read_as_a_table(
    tmp_path: Path, seed_catalog: tuple[Catalog, list[Record]]
) -> None:
    # Frictionless reads a JSON table only with its json extra (ijson).
    pytest.importorskip("ijson")
    resource = {**catalog_resource(), "type": "table"}
    report = _validate_package(tmp_path / "normalized", resource, seed_catalog[0])
    assert report["valid"], report
    assert report["tasks"][-1]["stats"]["rows"] == 14


def test_a_translation_of_cycle_leaves_rows_standing_alone() -> None:
    sources = [
        Source(id="x", vendor="V", product="P", translation_of="y"),
        Source(id="y", vendor="V", product="P", translation_of="x"),
    ]
    records = [row("x", "x1", "A"), row("y", "y1", "A"), row("y", "y2", "B")]
    catalog = build_catalog(records, sources)
    assert [e["keys"] for e in catalog.entries] == [["x1", "y1"], ["y2"]]
    assert catalog.unaligned == (
        "y (translation of x): y1: translation_of forms a cycle",
        "y (translation of x): y2: translation_of forms a cycle",
    )
