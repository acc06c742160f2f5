"""The skill gap on constructed markets where the right answer is known, and `gap` / `skills` as a user
runs them: names in any case, misspellings, CVs as text, Markdown and PDF."""

from __future__ import annotations

import json
from io import BytesIO
from pathlib import Path

import pytest
from pypdf import PdfWriter
from typer.testing import CliRunner

from extract.taxonomy import SkillRelations, load_relations
from extract.taxonomy.roadmaps import Phase, Roadmap
from skillradar.cli import app
from tests.test_marts import small_warehouse
from warehouse.gap import MATCH, PostingSkills, analyse_gap, answer, pay_text
from warehouse.mart_extras import Lift

REQUIRED, UNSAID, PREFERRED = 1.0, 0.75, 0.5


def posting(
    pid: str, asks: dict[str, float], *, pay: float | None = None, region: str = "EU/EEA"
) -> PostingSkills:
    return PostingSkills(pid, f"Role {pid}", "Acme", f"https://x.example/{pid}", region, "senior", pay, asks)


def roadmap(*phases: tuple[str, list[str]]) -> dict[str, Roadmap]:
    built = Roadmap(
        id="test", title="Test roadmap", article="a", seed="s", kind="sequence",
        phases=[Phase(name=name, skills=skills) for name, skills in phases],
    )  # fmt: skip
    return {"test": built}


NO_ROADMAP = roadmap(("Nothing new", ["python"]))
NONE = SkillRelations()  # no skill implies another, none are alternatives


def test_a_posting_fully_held_matches_100_and_required_outweighs_preferred():
    asks = {"python": REQUIRED, "sql": PREFERRED}
    report = analyse_gap({"python", "sql"}, [posting("a", asks)], NO_ROADMAP, NONE)
    assert report.best[0].share == 1.0 and report.matched == {0.5: 1, 0.7: 1}
    with_required = analyse_gap({"python"}, [posting("a", asks)], NO_ROADMAP, NONE).best[0].share
    with_preferred = analyse_gap({"sql"}, [posting("a", asks)], NO_ROADMAP, NONE).best[0].share
    assert with_required == pytest.approx(1 / 1.5) and with_preferred == pytest.approx(0.5 / 1.5)
    named_in_passing = analyse_gap(
        {"sql"}, [posting("b", {"python": REQUIRED, "sql": UNSAID})], NO_ROADMAP, NONE
    )
    assert with_preferred < named_in_passing.best[0].share < with_required


def test_implied_skills_count():
    asks = {"deep_learning": REQUIRED, "machine_learning": REQUIRED}
    report = analyse_gap({"pytorch"}, [posting("a", asks)], NO_ROADMAP, load_relations())
    assert report.best[0].share == 1.0 and report.best[0].lacks == ()
    assert {"deep_learning", "machine_learning"} <= report.held and report.skills == {"pytorch"}


def test_alternatives_a_posting_names_count_as_one_ask_met_by_any():
    asks = {"python": REQUIRED, "pinecone": REQUIRED, "weaviate": REQUIRED, "qdrant": REQUIRED}
    report = analyse_gap({"python", "chroma"}, [posting("a", asks)], NO_ROADMAP, load_relations())
    assert report.best[0].share == pytest.approx(0.5)  # Chroma is no answer to "Pinecone, Weaviate or Qdrant"
    report = analyse_gap({"python", "weaviate"}, [posting("a", asks)], NO_ROADMAP, load_relations())
    assert report.best[0].share == 1.0  # one of the three meets the ask, not a third of it
    assert analyse_gap({"python"}, [posting("a", asks)], NO_ROADMAP, load_relations()).best[0].lacks == (
        "pinecone/qdrant/weaviate",
    )


def test_the_skill_that_brings_most_postings_to_the_threshold_ranks_first():
    market = [posting(f"r{i}", {"python": REQUIRED, "rag": REQUIRED, "sql": REQUIRED}) for i in range(3)]
    five = {"python": REQUIRED, "sql": REQUIRED, "docker": REQUIRED, "aws": REQUIRED, "kubernetes": REQUIRED}
    market += [posting(f"d{i}", five) for i in range(5)]  # 2/5 held: one more skill makes 3/5, under 70%
    report = analyse_gap({"python", "sql"}, market, NO_ROADMAP, NONE)
    first, second = report.next_skills[:2]
    assert (first.skill_id, first.lifts, first.asked_by) == ("rag", 3, 3)  # 2/3 -> 3/3 on three postings
    assert (second.lifts, second.lifts_half, second.asked_by) == (0, 5, 5)  # asked more, lifts none to 70%
    assert report.matched == {0.5: 3, 0.7: 0}  # the three RAG postings are 2/3 held


