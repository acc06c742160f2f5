"""The `rules` backend: deterministic, offline and fast; the embedded default extractor."""

from __future__ import annotations

import gc
from collections.abc import Sequence

from extract.money import annual_usd, local_currency
from extract.rules._native import NATIVE as NATIVE  # first: compiled modules if fresh, else sources
from extract.rules._native import WHY_PURE as WHY_PURE
from extract.rules.anchored import Anchored, fold, folded
from extract.rules.location import city_of, country_of, region_of, remote_policy
from extract.rules.role import is_ai_role, role_family
from extract.rules.salary import parse_salary
from extract.rules.seniority import seniority
from extract.rules.skills import extract_skills
from extract.schema import PostingFacts, PostingInput, Salary

VERSION = "rules-1"
# Which build runs, for run summaries and warnings: the compiled one is about twice as fast.
BUILD = "compiled" if NATIVE else f"pure Python ({WHY_PURE})"
# Postings extracted rule by rule together (`extract_many`): enough to reload each rule's tables once
# for many postings, few enough that what the rules share about each posting stays cached.
BATCH = 32
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
    return extract_many([posting])[0]


def extract_many(postings: Sequence[PostingInput]) -> list[PostingFacts]:
    """Extract postings with the rules backend, `BATCH` at a time, each rule over the whole batch before
    the next: the same records as `extract` gives one by one, in order, in about a tenth less time
    (0.87-0.92x over the pool so far; `make bench` measures both).

    Each rule reads its own tables (automata of hundreds of skill aliases and literals, place names, pay
    patterns): posting by posting, the rules push one another's tables out of the core's cache. What the
    rules share about one posting (its lower case, the shared literal pass) is cached for at least a
    batch (`anchored.CACHED_TEXTS`).
    """
    facts: list[PostingFacts] = []
    # The rules make no reference cycles (none over the whole pool: tests/test_extract_rules.py), yet
    # the thousands of small lists and tuples they make a posting start the cycle collector every few
    # hundred allocations: 7% of the time. It is paused here and restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for start in range(0, len(postings), BATCH):
            facts.extend(_extract_batch(postings[start : start + BATCH]))
    finally:
        if collecting:
            gc.enable()
    return facts


def _extract_batch(postings: Sequence[PostingInput]) -> list[PostingFacts]:
    titles = [posting.title or "" for posting in postings]
    bodies = [(posting.description or "")[:MAX_CHARS] for posting in postings]
    skills = [extract_skills(body if body else title) for title, body in zip(titles, bodies, strict=True)]
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
        _salary(posting, _text(posting, title, body), body, country)
        for posting, title, body, country in zip(postings, titles, bodies, countries, strict=True)
    ]
    employment = [employment_type(title, body) for title, body in zip(titles, bodies, strict=True)]
    ai_roles = [
        is_ai_role(title, body, {mention.id for mention in found})
        for title, body, found in zip(titles, bodies, skills, strict=True)
    ]
    return [
        PostingFacts(
            id=posting.id,
            skills=skills[i],
            salary=salaries[i],
            seniority=levels[i][0],
            years_experience_min=levels[i][1],
            country=countries[i],
            region=region_of(countries[i], remotes[i]),
            remote=remotes[i],
            city=city_of(posting.location),
            employment_type=employment[i],
            is_ai_role=ai_roles[i],
            role_family=role_family(titles[i]),
            certifications=[mention.id for mention in skills[i] if mention.id.startswith("cert_")],
            extractor="rules",
            version=VERSION,
        )
        for i, posting in enumerate(postings)
    ]


def _text(posting: PostingInput, title: str, body: str) -> str:
    """Title, the source's pay line when it has one, and body: where stated pay is looked for."""
    return f"{title}\n{posting.pay_text}\n{body}" if posting.pay_text else f"{title}\n{body}"
