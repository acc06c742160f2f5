"""The rules backend on constructed postings whose answers are known."""

from __future__ import annotations

import pytest

from extract import rules
from extract.rules.location import country_of, remote_policy
from extract.rules.posting import posting
from extract.rules.role import is_ai_role
from extract.rules.salary import parse_salary
from extract.rules.seniority import seniority
from extract.rules.skills import SkillMatcher, extract_skills
from extract.schema import PostingInput
from extract.taxonomy import Skill, Taxonomy


def ids(text: str) -> set[str]:
    return {m.id for m in extract_skills(text)}


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Experience with Python, R and SQL.", {"python", "r", "sql"}, set()),
        ("Our R&D team works on the rest of the stack.", set(), {"r", "rest_api"}),
        ("Backend services in Go and Rust.", {"go", "rust"}, set()),
        ("Go to market with our sales team; go live next month.", set(), {"go"}),
        ("Write embedded C and C++ firmware.", {"c", "cpp"}, set()),
        ("We closed our Series C last year.", set(), {"c"}),
        ("Strong C/C++ skills", {"c", "cpp"}, set()),
        ("Build REST APIs and RESTful services.", {"rest_api"}, set()),
        (
            "Scale pipelines with Apache Spark and Ray clusters on Kubernetes.",
            {"spark", "ray", "kubernetes"},
            set(),
        ),
        ("Say hello to Ray Dalio, our advisor.", set(), {"ray"}),
        ("Build LLM agents with tool calling.", {"ai_agents", "llm", "tool_calling"}, set()),
        ("Our customer service agents answer calls.", set(), {"ai_agents"}),
        ("We love red pandas at the zoo.", set(), {"pandas"}),
        ("Data wrangling in pandas and NumPy.", {"pandas", "numpy"}, set()),
        ("We use Claude Code and Cursor every day.", set(), {"anthropic_api"}),
        ("Integrate Claude and GPT-4 through their APIs.", {"anthropic_api", "openai_api", "llm"}, set()),
        ("Deploy on AWS SageMaker and Azure OpenAI.", {"sagemaker", "aws", "azure_openai", "azure"}, set()),
        ("Send us your GitHub profile. Founded by the ex-GitHub CTO.", set(), {"git"}),
        ("Apply at https://example.com/jobs/python-engineer", set(), {"python"}),
        ("BS in Statistics, Computer Science or a related field.", set(), {"statistics"}),
        ("Build statistical models and run A/B tests.", {"statistics", "ab_testing"}, set()),
        ("Snowflake CEO Sridhar backs us.", set(), {"snowflake"}),
        ("Full-time Series B startup", set(), {"time_series"}),
    ],
)
def test_skill_context_rules(text, present, absent):
    found = ids(text)
    assert present <= found, f"missing {present - found}"
    assert not (absent & found), f"wrongly found {absent & found}"


def test_requirement_levels_follow_section_headings():
    text = "Requirements:\n- Python\n- PyTorch\nNice to have:\n- Rust\n- Kubernetes is a plus"
    levels = {m.id: m.requirement for m in extract_skills(text)}
    assert levels == {
        "python": "required",
        "pytorch": "required",
        "rust": "preferred",
        "kubernetes": "preferred",
    }


def test_evidence_is_text_from_the_posting():
    text = "We build RAG pipelines on Pinecone with LangChain."
    for mention in extract_skills(text):
        assert mention.evidence in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$170-225K + equity", (170000, 225000, "USD", "year")),
        ("Salary: 65.000 € – 80.000 € brutto per year", (65000, 80000, "EUR", "year")),
        ("120'000 - 140'000 CHF", (120000, 140000, "CHF", "year")),
        ("₹30 LPA", (3000000, 3000000, "INR", "year")),
        ("CA$120k-150k", (120000, 150000, "CAD", "year")),
        ("up to $200k", (None, 200000, "USD", "year")),
        ("from $150k", (150000, None, "USD", "year")),
        ("$150k+ base", (150000, None, "USD", "year")),
        ("$60 - $80 per hour", (60, 80, "USD", "hour")),
        ("£550/day contract", (550, 550, "GBP", "day")),
        ("US$ 7,000 - 9,000 per month", (7000, 9000, "USD", "month")),
    ],
)
def test_salary_forms(text, expected):
    salary = parse_salary(text)
    assert salary is not None
    assert (salary.min, salary.max, salary.currency, salary.period) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We raised $40M in our Series B led by top investors.",
        "Our platform processes $2B in payments every year.",
        "Enjoy a $2,000 learning budget and a $1,000 home office stipend.",
        "401(k) with 4% match; 401k plan.",
        "$10k signing bonus for early joiners.",
        "Handle 500k requests per minute.",
        "Competitive salary and equity.",
    ],
)
def test_not_salaries(text):
    assert parse_salary(text) is None


