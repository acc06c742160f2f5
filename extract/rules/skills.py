"""Skill matching: every taxonomy alias found in one Aho-Corasick pass over the lower-cased posting.

Case-insensitive and case-sensitive aliases (R, Go, REST: kept only where the text has them as written)
are each resolved to the longest at every start (so "Azure OpenAI" wins over "OpenAI"); free patterns
are anchored regexes. Overlaps resolve to the longest match; context rules then keep or drop ambiguous
names by the words around them.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Final

from extract.rules.anchored import SHARED, Anchored, fold, folded, forgotten_by_clear, literal_prefixes
from extract.rules.patterns import WordAutomaton, cased_key, is_word_char
from extract.schema import Requirement, SkillMention
from extract.taxonomy import Skill, Taxonomy, load_taxonomy

_BOUNDARY_BEFORE: Final = r"(?<![\w@-])"
_BOUNDARY_AFTER: Final = r"(?![\w])"
# A short line opening a section: "Nice to have" (preferred) is tried before "Requirements" (required).
_HEADING_WORDS: Final = (
    r"(?:(?P<preferred>nice[- ]to[- ]haves?|preferred|bonus|pluses|plus|good to have|desired|extra credit|"
    r"it would be great|ideally|even better|additional qualifications|bonus points)|"
    r"(?P<required>requirements?|qualifications?|must[- ]haves?|what you(?:'ll| will)? (?:need|bring)|who you are|"
    r"you (?:have|bring|are)|minimum|basic qualifications|required|about you|skills|experience|"
    r"what we(?:'re| are) looking for))"
)
_HEADING: Final = re.compile(r"(?i)^\W*" + _HEADING_WORDS)


def _word_prefixes(words: str) -> tuple[str, ...]:
    """Everything, lower-cased, the heading words can begin with (at least three characters each)."""
    prefixes = literal_prefixes(re.compile("(?i)" + words))
    assert prefixes is not None and min(map(len, prefixes)) >= 3, "heading words need literal openings"
    return prefixes


# A line can only be a heading if, past the leading characters `\W*` skips (bullets, dashes), its first
# three characters open one of the words: checked before the pattern, which tries its two dozen
# alternatives in turn on every short line of a posting (the check is exact for ASCII; other openings go
# to the pattern, whose case-insensitive matching knows more than `lower`).
_HEADING_PREFIXES: Final = _word_prefixes(_HEADING_WORDS)
_HEADING_OPENINGS: Final = frozenset(prefix[:3] for prefix in _HEADING_PREFIXES)
# The same words in the shared pass: a heading's word is one of their occurrences, so only the lines
# holding one need the checks above (`_heading_lines`).
_HEADING_STARTS: Final = SHARED.register(_HEADING_PREFIXES)


def _maybe_heading(line: str) -> bool:
    at, size = 0, len(line)
    while at < size and not is_word_char(line[at]):
        at += 1
    head = line[at : at + 3]
    return not head.isascii() or head.lower() in _HEADING_OPENINGS


_URL: Final = re.compile(
    r"(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|io|ai|co|org|net|dev|app|run)(?:/\S*)?"
)
# "ex-GitHub CTO", "Snowflake CEO", "acq. by Meta": the name is an employer, not a skill.
_PERSON_OR_COMPANY: Final = re.compile(
    r"(?i)(\bex-|\bformer\s+|acq\.?\s+by\s+|acquired by\s+)\x00|"
    r"\x00\s*(ceo|cto|coo|cfo|founder|co-founder|cofounder|alumni|alum)\b"
)
_EMPLOYER_AFTER: Final = ("ceo", "cto", "coo", "cfo", "founder", "co-founder", "cofounder", "alum")
# How far before and after a match `_employer` looks for its words (and `_near` for their starts).
_EMPLOYER_BEFORE_CHARS: Final = 12
_EMPLOYER_AFTER_CHARS: Final = 14
# Every word `_employer` looks for, in the shared pass: a match with none of them near it (nearly every
# match) is no employer, without looking.
_EMPLOYER_CUES: Final = SHARED.register(["ex-", "former", "acq", *_EMPLOYER_AFTER])


def _employer(text: str, lower: str, found: Found) -> bool:
    """Whether the name is an employer ("ex-GitHub", "Snowflake CEO"). The pattern only runs when one
    of its words is next to the match (in `lower`, the text lower-cased), which it nearly never is."""
    begin, start = max(0, found.start - _EMPLOYER_BEFORE_CHARS), found.start
    if not (
        lower.find("ex-", begin, start) != -1
        or lower.find("former", begin, start) != -1
        or lower.find("acq", begin, start) != -1
        or lower[found.end : found.end + _EMPLOYER_AFTER_CHARS].lstrip().startswith(_EMPLOYER_AFTER)
    ):
        return False
    return (
        _PERSON_OR_COMPANY.search(
            text[begin : found.start] + "\x00" + text[found.end : found.end + _EMPLOYER_AFTER_CHARS]
        )
        is not None
    )


def _near(cues: list[int], found: Found) -> bool:
    """Whether one of `_employer`'s words starts where it looks, before or after the match."""
    at = bisect.bisect_left(cues, found.start - _EMPLOYER_BEFORE_CHARS)
    return at < len(cues) and cues[at] < found.end + _EMPLOYER_AFTER_CHARS


