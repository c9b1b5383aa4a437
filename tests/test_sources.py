"""The manifest: valid entries load; each kind of mistake is refused with the entry at fault."""

from __future__ import annotations

from pathlib import Path

import pytest

from scraper.errors import ManifestError
from scraper.sources import MAX_ID_LENGTH, column_overrides, load_manifest, parse_manifest
from scraper.types import NO_OVERRIDES, ColumnOverrides
from tests.conftest import ROOT, run_cli

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
        (
            '[[source]]\nid = "a"\nvendor = ""\n',
            r"missing 'product' \(every source needs id, vendor, product; vendor and product "
            r"may be empty strings\)",
        ),
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


OVERRIDDEN = """
[[source]]
id = "acme-errors"
vendor = "Acme"
product = "Widgets API"
columns = {"Measure" = "suggestion", "Value" = "code", "Notes" = "extra", "3" = "extra"}
header = true

[[source]]
id = "acme-headerless"
vendor = "Acme"
product = "Widgets API"
header = false

[[source]]
id = "acme-plain"
vendor = "Acme"
product = "Widgets API"
"""


def test_column_overrides_load_sorted_with_the_header_flag() -> None:
    overridden, headerless, plain = parse_manifest(OVERRIDDEN)
    assert overridden.overrides == ColumnOverrides(
        columns=(("3", "extra"), ("Measure", "suggestion"), ("Notes", "extra"), ("Value", "code")),
        header=True,
    )
    assert headerless.overrides == ColumnOverrides(columns=(), header=False)
    assert plain.overrides == NO_OVERRIDES
    assert not plain.overrides


def test_override_order_in_the_manifest_does_not_matter() -> None:
    one = parse_manifest(f'[[source]]\n{ENTRY}columns = {{"B" = "code", "A" = "message"}}\n')
    two = parse_manifest(f'[[source]]\n{ENTRY}columns = {{"A" = "message", "B" = "code"}}\n')
    assert one[0].overrides == two[0].overrides


def test_column_keys_are_trimmed() -> None:
    (source,) = parse_manifest(f'[[source]]\n{ENTRY}columns = {{" Error code " = "code"}}\n')
    assert source.overrides.columns == (("Error code", "code"),)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ('columns = "code"', r"columns must be a table"),
        ('columns = ["A", "code"]', r"columns must be a table"),
        (
            'columns = {"A" = "codes"}',
            r"'A' -> 'codes': the field must be one of http_status, "
            r"code, title, message, description, suggestion, extra",
        ),
        ('columns = {"A" = 3}', r"'A' -> 3: the field must be one of"),
        ('columns = {"" = "code"}', r"a column needs a header text or a position"),
        ('columns = {"  " = "code"}', r"a column needs a header text or a position"),
        ('columns = {"A" = "code", "1" = "code"}', r"'A' and '1' are both given 'code'"),
        ('columns = {"A" = "code", " A" = "message"}', r"'A' is given twice"),
        ('header = "no"', r"header must be true or false"),
        ("header = 0", r"header must be true or false"),
    ],
)
def test_bad_overrides_are_refused_naming_the_source(line: str, message: str) -> None:
    with pytest.raises(ManifestError, match=message) as caught:
        parse_manifest(f"[[source]]\n{ENTRY}{line}\n")
    assert str(caught.value).startswith("sources.toml: source #1 ('a'): ")
    assert "\n" not in str(caught.value)


def test_extra_may_be_given_to_many_columns() -> None:
    (source,) = parse_manifest(f'[[source]]\n{ENTRY}columns = {{"A" = "extra", "B" = "extra"}}\n')
    assert source.overrides.columns == (("A", "extra"), ("B", "extra"))


def test_column_overrides_checks_pairs_from_any_caller() -> None:
    assert column_overrides() is NO_OVERRIDES
    assert column_overrides([("0", "code")], False) == ColumnOverrides((("0", "code"),), False)
    with pytest.raises(ValueError, match="one of"):
        column_overrides([("0", "status")])


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (r"acme-errors\n", "id must match"),
        (r"acme-errors\r\n", "id must match"),
        ("a" * 101, "id is 101 characters, over the limit of 100"),
        ("-".join(["abcdefghi"] * 30), "over the limit of 100"),
    ],
)
def test_ids_are_matched_whole_and_capped_in_length(value: str, message: str) -> None:
    text = f'[[source]]\nid = "{value}"\nvendor = "V"\nproduct = "P"\n'
    with pytest.raises(ManifestError, match=message):
        parse_manifest(text)


def test_an_id_of_the_longest_length_names_files_within_the_file_name_limit() -> None:
    longest = "a" * MAX_ID_LENGTH
    (source,) = parse_manifest(f'[[source]]\nid = "{longest}"\nvendor = "V"\nproduct = "P"\n')
    for name in (f"{source.id}.meta.json", f"{source.id}.html.tmp", f"{source.id}.txt.tmp"):
        assert len(name.encode()) < 255


def test_a_lang_with_a_trailing_newline_is_refused() -> None:
    text = '[[source]]\nid = "a"\nvendor = "V"\nproduct = "P"\nlang = "en\\n"\n'
    with pytest.raises(ManifestError, match="is not a BCP 47 tag"):
        parse_manifest(text)


@pytest.mark.parametrize("opening", ["[", "{a = "])
def test_a_manifest_nested_too_deeply_is_one_line_naming_it(tmp_path: Path, opening: str) -> None:
    depth = 100_000
    closing = "]" if opening == "[" else "}"
    manifest = tmp_path / "sources.toml"
    manifest.write_text("x = " + opening * depth + closing * depth + "\n", encoding="utf-8")
    proc = run_cli("refresh", "--offline", "--manifest", str(manifest))
    assert proc.returncode == 1
    lines = proc.stderr.decode().strip().splitlines()
    assert lines == [f"scraper: {manifest}: nested too deeply to read (RecursionError)"]