@pytest.mark.parametrize(
    ("text", "local", "expected"),
    [
        # currencies written as in their countries
        ("40 000 - 60 000 Kč", "CZK", (40000, 60000, "CZK", "month")),
        ("300 Kč/hod", "CZK", (300, 300, "CZK", "hour")),
        ("60-80 000 Kč", "CZK", (60000, 80000, "CZK", "month")),  # the thousands written once
        ("Lønn: kr 600 000 – 750 000 per år", "NOK", (600000, 750000, "NOK", "year")),
        ("Lön: 45 000 kr per månad", "SEK", (45000, 45000, "SEK", "month")),
        ("₺35.000–₺45.000", "TRY", (35000, 45000, "TRY", "month")),
        ("NT$ 60,000 - 80,000 (月薪)", "TWD", (60000, 80000, "TWD", "month")),
        # where monthly pay is the custom, a monthly-sized amount with no period is a month's
        ("Wynagrodzenie: 9 500 zł — 11 000 zł", "PLN", (9500, 11000, "PLN", "month")),
        ("Mzda 2000 EUR", "CZK", (2000, 2000, "EUR", "month")),
        ("Salary: €2000", None, None),  # no country, no period: not known to be pay
        # a bare number with a rate after it, in the currency of the posting's country
        ("76,000 - 85,000 per year", "AUD", (76000, 85000, "AUD", "year")),
        ("I want to earn 35 ph", "GBP", (35, 35, "GBP", "hour")),
        ("Labour near Birmingham 12-13/h", "GBP", (12, 13, "GBP", "hour")),
        ("I want to earn 35 hourly", "GBP", (35, 35, "GBP", "hour")),
        ("Paid 12 to 14 pounds hourly.", None, (12, 14, "GBP", "hour")),
        # ... or with a pay word before it
        ("Lønn 500 000", "NOK", (500000, 500000, "NOK", "year")),
        ("Gehalt: 65.000", "EUR", (65000, 65000, "EUR", "year")),
        ("Version 2.0 released in 2024", "EUR", None),
        ("76,000 - 85,000 per year", None, None),  # no country: no currency to read it in
        ("We are hiring 2-3 per month.", "USD", None),  # a count, not pay
        ("Codecs (e.g. H264/H.265)", "USD", None),
        ("Our audience of 300K monthly readers", "USD", None),
        # each end of one range may carry its period
        ("$120K/yr - $150K/yr", None, (120000, 150000, "USD", "year")),
    ],
)
def test_salary_in_the_currencies_and_customs_of_countries(text, local, expected):
    salary = parse_salary(text, local)
    found = salary and (salary.min or salary.max, salary.max, salary.currency, salary.period)
    assert found == expected
    assert salary is None or not salary.multi


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The salary range is $120,000 - $150,000 (OTE $142,500 - $172,500).", (120000, 150000)),
        ("The estimated salary for this role is $175,000 base ($300,000 OTE).", (175000, 175000)),
        ("- Base: $140,000\n- Base + Bonus Target: $180,000", (140000, 140000)),
        ("Salary $150k-$180k. Lead a team of AEs (avg. deal sizes $50K–$150K+).", (150000, 180000)),
        ("We pay $20.00 an hour.\nThe on-target wage of our reps is $36/hour.", (20, 20)),
        ("Salary 8 000 zł.\nLanguage classes are subsidized for up to 2 000 PLN.", (8000, 8000)),
    ],
)
def test_other_amounts_beside_the_base_pay_are_left_out(text, expected):
    salary = parse_salary(text, "PLN" if "zł" in text else None)
    assert salary is not None and (salary.min, salary.max) == expected and not salary.multi


