"""Shared fixtures: real data from ../shared (skipped when absent) and loopback servers."""

from __future__ import annotations

import json
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import IO, Any

import httpx
import pytest

from scrapers.base import ParseContext
from skillradar.replay import ReplayServer

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FETCHED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def shared() -> Path:
    if not (SHARED / "data").is_dir():
        pytest.skip("../shared is not present beside the repository")
    return SHARED


def fixture_json(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def ctx(board: str = "acme", company: str | None = None) -> ParseContext:
    return ParseContext(board=board, fetched_at=FETCHED_AT, company=company)


def free_port() -> int:
    """A free TCP port on 127.0.0.1 for a server a test starts as a separate process."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until_up(
    url: str, process: subprocess.Popen, timeout: float, what: str, log: IO[bytes] | None = None
) -> None:
    """Poll `url` until it answers 200; fail with the process's own words (its `log`) if it dies or takes
    too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = ""
            if log is not None:
                log.seek(0)
                tail = log.read().decode(errors="replace")[-2000:]
            raise RuntimeError(f"{what} exited: {tail}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError(f"{what} did not start within {timeout:.0f} s")


@contextmanager
def serving(command: list[str], ready_url: str, what: str, timeout: float = 60) -> Iterator[subprocess.Popen]:
    """A server a test starts as its own process: up once `ready_url` answers 200, stopped afterwards. Its
    stderr goes to a file (a pipe nobody reads could fill and stall it), shown if it fails to start."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            wait_until_up(ready_url, process, timeout, what, log)
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def replay() -> Iterator[type[ReplayServer]]:
    """Start replay servers inside a test; every one started is stopped afterwards."""
    started: list[ReplayServer] = []

    class Tracked(ReplayServer):
        def start(self) -> ReplayServer:
            started.append(self)
            return super().start()

    yield Tracked
    for server in started:
        server.stop()


@dataclass
class Scripted:
    """One scripted answer: status, headers, body, and an optional delay before answering."""

    status: int = 200
    body: bytes | str | Any = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    reset: bool = False

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class ScriptedServer:
    """A loopback server answering each path from a queue of `Scripted` answers (the last one repeats)."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Scripted]] = {}
        self.requests: list[tuple[str, dict[str, str], float]] = []
        self.bodies: list[bytes] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                server.bodies.append(self.rfile.read(length))
                self.do_GET()

            def do_GET(self) -> None:
                path = self.path
                server.requests.append(
                    (path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
                )
                queue = server.routes.get(path.split("?")[0]) or [Scripted(404, b"not found")]
                answer = queue.pop(0) if len(queue) > 1 else queue[0]
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.reset:
                    self.connection.shutdown(2)
                    return
                body = answer.payload()
                if answer.status == 304 or (
                    "ETag" in answer.headers and self.headers.get("If-None-Match") == answer.headers["ETag"]
                ):
                    self.send_response(304)
                    for key, value in answer.headers.items():
                        self.send_header(key, value)
                    self.end_headers()
                    return
                self.send_response(answer.status)
                for key, value in answer.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    return

            def log_message(self, format: str, *args: object) -> None:
                return

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def route(self, path: str, *answers: Scripted) -> None:
        self.routes[path] = list(answers)

    def hits(self, path: str) -> int:
        return sum(1 for p, _, _ in self.requests if p.split("?")[0] == path)

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()


@pytest.fixture
def scripted() -> Iterator[ScriptedServer]:
    server = ScriptedServer()
    yield server
    server.stop()
