"""raw/: per source, the exact bytes of the page and a metadata file beside them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path

from scraper.atomic import write_atomic, write_bytes_atomic
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
    except (ValueError, KeyError, TypeError) as exc:
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


def _load_body(path: Path, max_bytes: int) -> bytes:
    """A snapshot's body, bounded before it is read (a page over the limit is refused)."""
    return read_file(path, max_bytes, error=DatasetError)


def save_snapshot(raw_dir: Path, snapshot: Snapshot, name: str = "") -> str:
    """Store a snapshot; files are rewritten only when their content changes. Returns the name."""
    name = name or body_name(snapshot.source_id, snapshot.content_type)
    body_path = raw_dir / name
    try:
        unchanged = body_path.read_bytes() == snapshot.body
    except OSError:
        unchanged = False
    if not unchanged:
        write_bytes_atomic(body_path, snapshot.body)
    # A body stored under another extension before (the page changed its content type).
    for extension in {".html", ".md", ".txt"} - {Path(name).suffix}:
        (raw_dir / f"{snapshot.source_id}{extension}").unlink(missing_ok=True)
    data = {key: value for key, value in asdict(snapshot).items() if key in _META_FIELDS}
    data["sha256"] = sha256_hex(snapshot.body)
    data["file"] = name
    write_atomic(
        meta_path(raw_dir, snapshot.source_id),
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
    )
    return name
