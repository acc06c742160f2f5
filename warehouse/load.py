"""Loading scraped postings: upsert by posting_id, first/last seen, closing, scrape runs.

Each board lands in one transaction, so a crash mid-load leaves the warehouse as it was before that
board. A board that failed, or parsed only partly, closes nothing: absence from an incomplete fetch is
not evidence that a job was taken down.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

# Handing a polars frame to DuckDB goes through Arrow; imported here, not on the first board's write in
# the middle of a scrape, where its import would hold up the event loop for a third of a second.
import pyarrow  # noqa: F401

from scrapers.models import RawPosting
from warehouse.duplicates import dup_key, regroup

POSTING_COLUMNS = (
    "posting_id",
    "source",
    "board",
    "external_id",
    "company",
    "title",
    "location",
    "description_html",
    "description_text",
    "url",
    "posted_at",
    "updated_at",
    "pay_min",
    "pay_max",
    "pay_currency",
    "pay_period",
    "pay_text",
    "remote_hint",
    "is_relevant",
    "relevance_reason",
    "content_hash",
    "first_seen",
    "last_seen",
    "closed_at",
    "dup_group",
    "dup_key",
)
_REFRESHED = [c for c in POSTING_COLUMNS if c not in {"posting_id", "first_seen", "dup_group"}]


@dataclass(frozen=True)
class Decision:
    """The relevance filter's verdict on one posting, stored next to it rather than dropping it."""

    is_relevant: bool
    reason: str


@dataclass(frozen=True)
class LoadCounts:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    closed: int = 0


def naive_utc(moment: datetime | None) -> datetime | None:
    """DuckDB TIMESTAMP columns hold UTC without a zone; convert aware datetimes on the way in."""
    if moment is None:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return moment


def _expired(posting: RawPosting, now: datetime) -> datetime | None:
    """When a posting closed by its source's own date (JSON-LD `validThrough`), if that is past."""
    until = naive_utc(posting.valid_through)
    return until if until is not None and until <= now else None


def _rows(postings: Sequence[tuple[RawPosting, Decision]], now: datetime) -> pl.DataFrame:
    latest: dict[str, dict[str, object]] = {}
    for posting, decision in postings:
        latest[posting.posting_id] = {
            "posting_id": posting.posting_id,
            "source": posting.source,
            "board": posting.board,
            "external_id": posting.external_id,
            "company": posting.company,
            "title": posting.title,
            "location": posting.location,
            "description_html": posting.description_html,
            "description_text": posting.description_text,
            "url": posting.url,
            "posted_at": naive_utc(posting.posted_at),
            "updated_at": naive_utc(posting.updated_at),
            "pay_min": posting.pay_min,
            "pay_max": posting.pay_max,
            "pay_currency": posting.pay_currency,
            "pay_period": posting.pay_period,
            "pay_text": posting.pay_text,
            "remote_hint": posting.remote_hint,
            "is_relevant": decision.is_relevant,
            "relevance_reason": decision.reason,
            "content_hash": posting.content_hash(),
            "first_seen": now,
            "last_seen": now,
            "closed_at": _expired(posting, now),
            "dup_group": posting.posting_id,
            "dup_key": dup_key(posting.company, posting.title),
        }
    schema: dict[str, pl.DataType | type[pl.DataType]] = {
        "posted_at": pl.Datetime("us"),
        "updated_at": pl.Datetime("us"),
        "first_seen": pl.Datetime("us"),
        "last_seen": pl.Datetime("us"),
        "closed_at": pl.Datetime("us"),
        "pay_min": pl.Float64,
        "pay_max": pl.Float64,
        "remote_hint": pl.Boolean,
        "is_relevant": pl.Boolean,
    }
    return pl.DataFrame(
        list(latest.values()),
        schema={c: schema.get(c, pl.String) for c in POSTING_COLUMNS},
    )


def start_runs(con: duckdb.DuckDBPyConnection, run_id: str, boards: Sequence[tuple[str, str]]) -> None:
    """Record every board of a scrape as running, in one statement, before any fetch starts."""
    if not boards:
        return
    unique = list(dict.fromkeys(boards))
    rows = ", ".join(["(?, ?)"] * len(unique))
    con.execute(
        "INSERT INTO scrape_runs (run_id, source, board, started_at, status) "
        f"SELECT ?, source, board, ?, 'running' FROM (VALUES {rows}) AS b(source, board)",
        [run_id, naive_utc(datetime.now(UTC)), *(value for board in unique for value in board)],
    )


@dataclass(frozen=True)
class BoardResult:
    """How one board of a scrape ended, as recorded in `scrape_runs`."""

    source: str
    board: str
    status: str
    counts: LoadCounts = LoadCounts()
    skipped: int = 0
    error: str | None = None


def finish_runs(con: duckdb.DuckDBPyConnection, run_id: str, results: Sequence[BoardResult]) -> None:
    """Record how each board ended, in one statement (inside the caller's transaction, if any)."""
    if not results:
        return
    frame = pl.DataFrame(
        [
            {
                "source": r.source,
                "board": r.board,
                "status": r.status,
                "fetched": r.counts.fetched,
                "new": r.counts.new,
                "updated": r.counts.updated,
                "closed": r.counts.closed,
                "skipped": r.skipped,
                "error": r.error,
            }
            for r in results
        ],
        schema={
            "source": pl.String,
            "board": pl.String,
            "status": pl.String,
            "fetched": pl.Int64,
            "new": pl.Int64,
            "updated": pl.Int64,
            "closed": pl.Int64,
            "skipped": pl.Int64,
            "error": pl.String,
        },
    )
    con.register("finished_boards", frame)
    try:
        con.execute(
            """UPDATE scrape_runs SET finished_at = ?, status = f.status, fetched = f.fetched, new = f.new,
                   updated = f.updated, closed = f.closed, skipped = f.skipped, error = f.error
               FROM finished_boards f
               WHERE scrape_runs.run_id = ? AND scrape_runs.source = f.source AND scrape_runs.board = f.board""",
            [naive_utc(datetime.now(UTC)), run_id],
        )
    finally:
        con.unregister("finished_boards")


