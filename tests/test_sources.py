"""The manifest: valid entries load; each kind of mistake is refused with the entry at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.errors import ManifestError
from scraper.sources import load_manifest, parse_manifest
from tests.conftest import ROOT

GOOD = """
[[source]]
id = "acme-errors"
url = "https://docs.example.com/errors"
vendor = "Acme"
product = "Widgets API"
lang = "en"
fixes = {"Exsited" = "Existed"}

[[source]]
id = "acme-errors-ja"
url = "http://docs.example.com/ja/errors"
vendor = "Acme"
product = "Widgets API"
translation_of = "acme-errors"
robots = false
"""


def test_a_good_manifest_loads_in_order() -> None:
    sources = parse_manifest(GOOD)
    assert [s.id for s in sources] == ["acme-errors", "acme-errors-ja"]
    assert sources[0].fixes == (("Exsited", "Existed"),)
    assert sources[1].translation_of == "acme-errors"
    assert sources[1].respect_robots is False


def test_the_project_manifest_has_the_five_seed_sources() -> None:
    sources = load_manifest(ROOT / "sources.toml")
    assert len(sources) == 5
    local = [s for s in sources if not s.url]
    assert len(local) == 1
    assert {s.lang for s in sources} == {"en", "zh-Hant"}


ENTRY = 'id = "a"\nvendor = "V"\nproduct = "P"\n'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[source]]\nid = "a"\nproduct = "P"\n', "missing 'vendor'"),
        (f"[[source]]\n{ENTRY}[[source]]\n{ENTRY}", "duplicate id 'a'"),
        ('[[source]]\nid = "../etc"\nvendor = "V"\nproduct = "P"\n', r"id must match"),
        ('[[source]]\nid = "Upper"\nvendor = "V"\nproduct = "P"\n', r"id must match"),
        (f'[[source]]\n{ENTRY}urll = "https://x"\n', "unknown key 'urll'"),
        (f'[[source]]\n{ENTRY}url = "file:///etc/passwd"\n', "must be an http"),
        (f'[[source]]\n{ENTRY}url = "ftp://example.com/x"\n', "must be an http"),
        (f'[[source]]\n{ENTRY}format = "pdf"\n', "format must be one of"),
        (f'[[source]]\n{ENTRY}translation_of = "zzz"\n', "translation_of names no source"),
        (f"[[source]]\n{ENTRY}fixes = 3\n", "fixes must map"),
        ('[[source]]\nid = 3\nvendor = "V"\nproduct = "P"\n', "'id' must be a string"),
        ('[[source]\nid = "a"', "sources.toml"),
        ('title = "x"\n', "unknown top-level key 'title'"),
    ],
)
def test_bad_manifests_are_refused_naming_the_fault(text: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message):
        parse_manifest(text)


def test_a_missing_manifest_is_a_manifest_error(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="cannot read manifest"):
        load_manifest(tmp_path / "nope.toml")
