"""Salary stated in posting text: ranges, k/K, every locale's thousands separators, LPA/lakh, periods,
currency symbols and codes, several bands — and never funding rounds, revenue, budgets or headcounts.

`parse_salary(text, default_currency)` is pure; the rules backend prefers a source's published pay and
falls back to this.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, cast

from extract.rules.anchored import SHARED, Anchored, fold, folded
from extract.rules.patterns import Literals, is_ascii_letter, trie_pattern
from extract.schema import Period

# Longest spellings first so "CA$" is not read as "$".
CURRENCY_MARKERS: Final[dict[str, str]] = {
    "US$": "USD", "USD": "USD", "CA$": "CAD", "C$": "CAD", "CAD": "CAD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "S$": "SGD", "SGD": "SGD", "NZ$": "NZD", "NZD": "NZD", "HK$": "HKD", "HKD": "HKD", "R$": "BRL", "BRL": "BRL",
    "MX$": "MXN", "MXN": "MXN", "$": "USD", "€": "EUR", "EUR": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP",
    "GBP": "GBP", "₹": "INR", "INR": "INR", "Rs.": "INR", "Rs": "INR", "CHF": "CHF", "PLN": "PLN", "zł": "PLN",
    "¥": "JPY", "JPY": "JPY", "SEK": "SEK", "NOK": "NOK", "DKK": "DKK", "CZK": "CZK", "ILS": "ILS", "₪": "ILS",
    "ZAR": "ZAR", "AED": "AED", "KRW": "KRW", "₩": "KRW", "TRY": "TRY", "HUF": "HUF", "RON": "RON", "UAH": "UAH",
    "COP": "COP", "ARS": "ARS", "CLP": "CLP", "PHP": "PHP", "NGN": "NGN", "PKR": "PKR", "CNY": "CNY", "RMB": "CNY",
}  # fmt: skip
# A trie-shaped pattern: positions that cannot start a currency fail after one character.
_CURRENCY_TRIE: Final = trie_pattern(sorted(CURRENCY_MARKERS), fold_case=True)
# Numbers start with an ASCII digit ([0-9], not \d), which lets `Anchored` find where amounts can start.
_NUMBER: Final = r"[0-9]\d{0,2}(?:[,.'’\u00a0\u202f ]\d{3})+(?:[.,]\d+)?|[0-9]\d*(?:[.,]\d+)?"
_SCALES: Final = (
    "k",
    "K",
    "thousand",
    "m",
    "M",
    "mm",
    "MM",
    "million",
    "lakhs?",
    "lacs?",
    "L",
    "LPA",
    "lpa",
    "cr",
    "crore",
)
_RANGE_SEP: Final = r"\s*(?:-|–|—|~|to|and|through)\s*"
_LEADS: Final = [
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


def _money_pattern(letters: str, scales: tuple[str, ...]) -> str:
    """An amount or a range of two, with an optional lead word ("up to") and a trailing "+"."""
    currency = rf"(?<![{letters}])(?:{_CURRENCY_TRIE})(?![{letters}])"
    scale = r"(?:\s?(?:" + "|".join(scales) + r")\b)?"
    amount = (
        rf"(?:(?P<@cur1>{currency})\s?)?(?P<@num>{_NUMBER})(?P<@scale>{scale})(?:\s?(?P<@cur2>{currency}))?"
    )
    lead = r"(?P<lead>\b(?:" + trie_pattern(_LEADS, fold_case=True) + r")\s+)?"
    return (
        lead
        + amount.replace("@", "a")
        + rf"(?:{_RANGE_SEP}"
        + amount.replace("@", "b")
        + r")?(?P<plus>\s?\+)?"
    )


_MONEY: Final = re.compile(_money_pattern("A-Za-z", _SCALES), re.IGNORECASE)
# Tried only where an amount can start, even on a short line: the pattern costs ~200 ns a character
# scanned, and the caller has the text's lower case at hand. Never inside a word: the lead words need
# `\b`, the currency a non-letter before it, the number a digit (half its start literals, "in", "at",
# "co", are found inside words, each a 2 us regex call).
# The same pattern in lower case runs over the text's lower case wherever lowering kept every offset
# (`anchored.folded`): twice as fast as ignoring case, the same amounts (read back through `Amount`).
_MONEY_AT: Final = Anchored(
    _MONEY,
    max_prefixes=128,
    word_start=True,
    lowered=_money_pattern("a-z", tuple(dict.fromkeys([scale.lower() for scale in _SCALES]))),
)


class Amount:
    """A money match read from the text as written (the pattern may have run over its lower case, whose
    offsets are the same): what `_band` needs of an `re.Match`."""

    def __init__(self, match: re.Match[str], text: str) -> None:
        self._match = match
        self._text = text

    def group(self, name: str) -> str | None:
        """A group's text, None when it took no part in the match."""
        start, end = self._match.span(name)
        return None if start < 0 else self._text[start:end]

    def number(self) -> str:
        """The first amount's number, in every match."""
        return self._text[self._match.start("anum") : self._match.end("anum")]

    def whole(self) -> str:
        return self._text[self._match.start() : self._match.end()]

    def start(self) -> int:
        return self._match.start()

    def end(self) -> int:
        return self._match.end()


