"""One deadline per request for every network operation it makes, and a way to cancel it.

httpx's own timeouts bound each read alone, so a server that drips a byte at a time would
restart them for ever; here every network operation of a request is cut to the time its deadline
leaves (see Deadline). The waits are also made of short steps that watch for a cancellation, so
that an interrupted run stops its worker threads within a fraction of a second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

# The longest single wait on the network: a cancelled request notices within this time.
STEP = 0.1


class Cancelled(Exception):
    """The run was interrupted: a request in flight gives up."""


class Deadline:
    """When the request running in this thread must be over, and what cancels it."""

    def __init__(self, seconds: float, cancelled: threading.Event) -> None:
        self.end = time.monotonic() + seconds
        self.cancelled = cancelled

    def left(self, timeout: float | None, expired: type[Exception]) -> float:
        """Seconds an operation whose own timeout is `timeout` may still wait; raises
        `expired` once the deadline has passed and Cancelled once the run is cancelled."""
        if self.cancelled.is_set():
            raise Cancelled()
        left = self.end - time.monotonic()
        if timeout is not None:
            left = min(left, timeout)
        if left <= 0:
            raise expired("deadline of the request passed")
        return left


_current = threading.local()


@contextmanager
def deadline_scope(seconds: float, cancelled: threading.Event) -> Iterator[Deadline]:
    """Puts every network operation of this thread under one deadline for the block."""
    deadline = Deadline(seconds, cancelled)
    _current.deadline = deadline
    try:
        yield deadline
    finally:
        _current.deadline = None


def _deadline_now() -> Deadline | None:
    deadline: Deadline | None = getattr(_current, "deadline", None)
    return deadline


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes stop at the deadline of the request using it.

    Reads wait in steps of at most STEP seconds, so that a cancellation is noticed at once.
    Outside a deadline (a client used for something else) it behaves as the stream it wraps.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        deadline = _deadline_now()
        if deadline is None:
            return self._stream.read(max_bytes, timeout)
        ends = None if timeout is None else time.monotonic() + timeout
        while True:
            left = deadline.left(
                None if ends is None else ends - time.monotonic(), httpcore.ReadTimeout
            )
            try:
                return self._stream.read(max_bytes, min(left, STEP))
            except httpcore.ReadTimeout:
                if left <= STEP:
                    raise

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.WriteTimeout)
        self._stream.write(buffer, timeout)

    def close(self) -> None:
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """Opens connections as `backend` does, under the deadline of the request, as
    _DeadlineStreams.

    Resolving a name and connecting cannot be cut into steps, so under a deadline they run in
    a thread of their own that the request waits for step by step: a cancellation or the
    deadline ends the wait (a name lookup is bounded by no timeout of its own), and the
    connection, should it still come, is closed.
    """

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is None:
            return _DeadlineStream(
                self._backend.connect_tcp(host, port, timeout, local_address, socket_options)
            )
        timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        ends = time.monotonic() + timeout
        outcome: list[httpcore.NetworkStream | BaseException] = []
        lock = threading.Lock()
        done = threading.Event()

        def connect() -> None:
            try:
                stream = self._backend.connect_tcp(
                    host, port, timeout, local_address, socket_options
                )
            except BaseException as exc:
                result: httpcore.NetworkStream | BaseException = exc
            else:
                result = stream
            with lock:
                if done.is_set():  # abandoned by the request
                    if not isinstance(result, BaseException):
                        result.close()
                    return
                outcome.append(result)
                done.set()

        threading.Thread(target=connect, name="fetch-connect", daemon=True).start()
        try:
            while not done.wait(STEP):
                deadline.left(ends - time.monotonic(), httpcore.ConnectTimeout)
        except BaseException:  # the deadline, a cancellation or an interrupt: give up
            with lock:
                done.set()
                for late in outcome:
                    if not isinstance(late, BaseException):
                        late.close()
            raise
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return _DeadlineStream(result)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        deadline = _deadline_now()
        if deadline is not None:
            timeout = deadline.left(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def install_deadlines(client: httpx.Client) -> None:
    """Route the connections of every transport of `client` through _DeadlineBackend.

    httpx offers no way to choose the network backend of the connection pool it builds, so
    the pool's is wrapped in place; a transport without one (a test double, a custom
    transport) is left as it is, under httpx's timeouts alone.
    """
    transports = [client._transport, *client._mounts.values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if isinstance(backend, httpcore.NetworkBackend) and not isinstance(
            backend, _DeadlineBackend
        ):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
