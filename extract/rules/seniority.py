"""Seniority from the title first, then from the years of experience asked (LABELING.md's rules)."""

from __future__ import annotations

import re
from typing import Final

from extract.rules.anchored import FIELDS, SHARED, Anchored, field_cache, folded
from extract.rules.patterns import is_ascii_letter
from extract.schema import Seniority

_LEVEL_MANAGER: Final = Anchored(
    r"(?i)engineering manager|head of|director|vp|vice president|cto|chief", shared=FIELDS
)
_TITLE_RULES: Final[list[tuple[Anchored, Seniority]]] = [
    (
        Anchored(r"(?i)\b(intern|internship|co-?op|werkstudent|working student|trainee)\b", shared=FIELDS),
        "intern",
    ),
    (
        Anchored(
            r"(?i)\b(engineering manager|head of|director|vp|vice president|cto|chief|manager|managing)\b"
            r"(?<!product manager)(?<!program manager)(?<!project manager)(?<!account manager)",
            shared=FIELDS,
        ),
        "manager",
    ),
    (Anchored(r"(?i)\b(staff|principal|distinguished|fellow)\b", shared=FIELDS), "staff_plus"),
    (Anchored(r"(?i)\b(senior|sr\.?|snr|lead|tech lead|iii|level 3|l5)\b", shared=FIELDS), "senior"),
    (
        Anchored(
            r"(?i)\b(junior|jr\.?|entry[- ]level|entry|graduate|new grad|associate|apprentice)\b|\bI\b$",
            shared=FIELDS,
        ),
        "junior",
    ),
    (Anchored(r"(?i)\b(mid[- ]level|intermediate|ii|level 2)\b", shared=FIELDS), "mid"),
]
_NON_LEVEL_MANAGER: Final = Anchored(
    r"(?i)\b(product|program|project|account|community|office|marketing) manager", shared=FIELDS
)
_YEARS: Final = Anchored(
    re.compile(
        r"(?i)(?<![\d.])(\d{1,2})(?:\s{0,12}(?:\+|-|–|to)\s{0,12}(\d{1,2}))?\+?\s{0,12}(?:\+\s{0,12})?years?(?:'|’)?\s*(?:of\s+)?"
        r"(?:[\w/+-]+\s+){0,4}?(?:experience|exp\b|industry|professional|hands-on|working|building|in\s)"
    ),
    first=r"\d",
)
_MULTI_ROLE: Final = Anchored(
    r"(?i)multiple roles|several roles|various roles|many roles|all levels|\broles\b", shared=FIELDS
)


# Between a match's start and its "year" the pattern reads only a number or a range of two ("3-5", "2 to
# 4"), "+" and spacing: never "." nor an ASCII letter but "t" and "o". So a match starts only at a digit
# of the run of other characters that ends at a "year", and only at the first digit of a run of digits
# (`(?<![\d.])`): those few are tried, not every digit within reach of a "year" (`Anchored`'s way, which
# makes a match object of each from a regex of its own).
_YEAR_WORD: Final = SHARED.register(["year"])
_YEARS_REACH: Final = _YEARS.required[2] if _YEARS.required is not None else 0  # the characters before "year"
if _YEARS.required is None or _YEARS.required[0] != "year" or _YEARS_REACH < 0:
    raise ValueError("the years pattern no longer holds 'year' a bounded reach from its start")


def _ends_gap(char: str) -> bool:
    """Whether no match's span from its start to its "year" holds `char`."""
    return char == "." or (is_ascii_letter(char) and char not in "tToO")


def _years_starts(text: str, years: list[int]) -> list[int]:
    """In order, where a match of `_YEARS` may start, given where "year" occurs (in order)."""
    starts: list[int] = []
    done = 0
    for at in years:
        first = at
        while first > done and first > at - _YEARS_REACH and not _ends_gap(text[first - 1]):
            first -= 1
        for start in range(first, at):
            if text[start].isdecimal() and not (
                start > 0 and (text[start - 1].isdecimal() or text[start - 1] == ".")
            ):
                starts.append(start)
        done = max(done, at)
    return starts


def years_of_experience(text: str) -> int | None:
    """The smallest 'N+ years of experience' asked, or None."""
    found = []
    for start, digits in _years_asked(text):
        value = int(text[start:digits])
        if value <= 25:
            found.append(value)
    return min(found) if found else None


def _years_asked(text: str) -> list[tuple[int, int]]:
    """The span of the first number of each `_YEARS` match, as `_YEARS.finditer` finds them."""
    lower = folded(text)
    if lower is None:  # lowering moved offsets: the shared pass cannot say where "year" is
        return [match.span(1) for match in _YEARS.finditer(text)]
    spans = []
    reach, end = 0, len(text)
    for start in _years_starts(text, SHARED.starts(lower, _YEAR_WORD)):
        if start < reach:
            continue
        match = _YEARS.regex.match(text, start, end)
        if match is not None:
            spans.append(match.span(1))
            reach = match.end() if match.end() > start else start + 1
    return spans


def seniority_from_title(title: str) -> Seniority | None:
    return _title_level(title or "")


@field_cache  # titles repeat (`anchored.FIELD_CACHE`)
def _title_level(title: str) -> Seniority | None:
    seen = FIELDS.presence(title)
    for pattern, level in _TITLE_RULES:
        match = pattern.search(title, presence=seen)
        if not match:
            continue
        if (
            level == "manager"
            and _NON_LEVEL_MANAGER.search(title, presence=seen)
            and not _LEVEL_MANAGER.search(title, presence=seen)
        ):
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