def _amounts(text: str, start: int, end: int, exact: str | None) -> Iterator[Amount]:
    """Money matches in text[start:end], left to right, never overlapping (`re.finditer`'s); `exact`, the
    text's lower case when it keeps every offset (`anchored.folded`), lets the lower-case twin run."""
    for match in _MONEY_AT.finditer(text, start, end, lower=exact, spans_only=True):
        yield Amount(match, text)


_PERIODS: Final[list[tuple[re.Pattern[str], Period]]] = [
    (
        re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|an?\s+|each\s+)?(?:hr|hour|hourly)\b|^\W{0,3}/h\b|^\s*p/h\b"),
        "hour",
    ),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:day|daily|diem)\b"), "day"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:week|weekly|wk)\b"), "week"),
    (re.compile(r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+)?(?:month|monthly|mo|mth)\b"), "month"),
    (
        re.compile(
            r"(?i)^\W{0,3}(?:/\s*|per\s+|a\s+|an\s+)?(?:year|yr|annum|annual|annually|yearly|p\.?a\.?|ann)\b|^\s*(?:base|salary|gross)"
        ),
        "year",
    ),
]
# The periods' patterns as one alternation, tried in the list's order at the start of the text (every
# alternative opens with `^`): the first period whose pattern matches, in one regex call instead of up to
# five, each paying for its own call and case-insensitive setup. The group that matched names the period.
_PERIOD_AT_START: Final = re.compile(
    "|".join(f"(?P<{period}>{pattern.pattern.removeprefix('(?i)')})" for pattern, period in _PERIODS),
    re.IGNORECASE,
)
# Words before an amount that state its period when nothing after it does.
_PERIOD_WORDS_BEFORE: Final[tuple[tuple[str, Period], ...]] = (
    ("hourly", "hour"),
    ("per hour", "hour"),
    ("monthly", "month"),
    ("per month", "month"),
)
_SALARY_CUE: Final = re.compile(
    r"(?i)salary|salaries|compensation|\bpay\b|pay range|base|\bote\b|per (year|annum|hour|month)|/\s?(yr|year|hr|hour)|"
    r"annual|yearly|hourly|\brate\b|wage|\bctc\b|\blpa\b|\bgross\b|equity|\bcomp\b|k\s?(-|–|to)\s?\d"
)
# Looked for only where its words begin (the plain pattern tries every character of a line).
_SALARY_CUE_AT: Final = Anchored(_SALARY_CUE, shared=None)
# The pay-context checks run on the few dozen characters around each amount. As plain regexes they are
# tried at every position of those (17 us for `_NOT_BEFORE`, a posting has a couple of amounts); anchored
# on their literals they are tried only where one of their words is.
_NOT_BEFORE: Final = Anchored(
    re.compile(
        r"(?i)(rais(e|ed|ing)|funding|funded|series [a-e]|seed|valuation|valued at|revenue|\barr\b|\bmrr\b|"
        r"invest(ed|ment)|backed by|over|more than|manag(e|es|ing)|budget of|grant|prize|donat\w*|worth|"
        r"401\s?\(?k|save|saving|saved|cost|budget|reimburs\w*|stipend|allowance|credits?|perks?)\W+(\w+\W+){0,4}$"
    ),
    shared=None,
)
# What an amount is of when it is not pay ("$2M in funding", "10k users").
_NOT_PAY_NOUN: Final = (
    r"(funding|revenue|arr\b|mrr\b|valuation|raised|series\b|seed\b|"
    r"customers|users|clients|transactions|gmv|loans|assets|aum\b|under management|budget|stipend|allowance|"
    r"relocation|referral|signing|sign-on|learning|education|home[- ]office|equipment|wellness|reimburs\w*|"
    r"ote\b|on[- ]target|commission|(recurring |passive )?income|earnings|revenue share|per (\w+ )?(subscriber|user|customer|referral|sale|lead|seat|member)|"
    r"per (user|seat|employee|month per)|of (funding|revenue|capital|investment)|investment|"
    r"in (sales|bookings|payments|volume|spend|savings)|downloads|employees|companies|businesses|merchants)"
)
_NOT_AFTER: Final = re.compile(
    r"(?i)^\W{0,3}(\w+\W+){0,2}(in\s+)?"
    + _NOT_PAY_NOUN
    + r"|^\s*(signing |sign-on |annual |performance |referral |relocation )?bonus"
)
# `_NOT_AFTER` can only match where one of its nouns (or "bonus") does: looked for first, anchored; the
# full pattern (5 us, backtracking over the words before the noun) runs only when one is there.
_NOT_AFTER_CUE: Final = Anchored(re.compile(r"(?i)" + _NOT_PAY_NOUN + r"|bonus"), shared=None)
_SALARY_WORDS: Final = Anchored(
    re.compile(r"(?i)salary|base pay|pay range|compensation|\bpay\b|\bote\b|\bctc\b"), shared=None
)
_MILLIONS: Final = re.compile(r"(?i)\b(m|mm|million|b|bn|billion|cr|crore)\b")
_401K: Final = re.compile(r"401\s?\(?k", re.IGNORECASE)
_SENTENCE_END: Final = re.compile(r"[.;|!?]\s")


