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
from urllib.parse import urlsplit

import duckdb

from extract.schema import PostingFacts, PostingInput
from scrapers.base import BoardConfig, ParseContext, get_source
from scrapers.errors import GONE, MalformedPayload, NetworkFailure, ScrapeError, UnknownSource, failure_cause
from scrapers.http import ClientSettings, FetchStats, PoliteClient
from scrapers.models import RawPosting
from scrapers.relevance import RelevanceFilter
from warehouse.duplicates import shared_postings
from warehouse.extractions import ExtractorKey, count_pending, pending, store
from warehouse.load import (
    BoardLoad,
    BoardResult,
    BoardsConflict,
    Decision,
    LoadCounts,
    finish_runs,
    start_runs,
    upsert_boards,
)

# Boards in flight at once. Hosts are protected by their own limits in the client, so this only bounds
# memory and open sockets; a small value would serialise boards that live on different hosts.
BOARD_CONCURRENCY = 64
# Boards written per warehouse transaction at most. A DuckDB commit costs about as much as upserting a
# few hundred postings; writing together the boards that are ready cut the scrape benchmark's database
# time from 3.3 s to a few hundred ms.
WRITE_BATCH = 16


@dataclass
class BoardOutcome:
    board: BoardConfig
    status: str  # ok | partial | gone (the board no longer exists: 404/410, not a failure) | failed
    counts: LoadCounts = field(default_factory=LoadCounts)
    relevant: int = 0
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    cause: str | None = None  # a failure in a few words (`failure_cause`), for counting failures by cause


