"""How a scrape schedules boards and writes them: fair across hosts, batched, one bad board alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from scrapers.base import BoardConfig
from scrapers.models import RawPosting
from skillradar.pipeline import _Fetched, _write_batch, fair_order
from warehouse.db import connect
from warehouse.load import Decision, start_runs

KEEP = Decision(True, "test")


def test_boards_are_taken_round_robin_across_hosts():
    boards = [BoardConfig("greenhouse", f"a{i}", base_url="http://127.0.0.2:1") for i in range(3)]
    boards += [BoardConfig("greenhouse", "b0", base_url="http://127.0.0.3:1")]
    boards += [BoardConfig("greenhouse", f"c{i}", base_url="http://127.0.0.4:1") for i in range(2)]
    assert [b.board for b in fair_order(boards)] == ["a0", "b0", "c0", "a1", "c1", "a2"]


def _posting(board: str, ext: str) -> RawPosting:
    return RawPosting(source="greenhouse", board=board, external_id=ext, title="ML Engineer", company="Acme",
                      description_text="Python and PyTorch " * 20, fetched_at=datetime.now(UTC))  # fmt: skip


def test_a_batch_that_fails_is_written_board_by_board(tmp_path: Path):
    """Two boards carrying the same posting cannot share a transaction; written one by one, each lands
    (the second updates the first), the failed fetch is recorded, and every run row is finished."""
    con = connect(tmp_path / "w.duckdb")
    same = [(_posting("acme", "1"), KEEP)]
    boards = [BoardConfig("greenhouse", name) for name in ("acme", "mirror", "down")]
    start_runs(con, "r1", [(b.kind, b.board) for b in boards])
    batch = [
        _Fetched(boards[0], same),
        _Fetched(boards[1], same),
        _Fetched(boards[2], None, error="[greenhouse:down] HTTP 500"),
    ]
    outcomes = _write_batch(con, "r1", batch)
    assert [(o.board.board, o.status) for o in outcomes] == [
        ("acme", "ok"),
        ("mirror", "ok"),
        ("down", "failed"),
    ]
    assert [(o.counts.new, o.counts.updated) for o in outcomes[:2]] == [(1, 0), (0, 0)]
    runs = con.execute("SELECT board, status, fetched, error FROM scrape_runs ORDER BY board").fetchall()
    assert runs == [
        ("acme", "ok", 1, None),
        ("down", "failed", 0, "[greenhouse:down] HTTP 500"),
        ("mirror", "ok", 1, None),
    ]
    assert con.execute("SELECT count(*) FROM postings").fetchall() == [(1,)]
