"""Salary stated in posting text: ranges, k/K, every locale's thousands separators, LPA/lakh, periods,
currency symbols and codes, several bands — and never funding rounds, revenue, budgets or headcounts.

`parse_salary(text, default_currency)` is pure; the rules backend prefers a source's published pay and
falls back to this. The money pattern runs over the lines that mention pay (`pay_lines`), and each amount
it finds is judged by the words around it in the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.schema import Period

CURRENCY_MARKERS: dict[str, str] = {
    "US$": "USD", "USD": "USD", "CA$": "CAD", "C$": "CAD", "CAD": "CAD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD", "HK$": "HKD", "HKD": "HKD", "R$": "BRL", "BRL": "BRL",
    "MX$": "MXN", "MXN": "MXN", "$": "USD", "€": "EUR", "EUR": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP",
    "GBP": "GBP", "₹": "INR", "INR": "INR", "Rs.": "INR", "Rs": "INR", "CHF": "CHF", "PLN": "PLN", "zł": "PLN",
    "¥": "JPY", "JPY": "JPY", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "CZK": "CZK", "ILS": "ILS", "₪": "ILS",
    "ZAR": "ZAR", "AED": "AED", "KRW": "KRW", "₩": "KRW", "TRY": "TRY", "HUF": "HUF", "RON": "RON", "UAH": "UAH",
    "COP": "COP", "ARS": "ARS", "CLP": "CLP", "PHP": "PHP", "NGN": "NGN", "PKR": "PKR", "CNY": "CNY", "RMB": "CNY",
}  # fmt: skip
# Markers longest first, so that "CA$" is read as one marker and not as "$"; a marker made of letters
# stands alone ("try" in "country" is not the Turkish lira).
_MARKER = "|".join(re.escape(m) for m in sorted(CURRENCY_MARKERS, key=len, reverse=True))
_CURRENCY = rf"(?<![A-Za-z])(?:{_MARKER})(?![A-Za-z])"
_NUMBER = r"[0-9]\d{0,2}(?:[,.'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|[0-9]\d*(?:[.,]\d+)?"
_SCALE = r"(?:\s?(?:k|K|thousand|m|M|mm|MM|million|lakhs?|lacs?|L|LPA|lpa|cr|crore)\b)?"
_AMOUNT = (
    rf"(?:(?P<@cur1>{_CURRENCY})\s?)?(?P<@num>{_NUMBER})(?P<@scale>{_SCALE})(?:\s?(?P<@cur2>{_CURRENCY}))?"
)
_RANGE_SEP = r"\s*(?:-|–|—|~|to|and|through)\s*"
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
    + rf"(?:{_RANGE_SEP}"
    + _AMOUNT.replace("@", "b")
    + r")?(?P<plus>\s?\+)?",
    re.IGNORECASE,
)
# What a line needs to hold a band (`_looks_like_pay`): a currency marker, or a number scaled in
# thousands or lakhs ("150k", "12 LPA", "40 thousand").
_PAY_MENTION = re.compile(rf"(?i){_CURRENCY}|\d\s?[klt]")

_PERIODS: list[tuple[re.Pattern[str], Period]] = [
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|an?\s+|each\s+)?(?:hr|hour|hourly)\b|^\W{0,3}/h\b|^\s*p/h\b"), "hour"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:day|daily|diem)\b"), "day"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:week|weekly|wk)\b"), "week"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:month|monthly|mo|mth)\b"), "month"),
    (
        re.compile(
            r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+|an\s+)?(?:year|yr|annum|annual|annually|yearly|p\.?a\.?|ann)\b"
            r"|^\s*(?:base|salary|gross)"
        ),
        "year",
    ),
]  # fmt: skip
# Words before an amount that state its period when nothing after it does.
_PERIOD_WORDS_BEFORE: list[tuple[str, Period]] = [
    ("hourly", "hour"), ("per hour", "hour"), ("monthly", "month"), ("per month", "month"),
]  # fmt: skip
_SALARY_CUE = re.compile(
    r"(?i)salary|salaries|compensation|\bpay\b|pay range|base|\bote\b|per (year|annum|hour|month)|/\s?(yr|year|hr|hour)|"
    r"annual|yearly|hourly|\brate\b|wage|\bctc\b|\blpa\b|\bgross\b|equity|\bcomp\b|k\s?(-|–|to)\s?\d"
)
# What an amount is of when the words before it say it is not pay ("raised $2M", "a budget of $50k").
_NOT_BEFORE = re.compile(
    r"(?i)(rais(e|ed|ing)|funding|funded|series [a-e]|seed|valuation|valued at|revenue|\barr\b|\bmrr\b|"
    r"invest(ed|ment)|backed by|over|more than|manag(e|es|ing)|budget of|grant|prize|donat\w*|worth|"
    r"401\s?\(?k|save|saving|saved|cost|budget|reimburs\w*|stipend|allowance|credits?|perks?)\W+(\w+\W+){0,4}$"
)
# ... and when the words after it do ("$2M in funding", "10k users", "$5k signing bonus").
_NOT_AFTER = re.compile(
    r"(?i)^\W{0,3}(\w+\W+){0,2}(in\s+)?(funding|revenue|arr\b|mrr\b|valuation|raised|series\b|seed\b|"
    r"customers|users|clients|transactions|gmv|loans|assets|aum\b|under management|budget|stipend|allowance|"
    r"relocation|referral|signing|sign-on|learning|education|home[- ]office|equipment|wellness|reimburs\w*|"
    r"ote\b|on[- ]target|commission|(recurring |passive )?income|earnings|revenue share|per (\w+ )?(subscriber|user|customer|referral|sale|lead|seat|member)|"
    r"per (user|seat|employee|month per)|of (funding|revenue|capital|investment)|investment|"
    r"in (sales|bookings|payments|volume|spend|savings)|downloads|employees|companies|businesses|merchants)"
    r"|^\s*(signing |sign-on |annual |performance |referral |relocation )?bonus"
)
_SALARY_WORDS = re.compile(r"(?i)salary|base pay|pay range|compensation|\bpay\b|\bote\b|\bctc\b")
_MILLIONS = re.compile(r"(?i)\b(m|mm|million|b|bn|billion|cr|crore)\b")
_THOUSANDS = re.compile(r"(?i)k|thousand|lakh|lac|lpa|\bl\b")
_401K = re.compile(r"(?i)401\s?\(?k")
_RATE = re.compile(r"(?i)\brate\b")
_SENTENCE_END = re.compile(r"[.;|!?]\s")
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


def _period_after(text: str, end: int, scale: str, value: float) -> Period | None:
    """The period stated after (or just before) an amount; without one, only an annual-sized amount
    counts, since hourly and monthly pay is nearly always labelled as such."""
    if scale.strip().lower() == "lpa":
        return "year"
    after = text[end : end + 30]
    for pattern, period in _PERIODS:
        if pattern.search(after):
            return period
    before = text[max(0, end - 120) : end].lower()
    for word, period in _PERIOD_WORDS_BEFORE:
        if word in before:
            return period
    if value >= 15_000:
        return "year"
    if value <= 500 and _RATE.search(text[max(0, end - 60) : end]):
        return "hour"  # contractor rates are hourly unless they say otherwise
    return None


def _looks_like_pay(
    match: re.Match[str], text: str, line: Line, currency_mark: str | None, has_k: bool
) -> bool:
    """Whether the amount is stated as pay at all: a currency or a k-range in a pay context, and not a
    funding round, revenue, budget, benefit, commission or 401(k)."""
    if not currency_mark and not has_k:
        return False  # a bare number ("5 years", "2024")
    if _MILLIONS.search((match.group("ascale") or "") + (match.group("bscale") or "")):
        return False  # nobody's base pay is stated in millions; funding and revenue are
    if _401K.match(match.group().strip()):
        return False
    if not currency_mark and match.group("bnum") is None and not line.says_pay:
        return False  # a scaled number alone ("150k") needs a pay word on its line
    before = _SENTENCE_END.split(text[max(line.start, match.start() - 50) : match.start()])[-1]
    after = text[match.end() : match.end() + 40]
    not_pay = _NOT_BEFORE.search(before) is not None or _NOT_AFTER.search(after) is not None
    return not (not_pay and _SALARY_WORDS.search(before) is None)


def _currency(mark: str | None, default_currency: str) -> str:
    """ISO code for a symbol or code; a bare "$" in a dollar country other than the US is that dollar."""
    if not mark:
        return default_currency
    if mark.lower() in {"euro", "euros"}:
        return "EUR"
    if mark == "$" and default_currency in _OTHER_DOLLARS:
        return default_currency
    return CURRENCY_MARKERS.get(mark) or CURRENCY_MARKERS.get(mark.upper(), default_currency)


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
        low = _scaled(first, scale_a or (scale_b if first < 1000 else ""))
        high = _scaled(second, scale_b or scale_a)
    if low <= 0 or high <= 0:
        return None
    low, high = min(low, high), max(low, high)
    return None if high > 50 * low else (low, high)


def _plausible(low: float, high: float, currency: str, period: Period, explicit: bool) -> bool:
    if period == "year" and currency in _MAJOR and high > 1_000_000:
        return False  # a "market range" of total compensation, not a base salary
    if period == "year" and (high < 1_000 or (currency in _MAJOR and high < 10_000)):
        return False  # "5 years", or a stray small number with a year cue
    return not (period == "hour" and (high > 1_000 or not explicit))


def _band(match: re.Match[str], text: str, line: Line, default_currency: str) -> Band | None:
    currency_mark = (
        match.group("acur1") or match.group("acur2") or match.group("bcur1") or match.group("bcur2")
    )
    scales = (match.group("ascale") or "") + (match.group("bscale") or "")
    has_k = bool(scales) and _THOUSANDS.search(scales) is not None
    if not _looks_like_pay(match, text, line, currency_mark, has_k):
        return None
    ends = _ends(match)
    if ends is None:
        return None
    low: float | None
    high: float | None
    low, high = ends
    currency = _currency(currency_mark, default_currency)
    period = _period_after(text, match.end(), match.group("bscale") or match.group("ascale") or "", high)
    if period is None or not _plausible(low, high, currency, period, bool(currency_mark or has_k)):
        return None
    single = match.group("bnum") is None
    lead = (match.group("lead") or "").strip().lower()
    if single and lead in {"up to", "upto", "to", "max", "maximum"}:
        low = None
    elif single and (
        lead in {"from", "starting at", "starts at", "min", "minimum", "at least"} or match.group("plus")
    ):
        high = None
    return Band(low, high, currency, period, match.group().strip().rstrip("+").strip(), match.start())


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
        if _DIGIT.search(line) and _PAY_MENTION.search(line):
            found.append(Line(start, start + len(line), _SALARY_CUE.search(line) is not None))
        start += len(line) + 1
    return found


def find_bands(text: str, default_currency: str = "USD") -> list[Band]:
    """Every pay band in `text`, in order."""
    bands = []
    for line in pay_lines(text):
        for match in _MONEY.finditer(text, line.start, line.end):
            band = _band(match, text, line, default_currency)
            if band is not None:
                bands.append(band)
    return bands


def parse_salary(text: str, default_currency: str = "USD") -> TextSalary | None:
    """The base pay stated in `text`, or None. Several bands: lowest min, highest max, `multi`."""
    bands = find_bands(text, default_currency)
    if not bands:
        return None
    first = bands[0]
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
