"""Ctrl-C and SIGTERM during a refresh: what the exception says the dataset folder holds."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from scraper.atomic import raise_terminated

if TYPE_CHECKING:
    from scraper.refresh_report import RefreshReport


class RefreshInterrupted(KeyboardInterrupt):
    """A refresh ended by Ctrl-C or SIGTERM, saying what it leaves in the dataset folder.

    Raised in place of the KeyboardInterrupt (or Terminated) once every write in progress
    was undone or completed: `written` tells whether the new dataset is in place, and then
    `report` describes it (None when a second interrupt cut the comparison short).
    """

    def __init__(
        self,
        folder: Path,
        *,
        written: bool,
        terminated: bool,
        report: RefreshReport | None = None,
    ) -> None:
        self.folder = folder
        self.written = written
        self.terminated = terminated
        self.report = report
        word = "terminated" if terminated else "interrupted"
        if written:
            message = f"{word} after the new dataset was written; {folder}/ is complete"
        else:
            message = f"{word}; {folder}/ holds the previous dataset, unchanged"
        super().__init__(message)

    def __str__(self) -> str:
        return str(self.args[0])


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """For the duration, SIGTERM raises Terminated in the main thread, as SIGINT raises
    KeyboardInterrupt, so that temporary files and staging folders are removed before the
    process ends. Elsewhere than the main thread signals cannot be handled: nothing changes."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    before = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
