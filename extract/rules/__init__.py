"""The `rules` backend: deterministic, offline and fast; the embedded default extractor."""

from __future__ import annotations

from extract.money import annual_usd, local_currency
from extract.rules._native import NATIVE as NATIVE  # first: compiled modules if fresh, else sources
from extract.rules.anchored import Anchored, fold, folded
from extract.rules.location import city_of, country_of, region_of, remote_policy
from extract.rules.role import is_ai_role, role_family
from extract.rules.salary import parse_salary
from extract.rules.seniority import seniority
from extract.rules.skills import extract_skills
from extract.schema import PostingFacts, PostingInput, Salary

VERSION = "rules-1"
# Longer descriptions are pasted pages or junk; their first 200k characters hold the posting.
MAX_CHARS = 200_000
_EMPLOYMENT = (
    ("internship", Anchored(r"(?i)\b(internship|intern|co-op|werkstudent)\b")),
    ("contract", Anchored(r"(?i)\b(contract(or)?|freelance|b2b contract|fixed[- ]term|temporary)\b")),
    ("part_time", Anchored(r"(?i)\bpart[- ]time\b")),
    ("full_time", Anchored(r"(?i)\bfull[- ]time\b|\bpermanent\b")),
)


def employment_type(title: str, text: str) -> str | None:
    """Internship, contract, part-time or full-time: the title decides first, then the text."""
    for source, end in ((title, None), (text, 3000)):
        for kind, pattern in _EMPLOYMENT:
            if pattern.search(source, 0, end):
                return kind
    return None


def _salary(posting: PostingInput, text: str, body: str, country: str | None) -> Salary | None:
    """Pay published by the source wins; otherwise the pay stated in the text."""
    if (posting.pay_min or posting.pay_max) and posting.pay_currency:
        salary = Salary(
            min=posting.pay_min,
            max=posting.pay_max,
            currency=posting.pay_currency.upper(),
            period=posting.pay_period or "year",
            source="published",
        )
    else:
        # Lower-casing keeps offsets, so the text's lower case is its parts' joined: the body's is cached
        # already, only the short head is lowered here.
        parts = text.split("\n", 2 if posting.pay_text else 1)
        exact = all(folded(part) is not None for part in parts)  # cached: no offset moved by lowering
        lower = "\n".join(fold(part) for part in parts) if exact else None
        stated = parse_salary(text, local_currency(country), lower, fold(body) if body else None)
        if stated is None:
            return None
        salary = Salary(
            min=stated.min, max=stated.max, currency=stated.currency, period=stated.period,
            source="text", multi=stated.multi, evidence=stated.evidence,
        )  # fmt: skip
    return salary.model_copy(
        update={
            "annual_min_usd": annual_usd(salary.min, salary.currency, salary.period, posting.posted_at),
            "annual_max_usd": annual_usd(salary.max, salary.currency, salary.period, posting.posted_at),
        }
    )


def extract(posting: PostingInput) -> PostingFacts:
    """Extract one posting with the rules backend."""
    title = posting.title or ""
    body = (posting.description or "")[:MAX_CHARS]
    text = f"{title}\n{posting.pay_text or ''}\n{body}" if posting.pay_text else f"{title}\n{body}"
    skills = extract_skills(body if body else title)
    level, years = seniority(title, body)
    remote = remote_policy(posting.location, body, posting.remote_hint, title)
    country = country_of(posting.location, body, title)
    return PostingFacts(
        id=posting.id,
        skills=skills,
        salary=_salary(posting, text, body, country),
        seniority=level,
        years_experience_min=years,
        country=country,
        region=region_of(country, remote),
        remote=remote,
        city=city_of(posting.location),
        employment_type=employment_type(title, body),
        is_ai_role=is_ai_role(title, body, {s.id for s in skills}),
        role_family=role_family(title),
        certifications=[s.id for s in skills if s.id.startswith("cert_")],
        extractor="rules",
        version=VERSION,
    )
