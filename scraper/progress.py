"""A one-line progress bar on stderr, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys
import threading
from typing import TextIO


class Progress:
    def __init__(self, total: int, label: str, enabled: bool, stream: TextIO | None = None) -> None:
        self.total = max(total, 1)
        self.label = label
        self.enabled = enabled
        self.done = 0
        self._stream = stream or sys.stderr
        self._lock = threading.Lock()

    def advance(self, what: str = "") -> None:
        with self._lock:
            self.done += 1
            if not self.enabled:
                return
            width = 30
            filled = width * self.done // self.total
            bar = "#" * filled + "-" * (width - filled)
            self._stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total} {what[:40]:40}")
            self._stream.flush()

    def close(self) -> None:
        if self.enabled:
            self._stream.write("\r" + " " * 100 + "\r")
            self._stream.flush()