def test_on_target_earnings_count_only_where_no_base_pay_is_stated():
    alone = parse_salary("Compensation: $100,000 - $170,000 on-target earnings per year")
    assert alone is not None and (alone.min, alone.max) == (100000, 170000)
    beside = parse_salary("$65k base salary ($80k OTE) + equity")
    assert beside is not None and (beside.min, beside.max) == (65000, 65000)


@pytest.mark.parametrize(
    "text",
    [
        "What that means is a $90,000-$110,000 base and commission. An expected total compensation of up to $250,000.",
        "Salary: $90,000 - $110,000. Total cash compensation: $150,000 - $250,000 with commission.",
        "Total annual compensation $150k-$250k; base salary $90k-$110k",
    ],
)
def test_total_compensation_counts_only_where_no_base_pay_is_stated(text):
    salary = parse_salary(text)
    assert salary is not None and (salary.min, salary.max) == (90000, 110000) and not salary.multi
    alone = parse_salary("Estimated total annual compensation: $200,000-$400,000.")
    assert alone is not None and (alone.min, alone.max) == (200000, 400000)


@pytest.mark.parametrize("mark", ["•", "·", "|"])
def test_a_bullet_or_bar_ends_what_an_amount_says(mark):
    """Items of one line set apart by a bullet or a bar are separate: commission after the mark is not the
    range's own clause ("$120K – $200K • Offers Commission" is a base range)."""
    salary = parse_salary(f"Estimated Annual Base Compensation: $120K – $200K {mark} Offers Commission.")
    assert salary is not None and (salary.min, salary.max) == (120000, 200000)
    assert parse_salary("Estimated earnings: $20K – $40K in commission.") is None


def test_bands_for_several_levels_are_multi_even_with_a_bonus_between():
    salary = parse_salary("Junior SWE ($300k + equity + bonus), SWE ($350k + equity + bonus)")
    assert salary is not None and salary.multi and salary.min == 300000


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "About us.\nCompensation: 120\u00a0k–150\u00a0k € per year, plus equity.",
            (120000, 150000, "EUR", "year"),
        ),
        ("O nas.\nWynagrodzenie: 8000 zł - 10000 zł per month", (8000, 10000, "PLN", "month")),
        ("Salary range 90\u202fk to 110\u202fk CHF annually", (90000, 110000, "CHF", "year")),
    ],
)
def test_pay_with_symbols_and_no_break_spaces_in_the_body(body, expected):
    """Pay stated with a currency symbol or a number scaled after a no-break space, in the body or in the
    title."""
    for title, description in (("ML Engineer", body), (f"ML Engineer, {body}", "")):
        salary = rules.extract(
            PostingInput(id="p", source="test", title=title, description=description)
        ).salary
        assert salary is not None and (salary.min, salary.max, salary.currency, salary.period) == expected


def test_several_bands_take_the_lowest_and_highest():
    salary = parse_salary("NYC: $150,000 - $190,000. Remote: $130,000 - $170,000.")
    assert salary is not None
    assert (salary.min, salary.max, salary.multi) == (130000, 190000, True)


def test_published_pay_wins_over_text_and_is_annualised_in_usd():
    posting = PostingInput(
        id="1", title="ML Engineer", description="Pay: $100k-$120k", pay_min=50, pay_max=60,
        pay_currency="USD", pay_period="hour",
    )  # fmt: skip
    salary = rules.extract(posting).salary
    assert salary is not None and salary.source == "published"
    assert (salary.min, salary.max, salary.period) == (50, 60, "hour")
    assert (salary.annual_min_usd, salary.annual_max_usd) == (104000, 124800)


def test_published_pay_without_its_period_is_not_taken_for_a_year():
    posting = PostingInput(
        id="1", title="Intern", description="Paid $40 per hour.", pay_min=40, pay_max=40, pay_currency="USD",
    )  # fmt: skip
    salary = rules.extract(posting).salary
    assert salary is not None and (salary.min, salary.period, salary.source) == (40, "hour", "text")
    silent = rules.extract(posting.model_copy(update={"description": "Join us."})).salary
    assert silent is None


