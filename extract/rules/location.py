"""Where the job is and how remote it is: from the location field first, then the title (HN titles carry the
place), then explicit phrases in the text. A remote role's country is the one the candidate must be in.
"""

from __future__ import annotations

import re

from extract.rules.places import MANY, countries_in, load_places
from extract.rules.posting import Posting
from extract.schema import Remote

_LOCATION_LABEL = re.compile(r"(?im)^\W*(?:job\s+)?location(?:s)?\s*:\s*(.*)$")
# A place after the words that require it: "must be based in Canada", "remote in Poland", "work remotely from
# Spain", "based in CA, NY, TX".
_PLACE_AFTER = re.compile(
    r"(?i)(?:must|should|need to|required to)\s+(?:be\s+)?(?:based|located|reside|live|residing)\s+(?:in|within)\s+"
    r"(?:the\s+)?([A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,3})|"
    r"(?:remote(?:ly)?|anywhere|based)\s*(?:in|within|from)\s+(?:the\s+)?([A-Z][\w.]*(?:,?\s+[A-Z][\w.]*){0,3})"
)
# ... and a place (or a people) before the words that require it: "US-only", "an Australia only position",
# "Canadian residents only". The words are found first, the place read from the words just before them.
_REQUIRED_AFTER = re.compile(r"(?i)[- ](?:only|based)\b|\s(residents|citizens|nationals)\s+only\b")
_PLACE_BEFORE = re.compile(r"(?-i:[A-Z][\w.]*(?:\s+[A-Z][\w.]*)?)$")  # capitalised, ending at the words
_PEOPLE_BEFORE = re.compile(r"(\w+)$")
# "Berlin- or London-based": two places, no single country.
_BASED_PAIR = re.compile(r"(?i)\b([A-Z][\w.]{0,30})[- ]?\s{1,3}or\s{1,3}([A-Z][\w.]{0,30})[- ]based\b")
# Weaker cues anywhere in the text: "the US base salary range", "authorized to work in the UK"; and the
# words before "office" ("our London office").
_WEAK_COUNTRY = re.compile(
    r"(?i)\b(US|U\.S\.|United States|UK|Canada|India)\s+(?:base\s+)?(?:salary|pay|compensation)\s+range|"
    r"\b(US|U\.S\.|United States)[- ]based\b|authori[sz]ed to work in the (US|U\.S\.|United States|UK|Canada)"
)
_OFFICE_WORD = re.compile(r"\boffice\b")  # over the lower case
_WORDS_BEFORE = re.compile(r"([^\W\d_][\w.]*(?:\s+[^\W\d_][\w.]*)?)\s+$")
_BEFORE_CHARS = 40
_LABEL_WITHIN = 4000  # characters of the text a "Location:" label is looked for in
_PHRASES_WITHIN = 6000  # ... and "must be based in" phrases
_POLICY_WITHIN = 8000  # ... and the remote policy

# Over lower-cased text.
_REMOTE = re.compile(
    r"\b(fully[- ]remote|100% remote|remote[- ]first|remote[- ]friendly|remote ok|remote work|remote position|"
    r"remote role|remote opportunity|work from home|work from anywhere|wfh|"
    # "remotely" where it says where the work is done ("based remotely", "remotely in the UK"), not in
    # "remotely monitor crops"
    r"(?:work|working|based|located|hired|live|living)\s+remotely|remotely\s+(?:based|located|from|in|within|anywhere)|"
    r"remote\b(?!\s+(sensing|control)))"
)
_NOT_REMOTE = re.compile(r"\b(not (a )?remote|no remote|non[- ]remote|remote work is not)\b")
_HYBRID = re.compile(r"\bhybrid\b(?!\s+(cloud|search|model|approach|architecture|retrieval|systems?|app))")
# A set number of days a week in the office, either way round: "3 days a week in the office", "in-office at
# least 3 days per week", "commute to the office 2x a week".
_OFFICE = r"(?:the\s*|our\s*)?(?:office|site)"
_DAYS = r"[1-4]\+?\s*(?:days?|x)"
_A_WEEK = r"\s*(?:a|per|/|each)?\s*(?:week|wk)"
_DAYS_IN_OFFICE = re.compile(
    rf"\b{_DAYS}(?:{_A_WEEK})?\s*(?:in|at|on)[- ]?\s*{_OFFICE}"
    rf"|\b(?:in[- ]office|in[- ]person|on[- ]?site|in the office|into the office|commute|come in)\b"
    rf"[^.\n]{{0,60}}?\b{_DAYS}{_A_WEEK}\b"
)
_ONSITE = re.compile(
    r"\b(on[- ]?site|in[- ]office|in[- ]person|office[- ]based|on[- ]premises? role|relocat(e|ion) to|"
    r"return(ing)? to (the )?office)\b"
)
# A location field that names only an office, or anywhere: weaker than what any field or the text says.
_OFFICE_FIELD = re.compile(r"\boffice\b")
_ANYWHERE_FIELD = re.compile(r"\b(anywhere|remotely)\b")


