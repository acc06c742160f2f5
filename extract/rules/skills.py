"""Skill matching: every taxonomy alias compiled into a few regular expressions, scanned once.

Case-insensitive aliases share one alternation (longest first, so "Azure OpenAI" wins over "OpenAI"),
case-sensitive ones (R, Go, REST) another, and free patterns are scanned one by one. Overlaps resolve
to the longest match; context rules then keep or drop ambiguous names by the words around them.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cache

from extract.rules.patterns import trie_pattern
from extract.schema import Requirement, SkillMention
from extract.taxonomy import Skill, Taxonomy, load_taxonomy

_BOUNDARY_BEFORE = r"(?<![\w@-])"
_BOUNDARY_AFTER = r"(?![\w])"
_REQUIRED_HEAD = re.compile(
    r"(?i)^\W*(requirements?|qualifications?|must[- ]haves?|what you(?:'ll| will)? (?:need|bring)|who you are|"
    r"you (?:have|bring|are)|minimum|basic qualifications|required|about you|skills|experience|what we(?:'re| are) looking for)"
)
_PREFERRED_HEAD = re.compile(
    r"(?i)^\W*(nice[- ]to[- ]haves?|preferred|bonus|pluses|plus|good to have|desired|extra credit|"
    r"it would be great|ideally|even better|additional qualifications|bonus points)"
)
_URL = re.compile(r"(?i)\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|io|ai|co|org|net|dev|app|run)(?:/\S*)?")
# "ex-GitHub CTO", "Snowflake CEO", "acq. by Meta": the name is an employer, not a skill.
_PERSON_OR_COMPANY = re.compile(
    r"(?i)(\bex-|\bformer\s+|acq\.?\s+by\s+|acquired by\s+)\x00|"
    r"\x00\s*(ceo|cto|coo|cfo|founder|co-founder|cofounder|alumni|alum)\b"
)
_PREFERRED_INLINE = re.compile(
    r"(?i)\b(preferred|a plus|nice[- ]to[- ]have|bonus|is a plus|desirable|ideally)\b"
)


@dataclass(frozen=True)
class Found:
    skill_id: str
    start: int
    end: int
    text: str
    source: str  # which alias or pattern matched, for `implies`


def _normal(text: str) -> str:
    return " ".join(text.lower().replace("-", " ").split())


@dataclass
class SkillMatcher:
    taxonomy: Taxonomy

    def __post_init__(self) -> None:
        self._ci: dict[str, tuple[str, str]] = {}
        self._cs: dict[str, tuple[str, str]] = {}
        patterns: list[tuple[re.Pattern[str], Skill, str]] = []
        for skill in self.taxonomy.skills.values():
            for alias in skill.aliases:
                self._ci.setdefault(_normal(alias), (skill.id, alias))
            for alias in skill.cs_aliases:
                self._cs.setdefault(alias, (skill.id, alias))
            flags = 0 if skill.case_sensitive_patterns else re.IGNORECASE
            patterns.extend((re.compile(p, flags), skill, p) for p in skill.patterns)
        self._patterns = patterns
        ci = sorted({a for s in self.taxonomy.skills.values() for a in s.aliases})
        self._ci_regex = re.compile(
            _BOUNDARY_BEFORE + "(?:" + trie_pattern(ci, fold_case=True) + ")" + _BOUNDARY_AFTER, re.IGNORECASE
        )
        self._cs_regex = re.compile(
            _BOUNDARY_BEFORE + "(?:" + trie_pattern(sorted(self._cs), fold_case=False) + ")" + _BOUNDARY_AFTER
        )

    def find(self, text: str) -> list[Found]:
        """Every accepted skill match in `text`, overlaps resolved to the longest, in text order."""
        text = _URL.sub(lambda m: " " * len(m.group(0)), text)  # links are not skills; offsets stay put
        raw: list[Found] = []
        for match in self._ci_regex.finditer(text):
            hit = self._ci.get(_normal(match.group(0)))
            if hit:
                raw.append(Found(hit[0], match.start(), match.end(), match.group(0), hit[1]))
        for match in self._cs_regex.finditer(text):
            hit = self._cs.get(match.group(0))
            if hit:
                raw.append(Found(hit[0], match.start(), match.end(), match.group(0), hit[1]))
        for pattern, skill, source in self._patterns:
            for match in pattern.finditer(text):
                raw.append(Found(skill.id, match.start(), match.end(), match.group(0), source))
        raw.sort(key=lambda f: (f.start, -(f.end - f.start)))
        kept: list[Found] = []
        reach = -1
        for found in raw:
            if found.end <= reach and kept and found.start >= kept[-1].start:
                continue  # inside a longer match already kept
            if self._context_ok(found, text) and not _PERSON_OR_COMPANY.search(
                text[max(0, found.start - 12) : found.start] + "\x00" + text[found.end : found.end + 14]
            ):
                kept.append(found)
                reach = max(reach, found.end)
        return kept

    def _context_ok(self, found: Found, text: str) -> bool:
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
        return context.require is None or bool(context.require.search(window))

    def implied(self, found: Found) -> tuple[str, ...]:
        return self.taxonomy.skills[found.skill_id].implies.get(found.source, ())


@cache
def default_matcher() -> SkillMatcher:
    return SkillMatcher(load_taxonomy())


def _line_requirements(text: str) -> list[tuple[int, Requirement]]:
    """(line start offset, requirement level) for each line, from section headings and inline cues."""
    levels: list[tuple[int, Requirement]] = []
    section: Requirement = "unknown"
    offset = 0
    for line in text.split("\n"):
        stripped = line.strip()
        short = len(stripped) <= 70
        if short and _PREFERRED_HEAD.match(stripped):
            section = "preferred"
        elif short and _REQUIRED_HEAD.match(stripped):
            section = "required"
        level: Requirement = "preferred" if _PREFERRED_INLINE.search(stripped) else section
        levels.append((offset, level))
        offset += len(line) + 1
    return levels


def extract_skills(text: str, matcher: SkillMatcher | None = None) -> list[SkillMention]:
    """Skill mentions of a posting: one per id, first evidence kept, strongest requirement level."""
    matcher = matcher or default_matcher()
    found = matcher.find(text)
    if not found:
        return []
    levels = _line_requirements(text)
    starts = [start for start, _ in levels]
    order = {"required": 2, "preferred": 1, "unknown": 0}
    mentions: dict[str, SkillMention] = {}

    def add(skill_id: str, evidence: str, level: Requirement) -> None:
        current = mentions.get(skill_id)
        if current is None:
            mentions[skill_id] = SkillMention(id=skill_id, evidence=evidence, requirement=level)
        elif order[level] > order[current.requirement]:
            mentions[skill_id] = current.model_copy(update={"requirement": level})

    for item in found:
        level = levels[bisect.bisect_right(starts, item.start) - 1][1]
        add(item.skill_id, item.text, level)
        for implied in matcher.implied(item):
            add(implied, item.text, level)
    return list(mentions.values())
