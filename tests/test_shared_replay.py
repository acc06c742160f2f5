"""The real recorded boards in ../shared/data/replay, served on loopback and scraped end to end."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from scrapers.base import get_source
from skillradar.cli import app
from tests.conftest import ctx

pytestmark = pytest.mark.shared


def test_real_greenhouse_boards_parse_completely(shared: Path):
    for board, expected in (("alignerr", 153), ("invisible", 207)):
        payload = json.loads((shared / "data/replay/greenhouse" / f"{board}.json").read_text())
        postings = get_source("greenhouse").parse(payload, ctx(board))
        assert len(postings) == expected and not postings.skipped
        for posting in postings:
            assert posting.title and posting.url and posting.url.startswith("https://")
            assert posting.description_text and "&lt;" not in posting.description_text
            assert "<p>" not in posting.description_text and "&amp;" not in posting.description_text


def _write_sources(tmp_path: Path, base: str, extra: str = "") -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(
        f"""
[[source]]
kind = "greenhouse"
board = "alignerr"
base_url = "{base}/greenhouse"

[[source]]
kind = "greenhouse"
board = "invisible"
base_url = "{base}/greenhouse"

[[source]]
kind = "hn"
board = "whoishiring"
base_url = "{base}/hn"
{extra}
"""
    )
    return path


def _scrape(tmp_path: Path, sources: Path, db: Path) -> tuple[int, str]:
    result = CliRunner().invoke(
        app,
        ["scrape", "--sources", str(sources), "--db", str(db)],
        env={
            "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache"),
            "COLUMNS": "200",
            "SKILLRADAR_PER_HOST_RATE": "200",
            "SKILLRADAR_RETRY_WAIT": "0.01",
        },
    )
    return result.exit_code, result.output


def test_scrape_real_replay_collects_every_job_and_a_rerun_adds_nothing(shared: Path, replay, tmp_path: Path):
    server = replay(shared / "data/replay").start()
    sources = _write_sources(tmp_path, server.url)
    db = tmp_path / "w.duckdb"
    code, output = _scrape(tmp_path, sources, db)
    assert code == 0, output
    con = duckdb.connect(str(db))
    counts = dict(con.execute("SELECT source, count(*) FROM postings GROUP BY source").fetchall())
    assert counts == {"greenhouse": 360, "hn": 9}
    hn_rows = con.execute(
        "SELECT company, title, location, description_text, url FROM postings "
        "WHERE source = 'hn' ORDER BY external_id"
    ).fetchall()
    for company, title, _location, text, url in hn_rows:
        assert company and title and text and url.startswith("https://news.ycombinator.com/item?id=")
        assert "<p>" not in text and "&#x2F;" not in text
    companies = {row[0] for row in hn_rows}
    assert {"Neon Health", "SmarterDx", "Galaxy", "Snout", "Goody", "Tendavo"} <= companies
    assert sum(1 for row in hn_rows if row[2]) >= 8
    con.close()

    code, output = _scrape(tmp_path, sources, db)
    assert code == 0, output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM postings").fetchall()[0][0] == 369
    runs = con.execute(
        "SELECT sum(new), sum(updated), sum(closed), count(DISTINCT run_id) FROM scrape_runs"
    ).fetchall()[0]
    assert runs == (369, 0, 0, 2)


def test_a_broken_source_leaves_the_others_intact(shared: Path, replay, scripted, tmp_path: Path):
    from tests.conftest import Scripted

    server = replay(shared / "data/replay").start()
    scripted.route("/v1/boards/broken/jobs", Scripted(500, b"oops"))
    scripted.route("/v1/boards/junk/jobs", Scripted(200, b'{"jobs": [tru'))
    extra = f"""
[[source]]
kind = "greenhouse"
board = "broken"
base_url = "{scripted.url}"

[[source]]
kind = "greenhouse"
board = "junk"
base_url = "{scripted.url}"
"""
    sources = _write_sources(tmp_path, server.url, extra)
    db = tmp_path / "w.duckdb"
    code, output = _scrape(tmp_path, sources, db)
    assert code == 0, output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM postings").fetchall()[0][0] == 369
    failures = dict(
        con.execute("SELECT board, error FROM scrape_runs WHERE status = 'failed' ORDER BY board").fetchall()
    )
    assert set(failures) == {"broken", "junk"}
    assert "500" in failures["broken"] and "invalid JSON" in failures["junk"]
