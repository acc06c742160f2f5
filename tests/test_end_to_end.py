"""Every kind of source, through its real fetch code, against synthetic boards replayed on loopback."""

from __future__ import annotations

from pathlib import Path

import duckdb
from typer.testing import CliRunner

from skillradar.cli import app
from skillradar.demo_data import generate, sources_toml

ENV = {
    "SKILLRADAR_PER_HOST_RATE": "500",
    "SKILLRADAR_PER_HOST_CONCURRENCY": "8",
    "SKILLRADAR_RETRY_WAIT": "0.01",
    "COLUMNS": "200",
}


def scrape(tmp_path: Path, sources: Path, db: Path, *extra: str):
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache")}
    return CliRunner().invoke(app, ["scrape", "--sources", str(sources), "--db", str(db), *extra], env=env)


def demo_boards(replay, tmp_path: Path) -> tuple[list[dict], Path]:
    """Synthetic boards of every kind, served on loopback, and a sources file pointing at them."""
    boards = generate(tmp_path / "replay")
    server = replay(tmp_path / "replay").start()
    sources = tmp_path / "sources.toml"
    sources.write_text(sources_toml(boards, server.url))
    return boards, sources


def test_all_kinds_scrape_into_duckdb_and_a_rerun_is_conditional_and_adds_nothing(replay, tmp_path: Path):
    boards, sources = demo_boards(replay, tmp_path)
    db = tmp_path / "demo.duckdb"

    first = scrape(tmp_path, sources, db)
    assert first.exit_code == 0, first.output
    con = duckdb.connect(str(db))
    per_kind = dict(con.execute("SELECT source, count(*) FROM postings GROUP BY source").fetchall())
    assert set(per_kind) == {b["kind"] for b in boards}
    assert all(n > 0 for n in per_kind.values())
    statuses = con.execute("SELECT DISTINCT status FROM scrape_runs").fetchall()
    assert statuses == [("ok",)]
    empty = con.execute(
        "SELECT count(*) FROM postings WHERE title = '' OR description_text = '' OR url IS NULL"
    ).fetchall()[0][0]
    assert empty == 0
    published = con.execute("SELECT count(*) FROM postings WHERE pay_min IS NOT NULL").fetchall()[0][0]
    relevant = con.execute("SELECT count(*) FILTER (WHERE is_relevant), count(*) FROM postings").fetchall()[0]
    assert published > 0 and 0 < relevant[0] < relevant[1]
    total = sum(per_kind.values())
    con.close()

    second = scrape(tmp_path, sources, db)
    assert second.exit_code == 0, second.output
    assert "not modified (304)" in second.output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT count(*) FROM postings").fetchall()[0][0] == total
    news = con.execute(
        "SELECT sum(new), sum(updated), sum(closed) FROM scrape_runs GROUP BY run_id ORDER BY min(started_at)"
    ).fetchall()
    assert news == [(total, 0, 0), (0, 0, 0)]


def test_only_filter_and_exit_codes(replay, tmp_path: Path):
    _, sources = demo_boards(replay, tmp_path)
    db = tmp_path / "w.duckdb"

    only = scrape(tmp_path, sources, db, "--only", "hn")
    assert only.exit_code == 0, only.output
    con = duckdb.connect(str(db))
    assert con.execute("SELECT DISTINCT source FROM postings").fetchall() == [("hn",)]
    con.close()

    assert scrape(tmp_path, sources, db, "--only", "nosuchkind").exit_code == 2

    dead = tmp_path / "dead.toml"
    dead.write_text('[[source]]\nkind = "greenhouse"\nboard = "x"\nbase_url = "http://127.0.0.1:9"\n')
    failed = scrape(tmp_path, dead, db, "--no-cache")
    assert failed.exit_code == 1
    assert "1 of 1 boards failed" in failed.output


def test_bad_sources_file_is_a_usage_error_with_a_clear_message(tmp_path: Path):
    bad = tmp_path / "bad.toml"
    bad.write_text('[[source]]\nkind = "monster"\nboard = "x"\n')
    result = scrape(tmp_path, bad, tmp_path / "w.duckdb")
    assert result.exit_code == 2
    assert "unknown kind 'monster'" in result.output
    missing = scrape(tmp_path, tmp_path / "nope.toml", tmp_path / "w.duckdb")
    assert missing.exit_code == 2 and "does not exist" in missing.output


def test_partial_boards_are_reported_as_partial_and_close_nothing(scripted, tmp_path: Path):
    from tests.conftest import Scripted

    def thread(kids: list[int]) -> None:
        scripted.route("/v0/user/whoishiring.json", Scripted(200, {"id": "whoishiring", "submitted": [5]}))
        scripted.route(
            "/v0/item/5.json", Scripted(200, {"id": 5, "title": "Ask HN: Who is hiring?", "kids": kids})
        )

    for kid in (6, 7):
        text = f"Co{kid} | ML Engineer | Remote<p>PyTorch."
        scripted.route(f"/v0/item/{kid}.json", Scripted(200, {"id": kid, "type": "comment", "text": text}))
    sources = tmp_path / "hn.toml"
    sources.write_text(f'[[source]]\nkind = "hn"\nboard = "whoishiring"\nbase_url = "{scripted.url}"\n')
    db = tmp_path / "w.duckdb"
    thread([6, 7])
    assert scrape(tmp_path, sources, db, "--no-cache").exit_code == 0

    scripted.route("/v0/item/7.json", Scripted(500))
    result = scrape(tmp_path, sources, db, "--no-cache")
    assert result.exit_code == 0, result.output
    con = duckdb.connect(str(db))
    last = con.execute(
        "SELECT status, skipped, closed, error FROM scrape_runs ORDER BY started_at DESC LIMIT 1"
    ).fetchall()[0]
    assert last[:3] == ("partial", 1, 0) and "1 item(s) skipped" in last[3]
    assert con.execute("SELECT count(*) FROM postings WHERE closed_at IS NULL").fetchall() == [(2,)]


def test_replay_serves_loopback_hosts_only_and_can_add_latency(tmp_path: Path):
    """The benchmarks stand up several 'hosts' on 127.0.0.x with a delay; nothing may listen elsewhere."""
    import time

    import httpx
    import pytest

    from skillradar.replay import ReplayServer

    (tmp_path / "feed.json").write_text('{"ok": true}', encoding="utf-8")
    with pytest.raises(ValueError, match="loopback"):
        ReplayServer(tmp_path, host="0.0.0.0")
    with ReplayServer(tmp_path, host="127.0.0.3", latency=0.2) as server:
        assert server.url.startswith("http://127.0.0.3:")
        started = time.perf_counter()
        answer = httpx.get(f"{server.url}/feed.json", timeout=5)
        assert answer.json() == {"ok": True} and time.perf_counter() - started >= 0.2
