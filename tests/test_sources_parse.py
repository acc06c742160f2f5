"""Each source's pure parser on payloads in the shape its API documents."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scrapers.base import get_source, registry
from scrapers.errors import MalformedPayload
from scrapers.models import RawPosting, normalise_period, to_utc
from scrapers.sources import ashby, hn, jsonld
from tests.conftest import FIXTURES, ctx, fixture_json


def by_id(postings):
    return {p.external_id: p for p in postings}


def test_every_kind_the_issue_names_is_registered():
    expected = {
        "greenhouse",
        "lever",
        "ashby",
        "smartrecruiters",
        "recruitee",
        "workable",
        "remoteok",
        "remotive",
        "arbeitnow",
        "himalayas",
        "hn",
        "jsonld",
    }
    assert expected <= set(registry())


def test_greenhouse_unescapes_content_and_skips_invalid_jobs():
    payload = fixture_json("greenhouse_jobs.json")
    payload["pay"] = {"4001": fixture_json("greenhouse_pay.json")}
    postings = get_source("greenhouse").parse(payload, ctx("acme", "Acme"))
    jobs = by_id(postings)
    assert set(jobs) == {"4001", "4002"}
    assert postings.skipped and "4003" in postings.skipped[0]
    ml = jobs["4001"]
    assert ml.posting_id == "greenhouse:acme:4001"
    assert ml.company == "Acme"
    assert ml.location == "New York, NY"
    assert "Build LLM systems & evals." in ml.description_text
    assert "- Python" in ml.description_text
    assert "track()" not in ml.description_text and "&" not in ml.description_text.replace("& evals", "")
    assert ml.posted_at == datetime(2026, 9, 30, 13, 0, tzinfo=UTC)
    assert (ml.pay_min, ml.pay_max, ml.pay_currency, ml.pay_period) == (180000, 240000, "USD", "year")
    assert jobs["4002"].pay_min is None


def test_lever_folds_lists_into_the_description_and_reads_salary_range():
    jobs = by_id(get_source("lever").parse(fixture_json("lever_postings.json"), ctx()))
    agent = jobs["a1b2"]
    assert "LangGraph or DSPy" in agent.description_text and "Rust" in agent.description_text
    assert "Requirements" in agent.description_text
    assert (agent.pay_min, agent.pay_max, agent.pay_currency, agent.pay_period) == (
        90000,
        120000,
        "GBP",
        "year",
    )
    assert agent.remote_hint is False
    assert agent.posted_at == datetime.fromtimestamp(1761900000, tz=UTC)
    scientist = jobs["c3d4"]
    assert scientist.location == "Toronto; Montreal"  # every place of allLocations
    assert scientist.remote_hint is True and scientist.pay_min is None
    assert scientist.description_text == "Forecasting with SQL."


def test_ashby_takes_salary_components_across_tiers_and_drops_unlisted():
    jobs = by_id(get_source("ashby").parse(fixture_json("ashby_board.json"), ctx()))
    assert set(jobs) == {"0f1e", "9a8b", "c3d4"}
    intern = jobs["c3d4"]
    assert (intern.pay_min, intern.pay_max, intern.pay_period) == (20, 24, "hour")  # interval "1 HOUR"
    assert intern.remote_hint is False  # isRemote false, no workplace type
    staff = jobs["0f1e"]
    assert (staff.pay_min, staff.pay_max, staff.pay_currency, staff.pay_period) == (
        95000,
        140000,
        "EUR",
        "year",
    )
    assert (
        staff.location == "Berlin; Munich (Hybrid)"
    )  # workplaceType hybrid, written where extraction reads it
    assert staff.remote_hint is False
    assert jobs["9a8b"].remote_hint is True and jobs["9a8b"].pay_min is None


def test_ashby_salary_ignores_equity_only_compensation():
    equity_only = {
        "compensationTiers": [
            {
                "components": [
                    {
                        "compensationType": "EquityPercentage",
                        "currencyCode": None,
                        "minValue": 0.1,
                        "maxValue": 0.5,
                    }
                ]
            }
        ]
    }
    assert ashby.salary(equity_only) == {}


def test_smartrecruiters_reads_sections_from_the_detail():
    payload = fixture_json("smartrecruiters_list.json")
    payload["details"] = {"7440001": fixture_json("smartrecruiters_detail.json")}
    job, hybrid = get_source("smartrecruiters").parse(payload, ctx("Acme"))
    assert job.company == "Acme Corp"
    assert job.location == "Bengaluru, KA, India"
    assert job.description_text.index("TensorFlow") < job.description_text.index("Acme builds things")
    assert "₹25-40 LPA" in job.description_text
    assert job.url == "https://jobs.smartrecruiters.com/Acme/7440001"
    # no detail: the public page (not the API's `ref`), what the list says, and the hybrid flag
    assert hybrid.url == "https://jobs.smartrecruiters.com/Acme/7440002"
    assert hybrid.location == "Lyon, France (Hybrid)" and "Contract: Permanent" in hybrid.description_text


def test_recruitee_keeps_description_and_requirements():
    (job,) = get_source("recruitee").parse(fixture_json("recruitee_offers.json"), ctx())
    assert "Computer vision" in job.description_text and "OpenCV" in job.description_text
    assert (job.pay_min, job.pay_max, job.pay_currency) == (60000, 80000, "EUR")
    assert job.company == "Acme BV"


def test_workable_reads_locations_and_telecommuting():
    (job,) = get_source("workable").parse(fixture_json("workable_account.json"), ctx())
    assert job.external_id == "ABC123"
    assert job.location == "Paris, Île-de-France, France"
    assert job.remote_hint is True and job.company == "Acme AI"


def test_remoteok_skips_the_legal_notice_and_treats_zero_salary_as_missing():
    jobs = by_id(get_source("remoteok").parse(fixture_json("remoteok_api.json"), ctx("ai")))
    assert set(jobs) == {"1", "2", "3"}
    assert (jobs["1"].pay_min, jobs["1"].pay_currency, jobs["1"].pay_period) == (120000, "USD", "year")
    assert jobs["2"].pay_min is None and jobs["2"].pay_currency is None
    assert (jobs["3"].pay_min, jobs["3"].pay_period) == (30, "hour")  # a rate, not $30 a year
    assert jobs["1"].description_text == "RAG pipelines."  # the board's tags stay out of the text


def test_remoteok_text_is_repaired_and_keeps_no_tracking_line():
    job = by_id(get_source("remoteok").parse(fixture_json("remoteok_api.json"), ctx("ai")))["2"]
    assert job.description_text == "You’ll build Go services.\n\nBenefits"
    assert (job.company, job.location) == ("Zócalo Health", "Gdańsk")


def test_remotive_keeps_free_text_salary_as_pay_text():
    (job,) = get_source("remotive").parse(fixture_json("remotive_jobs.json"), ctx("ai-ml"))
    assert job.pay_text == "$140k - $170k" and job.pay_min is None
    assert job.location == "USA, Canada" and job.remote_hint is True


def test_arbeitnow_and_himalayas():
    (de,) = get_source("arbeitnow").parse({"data": fixture_json("arbeitnow_page1.json")["data"]}, ctx("all"))
    assert de.external_id == "ki-engineer-acme-berlin-1" and de.remote_hint is False
    (escaped,) = get_source("arbeitnow").parse(
        {"data": fixture_json("arbeitnow_page2.json")["data"]}, ctx("all")
    )
    assert escaped.description_text == "Forecasting\n\nDemand & supply models."  # no tags, no entities
    him, hourly = get_source("himalayas").parse(fixture_json("himalayas_jobs.json"), ctx("ml"))
    assert (him.pay_min, him.pay_max, him.pay_currency, him.pay_period) == (150000, 190000, "USD", "year")
    assert him.location == "Remote (United States, Canada)"
    assert (hourly.pay_min, hourly.pay_max, hourly.pay_period) == (15, 30, "hour")


def test_jsonld_finds_postings_in_graphs_and_lists_and_ignores_broken_blocks():
    page = (FIXTURES / "jsonld_page.html").read_text()
    postings = get_source("jsonld").parse([{"url": "https://acme.example/careers", "html": page}], ctx())
    jobs = {p.title: p for p in postings}
    assert set(jobs) == {"Applied Scientist, LLM Evaluation", "Remote Prompt Engineer", "Data Annotator"}
    # a placeholder identifier on two postings does not make them one; validThrough is kept
    assert jobs["Data Annotator"].external_id != jobs["Remote Prompt Engineer"].external_id
    assert jobs["Data Annotator"].valid_through == datetime(2025, 1, 31, tzinfo=UTC)
    scientist = jobs["Applied Scientist, LLM Evaluation"]
    assert scientist.company == "Acme Research"
    assert scientist.external_id != jobs["Remote Prompt Engineer"].external_id
    assert scientist.location == "Zurich, CH"
    assert (scientist.pay_min, scientist.pay_max, scientist.pay_currency) == (140000, 180000, "CHF")
    prompt = jobs["Remote Prompt Engineer"]
    assert prompt.remote_hint is True and prompt.location == "Remote (USA)"
    assert (prompt.pay_min, prompt.pay_period) == (55, "hour")
    assert len(jsonld.job_postings("<html></html>")) == 0


@pytest.mark.parametrize(
    ("header", "company", "title", "location", "pay", "remote"),
    [
        (
            "Acme | Senior ML Engineer | Berlin | €90-110k | Full-time",
            "Acme",
            "Senior ML Engineer",
            "Berlin",
            "€90-110k",
            None,
        ),
        (
            "Beta (beta.io) - Search for X | REMOTE (US only) | $150k-$200k | https://beta.io/jobs",
            "Beta",
            None,
            "REMOTE (US only)",
            "$150k-$200k",
            True,
        ),
        (
            "Gamma | Onsite, Paris | Founding Engineer | Visa",
            "Gamma",
            "Founding Engineer",
            "Onsite, Paris",
            None,
            False,
        ),
    ],
)
def test_hn_header_fields_in_any_order(header, company, title, location, pay, remote):
    fields = hn.parse_header(header)
    assert fields["company"] == company
    assert fields["title"] == title
    assert fields["location"] == location
    assert fields["pay_text"] == pay
    assert fields.get("remote_hint") == remote


def test_hn_skips_deleted_dead_empty_and_chat_comments():
    comments = [
        {"id": 1, "type": "comment", "text": "Acme | AI Engineer | Remote<p>Build agents."},
        {"id": 2, "type": "comment", "deleted": True},
        {"id": 3, "type": "comment", "dead": True, "text": "Spam | Engineer | Remote"},
        {"id": 4, "type": "comment", "text": ""},
        {"id": 5, "type": "comment", "text": "Great thread! Good luck everyone."},
        {"id": 6, "error": "HTTP 500"},
    ]
    postings = hn.parse({"story": {"id": 9, "time": 1761900000}, "comments": comments}, ctx("whoishiring"))
    assert [p.external_id for p in postings] == ["1"]
    assert postings[0].url == "https://news.ycombinator.com/item?id=1"
    assert postings.skipped == ["item 6: HTTP 500"]


@pytest.mark.parametrize("kind", ["greenhouse", "ashby", "recruitee", "workable", "remotive", "himalayas"])
def test_wrong_shape_is_a_malformed_payload(kind):
    with pytest.raises(MalformedPayload):
        get_source(kind).parse({"unexpected": []}, ctx())
    with pytest.raises(MalformedPayload):
        get_source(kind).parse(["not", "an", "object"], ctx())


def test_list_sources_reject_objects():
    for kind in ("lever", "remoteok", "jsonld"):
        with pytest.raises(MalformedPayload):
            get_source(kind).parse({"jobs": []}, ctx())


@pytest.mark.parametrize(
    ("written", "period"),
    [("1 HOUR", "hour"), ("1 MONTH", "month"), ("1 WEEK", "week"), ("1 YEAR", "year"), ("hourly", "hour"),
     ("annual", "year"), ("per-month-salary", "month"), ("1 TIME", None)],
)  # fmt: skip
def test_every_spelling_of_a_pay_period_is_read(written, period):
    assert normalise_period(written) == period


def test_pay_published_as_yearly_under_a_thousand_is_not_stored_as_a_salary():
    rate = RawPosting(source="s", board="b", external_id="1", title="T", pay_min=30, pay_max=30,
                      pay_currency="USD", pay_period="year")  # fmt: skip
    assert (rate.pay_min, rate.pay_max, rate.pay_period, rate.pay_currency) == (None, None, None, None)
    hourly = rate.model_validate({**rate.model_dump(), "pay_min": 30, "pay_max": 40, "pay_period": "1 HOUR"})
    assert (hourly.pay_min, hourly.pay_period) == (30, "hour")


@pytest.mark.parametrize(
    "stamp", ["2026-09-18 13:27:28 UTC", "2026-09-18T13:27:28Z", "2026-09-18T15:27:28+02:00", 1789738048]
)
def test_dates_in_every_feed_format_are_read_as_utc(stamp):
    assert to_utc(stamp) == datetime(2026, 9, 18, 13, 27, 28, tzinfo=UTC)
