"""The review text of a dataset change, and the comparison under it."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scraper.diff import (
    CONTENT_FIELDS,
    PROVENANCE_FIELDS,
    Diff,
    FieldChanges,
    Row,
    compare,
    load_records,
    load_records_at_revision,
    render_json,
    render_markdown,
)
from scraper.errors import DatasetError
from scraper.types import RECORD_FIELDS

FIXTURES = Path(__file__).parent / "fixtures" / "diff"
OLD = FIXTURES / "old"
NEW = FIXTURES / "new"


def fixture_diff() -> Diff:
    return compare(load_records(OLD), load_records(NEW))


# --- the pinned review text -------------------------------------------------------------------


def test_markdown_of_fixture_pair_is_pinned() -> None:
    expected = (FIXTURES / "expected.md").read_text(encoding="utf-8")
    assert render_markdown(fixture_diff()) == expected


def test_json_of_fixture_pair_is_pinned() -> None:
    expected = (FIXTURES / "expected.json").read_text(encoding="utf-8")
    assert render_json(fixture_diff()) == expected


def test_markdown_title_comes_first() -> None:
    text = render_markdown(fixture_diff(), title="Dataset changes")
    assert text.startswith("## Dataset changes\n\n**4 changes**: 1 added,")


def test_fixture_pair_sorts_rows_into_each_kind_of_change() -> None:
    diff = fixture_diff()
    assert [r["key"] for r in diff.added] == ["zeta-status-codes-zh/状态码/429"]
    assert [r["key"] for r in diff.removed] == ["zeta-status-codes-zh/状态码/410"]
    assert [(c.key, sorted(c.fields)) for c in diff.changed] == [
        ("acme-api-errors-en/general/QuotaExceeded", ["description", "sha256"])
    ]
    assert [(m.old_key, m.new_key) for m in diff.moved] == [
        (
            "acme-api-errors-en/general/ResourceConflict",
            "acme-api-errors-en/orders/ResourceConflict",
        )
    ]
    assert diff.provenance_changed == 2
    assert diff.sources == ["acme-api-errors-en", "zeta-status-codes-zh"]


def test_csv_and_json_of_the_same_dataset_compare_equal() -> None:
    for folder in (OLD, NEW):
        from_csv = load_records(folder / "errors.csv")
        from_json = load_records(folder / "errors.json")
        assert from_csv == from_json
        assert compare(from_csv, from_json) == Diff()


def test_values_are_text_with_canonical_json() -> None:
    row = load_records(OLD / "errors.json")["zeta-status-codes-zh/状态码/404"]
    assert row["http_status"] == "404"
    assert row["extra"] == '{"备注": "检查 URL"}'
    assert row["repairs"] == '["cp1252->utf-8"]'
    conflict = load_records(OLD / "errors.json")["acme-api-errors-en/general/ResourceConflict"]
    assert conflict["http_status"] == ""
    assert conflict["extra"] == '{"Retryable": "yes", "Since": "v2"}'


def test_no_change_text() -> None:
    assert render_markdown(Diff()) == "No changes.\n"
    assert render_markdown(compare(load_records(OLD), load_records(OLD))) == "No changes.\n"


def test_json_of_no_change() -> None:
    data = json.loads(render_json(Diff()))
    assert data == {
        "sources": [],
        "summary": {
            "added": 0,
            "changed": 0,
            "moved": 0,
            "provenance_changed": 0,
            "removed": 0,
            "total": 0,
        },
    }


def test_provenance_only_changes_are_counted_not_listed() -> None:
    old = {"k": record("k", sha256="a" * 64, locator="L1")}
    new = {"k": record("k", sha256="b" * 64, locator="L2")}
    diff = compare(old, new)
    assert diff.changed == []
    assert diff.provenance_changed == 1
    expected = "No changes in content; 1 row changed only in sha256/locator/evidence.\n"
    assert render_markdown(diff) == expected


# --- rendering details --------------------------------------------------------------------------


def test_long_values_are_cut_around_the_change() -> None:
    head, tail = "x" * 200, "y" * 200
    old = {"k": record("k", description=f"{head} old words {tail}")}
    new = {"k": record("k", description=f"{head} new words {tail}")}
    line = field_line(render_markdown(compare(old, new)), "description")
    # 30 characters of context each side of the change: "x" * 29 + " " and " words " + "y" * 23.
    before, after = "x" * 29, "y" * 23
    assert line == (
        f'  - description: "…{before} old words {after}…" -> "…{before} new words {after}…"'
    )


def test_one_line_per_field_even_with_line_breaks() -> None:
    old = {"k": record("k", message="first\nsecond")}
    new = {"k": record("k", message="first\r\nthird")}
    assert field_line(render_markdown(compare(old, new)), "message") == (
        '  - message: "first\\nsecond" -> "first\\nthird"'
    )


def test_markup_is_escaped_but_words_with_underscores_stay_readable() -> None:
    old = {"k": record("k", message="INVALID_PARAM: use <b>|</b> or _x_ [link]")}
    new = {"k": record("k", message="~ok~")}
    assert field_line(render_markdown(compare(old, new)), "message") == (
        '  - message: "INVALID_PARAM: use \\<b\\>\\|\\</b\\> or \\_x\\_ \\[link\\]" -> "\\~ok\\~"'
    )


def test_a_code_with_backticks_gets_a_longer_fence() -> None:
    new = {"k": record("k", code="a`b", http_status="")}
    assert "- ``a`b``: Title\n" in render_markdown(compare({}, new))
    edge = {"k": record("k", code="`x", http_status="")}
    assert "- `` `x ``: Title\n" in render_markdown(compare({}, edge))


def test_a_row_without_a_code_is_named_by_its_status_then_its_key() -> None:
    by_status = {"k": record("k", code="", http_status="503", title="")}
    assert "- `503`\n" in render_markdown(compare({}, by_status))
    by_key = {"s/k": record("s/k", code="", http_status="", title="", message="")}
    assert "- `s/k`\n" in render_markdown(compare({}, by_key))


# --- loading errors -----------------------------------------------------------------------------


def test_missing_file_raises_dataset_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "errors.csv"
    with pytest.raises(DatasetError, match=r"nowhere/errors\.csv: no such file"):
        load_records(missing)


def test_folder_without_dataset_raises(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match=r"no errors\.csv or errors\.json"):
        load_records(tmp_path)


def test_folder_with_only_errors_json_is_read(tmp_path: Path) -> None:
    shutil.copy(OLD / "errors.json", tmp_path / "errors.json")
    assert load_records(tmp_path) == load_records(OLD)


HEADER = ",".join(RECORD_FIELDS)


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("errors.csv", "", "empty file"),
        ("errors.csv", "source,code\ns,C\n", "no 'key' column"),
        ("errors.csv", "key,code\nk,C,extra\n", "line 2 has 3 cells"),
        ("errors.csv", "key,code\nk,C\nk,D\n", "key 'k' appears more than once"),
        ("errors.csv", "key,code\n,C\n", "record 1 has no key"),
        ("errors.csv", "key,extra\nk,{broken\n", "record 1, extra: not valid JSON"),
        ("errors.json", "[{", "not valid JSON"),
        ("errors.json", '{"key": "k"}', "expected a JSON array"),
        ("errors.json", '["k"]', "expected a JSON array"),
    ],
)
def test_malformed_dataset_raises_one_line_error(
    tmp_path: Path, name: str, content: str, problem: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        load_records(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: ")
    assert problem in message
    assert "\n" not in message


def test_non_utf8_file_raises(tmp_path: Path) -> None:
    path = tmp_path / "errors.csv"
    path.write_bytes(f"{HEADER}\n".encode() + b"\xff\xfe\n")
    with pytest.raises(DatasetError, match="not UTF-8"):
        load_records(path)


# --- comparing with a git revision -------------------------------------------------------------


def git(repo: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "test",
        "GIT_AUTHOR_EMAIL": "test@example.invalid",
        "GIT_COMMITTER_NAME": "test",
        "GIT_COMMITTER_EMAIL": "test@example.invalid",
    }
    subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=repo,
        env=env,
        check=True,
        capture_output=True,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    git(tmp_path, "init", "-q")
    shutil.copytree(OLD, tmp_path / "normalized")
    git(tmp_path, "add", "normalized")
    git(tmp_path, "commit", "-q", "-m", "dataset")
    for name in ("errors.csv", "errors.json"):
        shutil.copy(NEW / name, tmp_path / "normalized" / name)
    return tmp_path


def test_revision_compares_like_the_files(repo: Path) -> None:
    before = load_records_at_revision(repo, "HEAD")
    diff = compare(before, load_records(repo / "normalized"))
    assert render_markdown(diff) == (FIXTURES / "expected.md").read_text(encoding="utf-8")


def test_revision_reads_json_and_folders(repo: Path) -> None:
    committed = load_records(OLD)
    assert load_records_at_revision(repo, "HEAD", "normalized/errors.json") == committed
    assert load_records_at_revision(repo, "HEAD", "normalized") == committed


def test_revision_paths_are_relative_to_repo_dir(repo: Path) -> None:
    folder = repo / "normalized"
    assert load_records_at_revision(folder, "HEAD", "errors.csv") == load_records(OLD)


@pytest.mark.parametrize(
    ("rev", "relpath"),
    [("no-such-rev", "normalized/errors.csv"), ("HEAD", "missing/errors.csv"), ("--all", "x.csv")],
)
def test_revision_failures_raise_dataset_error(repo: Path, rev: str, relpath: str) -> None:
    with pytest.raises(DatasetError) as caught:
        load_records_at_revision(repo, rev, relpath)
    assert str(caught.value).startswith(f"{rev}:")
    assert "\n" not in str(caught.value)


def test_revision_outside_a_repository_raises(tmp_path: Path) -> None:
    with pytest.raises(DatasetError):
        load_records_at_revision(tmp_path / "absent", "HEAD")


# --- properties ---------------------------------------------------------------------------------

# Small value sets, so that generated datasets share keys and content and every kind of change
# (added, removed, changed, moved, provenance only) turns up.
KEYS = st.sampled_from([f"k{i}" for i in range(8)])
SMALL_TEXT = st.sampled_from(["", "a", "b", "Quota exceeded.", "错误 | `x`", "line\nbreak"])
ANY_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\x00"))


@st.composite
def rows(draw: st.DrawFn) -> Row:
    row = {name: draw(SMALL_TEXT) for name in RECORD_FIELDS}
    row["source"] = draw(st.sampled_from(["s1", "s2"]))
    row["http_status"] = draw(st.sampled_from(["", "400", "404"]))
    row["code"] = draw(st.sampled_from(["", "A", "B_C"]))
    row["description"] = draw(st.one_of(SMALL_TEXT, ANY_TEXT))
    row["repairs"] = json.dumps(draw(st.lists(SMALL_TEXT, max_size=2)), ensure_ascii=False)
    extra = draw(st.dictionaries(SMALL_TEXT, SMALL_TEXT, max_size=2))
    row["extra"] = json.dumps(extra, sort_keys=True, ensure_ascii=False)
    row["inferred_http_status"] = draw(st.sampled_from(["", "429"]))
    row["evidence"] = json.dumps(draw(st.lists(SMALL_TEXT, max_size=2)), ensure_ascii=False)
    return row


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Row]:
    keyed = draw(st.dictionaries(KEYS, rows(), max_size=6))
    return {key: {**row, "key": key} for key, row in keyed.items()}


def apply(old: dict[str, Row], diff: Diff) -> dict[str, Row]:
    """Replay a diff on the old dataset."""
    result = {key: dict(row) for key, row in old.items()}
    for row in diff.removed:
        del result[row["key"]]
    for move in diff.moved:
        moved = patched(result.pop(move.old_key), move.fields)
        result[move.new_key] = {**moved, "key": move.new_key}
    for change in [*diff.changed, *diff.provenance_only]:
        result[change.key] = patched(result[change.key], change.fields)
    for row in diff.added:
        result[row["key"]] = dict(row)
    return result


def patched(row: Row, fields: FieldChanges) -> Row:
    for name, (before, after) in fields.items():
        assert row.get(name, "") == before
        row[name] = after
    return row


@given(datasets())
def test_comparing_a_dataset_with_itself_finds_nothing(data: dict[str, Row]) -> None:
    diff = compare(data, data)
    assert diff == Diff()
    assert render_markdown(diff) == "No changes.\n"


@settings(max_examples=300)
@given(datasets(), datasets())
def test_replaying_the_diff_on_old_gives_new(old: dict[str, Row], new: dict[str, Row]) -> None:
    diff = compare(old, new)
    assert apply(old, diff) == new
    assert all(c.fields.keys() - PROVENANCE_FIELDS for c in diff.changed)
    assert all(c.fields.keys() <= PROVENANCE_FIELDS for c in diff.provenance_only)
    for move in diff.moved:
        assert [old[move.old_key][f] for f in CONTENT_FIELDS] == [
            new[move.new_key][f] for f in CONTENT_FIELDS
        ]


@given(datasets(), datasets())
def test_review_text_is_one_line_per_item_and_follows_source_order_then_key(
    old: dict[str, Row], new: dict[str, Row]
) -> None:
    text = render_markdown(compare(old, new))
    reordered = compare(reversed_within_sources(old), reversed_within_sources(new))
    assert render_markdown(reordered) == text
    assert render_json(reordered) == render_json(compare(old, new))
    prefixes = ("**", "### ", "- ", "  - ", "No changes")
    assert all(line.startswith(prefixes) for line in text.split("\n") if line)


@given(datasets())
def test_csv_and_json_files_of_the_same_records_load_equal(data: dict[str, Row]) -> None:
    from_csv = load_records_from_text(tmp_csv(data), "errors.csv")
    from_json = load_records_from_text(tmp_json(data), "errors.json")
    assert from_csv == from_json == data


# --- helpers ------------------------------------------------------------------------------------


def record(key: str, **values: str) -> Row:
    row = {name: "" for name in RECORD_FIELDS}
    row.update(key=key, source="s", code="C", http_status="400", title="Title")
    row.update(repairs="[]", extra="{}", evidence="[]")
    row.update(values)
    return row


def reversed_within_sources(data: dict[str, Row]) -> dict[str, Row]:
    """The same rows with each source's rows in reverse order; sources keep their order."""
    rank: dict[str, int] = {}
    for row in data.values():
        rank.setdefault(row["source"], len(rank))
    ordered = sorted(data.items(), key=lambda item: item[0], reverse=True)
    return dict(sorted(ordered, key=lambda item: rank[item[1]["source"]]))


def field_line(text: str, name: str) -> str:
    return next(line for line in text.split("\n") if line.startswith(f"  - {name}:"))


def tmp_csv(data: dict[str, Row]) -> str:
    out = io.StringIO()
    # With an LF terminator, csv's minimal quoting leaves a bare "\r" unquoted, and a reader then
    # splits the row there; quoting every cell keeps any text intact.
    writer = csv.writer(out, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writerow(RECORD_FIELDS)
    for row in data.values():
        writer.writerow([row[name] for name in RECORD_FIELDS])
    return out.getvalue()


def tmp_json(data: dict[str, Row]) -> str:
    records = []
    for row in data.values():
        status = row["http_status"]
        records.append(
            {
                **row,
                "http_status": int(status) if status else None,
                "extra": json.loads(row["extra"]),
                "repairs": json.loads(row["repairs"]),
                "inferred_http_status": (
                    int(row["inferred_http_status"]) if row["inferred_http_status"] else None
                ),
                "evidence": json.loads(row["evidence"]),
            }
        )
    return json.dumps(records, ensure_ascii=False)


def load_records_from_text(text: str, name: str) -> dict[str, Row]:
    # Hypothesis reruns the test body many times, which a function-scoped tmp_path does not fit.
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        return load_records(path)