_PREFERRED_INLINE: Final = Anchored(
    re.compile(r"(?i)\b(preferred|a plus|nice[- ]to[- ]have|bonus|is a plus|desirable|ideally)\b")
)


class Found:
    """One accepted alias or pattern match. A plain class, not a frozen dataclass: the dataclass's
    generated `__init__` stays interpreted under mypyc and sets each field through `object.__setattr__`,
    which cost 2% of an extraction (tens of matches a posting)."""

    def __init__(self, skill_id: str, start: int, end: int, text: str, source: str) -> None:
        self.skill_id = skill_id
        self.start = start
        self.end = end
        self.text = text
        self.source = source  # which alias or pattern matched, for `implies`


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


# What separates the tokens links are looked for in, and the rest of a token from a position on.
_TOKEN_ENDS: Final = " \n\t"
_TOKEN_REST: Final = re.compile(r"[^ \n\t]*")
# Looked for in the same automaton pass as the patterns' literals (".co" covers ".com").
_URL_CUES: Final = SHARED.register(
    ["http", "www.", ".io", ".ai", ".co", ".org", ".net", ".dev", ".app", ".run"]
)


def _blank_links(text: str, lower: str) -> tuple[str, str]:
    """`text` and its lower case with every link replaced by spaces (links are not skills; offsets stay
    put).

    Links never span whitespace, so the link pattern only runs over the whitespace-delimited token
    around each cue ("http", "www.", ".co"...; from the shared pass), instead of over the whole text.
    """
    cues = SHARED.starts(lower, _URL_CUES)
    if not cues:
        return text, lower
    spans: list[tuple[int, int]] = []
    done = -1
    for cue in cues:
        if cue < done:
            continue
        # The token's bounds, walked from the cue (a search for each separator ran to the text's ends).
        begin = cue
        while begin > 0 and text[begin - 1] not in _TOKEN_ENDS:
            begin -= 1
        token = _TOKEN_REST.match(text, cue)
        stop = token.end() if token is not None else cue
        spans.extend((begin + m.start(), begin + m.end()) for m in _URL.finditer(text[begin:stop]))
        done = stop
    return (_blank(text, spans), _blank(lower, spans)) if spans else (text, lower)


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    parts, last = [], 0
    for begin, stop in spans:
        parts.append(text[last:begin])
        parts.append(" " * (stop - begin))
        last = stop
    parts.append(text[last:])
    return "".join(parts)


