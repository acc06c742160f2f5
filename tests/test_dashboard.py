"""Every dashboard page under Streamlit's AppTest on a demo snapshot: renders, shows its numbers, reacts."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.dashboard_fixture import build_demo_snapshot
from warehouse.publish import open_snapshot

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_snapshot(tmp_path_factory.mktemp("dashboard"))


@pytest.fixture
def at(demo_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv("SKILLRADAR_DB", str(demo_db))
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.run()
    yield app


def open_page(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_overview_shows_rising_and_falling_skills_with_their_n(at: AppTest):
    rising, falling = (table.value for table in at.table)
    assert len(rising) and len(falling)  # the demo snapshot has both
    assert all("pts" in change for change in falling["Change"]) and falling["Change"].iloc[0].startswith("-")
    assert " of " in falling.iloc[0, 1]  # "31% (27 of 96)": the n behind every share
    assert not any("_" in skill for skill in falling["Skill"])  # display names, not ids


def test_overview_shows_the_snapshot_numbers(at: AppTest, demo_db: Path):
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    con = open_snapshot(demo_db)
    total = con.execute("SELECT count(*) FROM base_postings").fetchall()[0][0]
    con.close()
    assert metrics["Relevant postings"] == f"{total:,}"
    region = at.sidebar.selectbox[0]
    region.select("EU/EEA").run()
    assert at.query_params["region"] == ["EU/EEA"] or at.query_params["region"] == "EU/EEA"
    assert {m.label: m.value for m in at.metric}["Relevant postings"] != f"{total:,}"
    region.select("All").run()
    dates = at.sidebar.date_input[0]
    _first, last = dates.value
    dates.set_value((last, last)).run()
    assert at.query_params["since"] in ([last.isoformat()], last.isoformat())
    assert {m.label: m.value for m in at.metric}["Relevant postings"] != f"{total:,}"


def test_roadmaps_page_lists_phases_in_order_and_claims(at: AppTest):
    open_page(at, "roadmaps")
    text = " ".join(m.value for m in at.markdown)
    assert "1. Python production foundation" in text and "4. Agentic systems and orchestration" in text
    assert text.index("1. Python") < text.index("4. Agentic")
    assert at.dataframe, "the claims table is shown"
    at.selectbox(key="roadmap").select("examcert-12-month").run()
    assert "1. LLM API fluency foundation" in " ".join(m.value for m in at.markdown)


def test_salary_page_toggles(at: AppTest):
    open_page(at, "salaries")
    (chart,) = [e for e in at.main if getattr(e, "type", None) == "vega_lite_chart"]
    spec = json.loads(chart.proto.spec)
    texts = [layer for layer in spec["spec"]["layer"] if layer["mark"]["type"] == "text"]
    assert texts and texts[0]["encoding"]["text"]["field"] == "label"  # "n=12" over every box
    assert spec["columns"] == 3  # the facets wrap, none is cut off
    usd = at.dataframe[0].value
    assert {"Region", "Seniority", "Postings", "P50"} <= set(usd.columns)
    assert all(
        p.startswith("$") and "." not in p for p in usd["P50"] if p != "–"
    )  # "$171,600", to the dollar
    at.radio(key="currency").set_value("Local").run()
    local = at.dataframe[0].value
    assert "Currency" in local.columns
    for currency, p50 in zip(local["Currency"], local["P50"], strict=True):  # each cell in its own currency
        assert p50 == "–" or p50.startswith(
            {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹"}.get(currency, p50[:1])
        )
    at.toggle(key="published").set_value(True).run()
    published = at.dataframe[0].value
    assert published["Postings"].sum() <= usd["Postings"].sum()


def test_money_and_shares_are_formatted_for_people():
    from dashboard.data import money, share

    assert (
        money(171600) == "$171,600"
        and money(65000.4, "EUR") == "€65,000"
        and money(80000, "CZK") == "Kč 80,000"
    )
    assert money(None) == "–" and money(float("nan")) == "–" and money(5, "XYZ") == "XYZ 5"
    assert share(0.2594) == "26%" and share(None) == "–"


def test_my_skills_reacts_to_the_picker_and_a_pasted_cv(at: AppTest):
    open_page(at, "my_skills")
    assert any("Pick the skills" in i.value for i in at.info)
    at.multiselect(key="skills").set_value(["python", "pytorch", "rag"]).run()
    metrics = {m.label: m.value for m in at.metric}
    assert "Matched at 70% or more" in metrics and "Matched at 50% or more" in metrics
    assert at.query_params["skills"] == "python,pytorch,rag"  # the inputs live in the URL
    next_skills, roadmap = (table.value for table in at.table)
    assert "Brings to 70%" in next_skills.columns and len(roadmap) > 0
    at.text_area(key="cv").input("Ten years of Kubernetes, LangChain and PyTorch.").run()
    found = " ".join(m.value for m in at.markdown)
    assert "Kubernetes" in found


def test_postings_page_searches_and_shows_text(at: AppTest):
    open_page(at, "postings")
    everything = at.dataframe[0].value.shape[0]
    at.text_input(key="q").input("Scientist").run()
    narrowed = at.dataframe[0].value
    assert 0 < narrowed.shape[0] < everything
    assert f"{narrowed.shape[0]} of {narrowed.shape[0]} postings" in at.caption[0].value  # "N of M"
    assert " · " in at.selectbox(key="posting").format_func(
        at.selectbox(key="posting").value
    )  # company · place
    text = " ".join(t.value for t in at.text)
    assert "Synthetic demo posting" in text and "<p>" not in text
    assert [e for e in at.main if getattr(e, "type", None) == "download_button"]  # the rows, as CSV
    skills = at.table[0].value
    assert {"Skill", "Asked as", "From the words"} <= set(skills.columns) and skills["From the words"].iloc[
        0
    ] != "–"


def test_posting_lifetimes_page(at: AppTest):
    open_page(at, "lifetimes")
    table = at.dataframe[0].value
    assert {"Skill", "Median days to close", "Still open"} <= set(table.columns)
    assert "python" not in set(table["Skill"]) and "Python" in set(table["Skill"])  # display names
    at.radio(key="by").set_value("Region").run()
    assert "Region" in at.dataframe[0].value.columns and at.query_params["by"] == "Region"


def test_data_health_page(at: AppTest):
    open_page(at, "health")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Not yet extracted"] == "0"
    assert len(at.dataframe) >= 3


def test_empty_database_gets_a_friendly_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("SKILLRADAR_DB", str(tmp_path / "nothing.duckdb"))
    at = AppTest.from_file(str(APP), default_timeout=30).run()
    assert not at.exception
    assert any("skillradar scrape" in i.value for i in at.info)
    open_page(at, "salaries")
    assert any("skillradar scrape" in i.value for i in at.info)


def test_tables_show_empty_cells_as_a_dash_and_numbers_with_separators():
    import polars as pl

    from dashboard.data import for_display

    shown = for_display(
        pl.DataFrame({"days": [12.0, None, 1234.0], "name": ["a", None, "c"], "n": [1, 2, 3]})
    )
    assert shown["days"].to_list() == ["12", "–", "1,234"] and shown["name"].to_list() == ["a", "–", "c"]
    assert shown["n"].to_list() == [1, 2, 3]  # a column without empty cells keeps its type