_MAJOR: Final = frozenset({"USD", "EUR", "GBP", "CAD", "AUD", "CHF", "SGD", "NZD"})


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


# Compiled once: `re.split` and `re.search` look their pattern up in `re`'s cache through interpreted code.
_GROUP_MARKS: Final = re.compile(r"[,.' ]")
_RATE: Final = re.compile(r"(?i)\brate\b")


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


def _scaled(number: float, scale: str) -> float:
    scale = scale.strip().lower()
    if scale in {"k", "thousand"}:
        return number * 1_000
    if scale in {"m", "mm", "million"}:
        return number * 1_000_000
    if scale in {"lakh", "lakhs", "lac", "lacs", "l", "lpa"}:
        return number * 100_000
    if scale in {"cr", "crore"}:
        return number * 10_000_000
    return number


def _period_after(text: str, end: int, scale: str, value: float, currency: str) -> Period | None:
    """The period stated after (or just before) an amount; without one, only an annual-sized amount
    counts, since hourly and monthly pay is nearly always labelled as such."""
    if scale.strip().lower() == "lpa":
        return "year"
    after = text[end : end + 30]
    stated = _PERIOD_AT_START.match(after) if _may_state_period(after) else None
    if stated is not None:
        return cast(Period, stated.lastgroup)  # the group of the period whose pattern matched
    head = text[max(0, end - 120) : end].lower()
    for word, period in _PERIOD_WORDS_BEFORE:
        if word in head:
            return period
    if value >= 15_000:
        return "year"
    if value <= 500 and _RATE.search(text[max(0, end - 60) : end]):
        return "hour"  # contractor rates are hourly unless they say otherwise
    return None


# Every period pattern begins, past the characters `\W` matches, with one of these letters (of "per",
# "a"/"an", "each", "/h", "p/h", "p.a." or a period's word): the pattern, 1-2 us a call, is not tried on a
# text that begins otherwise (" - $180,000", " USD", a digit).
_PERIOD_OPENINGS: Final = frozenset("hpaedwmybsgHPAEDWMYBSG\u017f")  # and "ſ", which ignoring case reads "s"


def _may_state_period(after: str) -> bool:
    """Whether `_PERIOD_AT_START` can match `after`: its first word character opens a period pattern."""
    for char in after:
        if char.isalnum() or char == "_":
            return char in _PERIOD_OPENINGS
    return False