@dataclass
class SkillMatcher:
    taxonomy: Taxonomy

    def __post_init__(self) -> None:
        ci: dict[str, tuple[str, str]] = {}
        cs: dict[str, tuple[str, str]] = {}
        patterns: list[tuple[Anchored, Skill, str]] = []
        for skill in self.taxonomy.skills.values():
            for alias in skill.aliases:
                ci.setdefault(_normal(alias), (skill.id, alias))
            for alias in skill.cs_aliases:
                cs.setdefault(cased_key(alias), (skill.id, alias))
            flags = 0 if skill.case_sensitive_patterns else re.IGNORECASE
            patterns.extend((Anchored(p, flags), skill, p) for p in skill.patterns)
        self._patterns = patterns

        # Context rules run on small windows around a match: anchored on their literals in the window
        # (the plain regex scans every position of it, ~15 us a window), outside the shared pass.
        def windowed(rule: re.Pattern[str] | None) -> Anchored | None:
            return None if rule is None else Anchored(rule, shared=None)

        self._contexts: dict[str, tuple[int, Anchored | None, Anchored | None]] = {
            skill.id: (skill.context.window, windowed(skill.context.exclude), windowed(skill.context.require))
            for skill in self.taxonomy.skills.values()
            if skill.context is not None
        }
        self._ci_hits = list(ci.values())
        self._cs_hits = list(cs.values())
        self._cs_words = list(cs)
        # Aho-Corasick over all aliases at once: one linear pass, whatever the size of the taxonomy.
        # Case-sensitive aliases join that pass by their lower case and count where the text has them as
        # written. The shortest ("R", "Go", "ML") turn up inside many words there, but the native
        # scanner drops hits inside a word before they cost anything (a pass of their own over the text
        # cost 2% of the time).
        words = list(ci)
        index_of = {word: index for index, word in enumerate(words)}
        self._cased: list[list[int]] = [[] for _ in words]  # by word: the case-sensitive aliases it is
        for index, word in enumerate(self._cs_words):
            at = index_of.setdefault(word.lower(), len(words))
            if at == len(words):
                words.append(word.lower())
                self._cased.append([])
            self._cased[at].append(index)
        self._ci_count = len(ci)
        # What each skill's aliases and patterns imply, only for the few skills that imply any: every match
        # asks, and most find their skill absent here at one dictionary read.
        self._implies: dict[str, dict[str, tuple[str, ...]]] = {
            skill.id: dict(skill.implies) for skill in self.taxonomy.skills.values() if skill.implies
        }
        self._automaton = WordAutomaton(words, not_before="@-")

    def _alias_matches(self, lower: str, text: str) -> list[Found]:
        """Alias matches, the case-insensitive and the case-sensitive each resolved apart (the longest at
        each start, never overlapping), as two passes would find them."""
        ci, cs = self._automaton.spaced_resolved(lower, text, self._ci_count, self._cased, self._cs_words)
        return [
            Found(hits[index][0], start, end, text[start:end], hits[index][1])
            for found, hits in ((ci, self._ci_hits), (cs, self._cs_hits))
            for start, end, index in found
        ]

    def find(self, text: str) -> list[Found]:
        """Every accepted skill match in `text`, overlaps resolved to the longest, in text order."""
        return self.find_many([text])[0]

    def find_many(self, texts: Sequence[str]) -> list[list[Found]]:
        """`find` of each text, step by step over them all (links blanked, aliases, the rest): each step's
        tables (the shared pass's automaton, the aliases') stay in the core's cache from text to text, as
        the rules do posting by posting (`rules.extract_many`)."""
        blanked = [_blank_links(text, fold(text)) for text in texts]
        aliases = [self._alias_matches(lower, text) for text, lower in blanked]
        return [
            self._rest(before, text, lower, raw)
            for before, (text, lower), raw in zip(texts, blanked, aliases, strict=True)
        ]

    def _rest(self, before: str, text: str, lower: str, raw: list[Found]) -> list[Found]:
        """`find` past the alias pass: `before`, the text; `text` and `lower`, it and its lower case with
        links blanked; `raw`, their alias matches (added to)."""
        # Where `_employer`'s words occur: in the posting as written, which has every one the link-blanked
        # text has (they hold no space) and whose shared pass is cached.
        cues = SHARED.starts(fold(before), _EMPLOYER_CUES)
        for pattern, skill, source in self._patterns:
            for match in pattern.finditer(text, before=before):
                raw.append(Found(skill.id, match.start(), match.end(), match.group(0), source))
        raw.sort(key=lambda f: (f.start, -(f.end - f.start)))
        kept: list[Found] = []
        reach = -1
        for found in raw:
            if found.end <= reach and kept and found.start >= kept[-1].start:
                continue  # inside a longer match already kept
            if self._context_ok(found, text) and not (_near(cues, found) and _employer(text, lower, found)):
                kept.append(found)
                reach = max(reach, found.end)
        return kept

    def _context_ok(self, found: Found, text: str) -> bool:
        """The skill's context rule on the words around the match."""
        context = self._contexts.get(found.skill_id)
        if context is None:
            return True
        size, exclude, require = context
        origin = max(0, found.start - size)
        window = text[origin : found.end + size]
        lower = window.lower()
        if exclude is not None:
            # An exclusion counts only when it covers this match ("R&D" for R), not a neighbour's words.
            start, end = found.start - origin, found.end - origin
            if any(m.start() < end and m.end() > start for m in exclude.finditer(window, lower=lower)):
                return False
        return require is None or require.search(window, lower=lower) is not None

    def implied(self, found: Found) -> tuple[str, ...]:
        """The skills the alias or pattern that matched implies ("PyTorch Lightning" implies PyTorch)."""
        by_source = self._implies.get(found.skill_id)
        return () if by_source is None else by_source.get(found.source, ())


