"""Soak: refreshes killed, interrupted and run two at a time, round after round, heal.

Opt-in (`--run-soak -m soak`), for SOAK_SECONDS (default 180). A project of 200 online sources
in a temporary folder is served by a real HTTP server on 127.0.0.1 whose pages, ETags, robots.txt
and response times change between rounds. Each round runs real CLI processes: refreshes online
and offline, some killed with SIGKILL or SIGTERM at a random moment, some run two at once, and
`validate` beside them. After a kill nothing may be half-written: `normalized/` holds its four
files, and a reader removes nothing. At the end of every round a clean refresh and `validate`
must pass, every ok source's snapshot in raw/ must exist with the digest sources.csv gives it,
and no temporary file or staging folder may remain. The seed is printed (SOAK_SEED replays it).
"""

from __future__ import annotations

import csv
import hashlib
import os
import random
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest

from scraper.dataset import DATASET_FILES as DATASET_FILES_WRITTEN
from tests.conftest import ROOT
from tests.httpserver import TestServer, reply

pytestmark = pytest.mark.soak

SOURCES = 200
DATASET_FILES = sorted(DATASET_FILES_WRITTEN)
PROCESS_TIMEOUT = 120.0
"""No process of the soak may run longer than this: the test always ends by itself."""
LOCK_REFUSAL = "another refresh of this project is running"


def _extra_table(page: int, version: int) -> str:
    rows = "".join(
        f"| Soak{page}x{row} | Message {row} of page {page}, version {version}. "
        f"| The request failed for reason {row}; retry later. |\n"
        for row in range(20 + version % 3)
    )
    return (
        f"\n\n## More error codes\n\n| Error code | Message | Description |\n|---|---|---|\n{rows}"
    )


