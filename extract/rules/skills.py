"""Skills a posting asks for: the taxonomy's aliases and patterns found in its text, each kept or dropped
by the words around it, with the requirement level of the section it is in.

Aliases are found by a phrase index (`phrases.PhraseIndex`): case-insensitive aliases wherever they
stand as words, case-sensitive ones (R, Go, REST) only where the text has them as written; each set is
resolved to the longest at every start ("Azure OpenAI" over "OpenAI"). Free patterns are regexes over
the text. Overlaps resolve to the longest match; context rules then keep or drop ambiguous names by
the words around them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from extract.rules.phrases import PhraseIndex, longest_first, spaced_key
from extract.rules.posting import Posting, blank_links, fold
from extract.rules.sections import sections
from extract.schema import PostingInput, Requirement, SkillMention
from extract.taxonomy import Taxonomy, load_taxonomy

# "... is a plus" on a line makes what it names preferred whatever the section (over lower-cased lines).
_PREFERRED_INLINE = re.compile(r"\b(preferred|a plus|nice[- ]to[- ]have|bonus|is a plus|desirable|ideally)\b")
# "ex-GitHub CTO", "Snowflake CEO", "acq. by Meta": the name is an employer, not a skill. Tried on the
# words just before and after a match, joined by "\x00" where the match was.
_EMPLOYER = re.compile(
    r"(?i)(\bex-|\bformer\s+|acq\.?\s+by\s+|acquired by\s+)\x00|"
    r"\x00\s*(ceo|cto|coo|cfo|founder|co-founder|cofounder|alumni|alum)\b"
)
_EMPLOYER_BEFORE, _EMPLOYER_AFTER = 12, 14  # characters looked at around a match

_STRENGTH = {"required": 2, "preferred": 1, "unknown": 0}


@dataclass(frozen=True)
class Found:
    """One match of a skill: where, its words, and which alias or pattern matched (for `implies`)."""

    skill_id: str
    start: int
    end: int
    text: str
    source: str


def _normal(alias: str) -> str:
    return spaced_key(alias.lower())


class SkillMatcher:
    """The taxonomy's aliases and patterns, ready to be found in postings."""

    def __init__(self, taxonomy: Taxonomy) -> None:
        self.taxonomy = taxonomy
        # Every alias by its lower case, spaced: the case-insensitive alias it is, if any, and the
        # case-sensitive ones it can be where the text has them as written (found in the same pass).
        self._aliases: dict[str, tuple[str, str]] = {}  # key -> (skill id, alias as written)
        self._cased: dict[str, list[tuple[str, str, str]]] = {}  # key -> [(spaced alias, skill id, alias)]
        self._patterns: list[tuple[re.Pattern[str], str, str]] = []
        for skill in taxonomy.skills.values():
            for alias in skill.aliases:
                self._aliases.setdefault(_normal(alias), (skill.id, alias))
            for alias in skill.cs_aliases:
                spaced = spaced_key(alias)
                cased = self._cased.setdefault(spaced.lower(), [])
                if all(spaced != known for known, _, _ in cased):
                    cased.append((spaced, skill.id, alias))
            flags = 0 if skill.case_sensitive_patterns else re.IGNORECASE
            self._patterns.extend((re.compile(p, flags), skill.id, p) for p in skill.patterns)
        self._keys = list(dict.fromkeys([*self._aliases, *self._cased]))
        self._index = PhraseIndex(self._keys, spaced=True, not_preceded_by="@-")

    def find(self, text: str) -> list[Found]:
        """Every accepted skill match in `text`, overlaps resolved to the longest, in text order."""
        linkless = blank_links(text)
        return self._find(linkless, fold(linkless))

    def find_in(self, posting: Posting) -> list[Found]:
        """`find` of the text a posting's skills are read from."""
        return self._find(posting.linkless, posting.linkless_lower)

    def _find(self, text: str, lower: str) -> list[Found]:
        """`find` of a text whose links are blanked, given its `fold`."""
        raw = self._alias_matches(text, lower)
        for pattern, skill_id, source in self._patterns:
            raw.extend(Found(skill_id, m.start(), m.end(), m.group(), source) for m in pattern.finditer(text))
        raw.sort(key=lambda found: (found.start, -(found.end - found.start)))
        kept: list[Found] = []
        reach = -1
        for found in raw:
            if found.end <= reach and kept and found.start >= kept[-1].start:
                continue  # inside a longer match already kept
            if self._context_ok(found, text) and not _employer(found, text):
                kept.append(found)
                reach = max(reach, found.end)
        return kept

    def _alias_matches(self, text: str, lower: str) -> list[Found]:
        """Alias matches: the case-insensitive ones, then the case-sensitive ones where the text has them as
        written (a hyphen or line break counting as one of their spaces), each set resolved apart."""
        plain, cased = [], []
        for start, end, index in self._index.occurrences(text, lower):
            key = self._keys[index]
            if key in self._aliases:
                plain.append((start, end, self._aliases[key]))
            words = text[start:end]
            for spaced, skill_id, alias in self._cased.get(key, ()):
                if words == spaced or (" " in spaced and spaced_key(words) == spaced):
                    cased.append((start, end, (skill_id, alias)))
        return [
            Found(skill_id, start, end, text[start:end], alias)
            for found in (plain, cased)
            for start, end, (skill_id, alias) in longest_first(found)
        ]

    def _context_ok(self, found: Found, text: str) -> bool:
        """The skill's context rule on the words around the match."""
        context = self.taxonomy.skills[found.skill_id].context
        if context is None:
            return True
        origin = max(0, found.start - context.window)
        window = text[origin : found.end + context.window]
        if context.exclude is not None:
            # An exclusion counts only when it covers this match ("R&D" for R), not a neighbour's words.
            start, end = found.start - origin, found.end - origin
            if any(m.start() < end and m.end() > start for m in context.exclude.finditer(window)):
                return False
        return context.require is None or context.require.search(window) is not None

    def implied(self, found: Found) -> tuple[str, ...]:
        """The skills the alias or pattern that matched implies ("PyTorch Lightning" implies PyTorch)."""
        return self.taxonomy.skills[found.skill_id].implies.get(found.source, ())


