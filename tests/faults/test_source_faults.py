"""Every way a source can misbehave, through `skillradar run`: the run completes, the other sources land,
and the failure is recorded with its cause."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from skillradar.cli import app
from skillradar.demo_data import generate, sources_toml
from tests.conftest import Scripted

ENV = {"SKILLRADAR_PER_HOST_RATE": "500", "SKILLRADAR_PER_HOST_CONCURRENCY": "8", "SKILLRADAR_RETRY_WAIT": "0.01",
       "SKILLRADAR_ATTEMPTS": "2", "SKILLRADAR_TIMEOUT": "1"}  # fmt: skip
GOOD_JOBS = {"jobs": [{"id": 1, "title": "ML Engineer", "content": "&lt;p&gt;PyTorch&lt;/p&gt;",
                       "absolute_url": "https://x/1", "location": {"name": "Berlin"}}]}  # fmt: skip

FAULTS = {
    "http_500": (Scripted(500, b"boom"), "500"),
    "http_429_retry_after": (Scripted(429, b"slow down", headers={"Retry-After": "999"}), "429"),
    "timeout": (Scripted(200, GOOD_JOBS, delay=3.0), "timed out"),
    "connection_reset": (Scripted(reset=True), "connection failed"),
    "truncated_json": (Scripted(200, b'{"jobs": [{"id": 1, "title": "ML'), "invalid JSON"),
    "html_not_json": (Scripted(200, b"<!doctype html><html><body>Please enable JS</body></html>"), "markup"),
    "body_50_mb": (Scripted(200, b"[" + b"0," * (25 * 1024 * 1024) + b"0]"), "cap"),
    "invalid_utf8": (Scripted(200, b'{"jobs": [{"id": 1, "title": "\xff\xfe"}]}'), "UTF-8"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_a_faulty_source_never_sinks_the_run(fault: str, replay, scripted, tmp_path: Path):
    answer, cause = FAULTS[fault]
    boards = generate(tmp_path / "replay")
    server = replay(tmp_path / "replay").start()
    scripted.route("/v1/boards/faulty/jobs", answer)
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sources_toml(boards[:2], server.url)
        + f'\n[[source]]\nkind = "greenhouse"\nboard = "faulty"\nbase_url = "{scripted.url}"\n'
    )
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(
        app,
        ["run", "--sources", str(sources), "--db", str(db)],
        env={**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")},
    )
    assert result.exit_code == 3, result.output
    summary = json.loads(result.output)
    assert summary["stages"]["scrape"]["ok"] == 2 and summary["stages"]["publish"]["snapshot"]
    con = duckdb.connect(str(db))
    landed = con.execute("SELECT count(*) FROM postings WHERE board <> 'faulty'").fetchall()[0][0]
    assert landed > 0 and con.execute("SELECT count(*) FROM postings WHERE board = 'faulty'").fetchall() == [
        (0,)
    ]
    ((status, error),) = con.execute(
        "SELECT status, error FROM scrape_runs WHERE board = 'faulty'"
    ).fetchall()
    assert status == "failed" and cause.lower() in error.lower(), error
    con.close()


def test_an_empty_board_is_not_a_failure(replay, scripted, tmp_path: Path):
    scripted.route("/v1/boards/empty/jobs", Scripted(200, {"jobs": [], "meta": {"total": 0}}))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "empty"\nbase_url = "{scripted.url}"\n')
    db = tmp_path / "w.duckdb"
    result = CliRunner().invoke(
        app,
        ["run", "--sources", str(sources), "--db", str(db)],
        env={**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")},
    )
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT status, fetched FROM scrape_runs").fetchall() == [("ok", 0)]
    con.close()
