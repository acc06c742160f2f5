"""Every posting of ../shared/data/pool.jsonl, served as a Greenhouse board on loopback, through the whole
nightly run: scrape, extract, build, publish, with no crash and nothing lost."""

from __future__ import annotations

import html
import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from skillradar.cli import app

pytestmark = pytest.mark.shared


def test_the_whole_pool_runs_through_the_pipeline(shared: Path, replay, tmp_path: Path):
    rows = [
        json.loads(line) for line in (shared / "data/pool.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    jobs = [
        {"id": index, "title": row["title"], "absolute_url": row.get("url") or f"https://example.invalid/{index}",
         "location": {"name": row.get("location")}, "first_published": row.get("posted_at"),
         "content": html.escape(html.escape(row.get("description") or ""))}  # entity-escaped as the API sends it
        for index, row in enumerate(rows)
    ]  # fmt: skip
    (tmp_path / "replay" / "greenhouse").mkdir(parents=True)
    (tmp_path / "replay" / "greenhouse" / "pool.json").write_text(json.dumps({"jobs": jobs}))
    server = replay(tmp_path / "replay").start()
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nkind = "greenhouse"\nboard = "pool"\nbase_url = "{server.url}/greenhouse"\n'
    )
    db = tmp_path / "pool.duckdb"
    result = CliRunner().invoke(
        app, ["run", "--sources", str(sources), "--db", str(db)],
        env={"SKILLRADAR_CACHE_DIR": str(tmp_path / "cache"), "SKILLRADAR_MAX_BYTES": str(200 * 1024 * 1024)},
    )  # fmt: skip
    assert result.exit_code == 0, result.output[-2000:]
    summary = json.loads(result.output)
    assert summary["stages"]["scrape"]["fetched"] == len(rows)
    assert (
        summary["stages"]["extract"]["stored"] == len(rows) and summary["stages"]["extract"]["fallbacks"] == 0
    )
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT count(*) FROM extractions WHERE fallback_reason IS NOT NULL").fetchall() == [
        (0,)
    ]
    con.close()
