"""Reading the sources file (`sources.toml`): the boards to scrape and the relevance filter.

The shipped default lives next to this module; `./sources.toml`, `$SKILLRADAR_SOURCES` or `--sources`
take precedence. Errors name the file and the entry at fault.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from scrapers.base import BoardConfig, WebUrl, registry
from scrapers.errors import SourcesFileError
from scrapers.http import ClientSettings
from scrapers.relevance import RelevanceFilter

DEFAULT_SOURCES = Path(__file__).with_name("sources.toml")
_HOST = re.compile(r"[A-Za-z0-9.-]+(?::\d{1,5})?")
# A board's name goes into its feed's URL path: "../admin" or "a/b" would reach other paths of the host. It
# may hold percent escapes ("Forward%20Financing"), but none of a slash or a backslash.
_BOARD_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]|%(?!2[fF]|5[cC])[0-9A-Fa-f]{2}){0,199}")
_BOARD_KEYS = {"kind", "board", "base_url", "company", "enabled"}
_RELEVANCE_TYPES: dict[str, Any] = {
    "title_include": list[str], "title_exclude": list[str], "tech_title": str, "text_terms": list[str],
    "min_text_hits": Annotated[int, Field(ge=0)], "keep_all": bool,
}  # fmt: skip


@dataclass(frozen=True)
class SourcesFile:
    path: Path
    boards: list[BoardConfig]
    relevance: RelevanceFilter
    redirect_hosts: frozenset[str] = frozenset()  # hosts a board may redirect to besides its own

    def client_settings(self, base: ClientSettings) -> ClientSettings:
        """The client's settings with what this file adds to them (the redirect allow-list)."""
        return replace(base, redirect_hosts=self.redirect_hosts)


def resolve_sources_path(explicit: Path | None) -> Path:
    if explicit is not None:
        return explicit
    local = Path("sources.toml")
    return local if local.is_file() else DEFAULT_SOURCES


def load_sources(path: Path, *, only: set[str] | None = None) -> SourcesFile:
    """Parse and validate a sources file; unknown kinds and missing fields are errors, not skips."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise SourcesFileError(f"sources file {path} does not exist") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SourcesFileError(f"sources file {path} is not valid TOML: {exc}") from exc
    known = registry()
    boards: list[BoardConfig] = []
    seen: dict[tuple[str, str], int] = {}
    unknown_tables = set(data) - {"source", "relevance", "network"}
    if unknown_tables:
        raise SourcesFileError(
            f"{path}: unknown table {_suggest(min(unknown_tables), {'source', 'relevance', 'network'})}"
        )
    for index, entry in enumerate(data.get("source") or [], start=1):
        where = f"{path} [[source]] #{index}"
        if not isinstance(entry, dict) or "kind" not in entry:
            raise SourcesFileError(f"{where}: every source needs a `kind`")
        kind = str(entry["kind"])
        if kind not in known:
            raise SourcesFileError(f"{where}: unknown kind {_suggest(kind, set(known))}")
        source = known[kind]
        allowed = _BOARD_KEYS | set(source.options)
        for key in entry:
            if key not in allowed:
                raise SourcesFileError(f"{where} ({kind}): unknown key {_suggest(key, allowed)}")
        if bad := _first_bad_value(entry, {**_ENTRY_TYPES, **source.options}):
            raise SourcesFileError(f"{where} ({kind}): {bad}")
        board = str(entry.get("board") or source.default_board or "")
        if not board:
            raise SourcesFileError(f"{where} ({kind}): needs a `board`")
        if not _BOARD_NAME.fullmatch(board):
            raise SourcesFileError(
                f"{where} ({kind}): board {board!r} may hold letters, digits, '.', '-', '_' and %-escapes only "
                "(it goes into the feed's URL)"
            )
        key = (kind, board)
        if key in seen:
            raise SourcesFileError(f"{where}: {kind}:{board} is already listed as entry #{seen[key]}")
        seen[key] = index
        if entry.get("enabled", True) is False or (only and kind not in only):
            continue
        options = {k: v for k, v in entry.items() if k not in _BOARD_KEYS}
        boards.append(
            BoardConfig(
                kind=kind,
                board=board,
                base_url=entry.get("base_url"),
                company=entry.get("company"),
                options=options,
            )
        )
    return SourcesFile(
        path=path, boards=boards, relevance=_relevance(data.get("relevance") or {}, path),
        redirect_hosts=_redirect_hosts(data.get("network") or {}, path),
    )  # fmt: skip


_ENTRY_TYPES: dict[str, Any] = {"base_url": WebUrl, "company": str, "enabled": bool}


def _first_bad_value(table: dict[str, Any], types: Mapping[str, Any]) -> str | None:
    """ "key = value: what is wrong" for the first value of `table` that is not of its declared type, checked
    strictly: `enabled = "no"` is not taken for true, nor `max_pages = "3"` for a number."""
    for key, expected in types.items():
        if key in table:
            try:
                TypeAdapter(expected).validate_python(table[key], strict=True)
            except ValidationError as exc:
                first = exc.errors(include_url=False)[0]
                at = f"[{first['loc'][0]!r}]: " if first["loc"] else ""  # which item of a list or table
                return f"{key} = {table[key]!r}: {at}{first['msg'].removeprefix('Value error, ')}"
    return None


def _redirect_hosts(table: dict[str, Any], path: Path) -> frozenset[str]:
    """`[network] redirect_hosts = ["job-boards.greenhouse.io"]`: where boards may redirect besides their own
    host. Names, not patterns: every host the scraper may be sent to is one someone wrote down."""
    unknown = set(table) - {"redirect_hosts"}
    if unknown:
        raise SourcesFileError(f"{path} [network]: unknown key {_suggest(min(unknown), {'redirect_hosts'})}")
    hosts = table.get("redirect_hosts") or []
    if not isinstance(hosts, list) or not all(isinstance(h, str) and _HOST.fullmatch(h) for h in hosts):
        raise SourcesFileError(
            f"{path} [network]: redirect_hosts is a list of host names (host or host:port)"
        )
    return frozenset(h.lower() for h in hosts)


def _suggest(given: str, known: set[str]) -> str:
    """'baseurl' (did you mean 'base_url'? known: base_url, board, ...): the message for an unknown name."""
    close = difflib.get_close_matches(given, sorted(known), n=1)
    hint = f"did you mean {close[0]!r}? " if close else ""
    return f"{given!r} ({hint}known: {', '.join(sorted(known))})"


def _relevance(table: dict[str, Any], path: Path) -> RelevanceFilter:
    unknown = set(table) - set(_RELEVANCE_TYPES)
    if unknown:
        raise SourcesFileError(
            f"{path} [relevance]: unknown key {_suggest(min(unknown), set(_RELEVANCE_TYPES))}"
        )
    if bad := _first_bad_value(table, _RELEVANCE_TYPES):
        raise SourcesFileError(f"{path} [relevance]: {bad}")
    for key, value in table.items():
        for term in [value] if key == "tech_title" else value if isinstance(value, list) else []:
            try:
                re.compile(term)
            except re.error as exc:
                raise SourcesFileError(
                    f"{path} [relevance]: {key}: {term!r} is not a regular expression ({exc.msg})"
                ) from exc
    values: dict[str, Any] = {key: tuple(v) if isinstance(v, list) else v for key, v in table.items()}
    return RelevanceFilter(**values)
