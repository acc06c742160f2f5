"""Extraction results in DuckDB: only new or changed postings are extracted, nothing is duplicated."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from extract import rules
from extract.rules import role
from extract.schema import PostingInput
from scrapers.models import RawPosting
from skillradar.backends import rules_backend
from skillradar.pipeline import extract_postings
from warehouse.db import connect
from warehouse.extractions import ExtractorKey, pending
from warehouse.load import Decision, load_board

ROOT = Path(__file__).resolve().parent.parent
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
    """When a rule raises on one posting of a batch, the others still get their records and only that
    one is stored as failed, with the reason."""
    postings = [
        PostingInput(id=f"p{i}", title=title, description="Python and PyTorch. $150k-$190k")
        for i, title in enumerate(["ML Engineer", "Trips the rule", "AI Engineer"])
    ]
    expected = [rules.extract(postings[0]), rules.extract(postings[2])]
    original = role.role_family

    def role_family(posting):  # a rule that raises on one posting's title
        if posting.title == "Trips the rule":
            raise IndexError("string index out of range")
        return original(posting)

    monkeypatch.setattr(role, "role_family", role_family)
    results = BATCH(postings)
    assert [facts for facts, _ in results[::2]] == expected
    assert [reason for _, reason in results[::2]] == [None, None]
    failed, reason = results[1]
    assert failed.id == "p1" and failed.skills == [] and failed.salary is None
    assert reason is not None and "IndexError: string index out of range" in reason and "p1" in reason


def _extract_with(tree: Path, db: Path) -> str:
    """`skillradar extract` run as a user runs it, from the project tree at `tree`."""
    done = subprocess.run(
        [sys.executable, "-c", "from skillradar.cli import main; main()", "extract", "--db", str(db)],
        env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_editing_an_alias_re_extracts_the_stored_postings(tmp_path: Path):
    """The rules' version names what the records depend on (their sources, skills.yaml, places.yaml), so a
    user who adds an alias sees every stored posting extracted again by the next `extract`."""
    tree = tmp_path / "tree"
    for package in ("extract", "scrapers", "skillradar", "warehouse", "dashboard"):
        shutil.copytree(ROOT / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    db = tmp_path / "w.duckdb"
    con = connect(db)
    load_board(con, "greenhouse", "acme", [posting("1", "We train models in Torchlet."), posting("2", "SQL")],
               complete=True, now=T0)  # fmt: skip
    con.close()

    assert "2 postings to extract" in _extract_with(tree, db)
    assert "0 postings to extract" in _extract_with(tree, db)

    skills = tree / "extract" / "taxonomy" / "skills.yaml"
    edited = skills.read_text(encoding="utf-8").replace(
        "aliases: [pytorch,", "aliases: [torchlet, pytorch,", 1
    )
    assert edited != skills.read_text(encoding="utf-8"), "the shipped taxonomy no longer has that alias list"
    skills.write_text(edited, encoding="utf-8")
    assert "2 postings to extract" in _extract_with(tree, db)

    con = connect(db)
    versions = con.execute("SELECT count(DISTINCT version) FROM extractions").fetchall()[0][0]
    current = {r[0] for r in con.execute(
        "SELECT s.skill_id FROM posting_skills s JOIN extractions e USING (extraction_id) "
        "WHERE e.is_current AND e.posting_id = 'greenhouse:acme:1'").fetchall()}  # fmt: skip
    con.close()
    assert versions == 2 and "pytorch" in current


def test_a_backlog_is_extracted_a_page_at_a_time(tmp_path: Path):
    con = connect(tmp_path / "w.duckdb")
    load_board(
        con, "greenhouse", "acme", [posting(f"{n:03d}", f"Python job {n}") for n in range(25)], complete=True
    )
    seen: list[int] = []

    def extract(batch):
        seen.append(len(batch))
        return [(rules.extract(p), None) for p in batch]

    summary = extract_postings(con, extract, KEY, batch_size=10)
    assert (summary.pending, summary.stored, seen) == (25, 25, [10, 10, 5])  # never more than a page at once
    assert extract_postings(con, extract, KEY, batch_size=10).pending == 0 and seen == [10, 10, 5]
    con.close()
