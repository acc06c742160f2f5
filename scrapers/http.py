"""The one polite HTTP client every source goes through.

Politeness is not optional here, so it lives in one place instead of in each source:
per-host concurrency and rate limits, timeouts, retries with exponential backoff and jitter that honour
`Retry-After`, conditional re-fetches (ETag / Last-Modified) through an on-disk hishel cache, robots.txt
for HTML pages, an honest User-Agent and a cap on how much of a body we are willing to read.
Every failure leaves as a typed `ScrapeError` naming the URL and status.
"""

from __future__ import annotations

import asyncio
import email.utils
import ipaddress
import json
import logging
import socket
import time
from collections import defaultdict
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

import hishel
import httpx
import stamina
from aiolimiter import AsyncLimiter
from hishel.httpx import AsyncCacheTransport
from protego import Protego

from scrapers.decoding import BoundedDecoder, encodings
from scrapers.errors import (
    HostNotFound,
    HTTPStatusFailure,
    MalformedPayload,
    NetworkFailure,
    RedirectRefused,
    ResponseTooLarge,
    RobotsDisallowed,
    ScrapeError,
)

DEFAULT_USER_AGENT = "skillradar/0.1 (job-market research bot; +https://github.com/skillradar/skillradar)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_REDIRECTS = 5
# Where the redirects of the current task led (requested URL -> final URL), for whoever set a dict here
# (`skillradar sources check`, per board). A context variable, not client state: boards fetched at once
# through one client each see their own.
REDIRECTS: ContextVar[dict[str, str] | None] = ContextVar("redirects", default=None)


def _internal(host: str) -> bool:
    """Whether a host written as an address is private, loopback, link-local or otherwise not public."""
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost"
    return not address.is_global


def _upgrade(original: str, target: str) -> bool:
    """The same host moved from http to https on the default ports: the redirect every site makes."""
    before, after = urlsplit(original), urlsplit(target)
    return (
        before.scheme == "http" and after.scheme == "https" and before.port in {None, 80}
        and after.port in {None, 443} and (before.hostname or "").lower() == (after.hostname or "").lower()
    )  # fmt: skip


