"""A small static server on loopback that replays recorded API responses through the real client code.

A request path is answered from the directory by the first match of:
1. the exact file (`/hn/v0/item/1.json`),
2. the path with `.json` added (`/remoteok/api` -> `remoteok/api.json`),
3. `index.json` inside the path,
4. a board file: under `/<dir>/...`, the file `<dir>/<segment>.json` for a segment of the path, last
   first — so `/greenhouse/v1/boards/alignerr/jobs` finds `greenhouse/alignerr.json`.
Query strings are ignored. Responses carry ETag and Last-Modified and answer conditional requests
with 304, like the real feeds do.
"""

from __future__ import annotations

import email.utils
import hashlib
import ipaddress
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

LOOPBACK = "127.0.0.1"


def resolve(root: Path, request_path: str) -> Path | None:
    """The file under `root` that answers `request_path`, or None (never a path outside `root`)."""
    root = root.resolve()
    clean = unquote(urlsplit(request_path).path).strip("/")
    segments = [s for s in clean.split("/") if s not in {"", ".", ".."}]
    relative = "/".join(segments)
    candidates = [root / relative, root / f"{relative}.json", root / relative / "index.json"]
    if len(segments) >= 2:
        candidates += [root / segments[0] / f"{seg}.json" for seg in reversed(segments[1:])]
    for candidate in candidates:
        resolved = candidate.resolve()
        if resolved.is_file() and resolved.is_relative_to(root):
            return resolved
    return None


def _handler(root: Path, latency: float) -> type[BaseHTTPRequestHandler]:
    class ReplayHandler(BaseHTTPRequestHandler):
        server_version = "skillradar-replay/1"

        def do_GET(self) -> None:
            if latency:
                time.sleep(latency)
            found = resolve(root, self.path)
            if found is None:
                self.send_error(404, "no recorded response for this path")
                return
            body = found.read_bytes()
            etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
            modified = email.utils.formatdate(found.stat().st_mtime, usegmt=True)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            self.send_response(200)
            kind = "text/html" if found.suffix in {".html", ".htm"} else "text/plain"
            kind = "application/json" if found.suffix == ".json" or body[:1] in (b"{", b"[") else kind
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.send_header("Last-Modified", modified)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return ReplayHandler


class ReplayServer:
    """`with ReplayServer(dir) as server: server.url` — serves `dir` on 127.0.0.1 in a thread.

    `host` may be any loopback address (127.0.0.2 ... for several "hosts" on one machine) and `latency`
    delays every answer, as a distant server would; both serve the benchmarks.
    """

    def __init__(self, root: Path, port: int = 0, *, host: str = LOOPBACK, latency: float = 0.0) -> None:
        if not root.is_dir():
            raise FileNotFoundError(f"replay directory {root} does not exist")
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError(f"replay serves loopback only, not {host}")
        self.root = root
        self.host = host
        self._httpd = ThreadingHTTPServer((host, port), _handler(root, latency))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="replay", daemon=True)

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ReplayServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()

    def __enter__(self) -> ReplayServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