def test_foreign_pay_converts_to_usd():
    facts = rules.extract(
        PostingInput(id="1", title="ML Engineer", location="Berlin", description="€80.000 per year")
    )
    assert facts.salary is not None and facts.salary.currency == "EUR"
    assert facts.salary.annual_min_usd is not None and 70_000 < facts.salary.annual_min_usd < 110_000


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        ("Senior ML Engineer", "", "senior"),
        ("Staff Software Engineer", "", "staff_plus"),
        ("Machine Learning Intern", "", "intern"),
        ("Engineering Manager, AI", "", "manager"),
        ("Head of Data", "", "manager"),
        ("Junior Data Scientist", "", "junior"),
        ("Tech Lead, Search", "", "senior"),
        ("ML Engineer", "You have 3+ years of experience with Python.", "mid"),
        ("ML Engineer", "7+ years of professional experience", "senior"),
        ("ML Engineer", "0-1 years of experience", "junior"),
        ("Product Manager", "", "unknown"),
        ("Multiple roles", "5+ years of experience", "unknown"),
        # executives are managers whatever else the title says
        ("EVP, Product", "", "manager"),
        ("CISO", "", "manager"),
        ("President of Operations", "", "manager"),
        ("VP Product Manager", "", "manager"),
        # a bare "Mid" is a level, "mid-market" is not
        ("Mid Backend Engineer", "", "mid"),
        ("Mid-Market Account Executive", "", "unknown"),
        ("Data Analyst (Fresher)", "", "junior"),
        ("Software Engineer, Internal Tools", "", "unknown"),
        # the text states the level when the title and the years do not
        ("Data Analyst", "This is an entry-level position.", "junior"),
        ("Data Analyst", "We welcome fresh graduates.", "junior"),
        ("Data Analyst", "We invest in talent through internship programs.", "unknown"),
        ("Data Intern Program", "", "intern"),
        ("Data Analyst", "This internship is for students.", "intern"),
        ("Data Analyst", "You will mentor interns. 3+ years of experience.", "mid"),
    ],
)
def test_seniority(title, text, expected):
    assert seniority(posting(title, text))[0] == expected


@pytest.mark.parametrize(
    ("location", "text", "country"),
    [
        ("Remote (US only)", "", "US"),
        ("San Francisco, CA", "", "US"),
        ("Toronto, ON", "", "CA"),
        ("London, UK", "", "GB"),
        ("Berlin, Germany", "", "DE"),
        ("New York or London", "", None),
        ("Remote - UK/EU", "", None),
        ("Remote", "You must be based in the United States.", "US"),
        (None, "Location:\nHybrid, Bangalore, India", "IN"),
        ("Remote", "", None),
        # a two-letter code: the country of the city before it, a US state or Canadian province after a
        # comma, the ISO code after "Remote"
        ("Berlin, DE", "", "DE"),
        ("Bangalore, IN", "", "IN"),
        ("Portland, OR", "", "US"),
        ("Remote DE", "", "DE"),
        ("Remote GB", "", "GB"),
        # a place whose name holds another's, a state named like a country
        ("Sydney, New South Wales, Australia", "", "AU"),
        ("Remote, Georgia, Carolinas, New York, New Jersey", "", "US"),
        # an area beside the one country it holds is context; an area where the work may be done remotely is not
        ("remote, india, apac", "", "IN"),
        ("Munich, Germany; Remote - EMEA", "", None),
        # phrases of the text
        (None, "This role is remote in Poland.", "PL"),
        (None, "Work remotely from Spain.", "ES"),
        (None, "Applicants can be based in CA, NY, TX.", "US"),
        (None, "This role is for Canadian residents only.", "CA"),
        (None, "This is an Australia only position.", "AU"),
        (None, "You will join our London office.", "GB"),
        ("EMEA", "", None),
    ],
)
def test_country(location, text, country):
    assert country_of(posting(description=text, location=location)) == country


