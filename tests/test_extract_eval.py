"""Taxonomy validation, the eval metrics on a hand-computed fixture, the extraction commands, and the
real data in ../shared (vocabulary coverage, the whole pool without a crash, the peer project's cases)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from extract import rules
from extract.errors import TaxonomyError
from extract.evaluate import score
from extract.peercases import score_peer_cases
from extract.schema import PostingFacts, PostingInput, Salary, SkillMention
from extract.taxonomy import load_taxonomy, parse_taxonomy
from scrapers.text import html_to_text
from skillradar.cli import app


def test_taxonomy_rejects_duplicates_and_unknown_implications():
    base = {"id": "x", "name": "X", "category": "c", "kind": "tool", "aliases": ["ex"]}
    with pytest.raises(TaxonomyError, match="duplicate id"):
        parse_taxonomy({"skills": [base, base]})
    with pytest.raises(TaxonomyError, match="already belongs"):
        parse_taxonomy({"skills": [base, {**base, "id": "y"}]})
    with pytest.raises(TaxonomyError, match="unknown ids"):
        parse_taxonomy({"skills": [{**base, "implies": {"ex": ["nope"]}}]})
    with pytest.raises(TaxonomyError, match="invalid regular expression"):
        parse_taxonomy({"skills": [{**base, "patterns": ["(unclosed"]}]})
    with pytest.raises(TaxonomyError, match="kind must be"):
        parse_taxonomy({"skills": [{**base, "kind": "vibe"}]})


def test_shipped_taxonomy_has_every_vocabulary_id(shared: Path):
    vocabulary = yaml.safe_load((shared / "eval/vocabulary.yaml").read_text())
    ids = {item["id"] for items in vocabulary["categories"].values() for item in items}
    assert ids <= set(load_taxonomy().skills)


def gold_row(pid: str, skills: list[str], salary: dict | None, seniority: str, ai: bool) -> dict:
    return {
        "id": pid, "title": "t", "description": "d",
        "labels": {"skills": skills, "salary": salary, "seniority": seniority, "country": "US", "remote": None,
                   "is_ai_role": ai},
    }  # fmt: skip


def test_metrics_match_a_hand_computed_example():
    rows = [
        gold_row(
            "a",
            ["python", "sql"],
            {"min": 100, "max": 200, "currency": "USD", "period": "year"},
            "senior",
            True,
        ),
        gold_row("b", ["python"], None, "unknown", False),
    ]
    answers = {
        "a": PostingFacts(
            id="a", skills=[SkillMention(id="python", evidence="p"), SkillMention(id="rust", evidence="r")],
            salary=Salary(min=100.5, max=199, currency="USD", period="year"), seniority="senior", country="US",
            is_ai_role=True,
        ),
        "b": PostingFacts(
            id="b", skills=[SkillMention(id="python", evidence="p"), SkillMention(id="not_in_vocab", evidence="n")],
            salary=Salary(min=1, max=2, currency="USD"), seniority="mid", country="CA", is_ai_role=True,
        ),
    }  # fmt: skip
    vocabulary = {"python": "tool", "sql": "tool", "rust": "tool"}
    metrics = score(rows, lambda p: answers[p.id], vocabulary).metrics()
    # skills: tp=2 (python twice), fp=1 (rust), fn=1 (sql); the id outside the vocabulary is ignored
    assert metrics["skills_precision"] == round(2 / 3, 4) and metrics["skills_recall"] == round(2 / 3, 4)
    assert metrics["salary_exact"] == 1.0 and metrics["salary_invented"] == 1.0
    assert metrics["seniority_accuracy"] == 1.0  # "unknown" gold is not scored
    assert metrics["country_accuracy"] == 0.5
    assert metrics["is_ai_role_f1"] == round(2 * 0.5 * 1 / 1.5, 4)


def test_extract_file_and_eval_commands(tmp_path: Path):
    posts = [
        {
            "id": "1",
            "title": "Senior ML Engineer",
            "location": "Berlin",
            "description": "PyTorch. €90.000 per year",
        },
        {"id": "2", "title": "Recruiter", "location": None, "description": "Hiring people."},
    ]
    infile = tmp_path / "in.jsonl"
    infile.write_text("\n".join(json.dumps(p) for p in posts) + "\n")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract-file", str(infile), "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [line["id"] for line in lines] == ["1", "2"]
    first = lines[0]
    assert {"skills", "salary", "seniority", "country", "remote", "is_ai_role"} <= set(first)
    assert first["salary"]["currency"] == "EUR" and first["country"] == "DE" and first["is_ai_role"] is True

    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({**posts[0], "labels": {
        "skills": ["pytorch"], "salary": {"min": 90000, "max": 90000, "currency": "EUR", "period": "year"},
        "seniority": "senior", "country": "DE", "remote": None, "is_ai_role": True}}) + "\n")  # fmt: skip
    result = CliRunner().invoke(app, ["eval", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert metrics["skills_f1"] == 1.0 and metrics["salary_exact"] == 1.0 and metrics["n"] == 1
    assert (metrics["relevance_precision"], metrics["relevance_recall"]) == (1.0, 1.0)  # the scrape filter
    assert CliRunner().invoke(app, ["eval", str(tmp_path / "missing.jsonl")]).exit_code == 2


@pytest.mark.shared
def test_every_pool_posting_extracts_without_an_exception(shared: Path):
    count = 0
    with (shared / "data/pool.jsonl").open() as handle:
        for line in handle:
            facts = rules.extract(PostingInput.model_validate(json.loads(line)))
            assert facts.id
            count += 1
    assert count == 3724


@pytest.mark.shared
def test_agrees_with_the_peer_projects_salary_currency_and_remote_cases(shared: Path):
    cases = json.loads((shared / "data/peers/whoishiringreport_eval_cases.json").read_text())["test_cases"]
    checked = 0
    for case in cases:
        expected = case["expected"]
        text = html_to_text(case["comment"].get("content") or "")
        if expected.get("error") or not expected.get("is_job_posting"):
            continue
        facts = rules.extract(PostingInput(id=case["id"], title=text.split("\n")[0], description=text))
        salary = facts.salary
        remote = {"remote": True, "hybrid": False, "onsite": False, None: None}[facts.remote]
        for expect in [expected.get("all_roles") or {}] + [
            r["expect"] for r in expected.get("roles", [])[:1]
        ]:
            if "salary_min" in expect:
                assert (salary.min if salary else None) == expect["salary_min"], case["id"]
            if "salary_max" in expect:
                assert (salary.max if salary else None) == expect["salary_max"], case["id"]
            if "salary_currency" in expect:
                assert salary is not None and salary.currency == expect["salary_currency"], case["id"]
            if "salary_min_gte" in expect:
                assert (
                    salary is not None and salary.min is not None and salary.min >= expect["salary_min_gte"]
                )
            if "salary_max_lte" in expect:
                assert (
                    salary is not None and salary.max is not None and salary.max <= expect["salary_max_lte"]
                )
            if "is_remote" in expect:
                assert remote is expect["is_remote"], case["id"]
            if "is_remote_in" in expect:
                assert remote in expect["is_remote_in"], case["id"]
        checked += 1
    assert checked == 9


def test_peer_cases_are_scored_by_their_grammar_and_debatable_ones_apart():
    def case(pid: str, kind: str, expected: dict, debatable: str | None = None) -> dict:
        return {"id": pid, "kind": kind, "source": {"repo": f"peer/{kind}"}, "debatable": debatable,
                "input": {"title": "", "location": None, "description": pid}, "expected": expected}  # fmt: skip

    answers = {
        "a": PostingFacts(id="a", salary=Salary(min=100_500, max=None, currency="USD")),
        "b": PostingFacts(id="b", salary=Salary(min=90_000, max=110_000, currency="USD")),
        "c": PostingFacts(id="c", country="PL"),
        "d": PostingFacts(id="d", remote="hybrid"),
        "e": PostingFacts(id="e", seniority="mid"),
    }
    cases = [
        # within 1%, and a single figure given as min only
        case(
            "a", "salary", {"salary": {"min": 100_000, "max": {"any_of": [None, 100_000]}, "currency": "USD"}}
        ),
        case("b", "salary", {"salary": {"mid": 100_000, "period": "hour"}}),  # the period differs
        case("c", "country", {"country": {"any_of": ["PL", None]}}),
        case("d", "remote", {"remote": {"any_of": ["onsite", "hybrid"]}}),
        case("e", "seniority", {"seniority": "senior"}, debatable="a title with no level word"),
    ]
    report = score_peer_cases(cases, lambda posting: answers[posting.id])
    metrics = report.metrics()
    assert (metrics["n"], metrics["peer_salary"], metrics["peer_country"], metrics["peer_remote"]) == (
        4,
        0.5,
        1.0,
        1.0,
    )
    assert metrics["peer_seniority_debatable"] == 0.0 and "peer_seniority" not in metrics
    assert report.agreeing == ["a", "c", "d"] and [miss["id"] for miss in report.misses] == ["b"]
    assert report.by_peer["peer/salary"].total == 2 and report.by_peer["peer/salary"].agreed == 1


def test_eval_reports_postings_the_backend_failed_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A posting a rule raises on is scored as the empty record the pipeline would store, and said so."""
    from extract.rules import role

    def broken(posting):
        raise IndexError("string index out of range")

    monkeypatch.setattr(role, "role_family", broken)
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "1", "title": "ML Engineer", "description": "PyTorch", "labels": {
        "skills": ["pytorch"], "salary": None, "seniority": "unknown", "country": None, "remote": None,
        "is_ai_role": True}}) + "\n")  # fmt: skip
    result = CliRunner().invoke(app, ["eval", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["failed"] == 1
    shown = CliRunner().invoke(app, ["eval", str(gold)])
    assert "1 postings failed or fell back" in shown.output and "IndexError" in shown.output


def _ashby_job(job_id: str, text: str, low: float, high: float, interval: str = "1 YEAR") -> dict:
    pay = {"compensationType": "Salary", "minValue": low, "maxValue": high, "currencyCode": "USD",
           "interval": interval}  # fmt: skip
    return {"id": job_id, "title": "Engineer", "location": "New York", "descriptionPlain": text,
            "compensation": {"summaryComponents": [pay]}}  # fmt: skip


def test_stated_pay_counts_only_ranges_the_text_states_as_money(tmp_path: Path):
    """An Ashby posting is a stated-pay case when one line states both ends of its published range, one of
    them marked as money; the same figures standing for other things or on separate lines are not."""
    import gzip

    jobs = [
        _ashby_job("stated", "About us.\nBase salary: $150,000 - $200,000 per year.", 150000, 200000),
        _ashby_job("cents", "Compensation: $18.00 - $23.00/hour", 18, 23, "1 HOUR"),
        _ashby_job("states", "We serve 250,000 providers across all 50 states.", 50, 50, "1 HOUR"),
        _ashby_job("users", "We grew to 300K users.\nRaised $7M.", 300000, 300000),
        _ashby_job(
            "apart", "Pay: $18.00 - $24.00 per hour\nExpected hours: 20 - 25 a week", 18, 25, "1 HOUR"
        ),
        # published as total pay, stated as base and total: a case the rules read differently (base pay)
        _ashby_job("total", "A $90,000 - $110,000 base; total compensation up to $250,000.", 90000, 250000),
    ]
    with gzip.open(tmp_path / "board.json.gz", "wt", encoding="utf-8") as handle:
        json.dump({"jobs": jobs}, handle)
    result = CliRunner().invoke(app, ["eval", str(tmp_path), "--json"])
    assert result.exit_code == 0, result.output
    metrics = json.loads(result.output)
    assert (metrics["n"], metrics["stated_pay_exact"]) == (3, round(2 / 3, 4))
