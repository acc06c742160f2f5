"""`skillradar sources check`: is every board of a sources file still there, and worth scraping?

Boards move between ATSs and close; a sources file of a hundred boards rots a little every month. The check
fetches each board once (through the same polite client and parsers as a scrape, writing nothing) and says
for each: ok (with its postings and how many are AI roles), partial (some items unreadable), empty, gone
(404/410), moved (redirected elsewhere) or failing. `prune` writes the file again without the gone boards, comments and all.
"""

from __future__ import annotations

import asyncio
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from scrapers.base import BoardConfig
from scrapers.errors import GONE, ScrapeError, failure_cause, redact
from scrapers.http import REDIRECTS, ClientSettings, PoliteClient
from scrapers.relevance import RelevanceFilter
from skillradar.pipeline import collect

CONCURRENCY = 16


@dataclass(frozen=True)
class BoardCheck:
    board: BoardConfig
    status: str  # ok | partial | empty | gone | moved | failing
    postings: int = 0
    relevant: int = 0
    note: str = ""


async def _check_one(client: PoliteClient, board: BoardConfig, relevance: RelevanceFilter) -> BoardCheck:
    redirected: dict[str, str] = {}
    REDIRECTS.set(redirected)  # this board's task only
    try:
        postings, skipped, warnings = await collect(client, board, datetime.now(UTC))  # as a scrape would
    except ScrapeError as exc:
        cause = failure_cause(exc)
        return BoardCheck(board, "gone" if cause == GONE else "failing", note=f"{cause}: {exc.reason}")
    relevant = sum(relevance.decide(posting)[0] for posting in postings)
    if skipped or warnings:  # a board read only in part is not ok: a scrape would close nothing of it
        first = (skipped + warnings)[0]
        note = f"{len(skipped)} item(s) skipped, {len(warnings)} incomplete: {first}"
        return BoardCheck(board, "partial", len(postings), relevant, note)
    if redirected:
        target = next(iter(redirected.values()))
        return BoardCheck(board, "moved", len(postings), relevant, f"now at {redact(target)}")
    return BoardCheck(board, "ok" if postings else "empty", len(postings), relevant)


async def check_boards(
    boards: Sequence[BoardConfig],
    relevance: RelevanceFilter,
    settings: ClientSettings,
    on_done: Callable[[BoardCheck], None] | None = None,
) -> list[BoardCheck]:
    """Every board fetched once and judged, in the order given."""
    gate = asyncio.Semaphore(CONCURRENCY)
    async with PoliteClient(settings) as client:

        async def one(board: BoardConfig) -> BoardCheck:
            async with gate:
                result = await _check_one(client, board, relevance)
            if on_done is not None:
                on_done(result)
            return result

        return list(await asyncio.gather(*(one(board) for board in boards)))


_ENTRY = re.compile(r"^\s*\[\[source\]\]\s*(?:#.*)?$")
_TABLE = re.compile(r"^\s*\[")


def prune(text: str, gone: set[tuple[str, str]], default_boards: dict[str, str]) -> str:
    """The sources file `text` without the `[[source]]` entries of the `gone` (kind, board) pairs; every
    other line, comments included, kept as written. `default_boards`: the board of kinds that need none."""
    lines = text.splitlines(keepends=True)
    starts = [i for i, line in enumerate(lines) if _ENTRY.match(line)]
    drop: set[int] = set()
    for start in starts:
        end = next((j for j in range(start + 1, len(lines)) if _TABLE.match(lines[j])), len(lines))
        while end - 1 > start and lines[end - 1].strip().startswith("#"):
            end -= 1  # a comment right before the next entry belongs to it
        entry = tomllib.loads("".join(lines[start + 1 : end]))
        kind = str(entry.get("kind"))
        if (kind, str(entry.get("board") or default_boards.get(kind, ""))) in gone:
            begin = start
            while begin > 0 and lines[begin - 1].strip().startswith("#"):
                begin -= 1  # with the comment written right above it
            drop.update(range(begin, end))
    return "".join(line for i, line in enumerate(lines) if i not in drop)
