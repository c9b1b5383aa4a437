"""Parsing a page's pieces in a thread, ahead of their reading.

lexbor lets go of the GIL while it parses, so one thread parses the next pieces while the
reader walks the trees of the ones before.
"""

from __future__ import annotations

import itertools
import queue
import threading
from collections import deque
from collections.abc import Iterable, Iterator

from selectolax.lexbor import LexborHTMLParser

from scraper.extract import htmlscan
from scraper.limits import Limits

# How many pieces are parsed ahead of the one being read.
_AHEAD = 2


class _Parsing:
    """A piece handed to the parsing thread, and its tree once parsed."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.tree: LexborHTMLParser | None = None
        self.error: BaseException | None = None
        self.done = threading.Event()


def _parse_each(jobs: queue.SimpleQueue[_Parsing | None]) -> None:
    """The parsing thread: one thread, so that freed trees are reused by the next parse."""
    while (job := jobs.get()) is not None:
        try:
            job.tree = LexborHTMLParser(job.body)
        except BaseException as exc:  # handed to the reader, in its thread
            job.error = exc
        job.body = b""
        job.done.set()


def _tree(job: _Parsing) -> LexborHTMLParser:
    job.done.wait()
    if job.error is not None:
        raise job.error
    assert job.tree is not None
    return job.tree


def parsed_pieces(
    data: bytes, lowered: bytes, bounds: Iterable[tuple[int, int]], limits: Limits
) -> Iterator[tuple[LexborHTMLParser, bytes, int]]:
    """Each piece's tree, lower-cased bytes and first line, in order; a page of one piece is
    parsed here, the pieces of a larger page in a thread, ahead of their use."""
    pieces = iter(bounds)
    first = next(pieces, (0, 0))
    if first == (0, len(data)):
        htmlscan.check_depth(lowered, limits.max_depth)
        yield LexborHTMLParser(data), lowered, 1
        return
    prefix = htmlscan.doctype(lowered, data)
    jobs: queue.SimpleQueue[_Parsing | None] = queue.SimpleQueue()
    threading.Thread(target=_parse_each, args=(jobs,), daemon=True).start()
    ahead: deque[tuple[_Parsing, bytes, int]] = deque()
    line = 1
    try:
        for start, end in itertools.chain([first], pieces):
            piece = lowered[start:end]
            htmlscan.check_depth(piece, limits.max_depth)
            job = _Parsing(data[start:end] if start == 0 else prefix + data[start:end])
            jobs.put(job)
            ahead.append((job, piece, line))
            line += piece.count(b"\n")
            if len(ahead) > _AHEAD:
                job, done_piece, done_line = ahead.popleft()
                yield _tree(job), done_piece, done_line
        while ahead:
            job, done_piece, done_line = ahead.popleft()
            yield _tree(job), done_piece, done_line
    finally:
        jobs.put(None)
