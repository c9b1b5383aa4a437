"""Files written whole or not at all: through a temporary file, fsync and a rename."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import signal
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from scraper.bounded import read_file
from scraper.errors import ScraperError


class Terminated(KeyboardInterrupt):
    """SIGTERM, met as Ctrl-C is: every write in progress is undone on the way out."""


def raise_terminated(signum: int, frame: object) -> None:
    """A SIGTERM handler: raise Terminated where the main thread is."""
    raise Terminated()


def holds(path: Path, data: bytes) -> bool:
    """Whether the regular file at `path` holds exactly `data`. Reads at most len(data) bytes:
    a larger file, a FIFO, a device or a missing file holds something else."""
    try:
        return read_file(path, len(data)) == data
    except ScraperError:
        return False


def write_atomic(path: Path, text: str) -> bool:
    """Write text to path through a temporary file and a rename. False when already equal."""
    data = text.encode("utf-8")
    if holds(path, data):
        return False
    write_bytes_atomic(path, data)
    return True


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Temporary files are private (0600, 0700); what they become is made as any new file would be.
FILE_MODE = 0o666 & ~_umask()
DIR_MODE = 0o777 & ~_umask()


@contextmanager
def signals_deferred() -> Iterator[None]:
    """SIGINT and SIGTERM wait for the end of the block (then act as usual): a write that has
    created its temporary file or folder gets to remove it or rename it into place. Otherwise
    the interrupt could land between the creation and the code that cleans up after it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with signals_deferred():
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            os.fchmod(fd, FILE_MODE)
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


# What write_bytes_atomic leaves when it is killed between creating and renaming its file:
# ".NAME.XXXXXXXX.tmp", XXXXXXXX from mkstemp.
_TEMPORARY = re.compile(r"\..+\.[A-Za-z0-9_]{8}\.tmp")


def temporary_files(folder: Path) -> list[Path]:
    """The temporary files of interrupted writes in `folder` (not in its subfolders)."""
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return []
    return [folder / name for name in names if _TEMPORARY.fullmatch(name)]


LOCK_NAME = ".refresh.lock"
"""The lock file of a project, beside its manifest: held by the one process writing it."""

# A reader's probe of the lock (lock_holder) holds it for microseconds; a writer that meets
# the lock busy looks again for this long before it concludes that another writer runs.
_LOCK_PATIENCE = 0.5


def _lock_pid(fd: int) -> int | None:
    try:
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


class ProjectLock:
    """One writer per project: an advisory lock (flock) on `.refresh.lock` beside the manifest.

    The holder's pid is written into the file for the message a second writer gets, and
    cleared on release. The file is never removed (removing it would let two writers lock two
    different files); the lock itself ends with the process that holds it, however it ends.
    """

    def __init__(self, root: Path) -> None:
        self.path = (root / LOCK_NAME).absolute()  # named in full in messages
        self._fd: int | None = None

    def __enter__(self) -> ProjectLock:
        try:
            fd = os.open(
                self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NONBLOCK, FILE_MODE
            )
        except OSError as exc:
            raise ScraperError(
                f"{self.path}: cannot open the lock file ({describe(exc)})"
            ) from None
        deadline = time.monotonic() + _LOCK_PATIENCE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() < deadline:
                    time.sleep(0.02)
                    continue
                pid = _lock_pid(fd)
                os.close(fd)
                holder = f"process {pid}" if pid else "another process"
                raise ScraperError(
                    f"{self.path}: another refresh of this project is running ({holder} holds "
                    "the lock); wait for it to finish, then run refresh again"
                ) from None
            except OSError as exc:
                os.close(fd)
                raise ScraperError(f"{self.path}: cannot lock ({describe(exc)})") from None
        with contextlib.suppress(OSError):  # the pid only improves another writer's message
            os.ftruncate(fd, 0)
            os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            # Emptied before it is released: a project left alone stays byte for byte the
            # same from one run to the next (a killed holder leaves its pid behind, which the
            # next holder overwrites).
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)  # releases the lock
            self._fd = None


def lock_holder(root: Path) -> int | None:
    """The pid of the writer holding the project's lock (0 when unknown), None when none does.

    Reads only: the lock file is neither created nor changed.
    """
    try:
        # O_NONBLOCK: a FIFO in the lock file's place must not keep a reader waiting.
        fd = os.open(root / LOCK_NAME, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _lock_pid(fd) or 0
        except OSError:
            return None
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def describe(exc: OSError) -> str:
    """The cause of a failed file operation in words: "No space left on device"."""
    return exc.strerror or exc.__class__.__name__
