"""Publishing: the marts are copied into a new DuckDB file beside the live one, which then replaces the
previous snapshot by an atomic rename.

Readers (the dashboard, `salaries`, `gap`) open only the snapshot, read-only. DuckDB lets no second
process open a file another holds for writing, so reading the live warehouse during a nightly write would
fail; with snapshots a reader sees the previous build until the new one is complete, and never half of one.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import duckdb

MART_TABLES = (
    "base_postings", "base_skills", "skill_demand", "skill_share", "salary_bands", "salary_bands_by_role",
    "cooccurrence", "phase_demand", "skill_lift", "claims", "cooccurrence_cells", "skill_cells", "population_cells",
    "posting_lifetimes", "posting_reposts",
)  # fmt: skip
HEALTH_QUERIES = {
    "health_runs": "SELECT * FROM scrape_runs ORDER BY started_at DESC LIMIT 2000",
    # the nightly `skillradar run`s: how each ended, how long it took, and its boards and failures
    "health_nightly": """
        SELECT started_at, finished_at, status, exit_code,
               date_diff('second', started_at, finished_at) AS seconds,
               CAST(summary->>'$.stages.scrape.boards' AS INTEGER) AS boards,
               CAST(summary->>'$.stages.scrape.failed' AS INTEGER) AS failed_boards,
               CAST(summary->>'$.stages.scrape.new' AS INTEGER) AS new_postings,
               summary->>'$.stage' AS stopped_in, CAST(summary AS VARCHAR) AS summary
        FROM runs ORDER BY started_at DESC LIMIT 200""",
    "health_sources": """
        SELECT source, count(*) AS postings, count(*) FILTER (WHERE closed_at IS NULL) AS open_postings,
               count(*) FILTER (WHERE is_relevant) AS relevant, max(last_seen) AS last_seen
        FROM postings GROUP BY source ORDER BY source""",
    "health_extraction": """
        SELECT extractor, model, count(*) AS extractions, count(*) FILTER (WHERE is_current) AS current,
               count(*) FILTER (WHERE fallback_reason IS NOT NULL) AS fallbacks, sum(tokens_in) AS tokens_in,
               sum(tokens_out) AS tokens_out, sum(cost_usd) AS cost_usd, max(extracted_at) AS last_extracted
        FROM extractions GROUP BY extractor, model ORDER BY extractor""",
    "health_totals": """
        SELECT (SELECT count(*) FROM postings) AS postings,
               (SELECT count(*) FROM postings p WHERE NOT EXISTS
                   (SELECT 1 FROM extractions e WHERE e.posting_id = p.posting_id AND e.is_current)) AS unextracted""",
}


def snapshot_path(db: Path) -> Path:
    """Where the published snapshot of the warehouse at `db` lives."""
    return db.with_name(f"{db.stem}.snapshot.duckdb")


def sql_string(value: str) -> str:
    """A SQL string literal for statements that take no parameters (ATTACH): quotes doubled, so a path
    holding an apostrophe is that path and nothing more."""
    return "'" + value.replace("'", "''") + "'"


def _remove_stale_temporaries(target: Path) -> None:
    """Half-written snapshots of publishes that were killed (their process is gone): each is as large as a
    snapshot, and nothing else would ever remove them."""
    for stale in target.parent.glob(f".{target.name}.*.tmp"):
        pid = stale.name.removeprefix(f".{target.name}.").removesuffix(".tmp")
        if pid.isdigit() and int(pid) != os.getpid() and not _alive(int(pid)):
            stale.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, under another user
        pass
    return True


def publish(con: duckdb.DuckDBPyConnection, db: Path) -> Path:
    """Write the marts and health tables to a new file and atomically make it the current snapshot."""
    target = snapshot_path(db)
    _remove_stale_temporaries(target)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    con.execute(f"ATTACH {sql_string(str(temporary))} AS snapshot")
    try:
        for table in MART_TABLES:
            con.execute(f"CREATE TABLE snapshot.{table} AS SELECT * FROM {table}")
        for table, query in HEALTH_QUERIES.items():
            con.execute(f"CREATE TABLE snapshot.{table} AS {query}")
        con.execute(
            "CREATE TABLE snapshot.snapshot_info AS SELECT ? AS built_at, ? AS source_db",
            [datetime.now(UTC).replace(tzinfo=None), str(db)],
        )
    finally:
        con.execute("DETACH snapshot")
    temporary.replace(target)  # atomic on POSIX: readers see the old snapshot or the new, never half
    return target


def open_snapshot(db: Path) -> duckdb.DuckDBPyConnection:
    """The latest snapshot, read-only. FileNotFoundError when nothing has been published yet."""
    path = snapshot_path(db)
    if not path.is_file():
        raise FileNotFoundError(f"no snapshot at {path}: run `skillradar build` after a scrape")
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET enable_progress_bar = false")
    return con
