"""`skillradar run`: scrape -> extract -> build -> publish as one command a scheduler can trust.

A lock file beside the warehouse keeps two runs from overlapping (the OS releases it even when a run is
killed). Every stage commits as it goes (a board, a batch of extractions, an atomically swapped
snapshot), so a run killed at any point leaves the warehouse consistent and the next run finishes the
work without duplicating it. The run summary is stored in `runs` and printed as JSON; the exit code
tells cron what happened: 0 all sources worked, 3 partial (some sources failed), 1 nothing worked.
"""

from __future__ import annotations

import asyncio
import errno
import fcntl
import json
import os
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

import duckdb

from skillradar.backends import Backend, build_backend
from skillradar.config import Settings
from skillradar.pipeline import extract_postings, scrape_boards
from skillradar.sources_file import SourcesFile
from warehouse.db import WarehouseError, connect, make_folder
from warehouse.load import naive_utc
from warehouse.marts import build_marts
from warehouse.publish import publish

EXIT_OK, EXIT_NOTHING, EXIT_PARTIAL = 0, 1, 3


class RunLocked(Exception):
    """Another `skillradar run` holds the warehouse's lock."""


@contextmanager
def run_lock(db: Path) -> Iterator[IO[str]]:
    """An exclusive, non-blocking lock on `<db>.lock`; released by the OS if the process dies."""
    path = db.with_name(f"{db.name}.lock")
    make_folder(db)
    try:  # never through a symlink: a link planted there would have the run write where it points
        descriptor = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError as exc:
        hint = "; it is a symbolic link" if exc.errno == errno.ELOOP else ""
        raise WarehouseError(f"cannot use the lock file {path} ({exc.strerror}{hint})") from exc
    handle = os.fdopen(descriptor, "a+")
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            raise RunLocked(f"another run holds {path} ({handle.read().strip() or 'pid unknown'})") from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()} since {datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}\n")
        handle.flush()
        yield handle
    finally:
        handle.close()


def _record(con: duckdb.DuckDBPyConnection, summary: dict[str, Any]) -> None:
    con.execute(
        """INSERT INTO runs (run_id, started_at, finished_at, status, exit_code, summary) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, status = excluded.status,
               exit_code = excluded.exit_code, summary = excluded.summary""",
        [summary["run_id"], summary["started_at"], summary.get("finished_at"), summary["status"],
         summary.get("exit_code"), json.dumps(summary, default=str)],
    )  # fmt: skip


def _scrape_stage(con: duckdb.DuckDBPyConnection, sources: SourcesFile, settings: Settings) -> dict[str, Any]:
    started = time.perf_counter()
    result = asyncio.run(
        scrape_boards(
            con,
            sources.boards,
            relevance=sources.relevance,
            client_settings=sources.client_settings(settings.client_settings()),
        )
    )
    per_source: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for outcome in result.outcomes:
        stats = per_source[outcome.board.kind]
        stats[outcome.status] += 1
        for field in ("fetched", "new", "updated", "closed"):
            stats[field] += getattr(outcome.counts, field)
    return {
        "scrape_run_id": result.run_id,
        "boards": len(result.outcomes),
        "ok": sum(o.status == "ok" for o in result.outcomes),
        "partial": sum(o.status == "partial" for o in result.outcomes),
        "gone": len(result.gone),
        "failed": len(result.failed),
        "fetched": sum(o.counts.fetched for o in result.outcomes),
        "new": sum(o.counts.new for o in result.outcomes),
        "updated": sum(o.counts.updated for o in result.outcomes),
        "closed": sum(o.counts.closed for o in result.outcomes),
        "per_source": {k: dict(v) for k, v in sorted(per_source.items())},
        "failures": [{"board": o.board.label, "error": o.error} for o in result.outcomes if o.status != "ok"],
        "http": {
            "requests": result.stats.requests,
            "retries": result.stats.retries,
            "not_modified": result.stats.not_modified,
        },
        "duration_s": round(time.perf_counter() - started, 2),
    }


def run_nightly(
    settings: Settings, sources: SourcesFile, db: Path, backend: Backend = Backend.rules
) -> dict[str, Any]:
    """One whole run under the lock; returns the summary (also stored in `runs`). Raises RunLocked."""
    with run_lock(db):
        con = connect(db)
        summary: dict[str, Any] = {
            "run_id": datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ-") + uuid.uuid4().hex[:6],
            "started_at": naive_utc(datetime.now(UTC)),
            "status": "running",
            "backend": backend.value,
            "stages": {},
        }
        _record(con, summary)
        try:
            stages = summary["stages"]
            summary["stage"] = "scrape"
            _record(con, summary)
            stages["scrape"] = scrape = _scrape_stage(con, sources, settings)
            worked = scrape["ok"] + scrape["partial"]

            summary["stage"] = "extract"
            _record(con, summary)  # a killed run's row says which stage it died in
            started = time.perf_counter()
            chosen = build_backend(
                backend,
                settings.llm_settings(hybrid=backend is Backend.hybrid)
                if backend is not Backend.rules
                else None,
            )
            extracted = extract_postings(con, chosen.extract_batch, chosen.key)
            tokens = con.execute(
                "SELECT coalesce(sum(tokens_in), 0), coalesce(sum(tokens_out), 0), coalesce(sum(cost_usd), 0) "
                "FROM extractions WHERE extracted_at >= ?",
                [summary["started_at"]],
            ).fetchall()[0]
            stages["extract"] = {
                "backend": chosen.key.extractor, "pending": extracted.pending, "stored": extracted.stored,
                "fallbacks": extracted.fallbacks, "tokens_in": int(tokens[0]), "tokens_out": int(tokens[1]),
                "cost_usd": round(float(tokens[2]), 6), "duration_s": round(time.perf_counter() - started, 2),
                "version": chosen.key.version,  # which rules, or which model and prompt
            }  # fmt: skip

            summary["stage"] = "build"
            _record(con, summary)
            started = time.perf_counter()
            counts = build_marts(con, chosen.key.extractor)
            stages["build"] = {
                "postings": counts["base_postings"],
                "duration_s": round(time.perf_counter() - started, 2),
            }
            summary["stage"] = "publish"
            _record(con, summary)
            started = time.perf_counter()
            snapshot = publish(con, db)
            stages["publish"] = {
                "snapshot": str(snapshot),
                "duration_s": round(time.perf_counter() - started, 2),
            }

            if worked == 0:
                summary["status"], summary["exit_code"] = "failed", EXIT_NOTHING
            elif scrape["failed"] or scrape["partial"]:
                summary["status"], summary["exit_code"] = "partial", EXIT_PARTIAL
            else:
                summary["status"], summary["exit_code"] = "ok", EXIT_OK
        except (duckdb.Error, OSError, ValueError) as exc:
            summary["status"], summary["exit_code"] = "failed", EXIT_NOTHING
            summary["error"] = f"{type(exc).__name__}: {exc}"
        finally:
            summary["stage"] = "done"
            summary["finished_at"] = naive_utc(datetime.now(UTC))
            summary["duration_s"] = round((summary["finished_at"] - summary["started_at"]).total_seconds(), 2)
            _record(con, summary)
            con.close()
        return summary
