"""A real HTTP server on 127.0.0.1 for tests, whose behaviour each test scripts.

    def handle(request: BaseHTTPRequestHandler) -> None:
        reply(request, 200, b"hello", {"ETag": '"v1"'})

    with TestServer(handle) as server:
        fetch_url(server.url("/page"))
        assert server.paths() == ["/robots.txt", "/page"]

The server answers /robots.txt itself (404 unless `robots` gives a text, a status or a handler
of its own) and records every request it sees in order of arrival. A request counts as in flight
from its arrival until the server starts to answer it: a second arrival within that window can
only come from a client that sent two requests at once, so `max_in_flight` shows whether a
client is polite.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

Handle = Callable[[BaseHTTPRequestHandler], None]


@dataclass
class Seen:
    """One request as the server saw it, with server-side monotonic times."""

    path: str
    headers: dict[str, str]
    started: float
    """When the request had been read."""
    answered: float = 0.0
    """When the server began to answer: the client cannot be done with the request before."""


def reply(
    request: BaseHTTPRequestHandler,
    status: int,
    body: bytes = b"",
    headers: Mapping[str, str] | None = None,
) -> None:
    """A complete response with a Content-Length."""
    request.send_response(status)
    for name, value in (headers or {}).items():
        request.send_header(name, value)
    request.send_header("Content-Length", str(len(body)))
    request.end_headers()
    request.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client that hangs up early (size cap, timeout) is what many tests are about.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class TestServer:
    """ThreadingHTTPServer on an ephemeral port, run in a thread for the `with` block."""

    __test__ = False  # not a test class, whatever its name

    def __init__(
        self,
        handle: Handle,
        host: str = "127.0.0.1",
        robots: str | int | Handle | None = None,
    ) -> None:
        """`robots`: the robots.txt to serve, the status to answer it with (None: 404), or a
        handler that answers it."""
        self.host = host
        self.seen: list[Seen] = []
        self.max_in_flight = 0
        self.stopping = threading.Event()
        """Set when the server stops, so that handlers which stall can give up."""
        self._in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            current: Seen | None = None

            def do_GET(self) -> None:
                headers = {name.lower(): value for name, value in self.headers.items()}
                self.current = server._arrive(Seen(self.path, headers, time.monotonic()))
                try:
                    if self.path == "/robots.txt":
                        if callable(robots):
                            robots(self)
                        elif robots is None or isinstance(robots, int):
                            reply(self, robots or 404, b"no robots.txt")
                        else:
                            reply(self, 200, robots.encode(), {"Content-Type": "text/plain"})
                    else:
                        handle(self)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up reading, as a size cap or a timeout makes it do.
                    self.close_connection = True
                finally:
                    self._answering()

            def send_response(self, code: int, message: str | None = None) -> None:
                self._answering()
                super().send_response(code, message)

            def _answering(self) -> None:
                if self.current is not None:
                    server._depart(self.current)
                    self.current = None

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def paths(self) -> list[str]:
        with self._lock:
            return [seen.path for seen in self.seen]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def _arrive(self, seen: Seen) -> Seen:
        with self._lock:
            self.seen.append(seen)
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
        return seen

    def _depart(self, seen: Seen) -> None:
        with self._lock:
            self._in_flight -= 1
            seen.answered = time.monotonic()

    def __enter__(self) -> TestServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)