def test_an_area_alone_leaves_the_title_to_name_the_country():
    assert country_of(posting("HR Experience Specialist | Israel", location="EMEA")) == "IL"


@pytest.mark.parametrize(
    ("location", "text", "remote"),
    [
        ("Remote", "", "remote"),
        ("Hybrid - Paris", "", "hybrid"),
        ("NYC", "This is an on-site role in our office.", "onsite"),
        (None, "remote / optional hybrid", "remote"),
        (None, "You will work 3 days per week in the office.", "hybrid"),
        (None, "We build hybrid search over vector stores.", None),
        # "remotely", in any phrase
        (None, "You will be based remotely in the UK.", "remote"),
        ("Remotely in Poland", "", "remote"),
        ("Remotely", "", "remote"),
        (None, "We use computer vision to remotely monitor crops.", None),
        # set office days make it hybrid, either word order, whatever the company says of itself
        (None, "We are remote-first; this role requires you to be in-office 3 days a week.", "hybrid"),
        (None, "You must work in office at least 3 days per week.", "hybrid"),
        (None, "Able to commute to downtown 3+ days a week.", "hybrid"),
        (None, "On-site for 3 days of onboarding, then fully remote.", "remote"),
        (None, "Mandatory return to office starts next month.", "onsite"),
        (None, "#LI-Hybrid", "hybrid"),
        # a location field naming only an office, or anywhere, when nothing else says
        ("SF Office - 171 2nd St", "", "onsite"),
        ("Anywhere", "", "remote"),
        ("NYC Office", "Hybrid: two days a week at home.", "hybrid"),
    ],
)
def test_remote_policy(location, text, remote):
    assert remote_policy(posting(description=text, location=location)) == remote


@pytest.mark.parametrize(
    ("title", "text", "skills", "expected"),
    [
        ("Senior Machine Learning Engineer", "", set(), True),
        ("Account Executive, AI Platform", "", {"llm"}, False),
        ("Software Engineer, AI Team", "", set(), False),
        ("Data Engineer", "Build pipelines; some ML", {"machine_learning", "etl"}, False),
        (
            "Data Scientist",
            "Build and train models. Develop ML models. Deploy models.",
            {"machine_learning"},
            True,
        ),
        ("Data Scientist", "Build dashboards in Tableau.", {"tableau"}, False),
    ],
)
def test_is_ai_role(title, text, skills, expected):
    assert is_ai_role(posting(title, text), skills) is expected


def test_extract_returns_a_complete_record():
    posting = PostingInput(
        id="x", title="Senior AI Engineer", location="Remote (US only)",
        description="Requirements:\n- 5+ years Python\n- LangChain, RAG\nSalary: $180k-$220k",
    )  # fmt: skip
    facts = rules.extract(posting)
    assert {s.id for s in facts.skills} >= {"python", "langchain", "rag"}
    assert (facts.seniority, facts.country, facts.region, facts.remote, facts.is_ai_role) == (
        "senior", "US", "North America", "remote", True,
    )  # fmt: skip
    assert facts.salary is not None and facts.salary.annual_max_usd == 220000
    assert facts.extractor == "rules" and facts.version


def test_city_and_employment_type():
    facts = rules.extract(
        PostingInput(
            id="c", title="ML Engineer (Contract)", location="San Francisco, CA", description="Full-time."
        )
    )
    assert (facts.city, facts.employment_type) == ("San Francisco", "contract")
    intern = rules.extract(PostingInput(id="i", title="Research Intern", description="Summer internship."))
    assert intern.employment_type == "internship" and intern.city is None


def test_a_huge_posting_extracts_safely():
    text = ("Python and PyTorch. " * 20_000) + "Salary $150k-$180k. " + ("lorem ipsum " * 200_000)
    facts = rules.extract(PostingInput(id="huge", title="ML Engineer", description=text))
    assert {"python", "pytorch"} <= {s.id for s in facts.skills}
    assert facts.salary is None, "pay stated past the first 200k characters is not read"


