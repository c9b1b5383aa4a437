"""Command line: exit codes, signals and the handlers of the commands (scraper.commands).
The arguments are defined in scraper.cli_args; the work is done by the library."""

from __future__ import annotations

import gc
import os
import signal
import sys
import threading
from collections.abc import Sequence

from scraper.cli_args import build_parser
from scraper.errors import ScraperError, UsageError

EXIT_OK = 0
EXIT_FAILED = 1
"""A page, a source or a check failed; what could be done was done."""
EXIT_USAGE = 2
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM


def main(argv: Sequence[str] | None = None) -> int:
    from scraper.atomic import raise_terminated

    # SIGTERM is met as Ctrl-C is, whatever the command is doing: what is being written is
    # undone, one line says so, and the exit status is 128 + 15. (Only the main thread can
    # handle signals; main called from another thread leaves them as they are.)
    # The handler before is restored on return, for programs that call main themselves.
    before = None
    if threading.current_thread() is threading.main_thread():
        before = signal.signal(signal.SIGTERM, raise_terminated)
    try:
        return _main(argv)
    except KeyboardInterrupt as exc:  # before or after the command's own handling
        return _interrupted(exc)
    finally:
        if before is not None:
            signal.signal(signal.SIGTERM, before)


def _main(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    from scraper import commands

    # A run makes many small objects that live to its end: the modules loaded so far are
    # never collected, and young objects are collected less often.
    gc.freeze()
    gc.set_threshold(50_000, 50, 1_000)

    handlers = {
        "parse": commands.run_parse,
        "refresh": commands.run_refresh,
        "diff": commands.run_diff,
        "validate": commands.run_validate,
        "export": commands.run_export,
        "lookup": commands.run_lookup,
    }
    try:
        return handlers[args.command](args)
    except UsageError as exc:
        print(f"scraper: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ScraperError as exc:
        print(f"scraper: {exc}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt as exc:
        return _interrupted(exc)
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: still one line, never a traceback, unless debugging
        if os.environ.get("SCRAPER_DEBUG"):
            raise
        print(f"scraper: internal error: {exc.__class__.__name__}: {exc}"[:500], file=sys.stderr)
        return EXIT_INTERNAL


def _interrupted(exc: KeyboardInterrupt) -> int:
    """One line for Ctrl-C (exit 130) or SIGTERM (exit 143); for a refresh, what the dataset
    folder holds, and the summary on stdout when the new dataset was written."""
    from scraper.atomic import Terminated

    interrupts = sys.modules.get("scraper.interrupts")  # only a refresh raises RefreshInterrupted
    if interrupts is not None and isinstance(exc, interrupts.RefreshInterrupted):
        if exc.report is not None:
            from scraper.refresh_report import render_refresh_report

            try:
                sys.stdout.write(render_refresh_report(exc.report))
                sys.stdout.flush()
            except (BrokenPipeError, KeyboardInterrupt):
                pass
        print(f"scraper: {exc}", file=sys.stderr)
        return EXIT_TERMINATED if exc.terminated else EXIT_INTERRUPTED
    terminated = isinstance(exc, Terminated)
    print(f"scraper: {'terminated' if terminated else 'interrupted'}", file=sys.stderr)
    return EXIT_TERMINATED if terminated else EXIT_INTERRUPTED
