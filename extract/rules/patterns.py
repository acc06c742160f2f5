"""Regex building blocks shared by the rules extractors."""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from typing import Any, Final, Protocol

from ahocorasick_rs import AhoCorasick, BytesAhoCorasick, Implementation

from extract.rules import _native


def trie_pattern(words: list[str], fold_case: bool) -> str:
    """One regex for many literals with shared prefixes factored out ("py(?:torch|thon)").

    Python's `re` tries every branch of a flat alternation at every position; a trie-shaped pattern
    rejects a position after a character or two, which makes skill matching several times faster.
    Spaces inside an alias match any run of spaces or hyphens.
    """
    trie: dict[str, dict] = {}
    for word in words:
        node = trie
        for char in word.lower() if fold_case else word:
            node = node.setdefault(char, {})
        node[""] = {}

    def render(node: dict[str, dict]) -> str:
        ends = "" in node
        branches = []
        for char in sorted((c for c in node if c), key=lambda c: -_depth(node[c])):
            head = r"[\s\-]+" if char == " " else re.escape(char)
            branches.append(head + render(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if ends else body

    return render(trie)


def _depth(node: dict[str, dict]) -> int:
    return 1 + max((_depth(child) for child in node.values()), default=0)


def is_ascii_letter(char: str) -> bool:
    """a-z or A-Z (`| 32` lower-cases an ASCII letter and takes no other character into a-z)."""
    return 97 <= ord(char) | 32 <= 122


def is_word_char(char: str) -> bool:
    """What `\\w` matches: letters and digits of any script, and the underscore."""
    return char.isalnum() or char == "_"


# Where a normalised haystack's runs of characters were collapsed into one (`spaced`): the
# haystack offset each run's following text lands at, in order, and how many characters were removed up
# to and including that run. None when the haystack and the text share their offsets.
Runs = tuple[list[int], list[int]] | None


def to_text(runs: tuple[list[int], list[int]], offset: int) -> int:
    """A haystack offset that does not fall inside a collapsed run, mapped back onto the text."""
    starts, removed = runs
    index = bisect.bisect_right(starts, offset) - 1
    return offset if index < 0 else offset + removed[index]


def spaced(lower: str) -> tuple[str, list[int], list[int]]:
    """The lower-cased text as the alias automaton reads it, and how to map offsets back.

    Hyphens, tabs and line breaks become spaces and runs of spaces one space, so an alias "machine
    learning" also matches "machine-learning" or a phrase broken over lines. Returns (haystack, where
    the text after each run lands in it, characters removed up to there): `Runs`.
    """
    spaced = lower.replace("-", " ").replace("\n", " ").replace("\t", " ").replace("\r", " ")
    if "  " not in spaced:
        return spaced, [], []
    size = len(spaced)
    pieces: list[str] = []
    starts: list[int] = []
    removed: list[int] = []
    last = dropped = 0
    at = spaced.find("  ")
    while at != -1:  # str.find beats a regex here: runs are few, the text between them long
        end = at + 2
        while end < size and spaced[end] == " ":
            end += 1
        pieces.append(spaced[last : at + 1])
        starts.append(at + 1 - dropped)
        dropped += end - at - 1
        removed.append(dropped)
        last = end
        at = spaced.find("  ", end)
    pieces.append(spaced[last:])
    return "".join(pieces), starts, removed


class WordAutomaton:
    """Whole-word matches of many literal words in one Aho-Corasick pass, as a regex alternation of the
    words between `(?<![\\w...])` and `(?!\\w)` would find them: left to right, the longest word at each
    start, never overlapping. The caller lower-cases (or otherwise normalises) the haystack; offsets
    index the original text, where the word boundaries are checked.
    """

    def __init__(self, words: list[str], not_before: str = "") -> None:
        self.words = words
        self._not_before = not_before
        self._automaton = Literals(words, word_start=True) if words else None

    def find(self, haystack: str, text: str, runs: Runs = None) -> list[tuple[int, int, int]]:
        """(start, end, word index) of each match; `runs` maps haystack offsets onto `text`'s."""
        return longest_first(self.hits(haystack, text, runs))

    def spaced_hits(self, lower: str, text: str) -> list[tuple[int, int, int]]:
        """`hits` in `spaced(lower)`, mapped onto `text` (which `lower` is the lower case of, offset for
        offset). The native scanner reads `lower` as that haystack without making it."""
        if self._automaton is None:
            return []
        native = self._automaton.native
        if native is not None:
            return native.spaced_word_hits(lower, text, self._not_before)
        haystack, starts, removed = spaced(lower)
        return self.hits(haystack, text, (starts, removed))

    def spaced_resolved(
        self, lower: str, text: str, insensitive: int, cased: list[list[int]], cased_words: list[str]
    ) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
        """`spaced_hits` resolved (`longest_first`) as two sets of words: those numbered below
        `insensitive`, wherever they occur, and the case-sensitive words `cased[index]` says a word also
        stands for, numbered in `cased_words`, only where the text has them as written (`as_written`).
        The native scanner does it without a Python object per hit."""
        native = self._automaton.native if self._automaton is not None else None
        if native is not None:
            found: tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]] = native.spaced_resolved(
                lower, text, self._not_before, insensitive, cased, cased_words
            )
            return found
        plain: list[tuple[int, int, int]] = []
        as_cased: list[tuple[int, int, int]] = []
        for start, end, index in self.spaced_hits(lower, text):
            if index < insensitive:
                plain.append((start, end, index))
            for word in cased[index]:
                if as_written(text[start:end], cased_words[word]):
                    as_cased.append((start, end, word))
        return longest_first(plain), longest_first(as_cased)

    def hits(self, haystack: str, text: str, runs: Runs = None) -> list[tuple[int, int, int]]:
        """(start, end, word index) of every whole-word occurrence, overlapping ones included."""
        if self._automaton is None:
            return []
        if runs is not None and not runs[0]:
            runs = None
        native = self._automaton.native
        if native is not None and runs is None:  # the same checks, before any hit becomes a Python object
            return native.word_hits(haystack, text, self._not_before)
        size, reach_end = len(text), len(haystack)
        not_before = self._not_before
        found: list[tuple[int, int, int]] = []
        for index, start, end in self._automaton.positions(haystack):
            if runs is not None:
                # Word characters are the same in the haystack and the text: most hits (inside a word)
                # are rejected here, before their offsets are mapped.
                if (start > 0 and is_word_char(haystack[start - 1])) or (
                    end < reach_end and is_word_char(haystack[end])
                ):
                    continue
                start, end = to_text(runs, start), to_text(runs, end - 1) + 1
            if start > 0 and (is_word_char(text[start - 1]) or text[start - 1] in not_before):
                continue
            if end < size and is_word_char(text[end]):
                continue
            found.append((start, end, index))
        return found


