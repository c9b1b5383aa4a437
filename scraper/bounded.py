"""Reading files and streams with a size bound that holds before the bytes are read.

A path must name a regular file: a FIFO would block, a device (/dev/zero) never ends, a
directory holds no page. Its size is known from stat, so a file over the bound is refused
without reading it; the read itself takes at most bound + 1 bytes, in case the file grew.
A stream (standard input) has no size: it is read in chunks, at most bound + 1 bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import BinaryIO

from scraper.errors import ScraperError

_CHUNK = 1 << 20

_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def _refuse_irregular(name: str, mode: int, error: type[ScraperError]) -> None:
    if not stat.S_ISREG(mode):
        raise error(f"{name}: is {_kind(mode)}, not a regular file")


def _over(name: str, size: int | None, limit: int, error: type[ScraperError]) -> ScraperError:
    if size is None:
        return error(f"{name}: over the {limit}-byte limit")
    return error(f"{name}: {size} bytes, over the {limit}-byte limit")


def read_file(
    path: Path, limit: int, *, name: str = "", error: type[ScraperError] = ScraperError
) -> bytes:
    """The bytes of the regular file at `path` (symlinks followed), at most `limit` of them.

    Raises `error` with one line naming the file (`name`, else the path) when it is missing,
    unreadable, not a regular file, or larger than `limit`. Never blocks on a FIFO.
    """
    name = name or str(path)
    try:
        _refuse_irregular(name, os.stat(path).st_mode, error)
        # O_NONBLOCK: should the path become a FIFO after the stat, opening it does not wait
        # for a writer; fstat below then refuses it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise error(f"{name}: no such file") from None
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    try:
        info = os.fstat(fd)
        _refuse_irregular(name, info.st_mode, error)
        if info.st_size > limit:
            raise _over(name, info.st_size, limit, error)
        with os.fdopen(fd, "rb") as handle:
            fd = -1
            data = _read_at_most(handle, limit + 1)
    except OSError as exc:
        if exc.errno == errno.EISDIR:
            raise error(f"{name}: is a directory, not a regular file") from None
        raise error(f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        raise _over(name, None, limit, error)
    return data


def read_stream(
    stream: BinaryIO, limit: int, *, name: str, error: type[ScraperError] = ScraperError
) -> bytes:
    """At most `limit` bytes of a stream read to its end; a longer stream raises `error`
    once limit + 1 bytes are in, whatever follows (an endless stream included)."""
    try:
        info = os.fstat(stream.fileno())
    except (OSError, ValueError, AttributeError):
        info = None
    if info is not None:
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{name}: is a directory, not a regular file")
        if stat.S_ISREG(info.st_mode) and info.st_size > limit:
            raise _over(name, info.st_size, limit, error)
    try:
        data = _read_at_most(stream, limit + 1)
    except OSError as exc:
        raise error(f"{name}: cannot read ({exc.strerror or exc.__class__.__name__})") from None
    if len(data) > limit:
        raise _over(name, None, limit, error)
    return data


def _read_at_most(stream: BinaryIO, count: int) -> bytes:
    """Read until end of stream or `count` bytes, whichever comes first."""
    parts: list[bytes] = []
    left = count
    while left > 0:
        chunk = stream.read(min(left, _CHUNK))
        if not chunk:
            break
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)
