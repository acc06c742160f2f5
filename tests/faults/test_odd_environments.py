"""Odd but real environments: paths with quotes, a kill in the middle of a publish, a stopped dashboard,
a first nightly run on a fresh machine, a shared link from long ago, a board name that is a path."""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from skillradar.cli import app
from tests.conftest import Scripted, ScriptedServer, free_port, serving
from tests.test_marts import small_warehouse
from warehouse.marts import build_marts
from warehouse.publish import publish, snapshot_path

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_a_warehouse_path_with_an_apostrophe_publishes_beside_it_and_a_killed_publish_leaves_nothing(
    tmp_path: Path,
):
    folder = tmp_path / "it's here"
    folder.mkdir()
    db = folder / "o'neil.duckdb"
    con = small_warehouse(db)
    build_marts(con, "rules")
    stale = snapshot_path(db).with_name(f".{snapshot_path(db).name}.999999999.tmp")
    stale.write_bytes(b"half a snapshot of a killed publish")
    assert publish(con, db) == snapshot_path(db) and snapshot_path(db).is_file()
    con.close()
    assert not stale.exists()  # its process is gone: removed
    assert sorted(p.name for p in folder.iterdir()) == ["o'neil.duckdb", "o'neil.snapshot.duckdb"]
    out = tmp_path / "export 'x'"
    result = CliRunner().invoke(app, ["export", "--db", str(db), "--out", str(out)])
    assert result.exit_code == 0 and (out / "postings.parquet").is_file()


def test_a_shared_link_with_dates_outside_the_data_still_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    db = tmp_path / "w.duckdb"
    con = small_warehouse(db)
    build_marts(con, "rules")
    publish(con, db)
    con.close()
    monkeypatch.setenv("SKILLRADAR_DB", str(db))
    page = AppTest.from_file(str(APP), default_timeout=60)
    page.query_params["since"] = "1999-01-01"
    page.query_params["until"] = "2099-12-31"
    page.run()
    assert not page.exception, [e.value for e in page.exception]
    assert {m.label for m in page.metric} >= {"Relevant postings"}
    assert str(tmp_path) not in " ".join(str(e.value) for e in page.main if hasattr(e, "value"))


def test_stopping_the_dashboard_command_stops_the_server(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    port = free_port()
    command = [sys.executable, "-m", "skillradar.cli", "dashboard", "--db", str(db), "--port", str(port)]
    with serving(command, f"http://127.0.0.1:{port}/_stcore/health", "the dashboard"):
        pass  # leaving sends SIGTERM to the process started, as a service manager would
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0  # nothing left serving the port


def test_the_schedules_assume_neither_a_log_folder_nor_a_sources_file(tmp_path: Path):
    runner = CliRunner()
    cron = runner.invoke(app, ["schedule", "cron", "--db", str(tmp_path / "new" / "w.duckdb")]).output
    line = cron.strip().splitlines()[-1]
    assert f"mkdir -p {tmp_path / 'new'} &&" in line and line.index("mkdir") < line.index("skillradar run")
    github = runner.invoke(app, ["schedule", "github"]).output
    assert "skillradar run ||" in github and "--sources sources.toml" not in github


@pytest.mark.parametrize("board", ["../admin", "acme%2Fadmin", "acme/../../etc", "acme?x=1"])
def test_a_board_name_that_would_reach_other_paths_is_refused_before_any_request(
    scripted: ScriptedServer, tmp_path: Path, board: str
):
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "{board}"\nbase_url = "{scripted.url}"\n')
    env = {**os.environ, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")}
    result = CliRunner().invoke(
        app, ["scrape", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")], env=env
    )
    assert result.exit_code == 2 and f"board '{board}' may hold letters, digits" in " ".join(
        result.output.split()
    )
    assert scripted.requests == []


def test_export_and_gap_on_odd_destinations_and_filters_say_what_is_wrong(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    con = small_warehouse(db)
    build_marts(con, "rules")
    publish(con, db)
    con.close()
    runner = CliRunner()

    def said(*args: str) -> tuple[int, str]:
        result = runner.invoke(app, [*args, "--db", str(db)])
        assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
        return result.exit_code, " ".join(result.output.split())

    (tmp_path / "notes.txt").write_text("a file")
    code, output = said("export", "--out", str(tmp_path / "notes.txt" / "export"))
    assert code == 2 and "cannot make the folder" in output
    (tmp_path / "out" / "postings.parquet").mkdir(parents=True)  # a folder where the file goes
    code, output = said("export", "--out", str(tmp_path / "out"))
    assert code == 1 and "cannot write" in output and "postings.parquet" in output
    code, output = said("gap", "--skills", "python", "--region", "Mars")
    assert code == 2 and "no region 'Mars' in the snapshot; it has: EU/EEA, North America" in output
    code, output = said("salaries", "--seniority", "Senior")  # a typo is not "no postings"
    assert code == 2 and "no seniority 'Senior' in the snapshot; it has: senior" in output


def test_a_cache_folder_that_cannot_be_made_costs_the_cache_not_the_work(
    scripted: ScriptedServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
):
    from extract.llm import AnswerCache

    (tmp_path / "notes.txt").write_text("a file where a folder is expected")
    job = {"id": 1, "title": "ML Engineer", "content": "PyTorch", "absolute_url": "https://x.example/1"}
    scripted.route("/v1/boards/acme/jobs", Scripted(200, {"jobs": [job]}))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "acme"\nbase_url = "{scripted.url}"\n')
    env = {"SKILLRADAR_CACHE_DIR": str(tmp_path / "notes.txt" / "http")}
    with caplog.at_level("WARNING", logger="skillradar"):
        result = CliRunner().invoke(
            app, ["scrape", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")], env=env
        )
        answers = AnswerCache(tmp_path / "notes.txt" / "llm")
        answers.put("k", {"skills": []})
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        assert con.execute("SELECT title FROM postings").fetchall() == [("ML Engineer",)]
    assert answers.get("k") is None  # no cache, and no error
    warned = " ".join(record.getMessage() for record in caplog.records)
    assert "cannot use the HTTP cache folder" in warned and "cannot use the LLM answer cache folder" in warned