def _origin(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.scheme.lower(), parts.netloc.lower()


@dataclass(frozen=True)
class ClientSettings:
    """Knobs of the polite client; defaults are deliberately gentle on the servers we read."""

    user_agent: str = DEFAULT_USER_AGENT
    timeout: float = 20.0
    max_bytes: int = 20 * 1024 * 1024
    per_host_concurrency: int = 2
    per_host_rate: float = 2.0
    attempts: int = 4
    wait_initial: float = 0.5
    wait_max: float = 30.0
    max_retry_after: float = 30.0  # a server asking to wait longer is given up on until the next run
    retry_timeout: float = 90.0  # all the attempts at one URL, waits included
    board_deadline: float = 900.0  # all the requests of one board (an HN thread is hundreds of them)
    redirect_hosts: frozenset[str] = frozenset()  # hosts a redirect may lead to besides the request's own
    cache_dir: Path | None = None
    respect_robots: bool = True


@dataclass
class FetchStats:
    """What the client did, for run summaries and benchmarks."""

    requests: int = 0
    retries: int = 0
    not_modified: int = 0
    from_cache: int = 0
    bytes_read: int = 0


@dataclass(frozen=True)
class FetchResult:
    url: str
    status: int
    body: bytes
    content_type: str
    from_cache: bool = False
    revalidated: bool = False


class _Retryable(Exception):
    """Internal: a response worth another attempt, carrying the server's requested delay if any."""

    def __init__(self, status: int, retry_after: float | None) -> None:
        super().__init__(f"HTTP {status}")
        self.status = status
        self.retry_after = retry_after


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now if now is not None else time.time()
    return max(0.0, when.timestamp() - current)


@dataclass
class _HostGate:
    semaphore: asyncio.Semaphore
    limiter: AsyncLimiter


@dataclass
class PoliteClient:
    """Async HTTP client shared by all sources of one scrape; use as an async context manager."""

    settings: ClientSettings = field(default_factory=ClientSettings)
    transport: httpx.AsyncBaseTransport | None = None
    stats: FetchStats = field(default_factory=FetchStats)

    def __post_init__(self) -> None:
        inner = self.transport or httpx.AsyncHTTPTransport(retries=0)
        if self.settings.cache_dir is not None and _usable_folder(self.settings.cache_dir, "the HTTP cache"):
            storage = hishel.AsyncSqliteStorage(database_path=self.settings.cache_dir / "http-cache.sqlite")
            inner = AsyncCacheTransport(
                next_transport=inner, storage=storage, rfc=hishel.CacheOptions(shared=False)
            )
        self._client = httpx.AsyncClient(
            transport=inner,
            timeout=httpx.Timeout(self.settings.timeout),
            headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
            follow_redirects=False,  # followed by `_follow`, only on the same origin
            trust_env=False,
        )
        self._gates: dict[str, _HostGate] = {}
        # hosts whose name did not resolve in this run: asked again, they fail at once (offline, a scrape of
        # a hundred boards on one ATS would otherwise wait on a hundred name lookups)
        self._unresolved: set[str] = set()
        # per origin: its rules, True (no rules: all allowed), or why every page counts as disallowed
        self._robots: dict[str, Protego | bool | str] = {}
        self._robots_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    # -- public API ---------------------------------------------------------------------------

    async def get_json(self, url: str, *, params: dict[str, Any] | None = None) -> Any:
        """GET a JSON document; invalid UTF-8, HTML or broken JSON become `MalformedPayload`."""
        result = await self.get(url, params=params, accept="application/json")
        return decode_json(result)

    async def get_json_each(
        self, urls: dict[str, str], *, params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """GET many JSON documents concurrently (within the host's limits). A failed one becomes
        `{"error": "..."}` under its key, so one missing detail never costs the whole board."""

        async def one(key: str, url: str) -> tuple[str, Any]:
            try:
                return key, await self.get_json(url, params=params)
            except ScrapeError as exc:
                return key, {"error": str(exc)}

        return dict(await asyncio.gather(*(one(key, url) for key, url in urls.items())))

    async def get_html(self, url: str) -> str:
        """GET an HTML page after checking robots.txt for it."""
        if self.settings.respect_robots and not await self.allowed_by_robots(url):
            rules = await self._robots_of(url)
            raise RobotsDisallowed(
                rules if isinstance(rules, str) else "robots.txt disallows this URL", url=url
            )
        result = await self.get(url, accept="text/html,application/xhtml+xml")
        return result.body.decode("utf-8", errors="replace")

    async def get(
        self, url: str, *, params: dict[str, Any] | None = None, accept: str = "*/*"
    ) -> FetchResult:
        """GET with the host's limits, retries and the size cap; raise a typed error on failure."""
        request_url = str(httpx.URL(url, params=params)) if params else url
        host = urlsplit(request_url).netloc
        gate = self._gate(host)
        last_status: int | None = None
        try:
            async for attempt in stamina.retry_context(
                on=self._backoff_hook,
                attempts=self.settings.attempts,
                timeout=self.settings.retry_timeout,
                wait_initial=self.settings.wait_initial,
                wait_max=self.settings.wait_max,
            ):
                with attempt:
                    if attempt.num > 1:
                        self.stats.retries += 1
                    async with gate.semaphore:
                        if host in self._unresolved:  # found out while this request waited its turn
                            raise HostNotFound(
                                f"host {host.split(':')[0]!r} does not resolve", url=request_url
                            )
                        await gate.limiter.acquire()
                        return await self._follow(request_url, accept)
        except _Retryable as exc:
            last_status = exc.status
            raise HTTPStatusFailure(
                f"server kept answering {exc.status} after {self.settings.attempts} attempts",
                url=request_url,
                status=exc.status,
            ) from exc
        except httpx.TimeoutException as exc:
            raise NetworkFailure(f"timed out ({type(exc).__name__})", url=request_url) from exc
        except TimeoutError as exc:
            raise NetworkFailure(
                f"timed out (no whole answer within {self.deadline:.0f} s)", url=request_url
            ) from exc
        except httpx.ConnectError as exc:
            if unresolvable(exc):
                self._unresolved.add(host)
                raise HostNotFound(f"host {host.split(':')[0]!r} does not resolve", url=request_url) from exc
            raise NetworkFailure(f"connection failed ({type(exc).__name__}: {exc})", url=request_url) from exc
        except httpx.TransportError as exc:
            raise NetworkFailure(f"connection failed ({type(exc).__name__}: {exc})", url=request_url) from exc
        raise HTTPStatusFailure(
            "no attempt was made", url=request_url, status=last_status
        )  # pragma: no cover

    async def allowed_by_robots(self, url: str) -> bool:
        """Whether robots.txt of the URL's host allows our user agent to fetch it (RFC 9309)."""
        rules = await self._robots_of(url)
        if isinstance(rules, Protego):
            return bool(rules.can_fetch(url, self.settings.user_agent))
        return rules is True

    async def _robots_of(self, url: str) -> Protego | bool | str:
        """The robots.txt verdict of the URL's origin, loaded once per origin."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        async with self._robots_locks[origin]:
            if origin not in self._robots:
                self._robots[origin] = await self._load_robots(origin)
        return self._robots[origin]

    # -- internals ----------------------------------------------------------------------------

    def _gate(self, host: str) -> _HostGate:
        gate = self._gates.get(host)
        if gate is None:
            rate = max(self.settings.per_host_rate, 0.001)
            burst = max(1, int(rate))
            gate = _HostGate(
                semaphore=asyncio.Semaphore(self.settings.per_host_concurrency),
                limiter=AsyncLimiter(burst, burst / rate),
            )
            self._gates[host] = gate
        return gate

    def _backoff_hook(self, exc: Exception) -> bool | float:
        if isinstance(exc, _Retryable):
            if exc.retry_after is None:
                return True
            if exc.retry_after > self.settings.max_retry_after:
                return False
            return exc.retry_after
        return isinstance(exc, httpx.TransportError) and not unresolvable(exc)

    @property
    def deadline(self) -> float:
        """How long one attempt may take in all: a server that sends a byte a second never times out a read."""
        return 3 * self.settings.timeout

    async def _follow(self, url: str, accept: str) -> FetchResult:
        """GET `url`, following redirects only within its origin (scheme, host and port): a board must not
        be able to send the scraper to another host, an internal address or a cloud metadata service."""
        current = url
        for _ in range(MAX_REDIRECTS + 1):
            async with asyncio.timeout(self.deadline):
                result = await self._get_once(current, accept)
            if isinstance(result, FetchResult):
                if current != url and (seen := REDIRECTS.get()) is not None:
                    seen[url] = current
                return result
            if not self._may_redirect(url, result):
                raise RedirectRefused(f"redirected to another host, {result} (not followed)", url=current)
            current = result
        raise RedirectRefused(f"more than {MAX_REDIRECTS} redirects", url=url)

    def _may_redirect(self, original: str, target: str) -> bool:
        """Within the original's origin; or to a host of the allow-list, over http(s), and never to a
        private, loopback or link-local address unless the original was one."""
        if _origin(target) == _origin(original) or _upgrade(original, target):
            return True
        parts = urlsplit(target)
        host = (parts.hostname or "").lower()
        if parts.scheme not in {"http", "https"} or not (
            {host, parts.netloc.lower()} & self.settings.redirect_hosts
        ):
            return False
        return not _internal(host) or _internal((urlsplit(original).hostname or "").lower())

    async def _get_once(self, url: str, accept: str) -> FetchResult | str:
        """One GET: the response, or where it redirects to."""
        self.stats.requests += 1
        # `no-cache` makes the cache revalidate every time (conditional GET) instead of guessing freshness.
        headers = {"Accept": accept, "Cache-Control": "no-cache"}
        async with self._client.stream("GET", url, headers=headers) as response:
            if response.is_redirect:
                return urljoin(url, response.headers.get("Location", ""))
            if response.status_code in RETRY_STATUSES:
                raise _Retryable(response.status_code, parse_retry_after(response.headers.get("Retry-After")))
            if response.status_code >= 400:
                raise HTTPStatusFailure(
                    f"server answered {response.status_code}", url=url, status=response.status_code
                )
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > self.settings.max_bytes:
                raise ResponseTooLarge(
                    f"body of {int(declared):,} bytes exceeds the {self.settings.max_bytes:,}-byte cap",
                    url=url,
                    status=response.status_code,
                )
            decoder = BoundedDecoder(
                encodings(response.headers.get("Content-Encoding")), self.settings.max_bytes, url
            )
            async for chunk in response.aiter_raw():
                decoder.feed(chunk)
            body = decoder.body()
            self.stats.bytes_read += len(body)
            caching = response.extensions.get("caching") or {}  # hishel's CacheStatus is a TypedDict
            from_cache = bool(caching.get("from_cache", False))
            revalidated = bool(caching.get("revalidated", False))
            if from_cache:
                self.stats.from_cache += 1
            if revalidated:
                self.stats.not_modified += 1
            return FetchResult(
                url=str(response.url),
                status=response.status_code,
                body=body,
                content_type=response.headers.get("Content-Type", ""),
                from_cache=from_cache,
                revalidated=revalidated,
            )

    async def _load_robots(self, origin: str) -> Protego | bool | str:
        """The host's robots.txt rules; True when it has none; why every page counts as disallowed when it
        cannot be had. A host that cannot be reached raises (the page cannot be fetched either: that is the
        failure to report, not a "disallow")."""
        unread = "every page counts as disallowed until it can be read (RFC 9309 2.3.1.4)"
        try:
            result = await self.get(f"{origin}/robots.txt", accept="text/plain")
        except HTTPStatusFailure as exc:
            # RFC 9309 2.3.1: a 4xx robots.txt means no rules; a server error means assume full disallow.
            if exc.status is not None and 400 <= exc.status < 500:
                return True
            return f"robots.txt answered {exc.status or 'with an error'}: {unread}"
        except RedirectRefused:  # robots.txt lives on another host (www -> apex): unavailable, like a 4xx
            return True
        except (MalformedPayload, ResponseTooLarge) as exc:
            return f"robots.txt could not be read ({exc.reason}): {unread}"
        return Protego.parse(result.body.decode("utf-8", errors="replace"))


def _usable_folder(folder: Path, what: str) -> bool:
    """Make `folder` for a cache; one that cannot be made (a file in its path, no permission) costs the cache,
    not the run: a warning on stderr says so."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        logging.getLogger("skillradar").warning(
            "cannot use %s folder %s (%s); going on without it", what, folder, exc.strerror
        )
        return False
    return True


def unresolvable(exc: BaseException) -> bool:
    """Whether a connection failed because the host's name did not resolve (`socket.gaierror` somewhere in
    the chain of causes): no network, or a host that does not exist. Retrying cannot help."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def decode_json(result: FetchResult) -> Any:
    """Decode a JSON body strictly; say what came instead when it is not JSON."""
    try:
        text = result.body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedPayload(f"body is not valid UTF-8 ({exc.reason})", url=result.url) from exc
    stripped = text.lstrip()
    if stripped.startswith("<"):
        raise MalformedPayload(
            f"expected JSON but got markup ({result.content_type or 'no content type'})", url=result.url
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedPayload(f"invalid JSON: {exc.msg} at char {exc.pos}", url=result.url) from exc
    except RecursionError as exc:
        raise MalformedPayload("JSON nested too deep to read", url=result.url) from exc
