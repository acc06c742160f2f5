"""`skillradar run` and `skillradar schedule`: exit codes cron can read, the lock, the stored summary."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from typer.testing import CliRunner

from extract import rules
from skillradar.cli import app
from skillradar.demo_data import generate, sources_toml
from skillradar.nightly import run_lock
from tests.conftest import Scripted

ENV = {"SKILLRADAR_PER_HOST_RATE": "500", "SKILLRADAR_PER_HOST_CONCURRENCY": "8", "SKILLRADAR_RETRY_WAIT": "0.01",
       "SKILLRADAR_ATTEMPTS": "2"}  # fmt: skip


def run(tmp_path: Path, sources: Path, db: Path):
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache")}
    return CliRunner().invoke(app, ["run", "--sources", str(sources), "--db", str(db)], env=env)


def test_runs_report_ok_partial_and_nothing(replay, scripted, tmp_path: Path, monkeypatch):
    boards = generate(tmp_path / "replay")
    server = replay(tmp_path / "replay").start()
    good = tmp_path / "good.toml"
    good.write_text(sources_toml(boards[:3], server.url))
    db = tmp_path / "w.duckdb"

    first = run(tmp_path, good, db)
    assert first.exit_code == 0, first.output
    summary = json.loads(first.output)
    assert summary["status"] == "ok" and summary["stages"]["scrape"]["new"] > 0
    assert summary["stages"]["extract"]["stored"] == summary["stages"]["scrape"]["new"]
    assert summary["stages"]["extract"]["version"] == rules.VERSION  # which rules extracted
    assert Path(summary["stages"]["publish"]["snapshot"]).is_file()

    scripted.route("/v1/boards/down/jobs", Scripted(503))
    mixed = tmp_path / "mixed.toml"
    mixed.write_text(
        good.read_text() + f'\n[[source]]\nkind = "greenhouse"\nboard = "down"\nbase_url = "{scripted.url}"\n'
    )
    second = run(tmp_path, mixed, db)
    assert second.exit_code == 3, second.output
    partial = json.loads(second.output)
    assert partial["status"] == "partial" and partial["stages"]["scrape"]["failed"] == 1
    assert partial["stages"]["scrape"]["new"] == 0 and partial["stages"]["extract"]["stored"] == 0
    assert "503" in partial["stages"]["scrape"]["failures"][0]["error"]

    dead = tmp_path / "dead.toml"
    dead.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "down"\nbase_url = "{scripted.url}"\n')
    assert run(tmp_path, dead, db).exit_code == 1

    con = duckdb.connect(str(db))
    rows = con.execute("SELECT status, exit_code FROM runs ORDER BY started_at").fetchall()
    assert rows == [("ok", 0), ("partial", 3), ("failed", 1)]
    stored = json.loads(con.execute("SELECT summary FROM runs ORDER BY started_at LIMIT 1").fetchall()[0][0])
    assert stored["stages"]["scrape"]["per_source"]
    con.close()

    # the Data health page shows the nightly runs from the snapshot the partial run published
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("SKILLRADAR_DB", str(db))
    page = AppTest.from_file(
        str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py"), default_timeout=60
    )
    page.run()
    page.switch_page("views/health.py").run()
    assert not page.exception
    nightly = page.dataframe[0].value
    assert list(nightly["Status"])[-1] == "ok" and "Exit code" in nightly.columns
    assert any("Last run" in m.value for m in page.markdown)


def test_a_second_run_waits_for_nobody_and_says_why(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    sources = tmp_path / "s.toml"
    sources.write_text('[[source]]\nkind = "hn"\nboard = "whoishiring"\nbase_url = "http://127.0.0.1:9"\n')
    with run_lock(db):
        result = run(tmp_path, sources, db)
    assert result.exit_code == 1
    assert "another run holds" in result.output


def test_schedules_are_ready_to_paste(tmp_path: Path):
    runner = CliRunner()
    cron = runner.invoke(app, ["schedule", "cron", "--db", str(tmp_path / "new" / "w.duckdb")]).output
    assert "skillradar run" in cron and cron.strip().splitlines()[-1].startswith("37 3 * * *")
    systemd = runner.invoke(app, ["schedule", "systemd"]).output
    assert "Persistent=true" in systemd and "OnCalendar=" in systemd and "SuccessExitStatus=3" in systemd
    github = runner.invoke(app, ["schedule", "github"]).output
    assert 'cron: "37 3 * * *"' in github and "actions/cache" in github and "concurrency:" in github
    assert runner.invoke(app, ["schedule", "weekly"]).exit_code == 2
