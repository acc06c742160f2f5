"""The words of pay, as tables and patterns: currencies and how they are written, periods in English and the
boards' languages, rates, the countries where monthly pay is the custom, and the words that mark an amount as
something other than base pay. `salary.py` reads amounts with them; adding a currency, a period or a word is
a change here (and a row in tests/test_extract_rules.py).
"""

from __future__ import annotations

import re

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
CROWNS = frozenset({"SEK", "NOK", "DKK", "ISK"})
# Markers longest first, so that "CA$" is read as one marker and not as "$"; a marker made of letters
# stands alone ("try" in "country" is not the Turkish lira).
MARKER = alternation(sorted({marker.lower() for marker in CURRENCY_MARKERS}))  # matched ignoring case
CURRENCY = rf"(?<![A-Za-z])(?:{MARKER})(?![A-Za-z])"
# A rate stated right after a bare number ("35 per hour", "76,000 - 85,000 per year", "150 pd", "12-13/h"):
# pay in the currency of the posting's country even with no currency written. ("Monthly" and the like only
# where no word follows: not "300K monthly audience".) What a bare amount must reach to be pay, by period:
BARE_AT_LEAST: dict[Period, float] = {"hour": 5, "day": 30, "week": 150, "month": 300, "year": 5_000}
RATE_WORDS = (
    r"\s*(?:/\s*|per\s+|an?\s+|each\s+)(?:hr|hour|day|week|month|year|annum|hod|år)\b"
    r"|\s*/\s*h\b|\s*(?:p\.a\.|pa|ph|pd|pw|pcm|p/h)\b|\s*(?:hourly|daily|weekly|monthly|annually)\b(?!\s+[^\W\d_])"
)
RATE_AFTER = re.compile(rf"(?i){RATE_WORDS}")
# A pay word right before a bare number ("Salary 120,000", "Lønn 500 000", "Gehalt: 60.000") makes it pay in
# the currency of the posting's country, as a rate after it does.
PAY_WORDS = alternation(["salary", "pay", "wage", "lønn", "lön", "løn", "gehalt", "salaire", "salario", "mzda",
                          "wynagrodzenie", "maaş"])  # fmt: skip
PAY_WORD_BEFORE = re.compile(rf"(?i)\b(?:{PAY_WORDS})\W{{0,3}}$")
# What a line needs to hold a band (`_looks_like_pay`), over its lower case: a currency marker, a number
# scaled in thousands or lakhs ("150k", "12 LPA", "40 thousand"), a number with a rate after it ("35 per
# hour") or a pay word before it.
PAY_MENTION = re.compile(
    rf"(?<![a-z])(?:{MARKER})(?![a-z])|\d\s?[klt]|\d(?:{RATE_WORDS})|\b(?:{PAY_WORDS})\W{{0,3}}\d"
)
# The period written right after an amount, in English and the languages of the boards (Czech "/hod",
# Norwegian "per år", German "Monat"), and the abbreviations of job ads ("ph", "pd", "pcm", "p.a.").
PERIODS: list[tuple[re.Pattern[str], Period]] = [
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
PERIOD_WORDS_BEFORE: list[tuple[str, Period]] = [
    ("hourly", "hour"), ("per hour", "hour"), ("monthly", "month"), ("per month", "month"), ("月薪", "month"),
    ("annualized", "year"), ("annualised", "year"), ("annual", "year"), ("per year", "year"), ("年薪", "year"),
]  # fmt: skip
# Where monthly pay is the custom (by the currency of the posting's country, or of the amount where the
# country is not known), an amount with no period stated is a month's pay when it is of a monthly size: in
# the local currency, within the range given; in a major currency, under 15,000.
MONTHLY: dict[str, tuple[float, float]] = {
    "CZK": (10_000, 300_000), "PLN": (2_000, 60_000), "HUF": (150_000, 5_000_000), "RON": (2_000, 60_000),
    "TRY": (10_000, 600_000), "TWD": (20_000, 400_000), "BRL": (1_500, 100_000), "UAH": (10_000, 400_000),
    "SEK": (15_000, 150_000), "DKK": (20_000, 150_000),
}  # fmt: skip
MONTHLY_IN_MAJOR = (500, 15_000)
SALARY_CUE = re.compile(
    r"(?i)salary|salaries|compensation|\bpay\b|pay range|base|\bote\b|per (year|annum|hour|month)|/\s?(yr|year|hr|hour)|"
    r"annual|yearly|hourly|\brate\b|wage|\bctc\b|\blpa\b|\bgross\b|equity|\bcomp\b|k\s?(-|–|to)\s?\d"
)
# What an amount is of when the words before it say it is not pay ("raised $2M", "a budget of $50k").
NOT_BEFORE = re.compile(
    r"(?i)(rais(e|ed|ing)|funding|funded|series [a-e]|seed|valuation|valued at|revenue|\barr\b|\bmrr\b|"
    r"invest(ed|ment)|backed by|over|more than|manag(e|es|ing)|budget of|grant|prize|donat\w*|worth|"
    r"401\s?\(?k|save|saving|saved|cost|budget|reimburs\w*|stipend|allowance|credits?|perks?|"
    r"deals?|quota|pipeline|contract value|\bacv\b|subsidi[sz]ed|subsidy|bonus|referral|benefits?|relocation|capped|one[- ]time|sign[- ]on|signing)\W+(\w+\W+){0,4}$"
)
# More than base pay, anywhere in an amount's clause: on-target earnings (base and commission) or total
# compensation ("an expected total compensation of up to $250,000"). Pay only where no base pay is stated
# beside it (`parse_salary`).
BEYOND_BASE = re.compile(
    r"(?i)\bon[- ]target\b|\bote\b|\btotal\s+(?:\w+\s+){0,2}(?:compensation|comp|cash|earnings|package|rewards)\b"
)
# ... and when the words after it do ("$2M in funding", "10k users", "$5k signing bonus").
NOT_AFTER = re.compile(
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
SALARY_WORDS = re.compile(r"(?i)salary|base pay|pay range|compensation|\bpay\b|\bctc\b")
