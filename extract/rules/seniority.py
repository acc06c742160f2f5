"""Seniority from the title first, then from the years of experience asked (LABELING.md's rules)."""

from __future__ import annotations

import re

from extract.rules.posting import Posting
from extract.schema import Seniority

# Over the lower-cased title, tried in order: the first level whose words the title holds wins.
_TITLE_LEVELS: list[tuple[re.Pattern[str], Seniority]] = [
    (re.compile(r"\b(intern|internship|co-?op|werkstudent|working student|trainee)\b"), "intern"),
    (
        re.compile(
            r"\b(engineering manager|head of|director|vp|vice president|cto|chief|manager|managing)\b"
            r"(?<!product manager)(?<!program manager)(?<!project manager)(?<!account manager)"
        ),
        "manager",
    ),
    (re.compile(r"\b(staff|principal|distinguished|fellow)\b"), "staff_plus"),
    (re.compile(r"\b(senior|sr\.?|snr|lead|tech lead|iii|level 3|l5)\b"), "senior"),
    (
        re.compile(r"\b(junior|jr\.?|entry[- ]level|entry|graduate|new grad|associate|apprentice)\b|\bi\b$"),
        "junior",
    ),
    (re.compile(r"\b(mid[- ]level|intermediate|ii|level 2)\b"), "mid"),
]
# A "manager" that manages a product or a programme, not people: not a level, unless the title also says one.
_NON_LEVEL_MANAGER = re.compile(r"\b(product|program|project|account|community|office|marketing) manager")
_LEVEL_MANAGER = re.compile(r"engineering manager|head of|director|vp|vice president|cto|chief")
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
    """(level, minimum years asked): title first, then years (0-1 junior, 2-4 mid, 5+ senior)."""
    years = years_of_experience(posting.body)
    from_title = seniority_from_title(posting.title_lower)
    if from_title is not None:
        return from_title, years
    if _MULTI_ROLE.search(posting.title_lower) or years is None:
        return "unknown", years
    if years <= 1:
        return "junior", years
    if years <= 4:
        return "mid", years
    return "senior", years
