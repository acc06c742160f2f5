"""Extraction results in DuckDB: only new or changed postings are extracted, nothing is duplicated."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from extract import rules
from extract.schema import PostingInput
from scrapers.models import RawPosting
from skillradar.backends import rules_backend
from skillradar.pipeline import extract_postings
from warehouse.db import connect
from warehouse.extractions import ExtractorKey, pending
from warehouse.load import Decision, load_board

KEY = ExtractorKey("rules", rules.VERSION)
BATCH = rules_backend().extract_batch
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def posting(ext: str, text: str) -> tuple[RawPosting, Decision]:
    raw = RawPosting(source="greenhouse", board="acme", external_id=ext, title="Senior ML Engineer",
                     location="Remote (US only)", description_text=text, fetched_at=T0)  # fmt: skip
    return raw, Decision(True, "test")


def test_only_new_or_changed_postings_are_extracted(tmp_path: Path):
    con = connect(tmp_path / "w.duckdb")
    load_board(con, "greenhouse", "acme", [posting("1", "Python and PyTorch. $150k-$190k"), posting("2", "SQL")],
               complete=True, now=T0)  # fmt: skip
    first = extract_postings(con, BATCH, KEY)
    assert (first.pending, first.stored) == (2, 2)
    assert extract_postings(con, BATCH, KEY).pending == 0

    load_board(con, "greenhouse", "acme", [posting("1", "Python, PyTorch and Rust. $160k-$200k"), posting("2", "SQL")],
               complete=True, now=T0)  # fmt: skip
    assert [pid for pid, _, _ in pending(con, KEY)] == ["greenhouse:acme:1"]
    again = extract_postings(con, BATCH, KEY)
    assert (again.pending, again.stored) == (1, 1)

    rows = con.execute(
        "SELECT posting_id, is_current, salary_min, annual_max_usd FROM extractions ORDER BY posting_id, extracted_at"
    ).fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("greenhouse:acme:1", False), ("greenhouse:acme:1", True), ("greenhouse:acme:2", True),
    ]  # fmt: skip
    current = dict(con.execute("SELECT posting_id, salary_min FROM extractions WHERE is_current").fetchall())
    assert current["greenhouse:acme:1"] == 160000
    skills = {r[0] for r in con.execute(
        "SELECT s.skill_id FROM posting_skills s JOIN extractions e USING (extraction_id) "
        "WHERE e.is_current AND e.posting_id = 'greenhouse:acme:1'").fetchall()}  # fmt: skip
    assert {"python", "pytorch", "rust"} <= skills
    facts = json.loads(con.execute("SELECT facts FROM extractions WHERE is_current LIMIT 1").fetchall()[0][0])
    assert facts["extractor"] == "rules" and "skills" in facts
    con.close()


def test_a_posting_that_trips_a_rule_fails_alone_and_its_batch_lands(monkeypatch):
    """The rules backend extracts a batch together; when one posting in it raises, the others still get
    their records and only that one is stored as failed, with the reason."""
    postings = [
        PostingInput(id=f"p{i}", title=title, description="Python and PyTorch. $150k-$190k")
        for i, title in enumerate(["ML Engineer", "Trips the rule", "AI Engineer"])
    ]
    expected = [rules.extract(postings[0]), rules.extract(postings[2])]
    original = rules.extract_batch

    def extract_batch(batch):  # a rule that raises on one posting's title, wherever it sits in a batch
        if any(posting.title == "Trips the rule" for posting in batch):
            raise IndexError("string index out of range")
        return original(batch)

    monkeypatch.setattr(rules, "extract_batch", extract_batch)
    results = BATCH(postings)
    assert [facts for facts, _ in results[::2]] == expected
    assert [reason for _, reason in results[::2]] == [None, None]
    failed, reason = results[1]
    assert failed.id == "p1" and failed.skills == [] and failed.salary is None
    assert reason is not None and "IndexError: string index out of range" in reason and "p1" in reason