def _single(named: list[str]) -> str | None:
    return named[0] if len(named) == 1 and named[0] != MANY else None


def _labelled_location(text: str) -> str | None:
    """The value after a 'Location:' label, on the same line or the next non-empty one."""
    match = _LOCATION_LABEL.search(text, 0, _LABEL_WITHIN)
    if not match:
        return None
    value = match.group(1).strip()
    if value:
        return value
    rest = text[match.end() :].lstrip("\n").split("\n", 1)[0]
    return rest.strip() or None


def country_of(posting: Posting) -> str | None:
    """The single country of the job (or of the candidate for remote roles); None when several or none.

    Looks in order at the location field, the title, a 'Location:' line, explicit 'must be based in'
    phrases, and last at weaker cues such as 'the US base salary range'.
    """
    text = posting.body
    for place in (posting.location, posting.title, _labelled_location(text)):
        named = countries_in(place) if place else []
        if named and named != [MANY]:  # an area alone ("EMEA") leaves the title to say which country
            return _single(named)
    pair = _BASED_PAIR.search(text, 0, _PHRASES_WITHIN)
    if pair and len(set(countries_in(pair.group(1)) + countries_in(pair.group(2)))) > 1:
        return None
    for _, found in sorted(_required_places(text), key=lambda item: item[0]):  # in the text's order
        if found and found != MANY:
            return found
    weak = {c for m in _WEAK_COUNTRY.finditer(text) for g in m.groups() if g for c in countries_in(g)}
    weak.update(c for place in _before_office(text, posting.body_lower) for c in countries_in(place))
    return weak.pop() if len(weak) == 1 else None


def _required_places(text: str) -> list[tuple[int, str | None]]:
    """(where, country) of each place the text requires the candidate to be in (`_PLACE_AFTER`,
    `_REQUIRED_AFTER`), in its first `_PHRASES_WITHIN` characters."""
    found: list[tuple[int, str | None]] = []
    for match in _PLACE_AFTER.finditer(text, 0, _PHRASES_WITHIN):
        phrase = match.group(1) or match.group(2)
        found.append((match.start(), _single(countries_in(phrase))))
    for match in _REQUIRED_AFTER.finditer(text, 0, _PHRASES_WITHIN):
        before = text[max(0, match.start() - _BEFORE_CHARS) : match.start()]
        if match.group(1):  # "Canadian residents only": a people, not a place
            people = _PEOPLE_BEFORE.search(before)
            found.append((match.start(), people and load_places().demonyms.get(people.group(1).lower())))
        elif place := _PLACE_BEFORE.search(before):
            found.append((match.start(), _single(countries_in(place.group()))))
    return found


def _before_office(text: str, lower: str) -> list[str]:
    """The words just before each "office" of the text ("our London office" -> "our London")."""
    found = []
    for office in _OFFICE_WORD.finditer(lower):
        words = _WORDS_BEFORE.search(text, max(0, office.start() - _BEFORE_CHARS), office.start())
        if words:
            found.append(words.group(1))
    return found


def _policy(lower: str, end: int) -> Remote | None:
    """The policy a lower-cased field states in its first `end` characters, or None. Set office days make
    it hybrid whatever else is said ("a remote-first company; this role is in-office 3 days a week");
    otherwise where remote work is offered at all ("remote / optional hybrid") the role counts as remote."""
    if _DAYS_IN_OFFICE.search(lower, 0, end):
        return "hybrid"
    if _REMOTE.search(lower, 0, end) and not _NOT_REMOTE.search(lower, 0, end):
        return "remote"
    if _HYBRID.search(lower, 0, end):
        return "hybrid"
    if _ONSITE.search(lower, 0, end) or _NOT_REMOTE.search(lower, 0, end):
        return "onsite"
    return None


def remote_policy(posting: Posting) -> Remote | None:
    """remote | hybrid | onsite from the location field, the title, then the text; then a location field
    naming only an office (onsite) or anywhere (remote); then a source's flag."""
    fields = (posting.location_lower, posting.title_lower, posting.body_lower)
    for field, end in zip(fields, (len(fields[0]), len(fields[1]), _POLICY_WITHIN), strict=True):
        policy = _policy(field, end) if field else None
        if policy is not None:
            return policy
    if _ANYWHERE_FIELD.search(posting.location_lower):
        return "remote"
    if _OFFICE_FIELD.search(posting.location_lower):
        return "onsite"
    return "remote" if posting.source.remote_hint is True else None
