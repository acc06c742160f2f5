"""Seniority from the title first, then from the years of experience asked (LABELING.md's rules)."""

from __future__ import annotations

import re
from typing import Final

from extract.rules.anchored import Anchored, field_cache
from extract.schema import Seniority

_LEVEL_MANAGER: Final = Anchored(r"(?i)engineering manager|head of|director|vp|vice president|cto|chief")
_TITLE_RULES: Final[list[tuple[Anchored, Seniority]]] = [
    (Anchored(r"(?i)\b(intern|internship|co-?op|werkstudent|working student|trainee)\b"), "intern"),
    (
        Anchored(
            r"(?i)\b(engineering manager|head of|director|vp|vice president|cto|chief|manager|managing)\b"
            r"(?<!product manager)(?<!program manager)(?<!project manager)(?<!account manager)"
        ),
        "manager",
    ),
    (Anchored(r"(?i)\b(staff|principal|distinguished|fellow)\b"), "staff_plus"),
    (Anchored(r"(?i)\b(senior|sr\.?|snr|lead|tech lead|iii|level 3|l5)\b"), "senior"),
    (
        Anchored(
            r"(?i)\b(junior|jr\.?|entry[- ]level|entry|graduate|new grad|associate|apprentice)\b|\bI\b$"
        ),
        "junior",
    ),
    (Anchored(r"(?i)\b(mid[- ]level|intermediate|ii|level 2)\b"), "mid"),
]
_NON_LEVEL_MANAGER: Final = Anchored(
    r"(?i)\b(product|program|project|account|community|office|marketing) manager"
)
_YEARS: Final = Anchored(
    re.compile(
        r"(?i)(?<![\d.])(\d{1,2})(?:\s{0,12}(?:\+|-|–|to)\s{0,12}(\d{1,2}))?\+?\s{0,12}(?:\+\s{0,12})?years?(?:'|’)?\s*(?:of\s+)?"
        r"(?:[\w/+-]+\s+){0,4}?(?:experience|exp\b|industry|professional|hands-on|working|building|in\s)"
    ),
    first=r"\d",
)
_MULTI_ROLE: Final = Anchored(
    r"(?i)multiple roles|several roles|various roles|many roles|all levels|\broles\b"
)


def years_of_experience(text: str) -> int | None:
    """The smallest 'N+ years of experience' asked, or None."""
    found = []
    for match in _YEARS.finditer(text):
        value = int(match.group(1))
        if value <= 25:
            found.append(value)
    return min(found) if found else None


def seniority_from_title(title: str) -> Seniority | None:
    return _title_level(title or "")


@field_cache  # titles repeat (`anchored.FIELD_CACHE`)
def _title_level(title: str) -> Seniority | None:
    for pattern, level in _TITLE_RULES:
        match = pattern.search(title)
        if not match:
            continue
        if level == "manager" and _NON_LEVEL_MANAGER.search(title) and not _LEVEL_MANAGER.search(title):
            continue
        return level
    return None


def seniority(title: str, text: str) -> tuple[Seniority, int | None]:
    """(level, minimum years asked): title first, then years (0-1 junior, 2-4 mid, 5+ senior)."""
    years = years_of_experience(text)
    from_title = seniority_from_title(title)
    if from_title is not None:
        return from_title, years
    if _MULTI_ROLE.search(title or ""):
        return "unknown", years
    if years is None:
        return "unknown", None
    if years <= 1:
        return "junior", years
    if years <= 4:
        return "mid", years
    return "senior", years