def test_the_personal_roadmap_takes_the_phase_that_brings_most_postings_per_skill_first():
    # "Agents" (2 skills) brings 6 postings to 70%: 3 a skill; "Cloud" (1 skill) 2; "Big" (4 skills) 6: 1.5 a
    # skill. The right order is Agents, Cloud, and then three of Big's four skills (4/5 held is over 70%):
    # the market's own step, 2 postings a skill, beats the whole phase.
    agents = {"python": REQUIRED, "langgraph": REQUIRED, "mcp": REQUIRED}
    market = [posting(f"a{i}", agents, pay=100_000.0 + i) for i in range(6)]
    market += [posting(f"c{i}", {"python": REQUIRED, "aws": REQUIRED}, pay=200_000.0) for i in range(2)]
    big = {"python": REQUIRED, "spark": REQUIRED, "kafka": REQUIRED, "dbt": REQUIRED, "airflow": REQUIRED}
    market += [posting(f"b{i}", big) for i in range(6)]
    phases = roadmap(
        ("Big", ["spark", "kafka", "dbt", "airflow"]), ("Cloud", ["aws"]), ("Agents", ["langgraph", "mcp"])
    )
    steps = analyse_gap({"python"}, market, phases, NONE).roadmap
    assert [(s.name, s.adds) for s in steps] == [
        ("Agents", 6),
        ("Cloud", 2),
        ("Most-asked missing skills", 6),
    ]
    assert len(steps[2].skills) == 3 and set(steps[2].skills) < {"spark", "kafka", "dbt", "airflow"}
    assert steps[0].skills == ("langgraph", "mcp") and steps[-1].matched_after == 14
    assert steps[0].median_pay_usd is None  # 6 matched postings state pay: too few to say
    assert steps[1].median_pay_usd == pytest.approx(100_003.5)  # 8 do: the median of them


def test_the_personal_roadmap_is_deterministic_and_stops_when_nothing_more_helps():
    market = [posting("a", {"python": REQUIRED, "rag": REQUIRED})]
    phases = roadmap(("One", ["rag"]), ("Same again", ["rag"]))
    first = analyse_gap({"python"}, market, phases, NONE).roadmap
    assert [s.name for s in first] == ["One"]  # the tie goes to the roadmap's order; then nothing is left
    assert first == analyse_gap({"python"}, market, phases, NONE).roadmap


def test_pay_is_shown_only_when_known_the_same_rule_everywhere():
    known = Lift(diff_usd=12_000, ratio=0.1, low=3_000, high=20_000, n_with=30, n_without=40, cells=3)
    assert pay_text(known) == "+12,000 USD/yr"
    assert pay_text(Lift(72_250, 0.4, -83_755, 154_148, 5, 6, 1)) == "not enough data"  # spans zero
    assert pay_text(Lift(9_000, 0.1, 1_000, 15_000, 5, 60, 2)) == "not enough data"  # too few with it
    assert pay_text(None) == "not enough data"


def test_the_answer_scripts_rely_on():
    market = [posting("a", {"python": REQUIRED, "rag": REQUIRED}), posting("b", {"python": REQUIRED})]
    report = answer(analyse_gap({"python"}, market, roadmap(("RAG", ["rag"])), NONE), str.upper)
    assert report["matched"] == {"0.5": 2, "0.7": 1}
    assert report["next_skills"][0] | {"pay_lift": None} == {
        "id": "rag", "name": "RAG", "lifts": 1, "lifts_to_50": 0, "asked_by": 1, "pay_lift": None
    }  # fmt: skip
    (step,) = report["personal_roadmap"]
    assert (step["step"], step["skills"], step["adds"], step["name"]) == (1, ["rag"], 1, "RAG")
    assert report["best_matches"][0]["posting_id"] == "b" and report["best_matches"][1]["lacks"] == ["rag"]
    assert report["by_region"] == {"EU/EEA": {"matched": 1, "postings": 2}}
    assert MATCH == 0.7 and "70%" in report["match_means"]


# -- the commands, on the small warehouse of tests/test_marts.py -------------------------------------------


@pytest.fixture
def snapshot_db(tmp_path: Path) -> Path:
    db = tmp_path / "w.duckdb"
    small_warehouse(db).close()
    assert CliRunner().invoke(app, ["build", "--db", str(db)]).exit_code == 0
    return db


def _gap(db: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["gap", "--db", str(db), *args])
    return result.exit_code, result.output


def test_skills_are_taken_by_name_or_alias_in_any_case(snapshot_db: Path):
    code, output = _gap(snapshot_db, "--skills", "Python, SQL", "--json")
    by_name = json.loads(output)
    code2, output2 = _gap(snapshot_db, "--skills", "python,sql", "--json")
    assert code == code2 == 0 and by_name == json.loads(output2) and by_name["skills"] == ["python", "sql"]
    assert {"matched", "next_skills", "personal_roadmap"} <= set(by_name)
    code, output = _gap(snapshot_db, "--skills", "pytroch")
    assert code == 2 and "did you mean PyTorch" in " ".join(output.split())


