"""The manifest, sources.toml: which pages make up the dataset."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from scraper.bounded import read_file
from scraper.errors import ManifestError
from scraper.types import COLUMN_TARGETS, NO_OVERRIDES, ColumnOverrides, Source

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
"""An id, matched whole (re.fullmatch): lower-case words joined by single hyphens."""
MAX_ID_LENGTH = 100
"""Ids name files in raw/ (`<id>.meta.json`, `<id>.<ext>.tmp`): far below the 255-byte limit
of a file name."""
MAX_MANIFEST_BYTES = 16 * 1024 * 1024
FORMATS = ("markdown", "html", "markdown+html")
_STRING_KEYS = ("id", "url", "vendor", "product", "lang", "title", "format", "translation_of")
_KNOWN_KEYS = {*_STRING_KEYS, "fixes", "robots", "columns", "header"}
_REQUIRED_KEYS = ("id", "vendor", "product")
_LANG = re.compile(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")


def column_overrides(
    columns: Iterable[tuple[object, object]] = (), header: object = None
) -> ColumnOverrides:
    """Overrides from (column, target) pairs and a header flag, checked: a column is a header
    text or a 0-based position in digits, a target one of COLUMN_TARGETS, no canonical field
    given to two columns ("extra" may repeat), a column named once. The pairs are kept sorted,
    so the same overrides compare equal however they were written.

    Raises ValueError with a one-line message on the first mistake.
    """
    if header is not None and not isinstance(header, bool):
        raise ValueError("header must be true or false")
    pairs: dict[str, str] = {}
    by_field: dict[str, str] = {}
    for column, target in columns:
        if not isinstance(column, str):
            raise ValueError("columns: a column is named by a header text or a position")
        name = column.strip()
        if not name:
            raise ValueError("columns: a column needs a header text or a position, not ''")
        if not isinstance(target, str) or target not in COLUMN_TARGETS:
            raise ValueError(
                f"columns: {name!r} -> {target!r}: the field must be one of "
                f"{', '.join(COLUMN_TARGETS)}"
            )
        if name in pairs:
            raise ValueError(f"columns: {name!r} is given twice")
        if target != "extra" and target in by_field:
            raise ValueError(
                f"columns: {by_field[target]!r} and {name!r} are both given {target!r} "
                "(only extra may repeat)"
            )
        pairs[name] = target
        by_field.setdefault(target, name)
    if not pairs and header is None:
        return NO_OVERRIDES
    return ColumnOverrides(columns=tuple(sorted(pairs.items())), header=header)


def _entry(index: int, raw: Any, where: str) -> Source:
    if not isinstance(raw, dict):
        raise ManifestError(f"{where}: source #{index} is not a table")
    label = f"{where}: source #{index}" + (
        f" ({raw['id']!r})" if isinstance(raw.get("id"), str) else ""
    )
    unknown = sorted(set(raw) - _KNOWN_KEYS)
    if unknown:
        raise ManifestError(f"{label}: unknown key {unknown[0]!r}")
    for key in _REQUIRED_KEYS:
        if key not in raw:
            raise ManifestError(
                f"{label}: missing {key!r} (every source needs {', '.join(_REQUIRED_KEYS)}; "
                "vendor and product may be empty strings)"
            )
    for key in _STRING_KEYS:
        if key in raw and not isinstance(raw[key], str):
            raise ManifestError(f"{label}: {key!r} must be a string")
    if not ID_PATTERN.fullmatch(raw["id"]):
        raise ManifestError(f"{label}: id must match [a-z0-9-]+")
    if len(raw["id"]) > MAX_ID_LENGTH:
        raise ManifestError(
            f"{label}: id is {len(raw['id'])} characters, over the limit of {MAX_ID_LENGTH}"
        )
    url = raw.get("url", "")
    if url:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ManifestError(f"{label}: url must be an http(s) URL, not {url!r}")
    fmt = raw.get("format", "")
    if fmt and fmt not in FORMATS:
        raise ManifestError(f"{label}: format must be one of {', '.join(FORMATS)}")
    lang = raw.get("lang", "")
    if lang and not _LANG.fullmatch(lang):
        raise ManifestError(f"{label}: lang {lang!r} is not a BCP 47 tag")
    fixes = raw.get("fixes", {})
    if not isinstance(fixes, dict) or not all(
        isinstance(k, str) and k and isinstance(v, str) for k, v in fixes.items()
    ):
        raise ManifestError(f"{label}: fixes must map non-empty strings to strings")
    robots = raw.get("robots", True)
    if not isinstance(robots, bool):
        raise ManifestError(f"{label}: robots must be true or false")
    columns = raw.get("columns", {})
    if not isinstance(columns, dict):
        raise ManifestError(
            f'{label}: columns must be a table like {{"Header" = "code", "2" = "message"}}'
        )
    try:
        overrides = column_overrides(columns.items(), raw.get("header"))
    except ValueError as exc:
        raise ManifestError(f"{label}: {exc}") from None
    return Source(
        id=raw["id"],
        url=url,
        vendor=raw["vendor"],
        product=raw["product"],
        lang=lang,
        title=raw.get("title", ""),
        format=fmt,
        translation_of=raw.get("translation_of", ""),
        fixes=tuple(sorted(fixes.items())),
        respect_robots=robots,
        overrides=overrides,
    )


def parse_manifest(text: str, where: str = "sources.toml") -> list[Source]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ManifestError(f"{where}: {exc}") from None
    except RecursionError:
        raise ManifestError(f"{where}: nested too deeply to read (RecursionError)") from None
    except MemoryError:
        raise ManifestError(f"{where}: too large to read (MemoryError)") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise ManifestError(f"{where}: unknown top-level key {unknown[0]!r}")
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise ManifestError(f"{where}: 'source' must be an array of tables ([[source]])")
    sources = [_entry(i, raw, where) for i, raw in enumerate(entries, start=1)]
    seen: set[str] = set()
    for index, source in enumerate(sources, start=1):
        if source.id in seen:
            raise ManifestError(f"{where}: source #{index}: duplicate id {source.id!r}")
        seen.add(source.id)
    for index, source in enumerate(sources, start=1):
        if source.translation_of and source.translation_of not in seen:
            raise ManifestError(
                f"{where}: source #{index} ({source.id!r}): translation_of names no source"
            )
    return sources


def load_manifest(path: Path) -> list[Source]:
    """The manifest at `path`: a regular file of at most MAX_MANIFEST_BYTES (a FIFO or device
    is refused, never waited on or read without end)."""
    try:
        data = read_file(path, MAX_MANIFEST_BYTES, error=ManifestError)
    except ManifestError as exc:
        reason = str(exc).removeprefix(f"{path}: ")
        raise ManifestError(f"{path}: cannot read manifest ({reason})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"{path}: cannot read manifest ({exc.__class__.__name__})") from None
    return parse_manifest(text, str(path))
