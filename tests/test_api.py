"""The package's public names: each what it says, none hidden by a module of the same name."""

from __future__ import annotations

import importlib
import importlib.util
import subprocess
import sys

import scraper
from tests.conftest import ROOT


def test_no_exported_name_is_also_a_module() -> None:
    # `import scraper.NAME` would otherwise hand back the module where the function was meant,
    # or the function where the module was.
    clashes = [n for n in scraper.__all__ if importlib.util.find_spec(f"scraper.{n}") is not None]
    assert clashes == []


def test_every_exported_function_has_a_docstring() -> None:
    for name in scraper.__all__:
        value = getattr(scraper, name)
        if callable(value):
            assert (value.__doc__ or "").strip(), name


def test_every_module_imports_and_keeps_the_exported_names() -> None:
    # Importing every module (as tools and tests do) leaves each public name as it was.
    before = {name: getattr(scraper, name) for name in scraper.__all__}
    for path in sorted((ROOT / "scraper").rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        if parts[-1] in ("__init__", "__main__"):
            parts = parts[:-1]
        if len(parts) > 1:
            importlib.import_module(".".join(parts))
    assert {name: getattr(scraper, name) for name in scraper.__all__} == before


def test_import_scraper_stays_light() -> None:
    # pandas and sqlite-utils are imported only by the calls that need them.
    heavy = "('pandas', 'sqlite_utils', 'httpx')"
    code = f"import sys, scraper; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
