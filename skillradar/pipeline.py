"""Wiring the stages: scrape every configured board through its source into the warehouse.

One board's failure is recorded in `scrape_runs` and never stops the others; a board whose payload
parsed only partly is loaded but closes nothing and is reported as partial.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from typing import TypeVar

import duckdb

from extract.schema import PostingFacts, PostingInput
from scrapers.base import BoardConfig, ParseContext, get_source
from scrapers.errors import MalformedPayload, ScrapeError
from scrapers.http import ClientSettings, FetchStats, PoliteClient
from scrapers.relevance import RelevanceFilter
from warehouse.extractions import ExtractorKey, pending, store
from warehouse.load import Decision, LoadCounts, assign_dup_groups, finish_run, load_board, start_runs

# Boards in flight at once. Hosts are protected by their own limits in the client, so this only bounds
# memory and open sockets; a small value would serialise boards that live on different hosts.
BOARD_CONCURRENCY = 64
T = TypeVar("T")


@dataclass
class BoardOutcome:
    board: BoardConfig
    status: str  # ok | partial | failed
    counts: LoadCounts = field(default_factory=LoadCounts)
    relevant: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class ScrapeSummary:
    run_id: str
    outcomes: list[BoardOutcome]
    stats: FetchStats
    duplicates: int = 0

    @property
    def succeeded(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status != "failed"]

    @property
    def failed(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    def exit_code(self) -> int:
        """0 when at least one board worked, 1 when every board failed (or none was configured)."""
        return 0 if self.succeeded else 1


Progress = Callable[[BoardOutcome], None]


async def _collect(
    client: PoliteClient, board: BoardConfig, fetched_at: datetime
) -> tuple[list, list[str], list[str]]:
    source = get_source(board.kind)
    base = source.base_url_for(board)
    payload = await source.fetch(client, board, base)
    ctx = ParseContext(board=board.board, fetched_at=fetched_at, company=board.company, base_url=base)
    try:
        postings = source.parse(payload, ctx)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MalformedPayload(
            f"payload does not have the documented shape ({type(exc).__name__}: {exc})", url=base
        ) from exc
    return list(postings), list(getattr(postings, "skipped", [])), list(getattr(postings, "warnings", []))


async def scrape_boards(
    con: duckdb.DuckDBPyConnection,
    boards: list[BoardConfig],
    *,
    relevance: RelevanceFilter,
    client_settings: ClientSettings,
    client: PoliteClient | None = None,
    on_board_done: Progress | None = None,
) -> ScrapeSummary:
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6]
    own_client = client is None
    http = client or PoliteClient(client_settings)
    gate = asyncio.Semaphore(BOARD_CONCURRENCY)
    outcomes: list[BoardOutcome] = []
    # Warehouse writes run one at a time on their own thread, so a board being loaded never stalls the
    # event loop that is waiting on every other board's responses.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse")
    loop = asyncio.get_running_loop()

    async def in_db(fn: Callable[..., T], *args: object, **kwargs: object) -> T:
        return await loop.run_in_executor(writer, partial(fn, *args, **kwargs))

    async def one(board: BoardConfig) -> None:
        async with gate:
            try:
                postings, skipped, warnings = await _collect(http, board, datetime.now(UTC))
            except ScrapeError as exc:
                outcome = BoardOutcome(board, "failed", error=str(exc.for_board(board.kind, board.board)))
            else:
                decided = [(p, Decision(*relevance.decide(p))) for p in postings]
                try:
                    counts = await in_db(
                        load_board, con, board.kind, board.board, decided, complete=not skipped
                    )
                except duckdb.Error as exc:
                    outcome = BoardOutcome(board, "failed", error=f"warehouse load failed: {exc}")
                else:
                    status = "partial" if skipped or warnings else "ok"
                    relevant = sum(1 for _, d in decided if d.is_relevant)
                    outcome = BoardOutcome(board, status, counts, relevant, skipped, warnings)
                    notes = [f"{len(skipped)} item(s) skipped"] if skipped else []
                    notes += [f"{len(warnings)} posting(s) incomplete"] if warnings else []
                    if notes:
                        outcome.error = ", ".join(notes) + ": " + "; ".join((skipped + warnings)[:3])
            await in_db(
                finish_run,
                con,
                run_id,
                board.kind,
                board.board,
                status=outcome.status,
                counts=outcome.counts,
                skipped=len(outcome.skipped),
                error=outcome.error,
            )
            outcomes.append(outcome)
            if on_board_done is not None:
                on_board_done(outcome)

    start_runs(con, run_id, [(b.kind, b.board) for b in boards])
    try:
        await asyncio.gather(*(one(b) for b in boards))
    finally:
        writer.shutdown(wait=True)
        if own_client:
            await http.aclose()
    duplicates = assign_dup_groups(con) if any(o.status != "failed" for o in outcomes) else 0
    order = {id(b): i for i, b in enumerate(boards)}
    outcomes.sort(key=lambda o: order.get(id(o.board), 0))
    return ScrapeSummary(run_id=run_id, outcomes=outcomes, stats=http.stats, duplicates=duplicates)


@dataclass
class ExtractSummary:
    pending: int
    stored: int
    fallbacks: int = 0


def extract_postings(
    con: duckdb.DuckDBPyConnection,
    extract_batch: Callable[[Sequence[PostingInput]], list[tuple[PostingFacts, str | None]]],
    key: ExtractorKey,
    *,
    batch_size: int = 200,
    on_progress: Callable[[int], None] | None = None,
) -> ExtractSummary:
    """Extract every posting that is new or changed for this extractor, storing results batch by batch
    so an interrupted run keeps what it finished and the next run picks up the rest."""
    todo = pending(con, key)
    summary = ExtractSummary(pending=len(todo), stored=0)
    for start in range(0, len(todo), batch_size):
        chunk = todo[start : start + batch_size]
        results = extract_batch([posting for _, _, posting in chunk])
        rows = [
            (posting_id, content_hash, facts, reason)
            for (posting_id, content_hash, _), (facts, reason) in zip(chunk, results, strict=True)
        ]
        summary.stored += store(con, rows, key)
        summary.fallbacks += sum(1 for row in rows if row[3])
        if on_progress is not None:
            on_progress(len(chunk))
    return summary
