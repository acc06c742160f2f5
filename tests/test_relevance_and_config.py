"""Relevance verdicts with reasons, the sources file, and text normalisation."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from scrapers.errors import SourcesFileError
from scrapers.models import RawPosting
from scrapers.relevance import RelevanceFilter
from scrapers.text import html_to_text
from skillradar.sources_file import DEFAULT_SOURCES, load_sources


def posting(title: str, text: str = "") -> RawPosting:
    return RawPosting(source="x", board="y", external_id="1", title=title, description_text=text or "Job.")


@pytest.mark.parametrize(
    ("title", "text", "relevant"),
    [
        ("Senior Machine Learning Engineer", "", True),
        ("AI Engineer", "", True),
        ("ML Research Intern", "", True),
        ("Backend Engineer, Payments", "", False),
        ("Staff Software Engineer", "We build LLM agents with PyTorch and RAG over embeddings.", True),
        ("Staff Software Engineer", "We build payment systems in Java.", False),
        ("Account Executive, AI Platform", "Sell our LLM platform; machine learning background.", False),
        ("AI Trainer - Physics Expert (Freelance)", "", False),
        ("Office Manager", "LLM LLM machine learning PyTorch", False),
        # titles of ATS boards: the AI word after a dash, "technical staff", MLE, model serving
        ("Member of Technical Staff - Applied ML", "", True),
        ("Senior Member of Technical Staff, Multimodal AI", "", True),
        ("Member of Technical Staff, MLE (UK/EU)", "", True),
        ("AI Technical Lead", "", True),
        ("Intern — AI", "", True),
        ("Research Intern – LLM", "", True),
        ("Backend Engineer – Inference Optimization", "", True),
        ("Member of Technical Staff - Product Engineering", "", False),
        # business functions at AI companies, and a company's name after the role
        ("Lead Product Manager, Artificial Intelligence", "", False),
        ("Product Lead, AI (Japan)", "", False),
        ("AI Operations Specialist | Housing", "", False),
        ("Engineering Manager, Machine Learning Operations", "", True),
        ("Founding Engineer – Baton AI", "", False),
        ("Analytical Lead - Causal Inference", "", False),
    ],
)
def test_relevance_verdicts(title, text, relevant):
    verdict, reason = RelevanceFilter().decide(posting(title, text))
    assert verdict is relevant
    assert reason


def test_relevance_is_configurable():
    custom = RelevanceFilter(title_include=("payments",), title_exclude=(), min_text_hits=1)
    assert custom.decide(posting("Payments Engineer"))[0] is True
    assert RelevanceFilter(keep_all=True).decide(posting("Office Manager")) == (True, "keep_all")


def test_shipped_sources_file_is_valid_and_covers_the_curated_employers():
    config = load_sources(DEFAULT_SOURCES)
    kinds = {b.kind for b in config.boards}
    assert {
        "greenhouse",
        "lever",
        "ashby",
        "workable",
        "smartrecruiters",
        "recruitee",
        "hn",
        "remoteok",
    } <= kinds
    assert len(config.boards) >= 80 + 137  # the curated employers and the Ashby boards with AI roles
    assert not [b for b in config.boards if b.base_url and "127.0.0.1" in b.base_url]


@pytest.mark.shared
def test_the_shipped_ashby_boards_added_from_the_recorded_corpus_had_ai_roles(shared: Path):
    """Each board listed after the file's "Ashby boards with AI roles" heading had at least two postings the
    relevance filter keeps in its recorded October 2025 response."""
    from datetime import UTC, datetime

    from scrapers.base import ParseContext, get_source

    text = DEFAULT_SOURCES.read_text(encoding="utf-8")
    grown = re.findall(r'board = "([^"]+)"', text.split("# -- Ashby boards with AI roles", 1)[1])
    assert len(grown) == 137
    for board in grown:
        with gzip.open(shared / "data/ashby-2025-10" / f"{board}.json.gz", "rt", encoding="utf-8") as handle:
            postings = get_source("ashby").parse(json.load(handle), ParseContext(board, datetime.now(UTC)))
        assert sum(RelevanceFilter().decide(p)[0] for p in postings) >= 2, board


def test_sources_file_errors_name_the_problem(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text("[[source]]\nkind = 'greenhouse'\n")
    with pytest.raises(SourcesFileError, match="needs a `board`"):
        load_sources(path)
    path.write_text("[[source]\nbroken")
    with pytest.raises(SourcesFileError, match="not valid TOML"):
        load_sources(path)
    path.write_text("[[source]]\nkind = 'hn'\nboard = 'a'\n[[source]]\nkind = 'hn'\nboard = 'a'\n")
    with pytest.raises(SourcesFileError, match="already listed as entry #1"):
        load_sources(path)
    path.write_text("[relevance]\nmin_hits = 2\n")
    with pytest.raises(
        SourcesFileError, match=re.escape("unknown key 'min_hits' (did you mean 'min_text_hits'?")
    ):
        load_sources(path)
    for table, said in [
        (
            'title_include = "ml"',
            "title_include = 'ml': Input should be a valid list",
        ),  # not letter by letter
        ('title_include = ["ml", "(rag"]', "title_include: '(rag' is not a regular expression"),
        ('tech_title = "[x"', "tech_title: '[x' is not a regular expression"),
        ('keep_all = "yes"', "keep_all = 'yes': Input should be a valid boolean"),
        ("min_text_hits = -1", "min_text_hits = -1: Input should be greater than or equal to 0"),
    ]:
        path.write_text(f"[relevance]\n{table}\n")
        with pytest.raises(SourcesFileError, match=re.escape(said)):
            load_sources(path)


def test_sources_file_options_and_disabled_entries(tmp_path: Path):
    path = tmp_path / "s.toml"
    path.write_text(
        "[[source]]\nkind = 'greenhouse'\nboard = 'a'\npay_transparency = true\n"
        "[[source]]\nkind = 'lever'\nboard = 'b'\nenabled = false\n"
        "[relevance]\nmin_text_hits = 5\n"
    )
    config = load_sources(path)
    assert [(b.kind, b.board, b.options) for b in config.boards] == [
        ("greenhouse", "a", {"pay_transparency": True})
    ]
    assert config.relevance.min_text_hits == 5


def test_html_to_text_normalises_markup():
    assert (
        html_to_text("<p>A&nbsp;&amp;  B</p><style>p{}</style><script>x()</script><p>C</p>") == "A & B\n\nC"
    )
    assert html_to_text("&lt;p&gt;Escaped &amp;amp; twice&lt;/p&gt;") == "Escaped & twice"
    assert html_to_text("plain   text\n\n\n\nnext") == "plain text\n\nnext"
    assert html_to_text(None) == ""


def test_raw_posting_validates_at_the_boundary():
    with pytest.raises(ValueError, match="pay_min"):
        RawPosting(source="x", board="y", external_id="1", title="T", pay_min=10, pay_max=5)
    with pytest.raises(ValueError):
        RawPosting(source="x", board="y", external_id="1", title="   ")
    p = RawPosting(
        source="x",
        board="y",
        external_id=12,
        title=" <b>ML</b>  Engineer ",
        pay_currency="usd",
        pay_period="per-year-salary",
        posted_at=1761900000000,
    )
    assert (p.external_id, p.title, p.pay_currency, p.pay_period) == ("12", "ML Engineer", "USD", "year")
    assert p.posted_at is not None and p.posted_at.year == 2025


def test_flat_settings_defaults_are_the_stage_defaults(monkeypatch, tmp_path: Path):
    """`Settings` repeats the LLM defaults as literals (to keep the CLI from importing the LLM stack);
    they must not drift from the settings the stages actually use."""
    from extract.llm import LLMSettings
    from scrapers.http import ClientSettings
    from skillradar.config import Settings

    monkeypatch.chdir(tmp_path)  # no .env
    for name in [n for n in __import__("os").environ if n.startswith("SKILLRADAR_")]:
        monkeypatch.delenv(name)
    settings = Settings()
    llm, stage = settings.llm_settings(), LLMSettings()
    assert (llm.model, llm.concurrency, llm.cost_ceiling_usd) == (
        stage.model,
        stage.concurrency,
        stage.cost_ceiling_usd,
    )
    client, defaults = settings.client_settings(), ClientSettings()
    for field in (
        "timeout",
        "max_bytes",
        "per_host_concurrency",
        "per_host_rate",
        "attempts",
        "wait_initial",
    ):
        assert getattr(client, field) == getattr(defaults, field), field
