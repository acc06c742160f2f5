"""Typed scrape failures that carry what is needed to act on them: which source, board, URL, status."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_SECRET_PARAM = re.compile(r"(?i)key|token|secret|passw|auth|sig|credential")


def redact(url: str) -> str:
    """A URL safe to print and store: no user or password (`https://user:pass@host`) and no value of a query
    parameter that names a secret (`?api_key=`, `?token=`, `?sig=`)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unreadable URL>"
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    query = urlencode(
        [
            (k, "***" if _SECRET_PARAM.search(k) else v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
        ],
        safe="*",
    )
    return urlunsplit((parts.scheme, netloc if parts.netloc else "", parts.path, query, parts.fragment))


class ScrapeError(Exception):
    """A board could not be collected. Always names the source, board and URL involved."""

    def __init__(
        self,
        reason: str,
        *,
        source: str = "",
        board: str = "",
        url: str = "",
        status: int | None = None,
    ) -> None:
        self.reason = reason
        self.source = source
        self.board = board
        self.url = url
        self.status = status
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ":".join(p for p in (self.source, self.board) if p)
        parts = [f"[{where}]" if where else "", self.reason]
        if self.status is not None:
            parts.append(f"(HTTP {self.status})")
        if self.url:
            parts.append(f"at {redact(self.url)}")
        return " ".join(p for p in parts if p)

    def for_board(self, source: str, board: str) -> ScrapeError:
        """Fill in the source and board once the failure reaches the code that knows them."""
        self.source = self.source or source
        self.board = self.board or board
        self.args = (str(self),)
        return self


class HTTPStatusFailure(ScrapeError):
    """The server answered with a status we cannot use (4xx, or 5xx/429 after every retry)."""


class NetworkFailure(ScrapeError):
    """Connection refused or reset, DNS failure, or a timeout, after every retry."""


class HostNotFound(NetworkFailure):
    """The host's name does not resolve (no network, or a mistyped host): not retried, it cannot succeed."""


class ResponseTooLarge(ScrapeError):
    """The body exceeded the configured size cap; it was not read to the end."""


class MalformedPayload(ScrapeError):
    """The body is not what the API documents: invalid JSON, invalid UTF-8, HTML, or the wrong shape."""


class RedirectRefused(ScrapeError):
    """A redirect to another origin (or too many of them): not followed, so a board cannot send the scraper
    to internal addresses."""


class RobotsDisallowed(ScrapeError):
    """robots.txt forbids this URL for our user agent, so it was never requested."""


class UnknownSource(ScrapeError):
    """The sources file names a kind that no registered source provides."""


class SourcesFileError(ScrapeError):
    """The sources file cannot be read or does not validate."""


GONE = "gone (HTTP 404 or 410)"  # the board no longer exists: the employer left that ATS or closed it


def failure_cause(exc: ScrapeError) -> str:
    """A board's failure in a few words, the same for every board that failed the same way, so a run's
    failures can be counted by cause ("8 gone (HTTP 404), 4 host does not resolve")."""
    if isinstance(exc, HostNotFound):
        return "host does not resolve"
    if isinstance(exc, HTTPStatusFailure):
        return GONE if exc.status in {404, 410} else f"HTTP {exc.status}"
    if isinstance(exc, NetworkFailure):
        return "timed out" if exc.reason.startswith("timed out") else "connection failed"
    if isinstance(exc, MalformedPayload):
        return "malformed payload"
    if isinstance(exc, RedirectRefused):
        return "redirect refused"
    if isinstance(exc, RobotsDisallowed):
        return "disallowed by robots.txt"
    if isinstance(exc, ResponseTooLarge):
        return "response too large"
    return type(exc).__name__