def finish_run(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    source: str,
    board: str,
    *,
    status: str,
    counts: LoadCounts | None = None,
    skipped: int = 0,
    error: str | None = None,
) -> None:
    finish_runs(con, run_id, [BoardResult(source, board, status, counts or LoadCounts(), skipped, error)])


class BoardsConflict(ValueError):
    """Boards that cannot be written in one transaction (they share a posting); write them one by one."""


@dataclass(frozen=True)
class BoardLoad:
    """One board's fetched postings. Only a `complete` fetch may close the board's missing postings."""

    source: str
    board: str
    postings: Sequence[tuple[RawPosting, Decision]]
    complete: bool


def load_board(
    con: duckdb.DuckDBPyConnection,
    source: str,
    board: str,
    postings: Sequence[tuple[RawPosting, Decision]],
    *,
    complete: bool,
    now: datetime | None = None,
) -> LoadCounts:
    """Upsert one board's postings in one transaction; close the board's missing postings if `complete`."""
    return load_boards(con, [BoardLoad(source, board, postings, complete)], now=now)[0]


def load_boards(
    con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad], *, now: datetime | None = None
) -> list[LoadCounts]:
    """Upsert several boards in one transaction: all of them land, or none does."""
    con.begin()
    try:
        counts = upsert_boards(con, loads, now=now)
    except duckdb.Error:
        con.rollback()
        raise
    con.commit()
    return counts


def upsert_boards(
    con: duckdb.DuckDBPyConnection, loads: Sequence[BoardLoad], *, now: datetime | None = None
) -> list[LoadCounts]:
    """The statements of `load_boards`, inside the caller's transaction.

    A DuckDB commit costs about as much as upserting a few hundred postings, so a scrape writes the
    boards that finished fetching together: one set of statements and one commit for all of them.
    """
    stamp = naive_utc(now or datetime.now(UTC))
    assert stamp is not None
    frames = [
        _rows(load.postings, stamp).with_columns(pl.lit(i, pl.Int32).alias("load_no"))
        for i, load in enumerate(loads)
    ]
    incoming = pl.concat(frames) if frames else pl.DataFrame()
    if incoming.height and incoming["posting_id"].n_unique() != incoming.height:
        raise BoardsConflict("a posting appears under two boards of one load")
    boards = pl.DataFrame(
        {
            "source": [load.source for load in loads],
            "board": [load.board for load in loads],
            "complete": [load.complete for load in loads],
        },
        schema={"source": pl.String, "board": pl.String, "complete": pl.Boolean},
    )
    changed: dict[int, tuple[int, int]] = {}
    closed: Counter[tuple[str, str]] = Counter()
    blocks: set[str] = set()  # the duplicate blocks a new or changed posting joins or leaves
    con.register("loading_boards", boards)
    try:
        if incoming.height:
            con.register("incoming_rows", incoming)
            # per board: new and updated postings, and the duplicate blocks its new or changed ones join or leave
            regrouped = "p.posting_id IS NULL OR p.content_hash <> i.content_hash OR p.dup_key IS DISTINCT FROM i.dup_key"
            for load_no, new, updated, joined, left in con.execute(
                f"""SELECT i.load_no, count(*) FILTER (WHERE p.posting_id IS NULL),
                           count(*) FILTER (WHERE p.posting_id IS NOT NULL
                                            AND (p.content_hash <> i.content_hash OR p.closed_at IS NOT NULL)),
                           list(i.dup_key) FILTER (WHERE {regrouped}), list(p.dup_key) FILTER (WHERE {regrouped})
                    FROM incoming_rows i LEFT JOIN postings p USING (posting_id) GROUP BY i.load_no"""
            ).fetchall():
                changed[int(load_no)] = (int(new), int(updated))
                blocks.update(key for key in (joined or []) + (left or []) if key is not None)
            # a posting left without a company or title (so without a duplicate block) stands alone again
            assignments = ", ".join([f"{c} = excluded.{c}" for c in _REFRESHED] + [
                "dup_group = CASE WHEN excluded.dup_key IS NULL THEN excluded.dup_group ELSE postings.dup_group END"
            ])  # fmt: skip
            columns = ", ".join(POSTING_COLUMNS)
            con.execute(
                f"INSERT INTO postings ({columns}) SELECT {columns} FROM incoming_rows "
                f"ON CONFLICT (posting_id) DO UPDATE SET {assignments}"
            )
            if blocks:
                regroup(con, blocks)
        if any(load.complete for load in loads):
            keep = "AND posting_id NOT IN (SELECT posting_id FROM incoming_rows)" if incoming.height else ""
            closed.update(
                (source, board)
                for source, board in con.execute(
                    f"""UPDATE postings SET closed_at = ?
                        WHERE closed_at IS NULL {keep}
                          AND EXISTS (SELECT 1 FROM loading_boards b WHERE b.complete
                                      AND b.source = postings.source AND b.board = postings.board)
                        RETURNING source, board""",
                    [stamp],
                ).fetchall()
            )
    finally:
        con.unregister("loading_boards")
        if incoming.height:
            con.unregister("incoming_rows")
    return [
        LoadCounts(
            fetched=frames[i].height,
            new=changed.get(i, (0, 0))[0],
            updated=changed.get(i, (0, 0))[1],
            closed=closed[(load.source, load.board)] if load.complete else 0,
        )
        for i, load in enumerate(loads)
    ]
