"""The README's Python API section runs as written, using only names exported by scraper."""

from __future__ import annotations

import ast
import contextlib
import io
import os
import re
from pathlib import Path

import pytest

import scraper
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Python API", 1)[1].split("\n## ", 1)[0]
SNIPPETS = re.findall(r"```python\n(.*?)```", SECTION, flags=re.DOTALL)


def test_the_section_has_snippets() -> None:
    assert len(SNIPPETS) >= 3


def test_the_snippets_run_in_order_from_the_project_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    namespace: dict[str, object] = {}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for snippet in SNIPPETS:
            exec(compile(snippet, "README.md", "exec"), namespace)
    text = out.getvalue()
    # What the comments promise is what was printed.
    assert "markdown utf-8 en 26" in text
    assert "200 OK ok no" in text
    assert "InvalidParameter.%s ^InvalidParameter\\..+$" in text
    assert "title:" in text and '"title": [' in text


def test_the_snippets_use_only_names_scraper_exports() -> None:
    used = set()
    for snippet in SNIPPETS:
        for node in ast.walk(ast.parse(snippet)):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "scraper"
            ):
                used.add(node.attr)
    assert used
    assert used <= set(scraper.__all__), used - set(scraper.__all__)


def test_every_exported_name_exists_and_is_in_the_readme() -> None:
    for name in scraper.__all__:
        assert hasattr(scraper, name), name
        if not name.startswith("_"):
            assert re.search(rf"`{re.escape(name)}\b|\b{re.escape(name)}\(", SECTION), name


def test_the_pandas_one_liner_keeps_codes_and_types() -> None:
    pandas_snippet = next(s for s in SNIPPETS if "pd.read_csv" in s)
    namespace: dict[str, object] = {}
    cwd = os.getcwd()
    try:
        os.chdir(ROOT)
        exec(compile(pandas_snippet, "README.md", "exec"), namespace)
    finally:
        os.chdir(cwd)
    frame = namespace["frame"]
    expected = scraper.to_dataframe(Path(ROOT / "normalized"))
    assert frame["http_status"].dtype == "Int64"  # type: ignore[index]
    assert frame["code"].tolist() == expected["code"].tolist()  # type: ignore[index]
    assert frame["extra"].tolist() == expected["extra"].tolist()  # type: ignore[index]


def test_the_readme_record_table_lists_every_field_in_order() -> None:
    table = README.split("### The record", 1)[1].split("\n\n", 2)[1]
    named = [line.split("|")[1].strip() for line in table.splitlines()[2:]]
    listed = [name.strip() for cell in named for name in cell.split(",")]
    assert listed == list(scraper.RECORD_FIELDS)
