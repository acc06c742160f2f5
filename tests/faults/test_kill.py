"""`kill -9` of `skillradar run` at many points (scrape, extract, build, publish): the warehouse opens,
the previous snapshot still serves, and the next run finishes the work with nothing duplicated."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from skillradar.demo_data import generate, sources_toml
from warehouse.publish import snapshot_path

KILL_AFTER = (1.2, 2.0, 2.8, 3.6, 4.4, 5.2, 6.0, 7.0)


def skillradar(args: list[str], env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "skillradar.cli", *args], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # fmt: skip


def counts(db: Path) -> tuple[int, int, int, int]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            """SELECT (SELECT count(*) FROM postings), (SELECT count(DISTINCT posting_id) FROM postings),
                      (SELECT count(*) FROM extractions WHERE is_current),
                      (SELECT count(DISTINCT posting_id) FROM extractions WHERE is_current)"""
        ).fetchall()[0]
    finally:
        con.close()


def test_kill_9_anywhere_leaves_a_consistent_warehouse(replay, tmp_path: Path):
    boards = generate(tmp_path / "replay")
    server = replay(tmp_path / "replay").start()
    small, full = tmp_path / "small.toml", tmp_path / "full.toml"
    small.write_text(sources_toml(boards[:5], server.url))
    full.write_text(sources_toml(boards, server.url))
    db = tmp_path / "w.duckdb"
    env = {**os.environ, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache"), "SKILLRADAR_PER_HOST_RATE": "25",
           "SKILLRADAR_HTTP_CACHE": "false"}  # fmt: skip
    first = skillradar(["run", "--db", str(db), "--sources", str(small)], env)
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""
    baseline = json.loads(first.communicate()[0] or "{}") if first.stdout else {}
    assert baseline.get("status") == "ok"

    stages_killed = set()
    for delay in KILL_AFTER:
        process = skillradar(["run", "--db", str(db), "--sources", str(full)], env)
        time.sleep(delay)
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
        process.communicate()
        postings, distinct, current, distinct_current = counts(db)  # the warehouse opens after every kill
        assert postings == distinct and current == distinct_current
        snap = duckdb.connect(str(snapshot_path(db)), read_only=True)  # and a snapshot still serves
        assert snap.execute("SELECT count(*) FROM base_postings").fetchall()[0][0] > 0
        snap.close()
        con = duckdb.connect(str(db), read_only=True)
        stage = con.execute("SELECT summary->>'stage' FROM runs ORDER BY started_at DESC LIMIT 1").fetchall()[
            0
        ][0]
        con.close()
        stages_killed.add(stage)

    final = skillradar(["run", "--db", str(db), "--sources", str(full)], env)
    assert final.wait(timeout=180) == 0, final.communicate()[1]
    final.communicate()

    reference = tmp_path / "reference.duckdb"
    clean = skillradar(["run", "--db", str(reference), "--sources", str(full)], env)
    assert clean.wait(timeout=180) == 0
    clean.communicate()
    assert counts(db) == counts(reference)  # nothing duplicated, nothing missing
    assert {"scrape", "extract"} & stages_killed, stages_killed