def test_the_skills_command_lists_and_searches_the_taxonomy():
    result = CliRunner().invoke(app, ["skills", "--search", "torch"])
    assert result.exit_code == 0 and "pytorch" in result.output and "PyTorch" in result.output
    assert "kubernetes" not in result.output
    assert CliRunner().invoke(app, ["skills"]).output.count("\n") > 150
    missing = CliRunner().invoke(app, ["skills", "--search", "zzzz"])
    assert missing.exit_code == 1 and "no skill matches" in missing.output


def _pdf(text: str | None) -> bytes:
    """A one-page PDF with `text` on it (or a blank page: a scan has no text layer)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode() if text else b""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_cv_in_text_markdown_or_pdf_and_clear_words_when_it_holds_no_skill(
    snapshot_db: Path, tmp_path: Path
):
    markdown = tmp_path / "cv.md"
    markdown.write_text("# Jane\n- Python and SQL every day\n")
    pdf = tmp_path / "cv.pdf"
    pdf.write_bytes(_pdf("I write Python and SQL every day."))
    for cv in (markdown, pdf):
        code, output = _gap(snapshot_db, "--cv", str(cv), "--json")
        assert code == 0, output
        assert json.loads(output)["skills"] == ["python", "sql"]
    empty, none, scan, word, locked, broken = (
        tmp_path / n for n in ("empty.txt", "none.txt", "scan.pdf", "cv.docx", "locked.pdf", "broken.pdf")
    )
    empty.write_text("")
    none.write_text("I like long walks and good coffee.")
    scan.write_bytes(_pdf(None))
    word.write_bytes(b"PK")
    writer = PdfWriter(clone_from=BytesIO(_pdf("Python and SQL")))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    writer.write(locked)
    broken.write_bytes(_pdf("Python")[:200])  # cut off in the middle
    said = {
        path.name: " ".join(_gap(snapshot_db, "--cv", str(path))[1].split())
        for path in (empty, none, scan, word, locked, broken)
    }
    assert "locked.pdf is password-protected" in said["locked.pdf"]
    assert "broken.pdf is not a readable PDF" in said["broken.pdf"]
    assert "empty.txt is empty" in said["empty.txt"]
    assert "found no skill in" in said["none.txt"] and "give --skills" not in said["none.txt"]
    assert "no text layer" in said["scan.pdf"]
    assert "give the CV as .txt, .md or .pdf" in said["cv.docx"]


def test_skill_relations_are_validated_and_chains_followed():
    from extract.errors import TaxonomyError
    from extract.taxonomy import load_taxonomy, parse_relations

    taxonomy = load_taxonomy()
    chain = {"entails": {"pytorch": ["deep_learning"], "deep_learning": ["machine_learning"]}}
    relations = parse_relations(chain, taxonomy)
    assert relations.holding({"pytorch"}) == {"pytorch", "deep_learning", "machine_learning"}
    with pytest.raises(TaxonomyError, match="unknown skill ids"):
        parse_relations({"entails": {"pytorch": ["torchvision"]}}, taxonomy)
    with pytest.raises(TaxonomyError, match="two alternative groups"):
        parse_relations({"alternatives": [["aws", "gcp"], ["gcp", "azure"]]}, taxonomy)
    assert load_relations().holding({"langgraph"}) >= {"langchain", "llm", "ai_agents"}


CV = """# Jane Doe - AI Engineer
Five years building ML systems in Python and SQL. Trained models with PyTorch and scikit-learn; served
them with FastAPI and Docker on Kubernetes (AWS). Built RAG pipelines with LangChain, embeddings and
Pinecone; evaluated LLM apps; prompt engineering; fine-tuning with LoRA. Tracking with MLflow, Git, CI/CD.
"""


def test_on_the_demo_snapshot_a_realistic_cv_and_three_skills_get_an_answer(tmp_path: Path):
    from tests.dashboard_fixture import build_demo_snapshot

    db = build_demo_snapshot(tmp_path)
    cv = tmp_path / "cv.md"
    cv.write_text(CV)
    code, output = _gap(db, "--cv", str(cv), "--json")
    assert code == 0, output
    full = json.loads(output)
    assert len(full["skills"]) >= 15
    assert full["matched"]["0.7"] > 0 and full["matched"]["0.5"] > full["matched"]["0.7"]
    assert full["next_skills"][0]["lifts"] > 0 and len(full["personal_roadmap"]) >= 3
    assert [step["matched_after"] for step in full["personal_roadmap"]] == sorted(
        step["matched_after"] for step in full["personal_roadmap"]
    )
    code, output = _gap(db, "--skills", "Python, PyTorch, RAG", "--json")
    few = json.loads(output)
    assert code == 0 and few["next_skills"] and few["personal_roadmap"]  # where to go, even matching none yet
    assert few["best_matches"][0]["match"] > 0.3
