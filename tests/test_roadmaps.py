"""Roadmaps and their claims are data: the shipped ones load, and bad files are rejected clearly."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from extract.errors import TaxonomyError
from extract.taxonomy.roadmaps import ROADMAPS_DIR, load_roadmaps


def test_every_seed_article_has_a_roadmap_with_ordered_phases():
    roadmaps = load_roadmaps()
    seeds = {r.seed for r in roadmaps.values()}
    assert seeds == {
        "000_308b23cbed2e32b2.txt", "001_973b7d0d36139cd4.txt", "002_d37845ea2ee5ba5e.txt",
        "003_68eece70c6ec90e6.txt", "004_46715e7d5c0669a8.txt",
    }  # fmt: skip
    eight = roadmaps["algeriatech-8-month"]
    assert [p.months for p in eight.phases] == [[1, 2], [3, 4], [5, 6], [7, 8]]
    assert "langgraph" in eight.phases[-1].skills
    assert [len(r.phases) for r in (roadmaps["examcert-12-month"], roadmaps["birjob-12-month"])] == [6, 4]
    assert [p.level for p in roadmaps["essential-skills-levels"].phases] == [
        "beginner",
        "intermediate",
        "advanced",
    ]


def test_claims_carry_their_sentence_and_checkable_numbers():
    claims = {c.id: c for r in load_roadmaps().values() for c in r.claims}
    assert claims["examcert-us-senior"].min == 230000 and claims["examcert-us-senior"].seniority == "senior"
    assert claims["birjob-python-every-posting"].kind == "skill_share"
    assert claims["birjob-python-every-posting"].skills == ["python"]
    assert {c.kind for c in claims.values()} == {"salary_band", "skill_share", "premium", "certification"}


def test_seed_sentences_are_quoted_from_the_articles(shared: Path):
    for roadmap in load_roadmaps().values():
        article = " ".join((shared / "seeds" / roadmap.seed).read_text(encoding="utf-8").split())
        for claim in roadmap.claims:
            fragment = " ".join(claim.sentence.split("...")[0].split())[:40]
            assert fragment in article, f"{roadmap.id}/{claim.id}: {fragment!r} not in {roadmap.seed}"


def _write(directory: Path, data: dict) -> None:
    directory.mkdir(exist_ok=True)
    (directory / f"{data['id']}.yaml").write_text(yaml.safe_dump(data))


BASE = {"id": "mine", "title": "My plan", "article": "me", "seed": "none", "kind": "sequence"}


def test_a_user_adds_a_roadmap_by_adding_a_file(tmp_path: Path):
    for source in ROADMAPS_DIR.glob("*.yaml"):
        (tmp_path / source.name).write_text(source.read_text())
    _write(tmp_path, {**BASE, "phases": [{"name": "Basics", "months": [1], "skills": ["python", "sql"]}]})
    assert "mine" in load_roadmaps(tmp_path)


def test_unknown_skill_ids_and_disordered_phases_are_rejected(tmp_path: Path):
    _write(tmp_path, {**BASE, "phases": [{"name": "Basics", "months": [1], "skills": ["python", "vibes"]}]})
    with pytest.raises(TaxonomyError, match=r"unknown skill ids \['vibes'\]"):
        load_roadmaps(tmp_path)
    _write(tmp_path, {**BASE, "phases": [
        {"name": "Later", "months": [3, 4], "skills": ["python"]},
        {"name": "Earlier", "months": [1, 2], "skills": ["sql"]},
    ]})  # fmt: skip
    with pytest.raises(TaxonomyError, match="out of order"):
        load_roadmaps(tmp_path)
