"""Salary stated in posting text: ranges, k/K, every locale's thousands separators, LPA/lakh, periods,
currency symbols and codes, several bands — and never funding rounds, revenue, budgets or headcounts.

`parse_salary(text, local)` is pure (`local`: the currency of the posting's country, when known); the rules
backend prefers a source's published pay and falls back to this. The money pattern runs over the lines that
mention pay (`pay_lines`), and each amount it finds is judged by the words around it (`pay_words.py` holds
the words: currencies, periods, the customs of countries, what marks other amounts).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from extract.rules import pay_words as words
from extract.rules.posting import fold, lines
from extract.rules.sections import sections
from extract.schema import Period

_NUMBER = r"[0-9]\d{0,2}(?:[,.'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|[0-9]\d*(?:[.,]\d+)?"
_SCALE = r"(?:\s?(?:k|K|thousand|m|M|mm|MM|million|lakhs?|lacs?|L|LPA|lpa|cr|crore)\b)?"
_AMOUNT = rf"(?:(?P<@cur1>{words.CURRENCY})\s?)?(?P<@num>{_NUMBER})(?P<@scale>{_SCALE})(?:\s?(?P<@cur2>{words.CURRENCY}))?"
_RANGE_SEP = r"\s*(?:-|–|—|~|to|and|through)\s*"
_PER = r"(?:\s?/\s?(?:yr|year|hr|hour|mo|month|wk|week|day))"  # a period written after the first amount too
_LEADS = [
    "up to",
    "upto",
    "to",
    "from",
    "starting at",
    "starts at",
    "min",
    "minimum",
    "max",
    "maximum",
    "at least",
]
# A lead's space is any spacing or hyphen ("up-to").
_LEAD = r"(?P<lead>\b(?:" + "|".join(w.replace(" ", r"[\s\-]+") for w in _LEADS) + r")\s+)?"
# An amount or a range of two, with an optional lead word ("up to") and a trailing "+".
_MONEY = re.compile(
    _LEAD
    + _AMOUNT.replace("@", "a")
    + rf"(?:(?P<aper>{_PER})?{_RANGE_SEP}"
    + _AMOUNT.replace("@", "b")
    + r")?(?P<plus>\+)?",  # "$150k+" is 150k or more; "$150k + equity" adds to it
    re.IGNORECASE,
)

_BEFORE_CHARS = 80  # how far back the words before an amount are read
_MILLIONS = re.compile(r"(?i)\b(m|mm|million|b|bn|billion|cr|crore)\b")
_THOUSANDS = re.compile(r"(?i)k|thousand|lakh|lac|lpa|\bl\b")
_401K = re.compile(r"(?i)401\s?\(?k")
_RATE = re.compile(r"(?i)\brate\b")
_CLAUSE_END = re.compile(r"[.;|!?]\s|\)")  # where the words qualifying an amount stop, before it
# ... and after it, up to the next amount too ("$150,000 to $175,000 salary with OTE $300,000").
_CLAUSE_AFTER = re.compile(r"[,;()\n•·|]|[.!?](?:\s|$)|\+|\b(?:plus|and|with)\b|[$€£¥₹]|\d")
_GROUP_MARKS = re.compile(r"[,.' ]")
_DIGIT = re.compile(r"\d")

_MAJOR = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SGD", "NZD"})
_OTHER_DOLLARS = frozenset({"CAD", "AUD", "SGD", "NZD", "HKD", "MXN"})


@dataclass(frozen=True)
class Band:
    low: float | None
    high: float | None
    currency: str
    period: Period
    evidence: str
    start: int
    beyond_base: bool = False  # on-target earnings or total compensation, not base pay
    named: bool = False  # on a line that says "salary", "pay", "compensation"


@dataclass(frozen=True)
class TextSalary:
    min: float | None
    max: float | None
    currency: str
    period: Period
    multi: bool
    evidence: str


def parse_number(raw: str) -> float | None:
    """'65.000' -> 65000, '120'000' -> 120000, '150,5' -> 150.5, '1,234.50' -> 1234.5."""
    text = raw.replace("\u00a0", " ").replace("\u202f", " ").replace("’", "'").strip()
    groups = _GROUP_MARKS.split(text)
    if len(groups) > 1 and all(len(g) == 3 for g in groups[1:]):
        return float("".join(groups))
    if len(groups) > 2 and all(len(g) == 3 for g in groups[1:-1]):
        return float("".join(groups[:-1]) + "." + groups[-1])
    if len(groups) == 2:
        return float(f"{groups[0]}.{groups[1]}")
    try:
        return float(text)
    except ValueError:
        return None


# What a scale written after a number multiplies it by ("150k", "12 LPA", "2 crore").
_SCALE_FACTORS = {
    "k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
    "lacs": 1e5, "l": 1e5, "lpa": 1e5, "cr": 1e7, "crore": 1e7,
}  # fmt: skip


def _scaled(number: float, scale: str) -> float:
    return number * _SCALE_FACTORS.get(scale.strip().lower(), 1)