def cased_key(word: str) -> str:
    """A case-sensitive word as the alias pass reads it: hyphens and runs of whitespace one space."""
    return " ".join(word.replace("-", " ").split())


def as_written(found: str, word: str) -> bool:
    """Whether text matched by a word's lower case is the word (a `cased_key`) as written, hyphens and
    line breaks counting as its spaces."""
    return found == word or (" " in word and cased_key(found) == word)


# The compiled build's twin of `longest_first` (a few thousand instructions a hit as Python).
_LONGEST_FIRST: Final[Callable[[list[tuple[int, int, int]]], list[tuple[int, int, int]]] | None] = (
    None if _native.SCAN is None else _native.SCAN.longest_first
)


def longest_first(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """Of (start, end, index) occurrences: left to right, the longest at each start, never overlapping
    (what a regex alternation of the words, longest first, finds)."""
    if _LONGEST_FIRST is not None:
        return _LONGEST_FIRST(hits)
    best: dict[int, tuple[int, int]] = {}
    for start, end, index in hits:
        if start not in best or end > best[start][0]:
            best[start] = (end, index)
    found: list[tuple[int, int, int]] = []
    reach = -1
    for start in sorted(best):
        if start >= reach:
            end, index = best[start]
            found.append((start, end, index))
            reach = end
    return found


class Literals:
    """Many literal strings found in one pass of an Aho-Corasick automaton.

    With the compiled build (`make native`), the literals go to the native scanner (`_scan.c`): it
    reads the `str` as stored and sorts occurrences into groups, or drops those inside a word, before
    any Python object is made (a third to two thirds of the time of the path below, per pass).

    Otherwise ahocorasick-rs, compiled to a DFA (two to three times faster over a posting than the
    default NFA: 33 vs 84 us for the 750 skill aliases). The text is searched as bytes, one per
    character: encoded to ASCII with every other character replaced by "?", which none of the literals
    holds, so byte offsets are character offsets. A `str` haystack would be encoded to UTF-8 by the
    automaton and each match's offsets translated back, which costs as much as the search; most
    postings hold some non-ASCII character (a curly quote, a bullet). Literals that are not ASCII, or
    hold a "?", are searched in the `str` itself.

    `groups`: for `grouped`, the groups each literal belongs to (by literal index). `alone`: groups
    whose occurrences next to an ASCII letter `grouped` leaves out (currency codes: "ron" in
    "environment"), so they never become Python objects. `word_start`: only occurrences at the
    haystack's start or after a non-word character; the native automaton then never follows a literal
    begun inside a word, which keeps its walk on a few hot states and drops hits like the "r" in every
    word before they are reported (the alias pass: 31 -> 25 us a posting).
    """

    def __init__(
        self,
        words: list[str],
        groups: list[list[int]] | None = None,
        alone: frozenset[int] = frozenset(),
        word_start: bool = False,
    ) -> None:
        self.words = words
        self._groups = groups
        self._alone = alone
        self._word_start = word_start
        scanner = _native.SCAN
        usable = scanner is not None and all(words)
        self.native: Any = (
            scanner.Automaton(words, groups, sorted(alone) if alone else None, word_start) if usable else None
        )
        dfa = Implementation.DFA
        as_bytes = all(w.isascii() and "?" not in w for w in words)
        self._bytes = None
        self._text = None
        if self.native is None and as_bytes:
            self._bytes = BytesAhoCorasick([w.encode() for w in words], implementation=dfa)
        elif self.native is None:
            self._text = AhoCorasick(words, implementation=dfa)

    def positions(self, haystack: str) -> list[tuple[int, int, int]]:
        """(literal index, start, end) of every occurrence, overlapping ones included, in order of end
        (at one end, the longest first)."""
        if self.native is not None:
            return self.native.positions(haystack)
        if self._bytes is not None:
            found = self._bytes.find_matches_as_indexes(haystack.encode("ascii", "replace"), overlapping=True)
        else:
            assert self._text is not None
            found = self._text.find_matches_as_indexes(haystack, overlapping=True)
        if self._word_start:
            return [hit for hit in found if hit[1] == 0 or not is_word_char(haystack[hit[1] - 1])]
        return found

    def starts(self, haystack: str, pos: int, end: int) -> list[int]:
        """Sorted, distinct starts of the occurrences lying wholly within haystack[pos:end]."""
        if self.native is not None:
            return self.native.starts(haystack, pos, end)
        window = haystack if pos == 0 and end >= len(haystack) else haystack[pos:end]
        # With word starts, the window's first character starts a word only where the haystack's does.
        inside = self._word_start and 0 < pos <= len(haystack) and is_word_char(haystack[pos - 1])
        return sorted({pos + start for _, start, _ in self.positions(window) if not (inside and start == 0)})

    def grouped(self, haystack: str) -> GroupedHits:
        """Per group: starts and ends of its literals' occurrences, by start then end."""
        if self.native is not None:
            return self.native.grouped(haystack)
        assert self._groups is not None, "grouped needs the literals' groups"
        groups_of, alone, size = self._groups, self._alone, len(haystack)
        pairs: dict[int, list[tuple[int, int]]] = {}
        for index, start, end in self.positions(haystack):
            next_to_letter = (start > 0 and is_ascii_letter(haystack[start - 1])) or (
                end < size and is_ascii_letter(haystack[end])
            )
            for group in groups_of[index]:
                if next_to_letter and group in alone:
                    continue
                found = pairs.get(group)
                if found is None:
                    pairs[group] = [(start, end)]
                else:
                    found.append((start, end))
        hits = {}
        for group, found in pairs.items():
            found.sort()
            hits[group] = ([start for start, _ in found], [end for _, end in found])
        return Grouped(hits, len(haystack))


class GroupedHits(Protocol):
    """One text's occurrences by group (`Literals.grouped`): `Grouped`, or the native scanner's `Scan`,
    which keeps them unboxed until a group is asked for."""

    def starts(self, group: int, pos: int = 0, end: int = -1) -> list[int]: ...

    def spans(self, group: int) -> tuple[list[int], list[int]]: ...

    def present(self) -> int: ...


class Grouped:
    """One text's occurrences by group, for the sources' path."""

    def __init__(self, hits: dict[int, tuple[list[int], list[int]]], size: int) -> None:
        self._hits = hits
        self._size = size

    def starts(self, group: int, pos: int = 0, end: int = -1) -> list[int]:
        """Sorted start of every occurrence of the group's literals lying wholly within text[pos:end]."""
        found = self._hits.get(group)
        if found is None:
            return []
        starts, ends = found
        if pos <= 0 and (end < 0 or end >= self._size):
            return starts[:]
        end = self._size if end < 0 else end
        first = bisect.bisect_left(starts, pos)
        return [start for start, stop in zip(starts[first:], ends[first:], strict=True) if stop <= end]

    def spans(self, group: int) -> tuple[list[int], list[int]]:
        """(starts, ends) of the group's occurrences, by start then end (do not modify them)."""
        return self._hits.get(group, ([], []))

    def present(self) -> int:
        """The groups holding any occurrence, as the bits of an int (bit g for group g)."""
        mask = 0
        for group in self._hits:
            mask |= 1 << group
        return mask
