"""Whole-word occurrences of many phrases at once (skill aliases, place names), in one Aho-Corasick pass
(ahocorasick-rs) instead of a regex alternation of hundreds of names tried at every character.

A phrase is found where it stands as a word of its own: no letter, digit or underscore right before or
after it. What is found is resolved as a regex alternation of the phrases, longest first, would find
them: left to right, the longest at each start, never overlapping.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import TypeVar

from ahocorasick_rs import AhoCorasick

T = TypeVar("T")
Span = tuple[int, int, int]  # (start, end, phrase index)

# In spaced matching, a hyphen, a tab or a line break reads as a space, and a run of spaces as one.
_SPACE_RUN = re.compile(r"  +")


def is_word_char(char: str) -> bool:
    """What `\\w` matches: letters and digits of any script, and the underscore."""
    return char.isalnum() or char == "_"


def spaced_key(phrase: str) -> str:
    """A phrase as spaced matching reads it: hyphens and runs of whitespace one space."""
    return " ".join(phrase.replace("-", " ").split())


class PhraseIndex:
    """Phrases (lower case) found in a text's lower case (`posting.fold`), offsets into the text.

    `spaced`: hyphens and line breaks count as spaces and runs of spacing as one, so "machine learning"
    is also found in "machine-learning" or broken over two lines. `not_preceded_by`: characters that may not
    come right before a phrase besides word characters ("@" of a handle, "-" of "ex-GitHub")."""

    def __init__(self, phrases: list[str], *, spaced: bool = False, not_preceded_by: str = "") -> None:
        self.phrases = phrases
        self._spaced = spaced
        self._not_preceded_by = not_preceded_by
        self._automaton = AhoCorasick(phrases) if phrases else None

    def find(self, text: str, lower: str) -> list[Span]:
        """(start, end, phrase index) of each phrase found, resolved longest first (see the module)."""
        return longest_first(self.occurrences(text, lower))

    def occurrences(self, text: str, lower: str) -> list[Span]:
        """Every whole-word occurrence, overlapping ones included."""
        if self._automaton is None:
            return []
        where: Callable[[int], int] | None = None
        haystack = lower
        if self._spaced:
            haystack, where = _spaced(lower)
        size, reach = len(text), len(haystack)
        found = []
        for index, start, end in self._automaton.find_matches_as_indexes(haystack, overlapping=True):
            if (start > 0 and is_word_char(haystack[start - 1])) or (
                end < reach and is_word_char(haystack[end])
            ):
                continue
            if where is not None:
                start, end = where(start), where(end - 1) + 1
            if start > 0 and (is_word_char(text[start - 1]) or text[start - 1] in self._not_preceded_by):
                continue
            if end < size and is_word_char(text[end]):
                continue
            found.append((start, end, index))
        return found


def _spaced(lower: str) -> tuple[str, Callable[[int], int]]:
    """The haystack spaced matching searches, and a function from its offsets back to `lower`'s."""
    spaced = lower.replace("-", " ").replace("\t", " ").replace("\n", " ").replace("\r", " ")
    lands: list[int] = []  # where the text after each run of spaces lands in the haystack
    removed: list[int] = []  # characters removed up to and including that run
    dropped = 0
    for run in _SPACE_RUN.finditer(spaced):
        dropped += len(run.group()) - 1
        lands.append(run.end() - dropped)
        removed.append(dropped)

    def where(offset: int) -> int:
        run = bisect.bisect_right(lands, offset) - 1
        return offset if run < 0 else offset + removed[run]

    return (_SPACE_RUN.sub(" ", spaced) if lands else spaced), where


def longest_first(spans: list[tuple[int, int, T]]) -> list[tuple[int, int, T]]:
    """(start, end, what) spans left to right, the longest at each start, never overlapping."""
    best: dict[int, tuple[int, T]] = {}
    for start, end, index in spans:
        if start not in best or end > best[start][0]:
            best[start] = (end, index)
    found = []
    reach = -1
    for start in sorted(best):
        if start >= reach:
            end, index = best[start]
            found.append((start, end, index))
            reach = end
    return found


def alternation(words: list[str]) -> str:
    """A regex matching any of `words`, factored as a trie ("c(?:ad|a\\$|\\$)"), longest first where one word
    begins another: `re` tries the branches of a flat alternation one by one at every position, while a
    trie rejects a position after a character or two."""
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        branches = [re.escape(char) + render(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return render(trie)