class SoakSite:
    """200 pages built from the seed snapshots; what changes between rounds is scripted."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.seeds = [p.read_bytes() for p in sorted((ROOT / "raw").glob("*.txt"))]
        self.version = [0] * SOURCES
        self.etag_salt = [0] * SOURCES
        self.no_etag: set[int] = set()
        self.delay = [0.0] * SOURCES
        self.failing: set[int] = set()
        self.lock = threading.Lock()

    def body(self, page: int) -> bytes:
        seed = self.seeds[page % len(self.seeds)]
        return seed + _extra_table(page, self.version[page]).encode()

    def churn(self, calm: bool) -> str:
        """Change some pages, some ETags alone, some timings; in a rough round, break a few."""
        rng = self.rng
        with self.lock:
            edited = rng.sample(range(SOURCES), rng.randint(0, 25))
            for page in edited:
                self.version[page] += 1
            retagged = rng.sample(range(SOURCES), rng.randint(0, 25))
            for page in retagged:
                self.etag_salt[page] += 1
            self.no_etag = set(rng.sample(range(SOURCES), rng.randint(0, 20)))
            self.delay = [rng.choice((0.0, 0.0, 0.0, 0.001, 0.005, 0.02)) for _ in range(SOURCES)]
            self.failing = set() if calm else set(rng.sample(range(SOURCES), rng.randint(0, 3)))
        return (
            f"{len(edited)} pages edited, {len(retagged)} ETags changed alone, "
            f"{len(self.failing)} failing"
        )

    def calm(self) -> None:
        with self.lock:
            self.failing = set()

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        try:
            page = int(request.path.removeprefix("/p"))
        except ValueError:
            reply(request, 404, b"no such page")
            return
        with self.lock:
            delay = self.delay[page]
            failing = page in self.failing
            body = self.body(page)
            digest = hashlib.sha256(body).hexdigest()[:16]
            etag = None if page in self.no_etag else f'"{digest}-{self.etag_salt[page]}"'
        if delay:
            time.sleep(delay)
        if failing:
            reply(request, 503, b"upstream broke")
            return
        headers = {"Content-Type": "text/markdown; charset=utf-8"}
        if etag is not None:
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                reply(request, 304, b"", {"ETag": etag})
                return
        reply(request, 200, body, headers)


class Robots:
    """robots.txt that allows every page: as a text, or missing (404), changing by round."""

    def __init__(self) -> None:
        self.missing = False

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        if self.missing:
            reply(request, 404, b"no robots.txt")
        else:
            reply(
                request,
                200,
                b"User-agent: *\nDisallow: /private/\n",
                {"Content-Type": "text/plain"},
            )


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "SCRAPER_DEBUG"}
    env["PYTHONPATH"] = str(ROOT)
    return env


class Soak:
    def __init__(self, project: Path, server: TestServer, rng: random.Random) -> None:
        self.project = project
        self.manifest = project / "sources.toml"
        self.server = server
        self.rng = rng
        self.rounds = 0
        self.refreshes = 0
        self.kills = {"SIGKILL": 0, "SIGTERM": 0}
        self.refused = 0
        self.validates = 0
        self.ahead = 0
        """Interrupted refreshes that left raw/ ahead of sources.csv (healed by the next)."""
        self.log: list[str] = []
        self.took = {"online": 3.0, "offline": 3.0}
        """How long a whole refresh took lately: kills aim anywhere within that."""

    # Processes ------------------------------------------------------------------------------

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        if args[0] == "refresh":
            self.refreshes += 1
            args = (
                *args,
                *("--manifest", str(self.manifest), "--delay", "0", "--timeout", "10"),
                *("--retries", "0", "--quiet"),
            )
        return subprocess.Popen(
            [sys.executable, "-m", "scraper", *args],
            cwd=self.project,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=_env(),
        )

    def finish(self, process: subprocess.Popen[bytes]) -> tuple[int, str]:
        try:
            _, err = process.communicate(timeout=PROCESS_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate(timeout=10)
            raise AssertionError(f"{process.args} ran longer than {PROCESS_TIMEOUT} s") from None
        return process.returncode, err.decode(errors="replace")

    def run(self, *args: str) -> tuple[int, str]:
        started = time.monotonic()
        result = self.finish(self.start(*args))
        if args[0] == "refresh":
            self.took["offline" if "--offline" in args else "online"] = time.monotonic() - started
        return result

    # Checks ---------------------------------------------------------------------------------

    def leftovers(self) -> list[str]:
        found = []
        for path in self.project.rglob("*"):
            name = path.name
            if name.endswith(".tmp") or name.startswith((".normalized.new-", ".normalized.old-")):
                found.append(str(path.relative_to(self.project)))
        return sorted(found)

    def whole(self, what: str) -> None:
        """What a kill may leave: a whole dataset folder, and a reader that changes nothing."""
        normalized = self.project / "normalized"
        names = sorted(p.name for p in normalized.iterdir() if not p.name.endswith(".tmp"))
        assert names == DATASET_FILES, (what, names)
        before = self.leftovers()
        code, err = self.run("validate", str(normalized))
        self.validates += 1
        assert code in (0, 1), (what, code, err)
        if "sha256 differs" in err:
            self.ahead += 1
        for line in err.strip().splitlines():
            assert "internal error" not in line, (what, line)
        assert self.leftovers() == before, f"{what}: validate removed or added files"

    def settled(self, what: str, offline: bool = False) -> None:
        """A clean refresh and validate pass, and raw/ agrees with sources.csv."""
        if offline:
            code, err = self.run("refresh", "--offline")
            assert code == 0, (what, code, err)
        code, err = self.run("refresh")
        assert code == 0, (what, code, err)
        normalized = self.project / "normalized"
        code, err = self.run("validate", str(normalized))
        self.validates += 1
        assert code == 0, (what, err)
        assert self.leftovers() == [], what
        assert sorted(p.name for p in normalized.iterdir()) == DATASET_FILES, what
        with (normalized / "sources.csv").open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == SOURCES, what
        for row in rows:
            assert row["status"] == "ok", (what, row)
            raw = self.project / row["raw_file"]
            assert raw.is_file(), (what, row["id"], row["raw_file"])
            digest = hashlib.sha256(raw.read_bytes()).hexdigest()
            assert digest == row["sha256"], (what, row["id"], "raw/ and sources.csv disagree")

    # Moves ----------------------------------------------------------------------------------

    def kill_a_refresh(self, offline: bool) -> str:
        asked = len(self.server.paths())
        process = self.start("refresh", *(["--offline"] if offline else []))
        if not offline:
            # From its first request on, the refresh is surely running.
            deadline = time.monotonic() + 30
            while len(self.server.paths()) == asked and process.poll() is None:
                assert time.monotonic() < deadline, "no request from the refresh"
                time.sleep(0.005)
        mode = "offline" if offline else "online"
        time.sleep(self.rng.uniform(0.0, 1.2 * self.took[mode]))
        name = self.rng.choice(("SIGKILL", "SIGTERM"))
        ended_before = process.poll() is not None
        if not ended_before:
            process.send_signal(getattr(signal, name))
            self.kills[name] += 1
        code, err = self.finish(process)
        allowed = {0, 1} if ended_before else {0, 1, 143, -signal.SIGKILL, -signal.SIGTERM}
        assert code in allowed, (name, code, err)
        if code == 143:
            # SIGTERM is met as Ctrl-C is: the writes in progress are undone on the way out,
            # and the last line says what the dataset holds.
            last = err.strip().splitlines()[-1]
            assert last == "scraper: terminated" or (
                last.startswith("scraper: terminated")
                and last.endswith(("holds the previous dataset, unchanged", "is complete"))
            ), err
            assert self.leftovers() == [], "SIGTERM left temporary files"
        return f"{mode} refresh, {name if not ended_before else 'ended'} -> {code}"

    def two_at_once(self) -> str:
        offline = [self.rng.random() < 0.3 for _ in range(2)]
        first = self.start("refresh", *(["--offline"] if offline[0] else []))
        time.sleep(self.rng.uniform(0.0, 0.5))
        second = self.start("refresh", *(["--offline"] if offline[1] else []))
        results = [self.finish(first), self.finish(second)]
        for code, err in results:
            assert code in (0, 1), (code, err)
            if LOCK_REFUSAL in err:
                self.refused += 1
                lines = err.strip().splitlines()
                assert len(lines) == 1, lines
                assert str(self.project / ".refresh.lock") in lines[0], lines
                assert "holds the lock" in lines[0], lines
        refused = sum(LOCK_REFUSAL in err for _, err in results)
        assert refused <= 1, results
        return f"two refreshes -> {[code for code, _ in results]}, {refused} refused"

    def validate_beside(self) -> str:
        process = self.start("refresh")
        time.sleep(self.rng.uniform(0.0, 1.5))
        code, err = self.run("validate", str(self.project / "normalized"))
        self.validates += 1
        assert code in (0, 1), (code, err)
        refresh_code, refresh_err = self.finish(process)
        assert refresh_code in (0, 1), (refresh_code, refresh_err)
        return f"validate beside a refresh -> {code}, refresh -> {refresh_code}"

    def one_round(self, site: SoakSite, robots: Robots) -> None:
        self.rounds += 1
        calm = self.rng.random() < 0.5
        robots.missing = self.rng.random() < 0.3
        change = site.churn(calm)
        moves = []
        for _ in range(self.rng.randint(1, 3)):
            move = self.rng.choice(("kill", "kill", "kill offline", "two", "validate"))
            if move == "kill":
                moves.append(self.kill_a_refresh(offline=False))
            elif move == "kill offline":
                moves.append(self.kill_a_refresh(offline=True))
            elif move == "two":
                moves.append(self.two_at_once())
            else:
                moves.append(self.validate_beside())
            self.whole(f"round {self.rounds}: {moves[-1]}")
        site.calm()
        self.log.append(f"round {self.rounds}: {change}; " + "; ".join(moves))
        self.settled(f"round {self.rounds}")


def test_refreshes_killed_and_run_together_always_heal(tmp_path: Path) -> None:
    seconds = float(os.environ.get("SOAK_SECONDS", "180"))
    seed = int(os.environ.get("SOAK_SEED", str(random.SystemRandom().randrange(2**32))))
    print(f"\nsoak: seed {seed} (SOAK_SEED={seed} replays it), {seconds:.0f} s")
    rng = random.Random(seed)
    site = SoakSite(rng)
    robots = Robots()
    with TestServer(site.handle, robots=robots.handle) as server:
        project = tmp_path / "project"
        project.mkdir()
        (project / "sources.toml").write_text(
            "\n".join(
                f'[[source]]\nid = "soak-{page:03d}"\nurl = "{server.url(f"/p{page}")}"\n'
                f'vendor = "Vendor {page % 7}"\nproduct = "Product {page}"\n'
                for page in range(SOURCES)
            ),
            encoding="utf-8",
        )
        soak = Soak(project, server, rng)
        try:
            soak.settled("the first refresh", offline=False)
            soak.settled("an offline refresh", offline=True)
            ends = time.monotonic() + seconds
            while time.monotonic() < ends:
                soak.one_round(site, robots)
            site.churn(calm=True)
            soak.settled("the end")
        finally:
            for line in soak.log:
                print(line)
            print(
                f"soak: seed {seed}: {soak.rounds} rounds, {soak.refreshes} refreshes, "
                f"{sum(soak.kills.values())} kills ({soak.kills['SIGKILL']} SIGKILL, "
                f"{soak.kills['SIGTERM']} SIGTERM), {soak.refused} refused by the lock, "
                f"{soak.validates} validates; {soak.ahead} times raw/ was left ahead of sources.csv"
            )
