"""Salary stated in posting text: ranges, k/K, every locale's thousands separators, LPA/lakh, periods,
currency symbols and codes, several bands — and never funding rounds, revenue, budgets or headcounts.

`parse_salary(text, local)` is pure (`local`: the currency of the posting's country, when known); the rules backend prefers a source's published pay and
falls back to this. The money pattern runs over the lines that mention pay (`pay_lines`), and each amount
it finds is judged by the words around it in the whole text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.rules.phrases import alternation
from extract.schema import Period

CURRENCY_MARKERS: dict[str, str] = {
    "US$": "USD", "USD": "USD", "CA$": "CAD", "C$": "CAD", "CAD": "CAD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD", "HK$": "HKD", "HKD": "HKD", "R$": "BRL", "BRL": "BRL",
    "MX$": "MXN", "MXN": "MXN", "$": "USD", "€": "EUR", "EUR": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP",
    "GBP": "GBP", "₹": "INR", "INR": "INR", "Rs.": "INR", "Rs": "INR", "CHF": "CHF", "PLN": "PLN", "zł": "PLN",
    "¥": "JPY", "JPY": "JPY", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "CZK": "CZK", "ILS": "ILS", "₪": "ILS",
    "ZAR": "ZAR", "AED": "AED", "KRW": "KRW", "₩": "KRW", "TRY": "TRY", "HUF": "HUF", "RON": "RON", "UAH": "UAH",
    "COP": "COP", "ARS": "ARS", "CLP": "CLP", "PHP": "PHP", "NGN": "NGN", "PKR": "PKR", "CNY": "CNY", "RMB": "CNY",
    "Kč": "CZK", "₺": "TRY", "NT$": "TWD", "TWD": "TWD", "kr": "SEK", "kr.": "SEK", "pounds": "GBP",
    "dollars": "USD",
}  # fmt: skip
# "kr" is the crown of whichever Nordic country the posting is in (Swedish where none is named).
_CROWNS = frozenset({"SEK", "NOK", "DKK", "ISK"})
# Markers longest first, so that "CA$" is read as one marker and not as "$"; a marker made of letters
# stands alone ("try" in "country" is not the Turkish lira).
_MARKER = alternation(sorted({marker.lower() for marker in CURRENCY_MARKERS}))  # matched ignoring case
_CURRENCY = rf"(?<![A-Za-z])(?:{_MARKER})(?![A-Za-z])"
_NUMBER = r"[0-9]\d{0,2}(?:[,.'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|[0-9]\d*(?:[.,]\d+)?"
_SCALE = r"(?:\s?(?:k|K|thousand|m|M|mm|MM|million|lakhs?|lacs?|L|LPA|lpa|cr|crore)\b)?"
_AMOUNT = (
    rf"(?:(?P<@cur1>{_CURRENCY})\s?)?(?P<@num>{_NUMBER})(?P<@scale>{_SCALE})(?:\s?(?P<@cur2>{_CURRENCY}))?"
)
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
# A rate stated right after a bare number ("35 per hour", "76,000 - 85,000 per year", "150 pd", "12-13/h"):
# pay in the currency of the posting's country even with no currency written. ("Monthly" and the like only
# where no word follows: not "300K monthly audience".) What a bare amount must reach to be pay, by period:
_BARE_AT_LEAST: dict[Period, float] = {"hour": 5, "day": 30, "week": 150, "month": 300, "year": 5_000}
_RATE_WORDS = (
    r"\s*(?:/\s*|per\s+|an?\s+|each\s+)(?:hr|hour|day|week|month|year|annum|hod|år)\b"
    r"|\s*/\s*h\b|\s*(?:p\.a\.|pa|ph|pd|pw|pcm|p/h)\b|\s*(?:hourly|daily|weekly|monthly|annually)\b(?!\s+[^\W\d_])"
)
_RATE_AFTER = re.compile(rf"(?i){_RATE_WORDS}")
# A pay word right before a bare number ("Salary 120,000", "Lønn 500 000", "Gehalt: 60.000") makes it pay in
# the currency of the posting's country, as a rate after it does.
_PAY_WORDS = alternation(["salary", "pay", "wage", "lønn", "lön", "løn", "gehalt", "salaire", "salario", "mzda",
                          "wynagrodzenie", "maaş"])  # fmt: skip
_PAY_WORD_BEFORE = re.compile(rf"(?i)\b(?:{_PAY_WORDS})\W{{0,3}}$")
# What a line needs to hold a band (`_looks_like_pay`), over its lower case: a currency marker, a number
# scaled in thousands or lakhs ("150k", "12 LPA", "40 thousand"), a number with a rate after it ("35 per
# hour") or a pay word before it.
_PAY_MENTION = re.compile(
    rf"(?<![a-z])(?:{_MARKER})(?![a-z])|\d\s?[klt]|\d(?:{_RATE_WORDS})|\b(?:{_PAY_WORDS})\W{{0,3}}\d"
)

# The period written right after an amount, in English and the languages of the boards (Czech "/hod",
# Norwegian "per år", German "Monat"), and the abbreviations of job ads ("ph", "pd", "pcm", "p.a.").
_PERIODS: list[tuple[re.Pattern[str], Period]] = [
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|an?\s+|each\s+)?(?:hr|hour|hourly|hod|hodinu|stunde)\b|^\W{0,3}/h\b|^\s*(?:p/h|ph)\b"), "hour"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:day|daily|diem|den|tag)\b|^\s*pd\b"), "day"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:week|weekly|wk)\b|^\s*pw\b"), "week"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:month|monthly|mo|mth|měs\w*|monat\w*|mois|mies\w*|måned|månad|月薪|月給)\b|^\s*pcm\b"), "month"),
    (
        re.compile(
            r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+|an\s+)?(?:year|yr|annum|annual|annually|yearly|p\.?a\.?|ann|år|jahr|rok|年薪)\b"
            r"|^\s*(?:base|salary|gross)"
        ),
        "year",
    ),
]  # fmt: skip
# Words before an amount that state its period when nothing after it does.
_PERIOD_WORDS_BEFORE: list[tuple[str, Period]] = [
    ("hourly", "hour"), ("per hour", "hour"), ("monthly", "month"), ("per month", "month"), ("月薪", "month"),
    ("annualized", "year"), ("annualised", "year"), ("annual", "year"), ("per year", "year"), ("年薪", "year"),
]  # fmt: skip
# Where monthly pay is the custom (by the currency of the posting's country, or of the amount where the
# country is not known), an amount with no period stated is a month's pay when it is of a monthly size: in
# the local currency, within the range given; in a major currency, under 15,000.
_MONTHLY: dict[str, tuple[float, float]] = {
    "CZK": (10_000, 300_000), "PLN": (2_000, 60_000), "HUF": (150_000, 5_000_000), "RON": (2_000, 60_000),
    "TRY": (10_000, 600_000), "TWD": (20_000, 400_000), "BRL": (1_500, 100_000), "UAH": (10_000, 400_000),
    "SEK": (15_000, 150_000), "DKK": (20_000, 150_000),
}  # fmt: skip
_MONTHLY_IN_MAJOR = (500, 15_000)
_SALARY_CUE = re.compile(
    r"(?i)salary|salaries|compensation|\bpay\b|pay range|base|\bote\b|per (year|annum|hour|month)|/\s?(yr|year|hr|hour)|"
    r"annual|yearly|hourly|\brate\b|wage|\bctc\b|\blpa\b|\bgross\b|equity|\bcomp\b|k\s?(-|–|to)\s?\d"
)
# What an amount is of when the words before it say it is not pay ("raised $2M", "a budget of $50k").
_NOT_BEFORE = re.compile(
    r"(?i)(rais(e|ed|ing)|funding|funded|series [a-e]|seed|valuation|valued at|revenue|\barr\b|\bmrr\b|"
    r"invest(ed|ment)|backed by|over|more than|manag(e|es|ing)|budget of|grant|prize|donat\w*|worth|"
    r"401\s?\(?k|save|saving|saved|cost|budget|reimburs\w*|stipend|allowance|credits?|perks?|"
    r"deals?|quota|pipeline|contract value|\bacv\b|subsidi[sz]ed|subsidy|bonus|referral|benefits?|relocation|capped|one[- ]time|sign[- ]on|signing)\W+(\w+\W+){0,4}$"
)
# On-target earnings (base and commission) anywhere in an amount's clause: pay only where no base pay is
# stated beside it (`parse_salary`).
_ON_TARGET = re.compile(r"(?i)\bon[- ]target\b|\bote\b")
_BEFORE_CHARS = 80  # how far back the words before an amount are read
# ... and when the words after it do ("$2M in funding", "10k users", "$5k signing bonus").
_NOT_AFTER = re.compile(
    r"(?i)^\W{0,3}(\w+\W+){0,2}(in\s+)?(funding|revenue|arr\b|mrr\b|valuation|raised|series\b|seed\b|"
    r"customers|users|clients|transactions|gmv|loans|assets|aum\b|under management|budget|stipend|allowance|"
    r"relocation|referral|signing|sign-on|learning|education|home[- ]office|equipment|wellness|reimburs\w*|"
    r"commission|(recurring |passive )?income|(?<!target )earnings|revenue share|per (\w+ )?(subscriber|user|customer|referral|sale|lead|seat|member)|"
    r"per (user|seat|employee|month per)|of (funding|revenue|capital|investment)|investment|"
    r"in (sales|bookings|payments|volume|spend|savings)|downloads|employees|companies|businesses|merchants|"
    r"payments?|fees?|(average )?deal (value|size)s?|acvs?\b|benefits?)"
    r"|^\s*(signing |sign-on |annual |performance |referral |relocation )?bonus"
)
# Words that vouch for an amount as pay whatever else is said of it (not "OTE": on-target earnings are not
# base pay).
_SALARY_WORDS = re.compile(r"(?i)salary|base pay|pay range|compensation|\bpay\b|\bctc\b")
_MILLIONS = re.compile(r"(?i)\b(m|mm|million|b|bn|billion|cr|crore)\b")
_THOUSANDS = re.compile(r"(?i)k|thousand|lakh|lac|lpa|\bl\b")
_401K = re.compile(r"(?i)401\s?\(?k")
_RATE = re.compile(r"(?i)\brate\b")
_CLAUSE_END = re.compile(r"[.;|!?]\s|\)")  # where the words qualifying an amount stop, before it
# ... and after it, up to the next amount too ("$150,000 to $175,000 salary with OTE $300,000").
_CLAUSE_AFTER = re.compile(r"[,;()\n]|[.!?](?:\s|$)|\+|\b(?:plus|and|with)\b|[$€£¥₹]|\d")
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
    on_target: bool = False  # on-target earnings, not base pay
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
    for pattern, period in _PERIODS:
        if pattern.search(after):
            return period
    # on the amount's line, or a line before it that speaks of pay ("Pay is listed per hour below.")
    lines = text[max(0, end - 120) : end].lower().split("\n")
    before = "\n".join([line for line in lines[:-1] if _SALARY_WORDS.search(line)] + lines[-1:])
    said = [(before.rfind(word), period) for word, period in _PERIOD_WORDS_BEFORE if word in before]
    if said:
        return max(said)[1]  # the nearest ("an hourly rate equivalent to an annualized range of $105,000")
    custom = local if local in _MONTHLY else currency
    if custom in _MONTHLY:
        low, high = (
            _MONTHLY[custom] if currency == custom else _MONTHLY_IN_MAJOR if currency in _MAJOR else (0, 0)
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


def _looks_like_pay(match: re.Match[str], text: str, since: int, line: Line, stated: bool) -> bool:
    """Whether an amount with a currency, a thousands scale, a rate after it or a pay word before it
    (`stated`: either of the last two) is stated as pay: not a funding round, revenue, a budget, a benefit,
    a deal, commission, OTE or a 401(k).

    The words after it are read to the end of its own clause ("$80k OTE)", not "+ housing stipend"): what
    they say decides. The words before it are read back to the clause's start or the amount before it on
    its line (`since`); a pay word there vouches for it only when it comes after the words saying
    otherwise ("a 401k match and a salary of $150k", not "$150,000 salary with OTE $300,000")."""
    if _MILLIONS.search((match.group("ascale") or "") + (match.group("bscale") or "")):
        return False  # nobody's base pay is stated in millions; funding and revenue are
    if _401K.match(match.group().strip()):
        return False
    marked = any(match.group(name) for name in ("acur1", "acur2", "bcur1", "bcur2"))
    if not marked and not stated and match.group("bnum") is None and not line.says_pay:
        return False  # a scaled number alone ("150k") needs a pay word on its line
    after = _CLAUSE_AFTER.split(text[match.end() : match.end() + 40])[0]
    if _NOT_AFTER.search(after):
        return False
    before = _CLAUSE_END.split(text[max(since, match.start() - _BEFORE_CHARS) : match.start()])[-1]
    cue = _last_start(_NOT_BEFORE, before)
    return cue < 0 or _last_start(_SALARY_WORDS, before) > cue


def _on_target(match: re.Match[str], text: str, since: int) -> bool:
    """Whether the amount is on-target earnings (base and commission), by the words of its clause."""
    after = _CLAUSE_AFTER.split(text[match.end() : match.end() + 40])[0]
    before = _CLAUSE_END.split(text[max(since, match.start() - _BEFORE_CHARS) : match.start()])[-1]
    return _ON_TARGET.search(after) is not None or _ON_TARGET.search(before) is not None


_BY_LOWER = {marker.lower(): code for marker, code in CURRENCY_MARKERS.items()}


def _currency(mark: str | None, default_currency: str) -> str:
    """ISO code for a symbol or code, in any case; a bare "$" in a dollar country other than the US is that
    dollar, and "kr" the crown of the Nordic country the posting is in."""
    if not mark:
        return default_currency
    mark = mark.lower()
    if mark in {"$", "dollars"} and default_currency in _OTHER_DOLLARS:
        return default_currency
    if mark.rstrip(".") == "kr":
        return default_currency if default_currency in _CROWNS else "SEK"
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
    rate = _RATE_AFTER.match(text, match.end()) is not None
    named = _PAY_WORD_BEFORE.search(text, max(0, match.start() - 20), match.start()) is not None
    glued = match.start() > 0 and text[match.start() - 1].isalnum()
    if bare and (not (rate or named) or local is None or glued):
        return None
    if not _looks_like_pay(match, text, since, line, rate or named):
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
    if bare and low < _BARE_AT_LEAST[period]:
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
    on_target = _on_target(match, text, since)
    named = _SALARY_WORDS.search(text, line.start, line.end) is not None
    return Band(low, high, currency, period, evidence, match.start(), on_target, named)


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
        if _DIGIT.search(line) and _PAY_MENTION.search(line.lower()):
            found.append(Line(start, start + len(line), _SALARY_CUE.search(line) is not None))
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


def parse_salary(text: str, local: str | None = None) -> TextSalary | None:
    """The base pay stated in `text`, or None. Several bands: lowest min, highest max, `multi`, of the
    currency and period of the first band on a line that names pay (else the first band). On-target
    earnings count only where no base pay is stated."""
    found = find_bands(text, local)
    bands = [band for band in found if not band.on_target] or found
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