def _period_after(text: str, end: int, scale: str, value: float, currency: str, local: str) -> Period | None:
    """The period stated after (or just before) an amount; without one, a monthly-sized amount where
    monthly pay is the custom is a month's, an annual-sized one a year's, and a small one next to "rate" an
    hour's. Other hourly and monthly pay is nearly always labelled as such."""
    if scale.strip().lower() == "lpa":
        return "year"
    after = text[end : end + 30].split("\n")[0]  # on the amount's line
    for pattern, period in words.PERIODS:
        if pattern.search(after):
            return period
    # on the amount's line, or a line before it that speaks of pay ("Pay is listed per hour below.")
    near = text[max(0, end - 120) : end].lower().split("\n")
    before = "\n".join([line for line in near[:-1] if words.SALARY_WORDS.search(line)] + near[-1:])
    said = [(before.rfind(word), period) for word, period in words.PERIOD_WORDS_BEFORE if word in before]
    if said:
        return max(said)[1]  # the nearest ("an hourly rate equivalent to an annualized range of $105,000")
    custom = local if local in words.MONTHLY else currency
    if custom in words.MONTHLY:
        low, high = (
            words.MONTHLY[custom]
            if currency == custom
            else words.MONTHLY_IN_MAJOR
            if currency in _MAJOR
            else (0, 0)
        )
        if low <= value < high:
            return "month"
    if value >= 15_000:
        return "year"
    if value <= 500 and _RATE.search(text[max(0, end - 60) : end]):
        return "hour"  # contractor rates are hourly unless they say otherwise
    return None


def _last_start(pattern: re.Pattern[str], text: str) -> int:
    """Where the last match of `pattern` in `text` starts, -1 if none."""
    return max((found.start() for found in pattern.finditer(text)), default=-1)


def _clause(match: re.Match[str], text: str, since: int) -> tuple[str, str]:
    """The words qualifying an amount: before it, back to its clause's start or the amount before it on its
    line (`since`); after it, to the end of its own clause ("$80k OTE)", not "+ housing stipend")."""
    before = _CLAUSE_END.split(text[max(since, match.start() - _BEFORE_CHARS) : match.start()])[-1]
    after = _CLAUSE_AFTER.split(text[match.end() : match.end() + 40])[0]
    return before, after


def _looks_like_pay(match: re.Match[str], before: str, after: str, line: Line, stated: bool) -> bool:
    """Whether an amount with a currency, a thousands scale, a rate after it or a pay word before it
    (`stated`: either of the last two) is stated as pay: not a funding round, revenue, a budget, a benefit,
    a deal, commission, OTE or a 401(k). `before`, `after`: the words of its clause (`_clause`).

    What the words after it say decides. A pay word before it vouches for it only when it comes after the
    words saying otherwise ("a 401k match and a salary of $150k", not "$150,000 salary with OTE $300,000")."""
    if _MILLIONS.search((match.group("ascale") or "") + (match.group("bscale") or "")):
        return False  # nobody's base pay is stated in millions; funding and revenue are
    if _401K.match(match.group().strip()):
        return False
    marked = any(match.group(name) for name in ("acur1", "acur2", "bcur1", "bcur2"))
    if not marked and not stated and match.group("bnum") is None and not line.says_pay:
        return False  # a scaled number alone ("150k") needs a pay word on its line
    if words.NOT_AFTER.search(after):
        return False
    cue = _last_start(words.NOT_BEFORE, before)
    return cue < 0 or _last_start(words.SALARY_WORDS, before) > cue


_BY_LOWER = {marker.lower(): code for marker, code in words.CURRENCY_MARKERS.items()}


def _currency(mark: str | None, default_currency: str) -> str:
    """ISO code for a symbol or code, in any case; a bare "$" in a dollar country other than the US is that
    dollar, and "kr" the crown of the Nordic country the posting is in."""
    if not mark:
        return default_currency
    mark = mark.lower()
    if mark in {"$", "dollars"} and default_currency in _OTHER_DOLLARS:
        return default_currency
    if mark.rstrip(".") == "kr":
        return default_currency if default_currency in words.CROWNS else "SEK"
    return _BY_LOWER.get(mark, default_currency)


def _ends(match: re.Match[str]) -> tuple[float, float] | None:
    """Low and high of the amount or range, scaled ("150-200k": the scale written once applies to both)."""
    scale_a, scale_b = match.group("ascale") or "", match.group("bscale") or ""
    first = parse_number(match.group("anum"))
    second = parse_number(match.group("bnum")) if match.group("bnum") else None
    if first is None:
        return None
    if second is None:
        low = high = _scaled(first, scale_a)
    else:
        # the scale written once applies to both ends, unless each end is written whole ("$90/hr - $120K")
        shared = scale_b if first < 1000 and not match.group("aper") else ""
        low = _scaled(first, scale_a or shared)
        high = _scaled(second, scale_b or scale_a)
        if match.group("anum").isdigit() and low < 1000 <= high and high / 3 <= low * 1000 <= high:
            low *= 1000  # the thousands written once, on the second figure ("60-80 000 Kč")
    if low <= 0 or high <= 0:
        return None
    low, high = min(low, high), max(low, high)
    return None if high > 50 * low else (low, high)


