"""Reading a response's body: bounded in size, inflated a bounded step at a time.

Every body is read under a size cap that also holds for compressed bodies, and whatever goes
wrong while reading becomes an AttemptFailure saying whether another attempt is worth it.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterator

import httpx

_CHUNK = 64 * 1024
# Bodies of answers without content are read, up to this much, to keep the connection.
_DRAIN_BYTES = 64 * 1024


class AttemptFailure(Exception):
    """Why one attempt failed; a retryable failure is tried again after `wait` or a backoff."""

    def __init__(self, reason: str, *, retryable: bool, wait: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.wait = wait


class _Inflater:
    """Decompresses gzip or deflate a bounded step at a time.

    httpx inflates each network chunk in one go, so 64 KiB of a gzip bomb can become 64 MiB in
    memory before any size check runs; here no step yields more than _CHUNK bytes.
    """

    def __init__(self, encoding: str) -> None:
        gzip = encoding in ("gzip", "x-gzip")
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        # Servers disagree on "deflate": RFC 9110 says zlib-wrapped, many send it raw.
        self._may_be_raw = not gzip

    def feed(self, data: bytes) -> Iterator[bytes]:
        while data:
            try:
                out = self._zlib.decompress(data, _CHUNK)
            except zlib.error:
                if not self._may_be_raw:
                    raise
                self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                self._may_be_raw = False
                continue
            self._may_be_raw = False
            data = self._zlib.unconsumed_tail
            if out:
                yield out

    def finish(self) -> bytes:
        tail = self._zlib.flush()
        if not self._zlib.eof:
            raise zlib.error("compressed stream ends early")
        return tail


def drain(response: httpx.Response) -> None:
    """Read a short body we do not need (a 304, a redirect, an error page), so that the
    connection can serve the next request; a long one is left unread and the connection
    closed."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) <= _DRAIN_BYTES:
        read = 0
        for raw in response.iter_raw():
            read += len(raw)
            if read > _DRAIN_BYTES:
                return


def read_body(
    response: httpx.Response, limit: int, deadline: float, *, truncate: bool = False
) -> bytes:
    """The decoded body, at most `limit` bytes of it: a longer one fails, or with `truncate`
    is cut at `limit` and the rest left unread."""
    encoding = response.headers.get("content-encoding", "").strip().lower()
    inflater = None
    if encoding in ("gzip", "x-gzip", "deflate"):
        inflater = _Inflater(encoding)
    elif encoding not in ("", "identity"):
        raise AttemptFailure(f"unsupported content encoding {encoding}", retryable=False)
    else:
        # Content-Length counts the bytes as sent, so it only says something when uncompressed.
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit and not truncate:
            raise AttemptFailure(f"response larger than {limit} bytes", retryable=False)
    chunks: list[bytes] = []
    size = 0
    try:
        for raw in response.iter_raw():
            # httpx times out a silent server; a server that trickles needs a deadline too.
            if time.monotonic() > deadline:
                raise AttemptFailure("timed out", retryable=True)
            for piece in inflater.feed(raw) if inflater else (raw,):
                size += len(piece)
                if size > limit:
                    if truncate:
                        chunks.append(piece[: len(piece) - (size - limit)])
                        return b"".join(chunks)
                    raise AttemptFailure(f"response larger than {limit} bytes", retryable=False)
                chunks.append(piece)
        if inflater:
            chunks.append(inflater.finish())
    except zlib.error as exc:
        raise AttemptFailure(f"cannot decode {encoding} body: {exc}", retryable=False) from exc
    return b"".join(chunks)
