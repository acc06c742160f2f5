"""A published snapshot of the synthetic demo boards, built through the real commands, for dashboard tests."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from skillradar.cli import app
from skillradar.demo_data import generate, sources_toml
from skillradar.replay import ReplayServer

ENV = {
    "SKILLRADAR_PER_HOST_RATE": "500",
    "SKILLRADAR_PER_HOST_CONCURRENCY": "8",
    "SKILLRADAR_RETRY_WAIT": "0.01",
}


def build_demo_snapshot(workdir: Path) -> Path:
    """Scrape, extract and build the demo boards into `workdir`; return the warehouse path."""
    boards = generate(workdir / "replay")
    db = workdir / "demo.duckdb"
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(workdir / "cache"), "SKILLRADAR_DB": str(db)}
    runner = CliRunner()
    with ReplayServer(workdir / "replay") as server:
        sources = workdir / "sources.toml"
        sources.write_text(sources_toml(boards, server.url))
        result = runner.invoke(app, ["scrape", "--sources", str(sources), "--db", str(db)], env=env)
        assert result.exit_code == 0, result.output
    for command in (["extract", "--db", str(db)], ["build", "--db", str(db)]):
        result = runner.invoke(app, command, env=env)
        assert result.exit_code == 0, result.output
    return db
