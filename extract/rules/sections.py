"""The sections of a posting: which lines describe the role (what it does, what it requires or prefers) and
which describe the company around it (about us, mission, why join, benefits, equal-opportunity text).

LABELING.md counts only the skills the role needs: "Cohere builds LLMs, RAG and agents" in an "About Cohere"
section says nothing of what its program manager must know. A section runs from its heading to the next
heading; the level of a requirement ("required", "preferred") comes from the last requirement heading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.schema import Requirement

# Over lower-cased lines. A short line opening a section: "Nice to have" (preferred) is tried before
# "Requirements" (required); each may be followed by more words ("Requirements for this role").
_PREFERRED_HEADING = re.compile(
    r"^\W*(nice[- ]to[- ]haves?|preferred|bonus|pluses|plus|good to have|desired|extra credit|"
    r"it would be great|ideally|even better|additional qualifications|bonus points)"
)
_REQUIRED_HEADING = re.compile(
    r"^\W*(requirements?|qualifications?|must[- ]haves?|what you(?:'ll| will)? (?:need|bring)|who you are|"
    r"you (?:have|bring|are)|minimum|basic qualifications|required|about you|skills|experience|"
    r"what we(?:'re| are) looking for)"
)
_LEVEL_HEADING_MAX = 70  # characters of a requirement heading, stripped
# A heading of a section about the company rather than the role (the whole heading line). "About X" is one
# only where X is the company ("About Cohere", "About us"): "About the gig", "About Disputes" are the role's.
_COMPANY_HEADING = re.compile(
    r"^\W*(?:who we are|our (?:mission|story|company|values|vision|culture|progress[^.!?]*)|(?:the )?mission|"
    r"company (?:description|overview)|the company|why (?:join|work|you'?ll love|team members)[^.!?]*|"
    r"work with us|life at [^.!?]+|(?:perks|benefits)[^.!?]*|what we offer[^.!?]*|what we can (?:bring|offer)[^.!?]*|"
    r"(?:equal (?:employment )?opportunity|eeo)[^.!?]*|how to apply)\W*$"
)
_ABOUT = re.compile(r"^\W*(?:more )?about\s+(.{1,40}?)\W*$")
_NOT_LETTERS = re.compile(r"[\W_]+")
_YOU = re.compile(r"\byou(?:'ll|’ll|r)?\b")
# A sentence presenting a company: its name, then what it is or does ("Netic is the AI revenue engine",
# "Brain Co. is an applied AI startup", "At Cobot, we're building").
_PRESENTING = re.compile(
    r"^\W*(?:at\s+([^,.]{1,40}),\s*we\b|([^,.:|]{1,40}?)\s+(?:is|are|was|builds?|helps?|provides?|develops?|"
    r"makes?|powers?|offers?|creates?|enables?|has|brings?)\b)"
)
_ROLE_HEADING = re.compile(
    r"^\W*(?:about the (?:role|position|job|opportunity)|the (?:role|position|opportunity)|your role|"
    r"what you(?:'ll| will|’ll)? (?:do|be doing|work on)|(?:key )?responsibilities|job description|"
    r"(?:role|position) (?:overview|description)|in this role)"
)
# Words that open the role's part again wherever they stand on a line ("Special skill requirements: ...").
_ROLE_AGAIN = re.compile(r"\b(?:requirements|qualifications|responsibilities)\s*:")
_HEADING_MAX = 60  # characters of any heading, stripped
_HEADING_WORDS = 8
_BULLETS = "-•*·▪◦–"


@dataclass(frozen=True)
class Section:
    """What a line is part of."""

    level: Requirement  # of what it names: from the last requirement heading at or above it
    about_role: bool  # False under a heading about the company, its benefits or legal text


def _is_heading(stripped: str) -> bool:
    """A line that can open a section: short, not a bullet, not a sentence."""
    return (
        0 < len(stripped) <= _HEADING_MAX
        and stripped[0] not in _BULLETS
        and stripped[-1] not in ".!?;,"
        and len(stripped.split()) <= _HEADING_WORDS
    )


def _key(name: str) -> str:
    """A company's name as headings are compared with it: letters and digits only ("Liquid AI", "liquid-ai")."""
    return _NOT_LETTERS.sub("", name.lower())


def _is_company(named: str, company: str) -> bool:
    """Whether a name (a `_key`) is the company's ("Brain Co." for "brainco"; "" when either is unknown)."""
    return bool(named) and bool(company) and (named.startswith(company) or company.startswith(named))


def _about_company(stripped: str, company: str) -> bool:
    """Whether a heading opens a section about the company (`company`: its `_key`, "" when not known)."""
    if _COMPANY_HEADING.match(stripped):
        return True
    about = _ABOUT.match(stripped)
    if about is None:
        return False
    named = _key(about.group(1))
    return named in {"us", "thecompany", "ourcompany"} or _is_company(named, company)


def _known_heading(stripped: str, company: str) -> bool:
    """A heading of a section every posting written in sections has: about the company, the role or its
    requirements."""
    return _is_heading(stripped) and bool(
        _ROLE_HEADING.match(stripped)
        or _REQUIRED_HEADING.match(stripped)
        or _PREFERRED_HEADING.match(stripped)
        or _about_company(stripped, company)
    )


def _presents(stripped: str, company: str) -> bool:
    """Whether a line presents the company (`company`: its `_key`) and does not speak to the candidate."""
    presenting = _PRESENTING.match(stripped)
    if presenting is None or not company or _YOU.search(stripped):
        return False
    return _is_company(_key(presenting.group(1) or presenting.group(2)), company)


def sections(lines: list[tuple[int, str]], company: str | None = None) -> list[Section]:
    """The section of each (lower-cased) line of a posting by `company`. In a posting written in sections,
    a line before the first heading that names the company and does not speak to the candidate ("Netic is
    the AI revenue engine...") presents the company."""
    key = _key(company or "")
    found: list[Section] = []
    level: Requirement = "unknown"
    about_role, opened = True, False  # opened: a heading was met
    headed: bool | None = None  # whether the posting is written in sections, once it matters
    for _, line in lines:
        stripped = line.strip()
        if len(stripped) <= _LEVEL_HEADING_MAX and _PREFERRED_HEADING.match(stripped):
            level = "preferred"
        elif len(stripped) <= _LEVEL_HEADING_MAX and _REQUIRED_HEADING.match(stripped):
            level = "required"
        if _is_heading(stripped):
            about_role = not _about_company(stripped, key)
            opened = True
        elif not about_role and _ROLE_AGAIN.search(stripped):
            about_role = True
        elif not opened and _presents(stripped, key):
            if headed is None:
                headed = any(_known_heading(other.strip(), key) for _, other in lines)
            if headed:  # before the first heading, a paragraph presenting the company
                found.append(Section(level, False))
                continue
        found.append(Section(level, about_role))
    return found