@cache
def default_matcher() -> SkillMatcher:
    return SkillMatcher(load_taxonomy())


_HEADING_MAX: Final = 70  # characters of a heading line, stripped


def _heading(line: str) -> Requirement | None:
    """The section a line opens, if it is a heading: short once stripped, and led by a heading word."""
    stripped = line.strip()
    return _stripped_heading(stripped) if len(stripped) <= _HEADING_MAX else None


def _stripped_heading(stripped: str) -> Requirement | None:
    """`_heading` of a line already stripped and no longer than a heading."""
    if not _maybe_heading(stripped):
        return None
    heading = _HEADING.match(stripped)
    if heading is None:
        return None
    return "preferred" if heading.group("preferred") else "required"


def _heading_lines(text: str, stop: int) -> list[tuple[int, Requirement]]:
    """(line start, section) of every heading line starting before `stop`, in order.

    Only lines holding an occurrence of a heading word (from the shared pass over the text's lower case)
    are checked; when lower-casing moves offsets or hides matches (`folded` is None), every line is.
    """
    lower = folded(text)
    if lower is None:
        starts = [0] + [at + 1 for at, char in enumerate(text[:stop]) if char == "\n"]
    else:
        starts = SHARED.starts(lower, _HEADING_STARTS, 0, stop)
    found: list[tuple[int, Requirement]] = []
    end = -1
    for at in starts:  # in order: each line once, from the first of its starts
        if at <= end:
            continue
        start = text.rfind("\n", 0, at) + 1
        end = text.find("\n", at)
        end = len(text) if end == -1 else end
        # The line's length once stripped, measured before it is cut out: most lines holding a heading
        # word are paragraphs, far longer than a heading, and need no stripping to tell.
        if end - start > _HEADING_MAX and not text[start].isspace() and not text[end - 1].isspace():
            continue
        first, last = start, end
        while first < last and text[first].isspace():
            first += 1
        while last > first and text[last - 1].isspace():
            last -= 1
        section = _stripped_heading(text[first:last]) if last - first <= _HEADING_MAX else None
        if section is not None:
            found.append((start, section))
    return found