@dataclass
class ScrapeSummary:
    run_id: str
    outcomes: list[BoardOutcome]
    stats: FetchStats
    duplicates: int = 0

    @property
    def succeeded(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status in {"ok", "partial"}]

    @property
    def failed(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def gone(self) -> list[BoardOutcome]:
        return [o for o in self.outcomes if o.status == "gone"]

    def exit_code(self) -> int:
        """0 when at least one board worked, 1 when every board failed (or none was configured)."""
        return 0 if self.succeeded else 1


Progress = Callable[[BoardOutcome], None]


async def collect(
    client: PoliteClient, board: BoardConfig, fetched_at: datetime
) -> tuple[list, list[str], list[str]]:
    """One board fetched and parsed: (postings, skipped items, warnings). Every failure is a ScrapeError: a
    payload of the wrong shape a MalformedPayload, a board past its deadline a NetworkFailure."""
    source = get_source(board.kind)
    base = source.base_url_for(board)
    deadline = client.settings.board_deadline
    try:  # every request of the board together: an HN thread is hundreds of them
        async with asyncio.timeout(deadline):
            payload = await source.fetch(client, board, base)
    except TimeoutError as exc:
        raise NetworkFailure(f"timed out: the board took longer than {deadline:.0f} s", url=base) from exc
    ctx = ParseContext(board=board.board, fetched_at=fetched_at, company=board.company, base_url=base)
    try:
        postings = source.parse(payload, ctx)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise MalformedPayload(
            f"payload does not have the documented shape ({type(exc).__name__}: {exc})", url=base
        ) from exc
    return list(postings), list(getattr(postings, "skipped", [])), list(getattr(postings, "warnings", []))


@dataclass
class _Fetched:
    """One board's fetch, waiting to be written: its postings, or the error that stopped it."""

    board: BoardConfig
    postings: list[tuple[RawPosting, Decision]] | None
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    cause: str | None = None


def _outcome(item: _Fetched, counts: LoadCounts | None) -> BoardOutcome:
    if item.postings is None or counts is None:
        status = "gone" if item.cause == GONE else "failed"
        return BoardOutcome(item.board, status, error=item.error, cause=item.cause)
    status = "partial" if item.skipped or item.warnings else "ok"
    relevant = sum(1 for _, d in item.postings if d.is_relevant)
    outcome = BoardOutcome(item.board, status, counts, relevant, item.skipped, item.warnings)
    notes = [f"{len(item.skipped)} item(s) skipped"] if item.skipped else []
    notes += [f"{len(item.warnings)} posting(s) incomplete"] if item.warnings else []
    if notes:
        outcome.error = ", ".join(notes) + ": " + "; ".join((item.skipped + item.warnings)[:3])
    return outcome


def _result(outcome: BoardOutcome) -> BoardResult:
    board = outcome.board
    return BoardResult(
        board.kind, board.board, outcome.status, outcome.counts, len(outcome.skipped), outcome.error
    )


def _write_together(con: duckdb.DuckDBPyConnection, run_id: str, batch: list[_Fetched]) -> list[BoardOutcome]:
    """Every board of the batch and its run record, in one transaction."""
    loaded = [item for item in batch if item.postings is not None]
    loads = [BoardLoad(i.board.kind, i.board.board, i.postings or [], complete=not i.skipped) for i in loaded]
    con.begin()
    try:
        counts = dict(zip(map(id, loaded), upsert_boards(con, loads), strict=True))
        outcomes = [_outcome(item, counts.get(id(item))) for item in batch]
        finish_runs(con, run_id, [_result(o) for o in outcomes])
    except (duckdb.Error, BoardsConflict):
        con.rollback()
        raise
    con.commit()
    return outcomes


def _write_batch(con: duckdb.DuckDBPyConnection, run_id: str, batch: list[_Fetched]) -> list[BoardOutcome]:
    """Write a batch of fetched boards; if the batch cannot land, each board on its own, so one bad
    board is recorded as failed and sinks nothing else."""
    try:
        return _write_together(con, run_id, batch)
    except (duckdb.Error, BoardsConflict) as exc:
        if len(batch) > 1:
            return [outcome for item in batch for outcome in _write_batch(con, run_id, [item])]
        outcome = BoardOutcome(
            batch[0].board, "failed", error=f"warehouse load failed: {exc}", cause="warehouse load failed"
        )
        finish_runs(con, run_id, [_result(outcome)])
        return [outcome]


def fair_order(boards: Sequence[BoardConfig]) -> list[BoardConfig]:
    """Boards taken round-robin across hosts, keeping each host's own order.

    Only `BOARD_CONCURRENCY` boards are in flight, and a board waiting for its host's rate limit holds
    its place. In the configured order the first places can all go to a few hosts, leaving the others
    idle until those finish; taking hosts in turn starts every host at once.
    """
    by_host: dict[str, list[BoardConfig]] = {}
    for board in boards:
        try:
            host = urlsplit(get_source(board.kind).base_url_for(board)).netloc
        except UnknownSource:  # fails when fetched, where the failure is recorded
            host = ""
        by_host.setdefault(host, []).append(board)
    queues = list(by_host.values())
    return [q[i] for i in range(max(map(len, queues), default=0)) for q in queues if i < len(q)]


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
    # event loop that is waiting on every other board's responses. Boards that finish fetching while a
    # write is running queue up and are written together by the next one.
    writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="warehouse")
    loop = asyncio.get_running_loop()
    fetched: asyncio.Queue[_Fetched | None] = asyncio.Queue()

    async def fetch(board: BoardConfig) -> None:
        async with gate:
            try:
                postings, skipped, warnings = await collect(http, board, datetime.now(UTC))
                decided = [(p, Decision(*relevance.decide(p))) for p in postings]
            except ScrapeError as exc:
                error = str(exc.for_board(board.kind, board.board))
                await fetched.put(_Fetched(board, None, error=error, cause=failure_cause(exc)))
                return
            except Exception as exc:  # noqa: BLE001 — a defect one board revealed: recorded against it, run goes on
                error = f"[{board.label}] unexpected {type(exc).__name__}: {str(exc)[:300]}"
                await fetched.put(
                    _Fetched(board, None, error=error, cause=f"unexpected {type(exc).__name__}")
                )
                return
            await fetched.put(_Fetched(board, decided, skipped, warnings))

    async def write() -> None:
        finished = False
        while not finished:
            item = await fetched.get()
            if item is None:
                break
            batch = [item]
            while len(batch) < WRITE_BATCH and not fetched.empty():
                more = fetched.get_nowait()
                if more is None:
                    finished = True
                    break
                batch.append(more)
            written = await loop.run_in_executor(writer, partial(_write_batch, con, run_id, batch))
            for outcome in written:
                outcomes.append(outcome)
                if on_board_done is not None:
                    on_board_done(outcome)

    start_runs(con, run_id, [(b.kind, b.board) for b in boards])
    writing = asyncio.create_task(write())
    try:
        await asyncio.gather(*(fetch(b) for b in fair_order(boards)))
        await fetched.put(None)
        await writing
    finally:
        if not writing.done():
            writing.cancel()
        writer.shutdown(wait=True)
        if own_client:
            await http.aclose()
    duplicates = shared_postings(con) if any(o.status in {"ok", "partial"} for o in outcomes) else 0
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
    summary = ExtractSummary(pending=count_pending(con, key), stored=0)
    last: str | None = None
    while chunk := pending(con, key, limit=batch_size, after=last):  # a page at a time: bounded memory
        last = chunk[-1][0]
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
