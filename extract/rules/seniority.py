"""Seniority from the title first, then from the years of experience asked (LABELING.md's rules)."""

from __future__ import annotations

import re

from extract.rules.posting import Posting
from extract.schema import Seniority

# Executives: a level of their own whatever else the title says ("EVP, Product", "CISO", "President").
_EXECUTIVE = r"vp|evp|svp|avp|vice president|president|cto|ceo|cfo|coo|cio|ciso|cso|cpo|cmo|chief"
# Over the lower-cased title, tried in order: the first level whose words the title holds wins. Intern and
# junior words include other languages' ("werkstudent", "thực tập sinh") and regions' ("fresher").
_TITLE_LEVELS: list[tuple[re.Pattern[str], Seniority]] = [
    (
        re.compile(
            r"\b(intern|internship|co-?op|werkstudent|working student|trainee|praktikant|stagiaire|thực tập)\b"
        ),
        "intern",
    ),
    (
        re.compile(
            rf"\b(engineering manager|head of|director|{_EXECUTIVE}|manager|managing)\b"
            r"(?<!product manager)(?<!program manager)(?<!project manager)(?<!account manager)"
        ),
        "manager",
    ),
    (re.compile(r"\b(staff|principal|distinguished|fellow)\b"), "staff_plus"),
    (re.compile(r"\b(senior|sr\.?|snr|lead|tech lead|iii|level 3|l5)\b"), "senior"),
    (
        re.compile(
            r"\b(junior|jr\.?|entry[- ]level|entry|graduate|new grad|associate|apprentice|fresher)\b|\bi\b$"
        ),
        "junior",
    ),
    # A bare "Mid" is a level; "mid-market" and "mid-size" are not.
    (re.compile(r"\b(mid[- ]level|intermediate|ii|level 2)\b|\bmid\b(?![- ](market|size))"), "mid"),
]
# A "manager" that manages a product or a programme, not people: not a level, unless the title also says one.
_NON_LEVEL_MANAGER = re.compile(r"\b(product|program|project|account|community|office|marketing) manager")
_LEVEL_MANAGER = re.compile(rf"engineering manager|head of|director|\b({_EXECUTIVE})\b")
# Where neither the title nor the years asked say the level, a sentence about this role may ("this is an
# entry-level position", "this internship", "open to fresh graduates"); a company's "internship programs"
# do not.
_STATED_LEVELS: list[tuple[re.Pattern[str], Seniority]] = [
    (
        re.compile(
            r"\bthis (?:is an? )?(?:paid |summer )?(?:internship|intern)\b|\bopportunity for interns\b"
        ),
        "intern",
    ),
    (
        re.compile(
            r"\bthis (?:is an? )?entry[- ]level\b|\b(?:students|open|opportunity|welcome) (?:to |for |and )?"
            r"(?:fresh|recent) graduates\b|\bfreshers\b"
        ),
        "junior",
    ),
]
_YEARS = re.compile(
    r"(?i)(?<![\d.])(\d{1,2})(?:\s{0,12}(?:\+|-|–|to)\s{0,12}(\d{1,2}))?\+?\s{0,12}(?:\+\s{0,12})?years?(?:'|’)?\s*(?:of\s+)?"
    r"(?:[\w/+-]+\s+){0,4}?(?:experience|exp\b|industry|professional|hands-on|working|building|in\s)"
)
_MULTI_ROLE = re.compile(r"multiple roles|several roles|various roles|many roles|all levels|\broles\b")


def years_of_experience(text: str) -> int | None:
    """The smallest 'N+ years of experience' asked (25 at most), or None."""
    found = [int(match.group(1)) for match in _YEARS.finditer(text)]
    return min((years for years in found if years <= 25), default=None)


def seniority_from_title(title_lower: str) -> Seniority | None:
    for pattern, level in _TITLE_LEVELS:
        if not pattern.search(title_lower):
            continue
        if (
            level == "manager"
            and _NON_LEVEL_MANAGER.search(title_lower)
            and not _LEVEL_MANAGER.search(title_lower)
        ):
            continue
        return level
    return None


def seniority(posting: Posting) -> tuple[Seniority, int | None]:
    """(level, minimum years asked): title first, then years (0-1 junior, 2-4 mid, 5+ senior), then a
    sentence stating the level."""
    years = years_of_experience(posting.body)
    from_title = seniority_from_title(posting.title_lower)
    if from_title is not None:
        return from_title, years
    if _MULTI_ROLE.search(posting.title_lower):
        return "unknown", years
    if years is None:
        stated = (level for pattern, level in _STATED_LEVELS if pattern.search(posting.body_lower))
        return next(stated, "unknown"), None
    if years <= 1:
        return "junior", years
    if years <= 4:
        return "mid", years
    return "senior", years