def test_case_sensitive_aliases_match_as_written_and_resolve_apart_from_the_others():
    """Case-sensitive aliases are found through their lower case in the one alias pass, and count only
    where the text has them as written (hyphens and line breaks standing for their spaces); each kind
    keeps its own longest match at a start."""
    taxonomy = Taxonomy(
        skills={
            "node_red": Skill(
                id="node_red", name="Node-RED", category="tool", kind="tool", cs_aliases=("Node-RED",)
            ),
            "rust": Skill(id="rust", name="Rust", category="language", kind="tool", cs_aliases=("Rust",)),
            "r": Skill(id="r", name="R", category="language", kind="tool", cs_aliases=("R",)),
            "rust_belt": Skill(
                id="rust_belt", name="Rust belt", category="domain", kind="tool", aliases=("rust belt",)
            ),
        },
        version="test",
    )
    matcher = SkillMatcher(taxonomy)

    def found(text: str) -> list[tuple[str, str]]:
        return [(f.skill_id, f.text) for f in matcher.find(text)]

    assert found("Node-RED flows, node-red, NODE RED and Node\nRED.") == [
        ("node_red", "Node-RED"), ("node_red", "Node\nRED"),
    ]  # fmt: skip
    assert found("We trust rust and RUST, not Rust-lang? Rust.") == [("rust", "Rust"), ("rust", "Rust")]
    assert found("R and r, R&D aside; in R.") == [("r", "R"), ("r", "R"), ("r", "R")]
    # "Rust belt" is found by both kinds; the longer match wins when they are put together.
    assert found("Rust belt jobs") == [("rust_belt", "Rust belt")]


def _skills_of(description: str, company: str | None = None) -> set[str]:
    facts = rules.extract(
        PostingInput(id="s", title="Program Manager", company=company, description=description)
    )
    return {mention.id for mention in facts.skills}


def test_what_the_company_builds_is_not_what_the_role_needs():
    text = (
        "About Cohere\nCohere builds LLMs, RAG and agents for enterprises.\n\n"
        "The role\nYou will run our programs with Python.\n\n"
        "Benefits\n- A learning budget for LangChain courses\n\n"
        "Equal opportunity\nWe welcome TensorFlow fans of every background."
    )
    assert _skills_of(text, company="cohere") == {"python"}


def test_sections_about_the_role_count_whatever_they_are_called():
    text = "About the role\nYou will build RAG systems.\n\nAbout the gig\nKubernetes and AWS every day."
    assert {"rag", "kubernetes", "aws"} <= _skills_of(text, company="Acme")
    # "About X" where X is not the company is the role's (a team, a product area)
    assert "rag" in _skills_of("About Disputes\nYou will build RAG systems.", company="Stripe")


def test_an_opening_paragraph_presenting_the_company_is_the_companys():
    text = (
        "Netic is the AI revenue engine for multimodal workflows.\n\nWhat you'll do\n- Train PyTorch models"
    )
    assert _skills_of(text, company="netic") == {"pytorch"}
    # without sections (a Hacker News comment) the opening lines are the role's
    assert "ai_agents" in _skills_of(
        "YCharts | Applied AI | We build AI agents for analysts.", company="YCharts"
    )


@pytest.mark.parametrize(
    ("text", "present", "absent"),
    [
        ("Help customers by embedding AI into their daily operations.", set(), {"embeddings"}),
        ("Train embedding models and tune vector search.", {"embeddings"}, set()),
        ("2+ years of React Native", set(), {"react"}),
        ("React and React Native apps", {"react"}, set()),
        ("Swift, Objective C or Java", {"java"}, {"c"}),
    ],
)
def test_names_that_mean_something_else_here(text, present, absent):
    found = ids(text)
    assert present <= found and not (absent & found), found


def test_a_perk_in_what_the_company_offers_is_not_the_pay_when_the_role_states_one():
    text = "What we offer\n- $50 a month for your phone\n\nThe role\n- $95k - $115k + equity"
    salary = parse_salary(text)
    assert salary is not None and (salary.min, salary.max, salary.period) == (95000, 115000, "year")
    perk_only = parse_salary("What we offer\n- $50 a month for your phone")
    assert perk_only is not None and perk_only.period == "month"  # nothing else is stated