def _plausible(low: float, high: float, currency: str, period: Period) -> bool:
    if period == "year" and currency in _MAJOR and high > 1_000_000:
        return False  # a "market range" of total compensation, not a base salary
    if period == "year" and (high < 1_000 or (currency in _MAJOR and high < 10_000)):
        return False  # "5 years", or a stray small number with a year cue
    return not (period == "hour" and high > 1_000)


def _band(match: re.Match[str], text: str, since: int, line: Line, local: str | None) -> Band | None:
    """The band an amount states, or None. `since`: where the words that may qualify it begin (see
    `_looks_like_pay`); `local`: the currency of the posting's country, if known."""
    currency_mark = (
        match.group("acur1") or match.group("acur2") or match.group("bcur1") or match.group("bcur2")
    )
    scales = (match.group("ascale") or "") + (match.group("bscale") or "")
    has_k = bool(scales) and _THOUSANDS.search(scales) is not None
    # A bare number with a rate after it or a pay word before it is pay only where the country says in which
    # currency, and not when it is glued to a word ("H264/H.265").
    bare = not currency_mark and not has_k
    rate = words.RATE_AFTER.match(text, match.end()) is not None
    pay_word = words.PAY_WORD_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None
    glued = match.start() > 0 and text[match.start() - 1].isalnum()
    if bare and (not (rate or pay_word) or local is None or glued):
        return None
    before, after = _clause(match, text, since)
    if not _looks_like_pay(match, before, after, line, rate or pay_word):
        return None
    ends = _ends(match)
    if ends is None:
        return None
    low: float | None
    high: float | None
    low, high = ends
    currency = _currency(currency_mark, local or "USD")
    scale = match.group("bscale") or match.group("ascale") or ""
    period = _period_after(text, match.end(), scale, high, currency, local or currency)
    if period is None or not _plausible(low, high, currency, period):
        return None
    if bare and low < words.BARE_AT_LEAST[period]:
        return None
    single = match.group("bnum") is None
    lead = (match.group("lead") or "").strip().lower()
    if single and lead in {"up to", "upto", "to", "max", "maximum"}:
        low = None
    elif single and (
        lead in {"from", "starting at", "starts at", "min", "minimum", "at least"} or match.group("plus")
    ):
        high = None
    evidence = match.group().strip().rstrip("+").strip()
    beyond_base = words.BEYOND_BASE.search(before) is not None or words.BEYOND_BASE.search(after) is not None
    named = words.SALARY_WORDS.search(text, line.start, line.end) is not None
    return Band(low, high, currency, period, evidence, match.start(), beyond_base, named)


@dataclass(frozen=True)
class Line:
    """A line of the text that mentions pay: where it is, and whether it says "salary", "pay" or the like."""

    start: int
    end: int
    says_pay: bool


def pay_lines(text: str) -> list[Line]:
    """Each line of `text` that mentions pay: a digit, and a currency marker or a scaled number. Most lines
    of a posting do not; the money pattern need not run over them."""
    found = []
    start = 0
    for line in text.split("\n"):
        if _DIGIT.search(line) and words.PAY_MENTION.search(line.lower()):
            found.append(Line(start, start + len(line), words.SALARY_CUE.search(line) is not None))
        start += len(line) + 1
    return found


def find_bands(text: str, local: str | None = None) -> list[Band]:
    """Every pay band in `text`, in order."""
    bands = []
    for line in pay_lines(text):
        since = line.start
        for match in _MONEY.finditer(text, line.start, line.end):
            band = _band(match, text, since, line, local)
            if band is not None:
                bands.append(band)
            since = match.end()
    return bands


def _in_role(text: str, bands: list[Band]) -> list[Band]:
    """The bands standing in a section about the role (`sections.py`; not "What we offer", "Benefits")."""
    text_lines = lines(fold(text))  # lower-casing keeps offsets
    parts = sections(text_lines)
    starts = [start for start, _ in text_lines]
    return [band for band in bands if parts[bisect.bisect_right(starts, band.start) - 1].about_role]


def parse_salary(text: str, local: str | None = None) -> TextSalary | None:
    """The base pay stated in `text`, or None. Several bands: lowest min, highest max, `multi`, of the
    currency and period of the first band on a line that names pay (else the first band). On-target
    earnings and total compensation count only where no base pay is stated."""
    found = find_bands(text, local)
    bands = [band for band in found if not band.beyond_base] or found
    # an amount neither named as pay nor in the role's sections (a perk in "What we offer") counts only
    # where nothing else is stated
    if len(bands) > 1 and not all(band.named for band in bands):
        in_role = _in_role(text, bands)
        bands = [band for band in bands if band.named or band in in_role] or bands
    if not bands:
        return None
    first = next((band for band in bands if band.named), bands[0])
    same = [b for b in bands if b.currency == first.currency and b.period == first.period]
    lows = [b.low for b in same if b.low is not None]
    highs = [b.high for b in same if b.high is not None]
    return TextSalary(
        min=min(lows) if lows else None,
        max=max(highs) if highs else None,
        currency=first.currency,
        period=first.period,
        multi=len({(b.low, b.high) for b in same}) > 1,
        evidence=first.evidence,
    )
