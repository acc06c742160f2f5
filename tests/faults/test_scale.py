"""Sizes a hostile or merely large source can reach: memory stays bounded and work stays near linear.

Peak memory is the child process's own high-water mark (`wait4`), so it counts everything the run holds:
Python objects, DuckDB's buffers and the HTTP client's.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tracemalloc
import zlib
from pathlib import Path

import duckdb

from extract.schema import PostingFacts, PostingInput
from skillradar.demo_data import generate, sources_toml
from skillradar.pipeline import extract_postings
from tests.conftest import Scripted, ScriptedServer
from warehouse.db import connect
from warehouse.duplicates import cluster
from warehouse.extractions import ExtractorKey

LIMIT_MB = 1200
ENV = {"SKILLRADAR_PER_HOST_RATE": "500", "SKILLRADAR_RETRY_WAIT": "0.01", "SKILLRADAR_ATTEMPTS": "1",
       "SKILLRADAR_HTTP_CACHE": "false"}  # fmt: skip


def bomb(unpacked_mb: int) -> bytes:
    """A body sent as `Content-Encoding: gzip, gzip`: a few kilobytes that inflate to `unpacked_mb` MB."""
    inner = zlib.compressobj(1, zlib.DEFLATED, 31)  # 31: a gzip container
    chunk = b"0" * (16 << 20)
    layers = b"".join([inner.compress(chunk) for _ in range(unpacked_mb // 16)] + [inner.flush()])
    return gzip.compress(layers, 9)


def run_measured(args: list[str], env: dict[str, str]) -> tuple[int, str, int]:
    """Run `skillradar args` in a child process: (exit code, stdout, peak resident memory in MB)."""
    with subprocess.Popen(
        [sys.executable, "-m", "skillradar.cli", *args],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as child:
        stdout = child.stdout.read() if child.stdout else ""
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait for it again
    return child.returncode, stdout, usage.ru_maxrss // 1024  # Linux reports kilobytes


def test_a_decompression_bomb_beside_good_boards_keeps_the_run_under_the_memory_bound(
    replay, scripted: ScriptedServer, tmp_path: Path
):
    """19 kB on the wire, 1.5 GB once both gzip layers are inflated: unbounded, the run would hold more than
    the limit; the byte cap over every layer stops it early and the run publishes the good boards."""
    scripted.route(
        "/v1/boards/bomb/jobs", Scripted(200, bomb(1536), headers={"Content-Encoding": "gzip, gzip"})
    )
    boards = generate(tmp_path / "replay")
    server = replay(tmp_path / "replay").start()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(boards[:2], server.url)
        + f'\n[[source]]\nkind = "greenhouse"\nboard = "bomb"\nbase_url = "{scripted.url}"\n'
    )
    db = tmp_path / "w.duckdb"
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")}
    code, stdout, peak_mb = run_measured(["run", "--sources", str(sources), "--db", str(db)], env)
    summary = json.loads(stdout)
    assert code == 3 and summary["stages"]["publish"]["snapshot"], stdout
    assert peak_mb < LIMIT_MB, f"peak memory {peak_mb} MB"
    with duckdb.connect(str(db), read_only=True) as con:
        ((status, error),) = con.execute(
            "SELECT status, error FROM scrape_runs WHERE board = 'bomb'"
        ).fetchall()
        landed = con.execute("SELECT count(*) FROM postings WHERE board <> 'bomb'").fetchall()[0][0]
    assert status == "failed" and "decoded body exceeds" in error and landed > 0


def test_a_backlog_larger_than_memory_allows_is_extracted_a_page_at_a_time(tmp_path: Path):
    """12,000 postings of 50 kB (600 MB of text) wait for extraction; reading them a page at a time, the
    pipeline holds a few pages' worth however long the backlog is. The stand-in extractor costs nothing, so
    what is measured is the backlog's handling, not an extractor's."""
    con = connect(tmp_path / "w.duckdb")
    con.execute(
        """INSERT INTO postings (posting_id, source, board, external_id, company, title, description_text,
               is_relevant, relevance_reason, content_hash, first_seen, last_seen, dup_group)
           SELECT 'g:b:' || lpad(i::VARCHAR, 6, '0'), 'greenhouse', 'b', i::VARCHAR, 'Acme', 'ML Engineer',
                  repeat('PyTorch and Python. ', 2500) || i, true, 'test', md5(i::VARCHAR), now(), now(),
                  'g:b:' || lpad(i::VARCHAR, 6, '0')
           FROM range(12000) t(i)"""
    )
    seen = 0

    def stand_in(batch: list[PostingInput]) -> list[tuple[PostingFacts, str | None]]:
        nonlocal seen
        seen += len(batch)
        return [(PostingFacts(id=posting.id), None) for posting in batch]

    tracemalloc.start()
    try:
        summary = extract_postings(con, stand_in, ExtractorKey("rules", "test"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert summary.pending == summary.stored == seen == 12_000
    assert peak < 60 * 2**20, f"peak {peak / 2**20:.0f} MB of Python objects for a 600 MB backlog"
    con.close()


def test_two_hundred_thousand_same_titled_postings_are_grouped_without_comparing_every_pair():
    text = (
        "We are hiring an engineer to build retrieval augmented generation systems with Python, PyTorch and "
        "vector databases. You will own evaluation, deployment on Kubernetes, and monitoring of LLM features."
    )
    items = [(f"p{n:06d}", text if n % 2 else text + f" Ref {n % 50}.") for n in range(200_000)]
    groups = cluster(items)
    assert len(set(groups.values())) == 1 and groups["p199999"] == "p000000"
