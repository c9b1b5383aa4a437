"""raw/: per source, the exact bytes of the page and a metadata file beside them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from scraper.atomic import describe, write_atomic, write_bytes_atomic
from scraper.bounded import read_file
from scraper.errors import DatasetError
from scraper.limits import DEFAULT_LIMITS
from scraper.types import Snapshot

_META_FIELDS = (
    "url",
    "final_url",
    "status",
    "content_type",
    "charset",
    "etag",
    "last_modified",
    "sha256",
    "retrieved",
)

_EXTENSIONS = {"text/html": ".html", "application/xhtml+xml": ".html", "text/markdown": ".md"}


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def meta_path(raw_dir: Path, source_id: str) -> Path:
    return raw_dir / f"{source_id}.meta.json"


def body_name(source_id: str, content_type: str) -> str:
    media = content_type.split(";", 1)[0].strip().lower()
    return source_id + _EXTENSIONS.get(media, ".txt")


META_MAX_BYTES = 1024 * 1024
"""A metadata file is a few hundred bytes; one over this is not ours."""


def load_snapshot(
    raw_dir: Path, source_id: str, max_bytes: int = DEFAULT_LIMITS.max_page_bytes
) -> tuple[Snapshot, str] | None:
    """The stored snapshot and its body file name, or None when the source has none yet.

    Raises DatasetError, naming the file, when the metadata or the body is unreadable, not a
    regular file (a FIFO, a device, a directory, or a symlink to one), or the body is larger
    than `max_bytes`: nothing is read past that bound.
    """
    path = meta_path(raw_dir, source_id)
    if not path.exists():
        return None
    meta_bytes = read_file(path, META_MAX_BYTES, error=DatasetError)
    try:
        meta = json.loads(meta_bytes.decode("utf-8"))
        name = meta["file"]
        if Path(name).name != name or not name.startswith(source_id + "."):
            raise DatasetError(f"{path}: file {name!r} is not this source's body")
    except (ValueError, KeyError, TypeError, RecursionError) as exc:
        raise DatasetError(f"{path}: unreadable snapshot ({exc.__class__.__name__})") from None
    body = _load_body(raw_dir / name, max_bytes)
    digest = sha256_hex(body)
    if meta.get("sha256") and meta["sha256"] != digest:
        raise DatasetError(f"{path}: body does not match its sha256")
    snapshot = Snapshot(
        source_id=source_id,
        body=body,
        **{
            key: meta.get(key, 0 if key == "status" else "")
            for key in _META_FIELDS
            if key != "sha256"
        },
        sha256=digest,
    )
    return snapshot, name


def check_snapshot(raw_dir: Path, source_id: str) -> tuple[tuple[Snapshot, str] | None, str]:
    """The stored snapshot (None when there is none) and, when it cannot be trusted, why.

    A snapshot is torn when its body and its metadata disagree or the metadata is unreadable
    or wrongly typed (a kill between the two writes, a hand edit): it is then returned as None
    with the reason, and only an unconditional fetch can heal it.
    """
    try:
        stored = load_snapshot(raw_dir, source_id)
    except DatasetError as exc:
        return None, str(exc)
    if stored is None:
        return None, ""
    snapshot = stored[0]
    for key in _META_FIELDS:
        value = getattr(snapshot, key)
        wrong = (
            not isinstance(value, int) or isinstance(value, bool)
            if key == "status"
            else not isinstance(value, str)
        )
        if wrong:
            path = meta_path(raw_dir, source_id)
            return None, f"{path}: {key} is {type(value).__name__}, not what a snapshot holds"
    return stored, ""


def same_content(a: Snapshot, b: Snapshot) -> bool:
    """The same page as far as the dataset can tell: bytes and what decides how they are read.

    New validators (ETag, Last-Modified), a redirect, a new status or retrieval time are not a
    change.
    """
    return (
        a.body == b.body
        and a.content_type == b.content_type
        and a.charset == b.charset
        and a.url == b.url
    )


def _load_body(path: Path, max_bytes: int) -> bytes:
    """A snapshot's body, bounded before it is read (a page over the limit is refused)."""
    return read_file(path, max_bytes, error=DatasetError)


def save_snapshot(raw_dir: Path, snapshot: Snapshot, name: str = "") -> str:
    """Store a snapshot; files are rewritten only when their content changes. Returns the name.

    The body is written first, then its metadata, and only then is a body stored under
    another name removed: a kill between any two steps leaves a body whose digest the metadata
    contradicts (a torn snapshot, healed by the next online refresh) or a stray old body,
    never metadata that names a missing file. An OSError becomes a DatasetError naming the
    file and the cause.
    """
    name = name or body_name(snapshot.source_id, snapshot.content_type)
    body_path = raw_dir / name
    current = body_path
    try:
        try:
            unchanged = body_path.read_bytes() == snapshot.body
        except OSError:
            unchanged = False
        if not unchanged:
            write_bytes_atomic(body_path, snapshot.body)
        data = {key: value for key, value in asdict(snapshot).items() if key in _META_FIELDS}
        data["sha256"] = sha256_hex(snapshot.body)
        data["file"] = name
        current = meta_path(raw_dir, snapshot.source_id)
        write_atomic(
            current,
            json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        )
        # A body stored under another extension before (the page changed its content type).
        for extension in sorted({".html", ".md", ".txt"} - {Path(name).suffix}):
            current = raw_dir / f"{snapshot.source_id}{extension}"
            current.unlink(missing_ok=True)
    except OSError as exc:
        raise DatasetError(f"{current}: cannot write ({describe(exc)})") from None
    return name