def _employer(found: Found, text: str) -> bool:
    before = text[max(0, found.start - _EMPLOYER_BEFORE) : found.start]
    return _EMPLOYER.search(before + "\x00" + text[found.end : found.end + _EMPLOYER_AFTER]) is not None


@cache
def default_matcher() -> SkillMatcher:
    return SkillMatcher(load_taxonomy())


def posting_skills(posting: Posting, matcher: SkillMatcher | None = None) -> list[SkillMention]:
    """Skill mentions of a posting: one per id, first evidence kept, strongest requirement level. A match
    counts only in a section about the role (`sections`), at the level of its section, or preferred when
    its line says so ("... is a plus")."""
    matcher = matcher or default_matcher()
    found = matcher.find_in(posting)
    if not found:
        return []
    starts = [offset for offset, _ in posting.lines]
    parts = sections(posting.lines, posting.source.company)
    levels: dict[int, Requirement] = {}  # by line, for the lines holding a match
    mentions: dict[str, tuple[str, Requirement]] = {}
    for item in found:
        line = bisect.bisect_right(starts, item.start) - 1
        if not parts[line].about_role:
            continue
        if line not in levels:
            levels[line] = (
                "preferred" if _PREFERRED_INLINE.search(posting.lines[line][1]) else parts[line].level
            )
        level = levels[line]
        for skill_id in (item.skill_id, *matcher.implied(item)):
            known = mentions.get(skill_id)
            if known is None:
                mentions[skill_id] = (item.text, level)
            elif _STRENGTH[level] > _STRENGTH[known[1]]:
                mentions[skill_id] = (known[0], level)
    return [
        SkillMention(id=i, evidence=evidence, requirement=level) for i, (evidence, level) in mentions.items()
    ]


def extract_skills(text: str, matcher: SkillMatcher | None = None) -> list[SkillMention]:
    """`posting_skills` of a bare text (a CV, a snippet)."""
    return posting_skills(Posting.of(PostingInput(id="text", description=text)), matcher)