def _looks_like_pay(match: Amount, text: str, currency_mark: str | None, has_k: bool) -> bool:
    """Whether the amount is stated as pay at all: a currency or a k-range in a pay context, and not a
    funding round, revenue, budget, benefit, commission or 401(k)."""
    if not currency_mark and not has_k:
        return False  # a bare number ("5 years", "2024"): most of what the money pattern matches
    scales = (match.group("ascale") or "") + (match.group("bscale") or "")
    if _MILLIONS.search(scales):
        return False  # nobody's base pay is stated in millions; funding and revenue are
    if _401K.match(match.whole().strip()):
        return False
    line_start = text.rfind("\n", 0, match.start()) + 1
    if not currency_mark and match.group("bnum") is None:
        # A scaled number alone ("150k") needs a pay word on its line, which can be a paragraph of
        # thousands of characters: looked for last.
        line_end = text.find("\n", match.end())
        line = text[line_start : line_end if line_end != -1 else len(text)]
        if _SALARY_CUE_AT.search(line, lower=line.lower()) is None:
            return False
    before = _SENTENCE_END.split(text[max(line_start, match.start() - 50) : match.start()])[-1]
    after = text[match.end() : match.end() + 40]
    # Lowered here, not through `fold`'s cache, which holds the batch's whole texts.
    before_lower, after_lower = before.lower(), after.lower()
    not_pay = _NOT_BEFORE.search(before, lower=before_lower) is not None or (
        _NOT_AFTER_CUE.search(after, lower=after_lower) is not None and _NOT_AFTER.search(after) is not None
    )
    return not (not_pay and _SALARY_WORDS.search(before, lower=before_lower) is None)


def _currency(mark: str | None, default_currency: str) -> str:
    """ISO code for a symbol or code; a bare "$" in a dollar country other than the US is that dollar."""
    if not mark:
        return default_currency
    if mark.lower() in {"euro", "euros"}:
        return "EUR"
    currency = CURRENCY_MARKERS.get(mark) or CURRENCY_MARKERS.get(mark.upper(), default_currency)
    if mark == "$" and default_currency in {"CAD", "AUD", "SGD", "NZD", "HKD", "MXN"}:
        return default_currency
    return currency


def _ends(match: Amount) -> tuple[float, float] | None:
    """Low and high of the amount or range, scaled ("150-200k": the scale written once applies to both)."""
    scale_a, scale_b = match.group("ascale") or "", match.group("bscale") or ""
    first = parse_number(match.number())
    second_number = match.group("bnum")
    second = parse_number(second_number) if second_number else None
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


_THOUSANDS: Final = re.compile(r"(?i)k|thousand|lakh|lac|lpa|\bl\b")


def _band(match: Amount, text: str, default_currency: str) -> Band | None:
    currency_mark = (
        match.group("acur1") or match.group("acur2") or match.group("bcur1") or match.group("bcur2")
    )
    scales = (match.group("ascale") or "") + (match.group("bscale") or "")
    has_k = bool(scales) and _THOUSANDS.search(scales) is not None
    if not _looks_like_pay(match, text, currency_mark, has_k):
        return None
    ends = _ends(match)
    if ends is None:
        return None
    low: float | None
    high: float | None
    low, high = ends
    currency = _currency(currency_mark, default_currency)
    period = _period_after(
        text, match.end(), match.group("bscale") or match.group("ascale") or "", high, currency
    )
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
    return Band(low, high, currency, period, match.whole().strip().rstrip("+").strip(), match.start())


_DIGIT: Final = re.compile(r"\d")
# What every band needs (see `_looks_like_pay`): a currency marker, or a number followed by a
# thousands/lakh scale ("150k", "12 LPA", "40 thousand"), lower-cased; markers must stand alone.
_MARKERS: Final = sorted({marker.lower() for marker in CURRENCY_MARKERS if marker.isascii()})
_SYMBOLS: Final = sorted(
    {marker.lower() for marker in CURRENCY_MARKERS if not marker.isascii()}
)  # €, £, zł...
_SCALE_HINTS: Final = sorted(
    {
        f"{d}{space}{s}"
        for d in "0123456789"
        for space in ("", " ", "\u00a0", "\u202f", "\t", "\n")
        for s in "klt"
    }
)
# Currency symbols ("€", "zł") and numbers scaled after a no-break space ("150\u00a0k") are hints too; they
# come after the markers, so that an index tells a marker (which must stand alone) from the rest.
_OTHER_HINTS: Final = _SYMBOLS + [hint for hint in _SCALE_HINTS if not hint.isascii()]
_HINTS: Final = Literals(_MARKERS + [hint for hint in _SCALE_HINTS if hint.isascii()] + _OTHER_HINTS)
# The same literals in the pass the other rules make over a posting's body (`SHARED`); the markers
# standing alone only (the check `_hints` makes: most occurrences are inside words, "rs" in "years").
_SHARED_MARKERS: Final = SHARED.register(_MARKERS, alone=True)
_SHARED_SCALES: Final = SHARED.register([hint for hint in _SCALE_HINTS if hint.isascii()] + _OTHER_HINTS)
_LONGEST_HINT: Final = max(len(hint) for hint in _HINTS.words)


