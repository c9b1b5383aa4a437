"""A one-line progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

_WIDTH = 30
_LINE = 100


class ProgressBar:
    """Draws the progress reports of a staged job, e.g. refresh's
    on_progress(stage, done, total, what), as one line redrawn in place; each stage starts
    its bar anew. Disabled, it draws nothing. Safe to call from several threads."""

    def __init__(self, enabled: bool, stream: TextIO | None = None) -> None:
        self.enabled = enabled
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()
        self._drawn = False

    def __call__(self, stage: str, done: int, total: int, what: str = "") -> None:
        if not self.enabled:
            return
        total = max(total, 1)
        filled = _WIDTH * min(done, total) // total
        bar = "#" * filled + "-" * (_WIDTH - filled)
        with self._lock:
            self._stream.write(f"\r{stage} [{bar}] {done}/{total} {what[:40]:40}")
            self._stream.flush()
            self._drawn = True

    def close(self) -> None:
        """Clear the line, so that what is printed next starts on a clean line."""
        with self._lock:
            if self._drawn:
                self._stream.write("\r" + " " * _LINE + "\r")
                self._stream.flush()
                self._drawn = False