def _requirements_at(text: str, positions: list[int]) -> list[Requirement]:
    """The requirement level at each position (in increasing order), from the section heading above it
    (or on its line) and inline cues on its line ("... is a plus"). Reads the text only as far as the
    last position's line."""
    last_line_end = text.find("\n", positions[-1])
    stop = len(text) if last_line_end == -1 else last_line_end
    # Inline cues never span a line: found in one pass over the text, then looked up per line.
    cues = [match.start() for match in _PREFERRED_INLINE.finditer(text, 0, stop)]
    headings = _heading_lines(text, stop)
    levels: list[Requirement] = []
    section: Requirement = "unknown"
    level: Requirement = section
    heading = cue = 0
    line_end = -1
    for position in positions:
        if position <= line_end:  # on the line of the position before: the same level
            levels.append(level)
            continue
        line_start = text.rfind("\n", 0, position) + 1
        line_end = text.find("\n", position)
        if line_end == -1:
            line_end = len(text)
        while heading < len(headings) and headings[heading][0] <= line_start:
            section = headings[heading][1]
            heading += 1
        while cue < len(cues) and cues[cue] < line_start:
            cue += 1
        level = "preferred" if cue < len(cues) and cues[cue] <= line_end else section
        levels.append(level)
    return levels


_MENTION: Final = SkillMention.__pydantic_validator__
_STRENGTH: Final = {"required": 2, "preferred": 1, "unknown": 0}
# Validated mentions by (id, evidence, level): the same few thousand recur across postings (nine in ten
# mentions of the pool), and a model validated per mention cost 4 us of a posting's extraction. The
# models are frozen, so sharing one is safe. Bounded: emptied when full.
_KNOWN_MENTIONS: Final[dict[tuple[str, str, Requirement], SkillMention]] = {}
_KNOWN_MAX: Final = 50_000


def _mention(skill_id: str, evidence: str, level: Requirement) -> SkillMention:
    key = (skill_id, evidence, level)
    known = _KNOWN_MENTIONS.get(key)
    if known is None:
        if len(_KNOWN_MENTIONS) >= _KNOWN_MAX:
            _KNOWN_MENTIONS.clear()
        known = _KNOWN_MENTIONS[key] = _MENTION.validate_python(
            {"id": skill_id, "evidence": evidence, "requirement": level}
        )
    return known


forgotten_by_clear(_KNOWN_MENTIONS.clear)


def extract_skills(text: str, matcher: SkillMatcher | None = None) -> list[SkillMention]:
    """Skill mentions of a posting: one per id, first evidence kept, strongest requirement level."""
    return extract_skills_many([text], matcher)[0]


def extract_skills_many(
    texts: Sequence[str], matcher: SkillMatcher | None = None
) -> list[list[SkillMention]]:
    """`extract_skills` of each text, the matching step by step over them all (`SkillMatcher.find_many`)."""
    matcher = matcher or default_matcher()
    return [
        _mentions(text, found, matcher) for text, found in zip(texts, matcher.find_many(texts), strict=True)
    ]


def _mentions(text: str, found: list[Found], matcher: SkillMatcher) -> list[SkillMention]:
    if not found:
        return []
    # `found` is in text order (`SkillMatcher.find`), so are its starts.
    levels = _requirements_at(text, [item.start for item in found])
    # Gathered as plain values, then made models (`_mention`): a model built per match (and copied when
    # its level rises) went through pydantic's interpreted `__init__` each time.
    mentions: dict[str, tuple[str, Requirement]] = {}
    for item, level in zip(found, levels, strict=True):
        _mentioned(mentions, item.skill_id, item.text, level)
        for skill_id in matcher.implied(item):  # most matches imply nothing
            _mentioned(mentions, skill_id, item.text, level)
    return [_mention(skill_id, evidence, level) for skill_id, (evidence, level) in mentions.items()]


def _mentioned(
    mentions: dict[str, tuple[str, Requirement]], skill_id: str, text: str, level: Requirement
) -> None:
    """One more match of the skill: its first evidence is kept, at the strongest level met."""
    current = mentions.get(skill_id)
    if current is None:
        mentions[skill_id] = (text, level)
    elif level != current[1] and _STRENGTH[level] > _STRENGTH[current[1]]:
        mentions[skill_id] = (current[0], level)