def _occurrences(lower: str) -> tuple[list[int], list[int], list[bool]]:
    """Starts, ends and whether a currency marker (else a symbol or a scaled number), for every hint
    literal."""
    found = _HINTS.positions(lower)
    markers = len(_MARKERS)
    return [s for _, s, _ in found], [e for _, _, e in found], [i < markers for i, _, _ in found]


def _hints(lower: str, tail: str | None = None) -> list[int]:
    """Start of every currency marker standing alone, every currency symbol and every scaled number in
    the lower-cased text. With `tail` (the lower case of the text's last part, which the other rules have
    scanned already) only the head before it is scanned here (`pay_hints`)."""
    if tail:
        return pay_hints(lower[: len(lower) - len(tail)], tail)
    size = len(lower)
    found = []
    for start, end, marker in zip(*_occurrences(lower), strict=True):
        if marker and (
            (start > 0 and is_ascii_letter(lower[start - 1])) or (end < size and is_ascii_letter(lower[end]))
        ):
            continue  # "try" in "country" is not the Turkish lira
        found.append(start)
    return sorted(found)


def pay_hints(head: str, tail: str) -> list[int]:
    """`_hints(head + tail)` of the lower-cased `head` and `tail` (a posting's body, whose shared pass the
    other rules have made), without joining them: half the postings hold none, and for them the text the
    other salary rules read need not be made. Handed to `parse_salary`, they are not looked for again."""
    at = len(head)
    # The head's hints, and those it begins that end in the tail: the tail's first characters are enough.
    found = [start for start in _hints(head + tail[:_LONGEST_HINT]) if start < at]
    markers, _ = SHARED.spans(tail, _SHARED_MARKERS)
    scales, _ = SHARED.spans(tail, _SHARED_SCALES)
    if not markers and not scales:
        return found
    # The shared pass drops markers next to a letter within the tail; before the tail's first is the head.
    after_letter = bool(head) and is_ascii_letter(head[-1])
    found.extend(at + start for start in markers if not (start == 0 and after_letter))
    found.extend(at + start for start in scales)
    return sorted(found)


def _hinted_lines(
    text: str, lower: str, tail: str | None = None, hints: list[int] | None = None
) -> list[tuple[int, int]]:
    """(start, end) of each line that could hold a band, in order: one pass of an automaton over the
    whole text instead of the money pattern over every line. `hints`: `_hints(lower)` when known."""
    lines: list[tuple[int, int]] = []
    size = len(text)
    for start in _hints(lower, tail) if hints is None else hints:
        if lines and start < lines[-1][1]:
            continue
        line_start = text.rfind("\n", 0, start) + 1
        line_end = text.find("\n", start)
        lines.append((line_start, size if line_end == -1 else line_end))
    return lines


def find_bands(
    text: str,
    default_currency: str = "USD",
    lower: str | None = None,
    tail: str | None = None,
    hints: list[int] | None = None,
) -> list[Band]:
    """Every pay band in `text`. The money pattern runs only over lines holding a digit and a currency
    marker or a scaled number (most lines of a posting have neither), with offsets kept relative to
    the whole text for the context checks."""
    bands = []
    exact = lower
    if lower is None:
        exact = folded(text)  # None when lower-casing moves offsets: the money pattern then runs plain
        lower = fold(text) if exact is None else exact
    for start, end in _hinted_lines(text, lower, tail, hints):
        if _DIGIT.search(text, start, end):
            for match in _amounts(text, start, end, exact):
                band = _band(match, text, default_currency)
                if band is not None:
                    bands.append(band)
    return bands


def parse_salary(
    text: str,
    default_currency: str = "USD",
    lower: str | None = None,
    tail: str | None = None,
    hints: list[int] | None = None,
) -> TextSalary | None:
    """The base pay stated in `text`, or None. Several bands: lowest min, highest max, `multi`.
    `lower`, `text.lower()` when that keeps its length (`anchored.folded`), saves lowering it again;
    `tail`, the lower case of the text's end as the other rules hold it (`fold(body)`), saves a pass;
    `hints`, the pay hints of `lower` (`pay_hints`), saves looking for them again."""
    bands = find_bands(text, default_currency, lower, tail, hints)
    if not bands:
        return None
    first = bands[0]
    same = [b for b in bands if b.currency == first.currency and b.period == first.period]
    distinct = {(b.low, b.high) for b in same}
    lows = [b.low for b in same if b.low is not None]
    highs = [b.high for b in same if b.high is not None]
    return TextSalary(
        min=min(lows) if lows else None,
        max=max(highs) if highs else None,
        currency=first.currency,
        period=first.period,
        multi=len(distinct) > 1,
        evidence=first.evidence,
    )
