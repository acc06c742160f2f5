"""The dashboard's reads during a nightly write: snapshots are swapped atomically, so a reader never
errors and never sees half a build."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.dashboard_fixture import build_demo_snapshot
from warehouse import queries
from warehouse.marts import Filters
from warehouse.publish import open_snapshot

BUILDS = 4


def test_reads_during_rebuilds_never_fail_or_see_half_a_build(tmp_path: Path):
    db = build_demo_snapshot(tmp_path)
    expected_tables = {r[0] for r in open_snapshot(db).execute("SHOW TABLES").fetchall()}
    writer = subprocess.Popen(
        [sys.executable, "-c",
         "import sys; from typer.testing import CliRunner; from skillradar.cli import app\n"
         f"for _ in range({BUILDS}):\n"
         f"    r = CliRunner().invoke(app, ['build', '--db', {str(db)!r}]); assert r.exit_code == 0, r.output\n"],
    )  # fmt: skip
    reads = 0
    totals = set()
    try:
        while writer.poll() is None or reads < 5:
            con = open_snapshot(db)  # exactly what a dashboard page does on every rerun
            try:
                assert {r[0] for r in con.execute("SHOW TABLES").fetchall()} == expected_tables
                overview = queries.overview(con, Filters())
                bands = queries.salary_bands(con, Filters())
                assert overview["postings"] > 0 and bands.height > 0
                totals.add(overview["postings"])
            finally:
                con.close()
            reads += 1
            time.sleep(0.02)
    finally:
        assert writer.wait(timeout=300) == 0
    assert reads >= 5 and len(totals) == 1  # every complete snapshot tells the same story
    duckdb.connect(str(db)).close()  # and the live warehouse is free again
