"""The source seam: a `Source` is a kind name, a default base URL, a thin `fetch` and a pure `parse`.

Built-in sources live in `scrapers/sources/` and register themselves with one line
(`register(Source(...))`); third-party packages add theirs under the `skillradar.sources` entry-point
group. Nothing else in the code base lists sources by name.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import entry_points
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field

from scrapers.errors import UnknownSource
from scrapers.http import PoliteClient
from scrapers.models import RawPosting


@dataclass(frozen=True)
class BoardConfig:
    """One `[[source]]` entry of the sources file: which board of which kind, and where to fetch it."""

    kind: str
    board: str
    base_url: str | None = None
    company: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.kind}:{self.board}"


@dataclass(frozen=True)
class ParseContext:
    """What a pure parser needs besides the payload: which board it came from and when."""

    board: str
    fetched_at: datetime
    company: str | None = None
    base_url: str = ""


def _web_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise ValueError("not an http(s) URL")
    return value


# What a source's options may hold, checked when the sources file is read (a `max_pages = 0` would close
# every posting of the board; a `urls = "http://..."` string would be read letter by letter).
Count = Annotated[int, Field(ge=1)]
WebUrl = Annotated[str, AfterValidator(_web_url)]
QueryParams = dict[str, str | int | float | bool]

FetchFn = Callable[[PoliteClient, BoardConfig, str], Awaitable[Any]]
ParseFn = Callable[[Any, ParseContext], list[RawPosting]]


@dataclass(frozen=True)
class Source:
    """A job-board feed. `fetch` does I/O only; `parse` is a pure function of the payload it returned.

    `options`: the kind-specific keys a sources-file entry may carry, each with the type of its value (any
    other key is a typo and an error); `default_board`: the board an entry of a single-feed kind gets when
    it names none."""

    kind: str
    default_base_url: str
    fetch: FetchFn
    parse: ParseFn
    description: str = ""
    options: Mapping[str, Any] = field(default_factory=dict)
    default_board: str | None = None

    def base_url_for(self, board: BoardConfig) -> str:
        return (board.base_url or self.default_base_url).rstrip("/")


_REGISTRY: dict[str, Source] = {}
_LOADED = False


def register(source: Source) -> Source:
    """Make a source available by its kind; registering the same kind twice is a programming error."""
    existing = _REGISTRY.get(source.kind)
    if existing is not None and existing is not source:
        raise ValueError(f"source kind {source.kind!r} is registered twice")
    _REGISTRY[source.kind] = source
    return source


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    import scrapers.sources as builtin

    for module in pkgutil.iter_modules(builtin.__path__):
        importlib.import_module(f"{builtin.__name__}.{module.name}")
    for entry in entry_points(group="skillradar.sources"):
        loaded = entry.load()
        if isinstance(loaded, Source):
            register(loaded)
    _LOADED = True


def registry() -> dict[str, Source]:
    """All known sources by kind, built-in and plugged in."""
    _load_all()
    return dict(sorted(_REGISTRY.items()))


def get_source(kind: str) -> Source:
    sources = registry()
    if kind not in sources:
        known = ", ".join(sources)
        raise UnknownSource(f"unknown source kind {kind!r}; known kinds: {known}", source=kind)
    return sources[kind]
