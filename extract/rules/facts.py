"""A batch of postings' facts by the rules: each rule over the whole batch before the next
(`extract_many` says why), then one `PostingFacts` per posting. Compiled with the other rules modules
(`make native`): as interpreted Python, this glue (the per-posting lists, the stated-pay setup) cost a few
percent of an extraction.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final, Literal

from extract.money import annual_usd, local_currency
from extract.rules.anchored import SHARED, Anchored, field_cache, fold, folded
from extract.rules.location import city_of, country_of, region_of, remote_policy
from extract.rules.role import is_ai_role, role_family
from extract.rules.salary import parse_salary, pay_hints
from extract.rules.seniority import seniority
from extract.rules.skills import extract_skills_many
from extract.schema import Period, PostingFacts, PostingInput, Salary

VERSION: Final = "rules-1"
# Longer descriptions are pasted pages or junk; their first 200k characters hold the posting.
MAX_CHARS: Final = 200_000
_EMPLOYMENT: Final = (
    ("internship", Anchored(r"(?i)\b(internship|intern|co-op|werkstudent)\b")),
    ("contract", Anchored(r"(?i)\b(contract(or)?|freelance|b2b contract|fixed[- ]term|temporary)\b")),
    ("part_time", Anchored(r"(?i)\bpart[- ]time\b")),
    ("full_time", Anchored(r"(?i)\bfull[- ]time\b|\bpermanent\b")),
)


# The models' own validators, called with a dict: what `Model(**fields)` does after an interpreted
# `__init__` frame that cost about a microsecond a posting. The same validation, the same instances.
_FACTS: Final = PostingFacts.__pydantic_validator__
_SALARY: Final = Salary.__pydantic_validator__


def employment_type(title: str, text: str) -> str | None:
    """Internship, contract, part-time or full-time: the title decides first, then the text."""
    return _title_employment(title) or _employment_in(text, 3000)


@field_cache  # titles repeat (`anchored.FIELD_CACHE`)
def _title_employment(title: str) -> str | None:
    return _employment_in(title, None)


def _employment_in(source: str, end: int | None) -> str | None:
    seen = SHARED.presence(source)
    for kind, pattern in _EMPLOYMENT:
        if pattern.search(source, 0, end, presence=seen):
            return kind
    return None


def _salary(posting: PostingInput, title: str, body: str, country: str | None) -> Salary | None:
    """Pay published by the source wins; otherwise the pay stated in the title, the source's pay line
    when it has one, and the body. Built once, with its yearly USD figures (a copy with them added cost
    as much as the model itself)."""
    low: float | None
    high: float | None
    period: Period
    source: Literal["published", "text"]
    evidence: str | None
    if (posting.pay_min or posting.pay_max) and posting.pay_currency:
        low, high, currency = posting.pay_min, posting.pay_max, posting.pay_currency.upper()
        period, source, multi, evidence = posting.pay_period or "year", "published", False, None
    else:
        pieces = [title, posting.pay_text, body] if posting.pay_text else [title, body]
        # Lower-casing keeps offsets, so the text's lower case is its pieces' joined: the body's is cached
        # already (the same object the other rules lowered), only the short head is lowered here.
        exact = all(folded(piece) is not None for piece in pieces)  # no offset moved by lowering
        hints: list[int] | None = None
        if exact and body:
            head = "\n".join([fold(piece) for piece in pieces[:-1]]) + "\n"
            hints = pay_hints(head, fold(body))
            if not hints:
                return None  # nothing a band needs: the texts are not joined
            lower: str | None = head + fold(body)
        else:
            lower = "\n".join([fold(piece) for piece in pieces]) if exact else None
        text = "\n".join(pieces)
        stated = parse_salary(text, local_currency(country), lower, fold(body) if body else None, hints)
        if stated is None:
            return None
        low, high, currency, period = stated.min, stated.max, stated.currency, stated.period
        source, multi, evidence = "text", stated.multi, stated.evidence
    return _SALARY.validate_python({
        "min": low, "max": high, "currency": currency, "period": period, "source": source, "multi": multi,
        "evidence": evidence, "annual_min_usd": annual_usd(low, currency, period, posting.posted_at),
        "annual_max_usd": annual_usd(high, currency, period, posting.posted_at),
    })  # fmt: skip


def extract_batch(postings: Sequence[PostingInput]) -> list[PostingFacts]:
    titles = [posting.title or "" for posting in postings]
    bodies = [(posting.description or "")[:MAX_CHARS] for posting in postings]
    skills = extract_skills_many(
        [body if body else title for title, body in zip(titles, bodies, strict=True)]
    )
    levels = [seniority(title, body) for title, body in zip(titles, bodies, strict=True)]
    remotes = [
        remote_policy(posting.location, body, posting.remote_hint, title)
        for posting, title, body in zip(postings, titles, bodies, strict=True)
    ]
    countries = [
        country_of(posting.location, body, title)
        for posting, title, body in zip(postings, titles, bodies, strict=True)
    ]
    salaries = [
        _salary(posting, title, body, country)
        for posting, title, body, country in zip(postings, titles, bodies, countries, strict=True)
    ]
    employment = [employment_type(title, body) for title, body in zip(titles, bodies, strict=True)]
    # Each posting's skill ids, read once (an attribute of a pydantic model is a slow read).
    skill_ids = [[mention.id for mention in found] for found in skills]
    ai_roles = [
        is_ai_role(title, body, set(ids)) for title, body, ids in zip(titles, bodies, skill_ids, strict=True)
    ]
    return [
        _FACTS.validate_python(
            {
                "id": posting.id,
                "skills": skills[i],
                "salary": salaries[i],
                "seniority": levels[i][0],
                "years_experience_min": levels[i][1],
                "country": countries[i],
                "region": region_of(countries[i], remotes[i]),
                "remote": remotes[i],
                "city": city_of(posting.location),
                "employment_type": employment[i],
                "is_ai_role": ai_roles[i],
                "role_family": role_family(titles[i]),
                "certifications": [skill_id for skill_id in skill_ids[i] if skill_id.startswith("cert_")],
                "extractor": "rules",
                "version": VERSION,
            }
        )
        for i, posting in enumerate(postings)
    ]
