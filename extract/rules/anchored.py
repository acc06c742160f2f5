"""Regexes tried only where they can start: the speed of `str.find` with the meaning of `re`.

Python's `re` walks every position of the text for a pattern that opens with `\\b`, a lookbehind or a
case-insensitive alternation: about 35 ns per character, so a dozen such scans over a 4,000-character
posting cost more than all the rest of extraction. Most of the rules' patterns, though, can only start
with one of a few literal strings ("remote", "agent", "c/c++"). `Anchored` works those literals out of
the parsed pattern once, finds them with `str.find` (on the lower-cased text for case-insensitive
patterns) and tries the regex only there. Results are identical to `finditer`/`search`: a match must
begin with one of the literals, lookbehinds and `\\b` still see the text before the start position, and
matches stay non-overlapping. A pattern without usable literals, or text whose lower-casing changes its
length, falls back to the plain regex.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any, Final, Generic, TypeVar

from extract.rules import _native
from extract.rules.patterns import GroupedHits, Literals, is_ascii_letter

try:  # the parser is internal to `re`; without it every pattern simply takes the plain path
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other Python implementations
    _sre = _sre_parse = None

_ZERO_WIDTH: Final = {"AT", "ASSERT", "ASSERT_NOT"}
_MAX_PREFIXES: Final = 64
# Up to this many literals, `str.find` for each beats one Aho-Corasick pass over the text.
_FIND_EACH: Final = 3
# Widths at or above this count as unbounded (`re` reports unbounded repeats as a huge number).
_BOUNDED: Final = 256
# Below this many characters the plain regex runs. 0 (none) by default: the rules look at a posting's
# fields (body, title, location) with dozens of patterns, which share one lower case and literal pass of
# each (cached), so even over a short title looking for literals beats the regex at every character.
_SHORT: Final = 0
_SMALL_CLASS: Final = 10  # [0-9] included
# Literals longer than this find no fewer start positions worth the extra combinations.
_PREFIX_CHARS: Final = 8


# How many texts keep their lower case and their shared pass cached. `rules.extract_many` runs each
# rule over a batch of postings (`rules.BATCH`, 100) before the next, and a posting has up to six texts
# lowered (title, body, location, the pay text's parts) and three scanned: all of a batch's must still
# be cached when the next rule reads them, or each rule lowers and scans them again.
CACHED_TEXTS: Final = 1024

T = TypeVar("T")


# The compiled build lowers non-ASCII text natively, two to three times faster than `str.lower` (same
# result; tests/test_extract_scan.py checks every code point).
_LOWER_KEPT: Final[Callable[[str], str | None] | None] = (
    None if _native.SCAN is None else _native.SCAN.lower_kept
)


def _has_case_traps(text: str) -> bool:
    return not text.isascii() and ("\u0131" in text or "\u017f" in text)


class ByIdentity(Generic[T]):
    """Values for the last `size` objects put in, found by identity; the oldest goes first.

    Each entry holds its object, so no other object can take its id while it is kept. The order is a ring
    of ids: dropping a dict's oldest key with `next(iter(d))` walks past every entry deleted before it,
    ~1,300 instructions an eviction at this size."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[int, tuple[object, T]] = {}
        self._ring: list[int] = []
        self._next = 0
        # The last object found or put in, and its entry: the rules ask about one text several times in a
        # row, and `id` makes a new int object each time it is called (addresses are past the small ints).
        self._last_key: object = None
        self._last: tuple[object, T] | None = None
        # The last object looked for and not found: a `put` of it follows, which need not look again.
        self._missed: object = None

    def get(self, key: object) -> tuple[object, T] | None:
        """(the object, its value) when `key` is that object, else None."""
        if key is self._last_key:
            return self._last
        kept = self._items.get(id(key))
        if kept is None or kept[0] is not key:
            self._missed = key
            return None
        self._last_key, self._last = key, kept
        return kept

    def put(self, key: object, value: T) -> None:
        """Keep `value` for `key`, dropping the oldest when full (a key kept already keeps its place)."""
        missed, self._missed = self._missed is key, None
        if missed or self.get(key) is None:
            if len(self._ring) < self._size:
                self._ring.append(id(key))
            else:
                del self._items[self._ring[self._next]]
                self._ring[self._next] = id(key)
                self._next = (self._next + 1) % self._size
        entry = (key, value)
        self._items[id(key)] = entry
        self._last_key, self._last = key, entry

    def __len__(self) -> int:
        return len(self._items)

    def clear(self) -> None:
        self._items.clear()
        self._ring.clear()
        self._next = 0
        self._last_key, self._last, self._missed = None, None, None


# Lower cases by the identity of their text: the rules hand the same string objects from rule to rule, and
# a cache keyed by the string's value hashed every new posting body in full (2% of an extraction). An
# equal text that is another object is lowered again: the same result.
_LOWERED: Final[ByIdentity[str | None]] = ByIdentity(CACHED_TEXTS)


def folded(text: str) -> str | None:
    """`text.lower()` when it keeps every offset in place (it does unless the text holds characters
    such as 'İ' whose lower case is two characters), else None. Cached: one posting's fields are
    lowered once however many patterns look at them.

    Also None for text holding 'ı' (dotless i) or 'ſ' (long s): `re` ignoring case matches them to
    "i" and "s", but they are their own lower case, so the literals the lower case is searched for
    would miss them; the callers then run their plain patterns."""
    kept = _LOWERED.get(text)
    if kept is not None:
        return kept[1]
    lower = _lowered(text)
    _LOWERED.put(text, lower)
    return lower


# Results of pure functions of one short field (a title, a location, a phrase), cached by its value: the
# same locations and titles come back posting after posting (six in ten locations of the pool, one in
# four titles, and more across nights), and each costs a few pattern searches and an automaton pass.
FIELD_CACHE: Final = 4096
# How to empty each cache of values the rules keep between postings (`forget`).
_CLEARS: Final[list[Callable[[], None]]] = []


def field_cache(function: Callable[[str], T]) -> Callable[[str], T]:
    """`function` of one field, cached by value (`FIELD_CACHE` of them) and emptied by `forget`."""
    cached = lru_cache(maxsize=FIELD_CACHE)(function)
    _CLEARS.append(cached.cache_clear)
    return cached


def forgotten_by_clear(clear: Callable[[], None]) -> None:
    """Have `forget` call `clear`, which empties a cache of values kept elsewhere."""
    _CLEARS.append(clear)


def forget() -> None:
    """Every cache the rules keep between postings emptied (`rules.clear_caches`): the lower cases and
    shared passes, the fields' results, and those registered with `forgotten_by_clear`."""
    _LOWERED.clear()
    SHARED.forget()
    FIELDS.forget()
    for clear in _CLEARS:
        clear()


def _lowered(text: str) -> str | None:
    if _has_case_traps(text):
        return None
    if _LOWER_KEPT is not None:
        return _LOWER_KEPT(text)
    lower = text.lower()
    return lower if len(lower) == len(text) else None


def fold(text: str) -> str:
    """Lower case with every offset kept: characters whose lower case is longer stay as they are."""
    lower = folded(text)
    if lower is None:
        lower = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return lower


class _TooMany(Exception):
    """More start literals than are worth looking for: the plain regex is cheaper."""


def _class_chars(arg: Any) -> list[str] | None:
    """The characters of a small, positive character class such as `[- ]` or `[1-4]`, else None."""
    chars: list[str] = []
    for op, value in arg:
        name = str(op)
        if name == "LITERAL":
            chars.append(chr(value))
        elif name == "RANGE" and value[1] - value[0] < _SMALL_CLASS:
            chars.extend(chr(c) for c in range(value[0], value[1] + 1))
        else:
            return None
    return chars if len(chars) <= _SMALL_CLASS else None


Frame = tuple[Any, int]  # a parsed sequence and a position in it


class _Expansion:
    """Every literal string (up to `room` characters) a match can begin with, each with whether it
    spans everything that follows it (so the caller may extend it). An empty string means some match
    begins with something other than a literal. Zero-width assertions are skipped: they consume
    nothing. What follows a position is a stack of (sequence, position) frames, never a copied list,
    so that every state is computed once (memoised) instead of once per path that reaches it."""

    def __init__(self, fold: bool) -> None:
        self.fold = fold
        self.memo: dict[tuple[object, ...], list[tuple[str, bool]]] = {}

    def __call__(self, seq: Any, index: int, then: tuple[Frame, ...], room: int) -> list[tuple[str, bool]]:
        key = (id(seq), index, tuple((id(s), i) for s, i in then), room)
        found = self.memo.get(key)
        if found is None:
            found = self.memo[key] = self._expand(seq, index, then, room)
        return found

    def _expand(self, seq: Any, index: int, then: tuple[Frame, ...], room: int) -> list[tuple[str, bool]]:
        if index == len(seq):
            return self(then[0][0], then[0][1], then[1:], room) if then else [("", True)]
        if room <= 0:
            return [("", False)]
        op, arg = seq[index]
        name = str(op)
        after = ((seq, index + 1), *then)
        if name in _ZERO_WIDTH:
            return self(seq, index + 1, then, room)
        if name in ("LITERAL", "IN"):
            chars = [chr(arg)] if name == "LITERAL" else _class_chars(arg)
            if chars is None or (len(chars) >= _SMALL_CLASS and room < _PREFIX_CHARS):
                # A class as wide as [0-9] past the first character ends the literal: what it would add
                # multiplies the combinations (a digit after each of 60 currency codes, then a separator
                # after each...) until every literal is cut short ("cop" to "co", a start in "company").
                return [("", False)]
            heads = sorted({c.lower() if self.fold else c for c in chars})
            tails = self(seq, index + 1, then, room - 1)
            return _limit([(h + s, done) for h in heads for s, done in tails])
        if name == "SUBPATTERN":
            _group, add_flags, del_flags, inner = arg
            return [("", False)] if add_flags or del_flags else self(inner, 0, after, room)
        if name == "BRANCH":
            return _limit([f for branch in arg[1] for f in self(branch, 0, after, room)])
        if name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, inner = arg
            if high == 1:  # optional: with it, then what follows; or without it
                with_it = self(inner, 0, after, room) if low <= 1 else []
                return _limit(with_it + (self(seq, index + 1, then, room) if low == 0 else []))
            once = [(s, False) for s, _ in self(inner, 0, (), room)] if high >= 1 else []
            return _limit(once + (self(seq, index + 1, then, room) if low == 0 else []))
        return [("", False)]


def _limit(found: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """Deduplicated; when the combinations grow too many, cut to shorter prefixes (a prefix of a
    literal a match begins with is one too) until they are few enough."""
    unique = list(dict.fromkeys(found))
    length = _PREFIX_CHARS
    while len(unique) > 16 * _MAX_PREFIXES:
        length //= 2
        if length == 0:
            raise _TooMany
        unique = list(dict.fromkeys([(literal[:length], False) for literal, _ in unique]))
    return unique


def literal_prefixes(regex: re.Pattern[str], limit: int = _MAX_PREFIXES) -> tuple[str, ...] | None:
    """Literals every match of a compiled pattern begins with (lower-cased when it ignores case), or
    None when some match can begin otherwise or there are too many to be worth it."""
    if _sre_parse is None:
        return None
    try:
        parsed = _sre_parse.parse(regex.pattern, regex.flags)
        found = {s for s, _ in _Expansion(bool(regex.flags & re.IGNORECASE))(parsed, 0, (), _PREFIX_CHARS)}
    except (_TooMany, RecursionError):
        return None
    if not found or "" in found:
        return None
    for length in (_PREFIX_CHARS, 6, 4):  # fewer, shorter literals until few enough to look for
        cut = {p[:length] for p in found}
        # A prefix that extends another adds no start positions.
        kept = {p for p in cut if not any(q != p and p.startswith(q) for q in cut)}
        if len(kept) <= limit:
            return tuple(sorted(kept))
    return None


def opens_at_boundary(regex: re.Pattern[str]) -> bool:
    """Whether every match of a compiled pattern begins with `\\b`: then none begins between two letters."""
    if _sre_parse is None:
        return False
    return _opens_at_boundary(list(_sre_parse.parse(regex.pattern, regex.flags)))


def _opens_at_boundary(items: list[Any]) -> bool:
    if not items:
        return False
    op, arg = items[0]
    if str(op) == "AT":
        return str(arg) == "AT_BOUNDARY"
    if str(op) == "SUBPATTERN":
        return _opens_at_boundary(list(arg[-1]))
    if str(op) == "BRANCH":
        return all(_opens_at_boundary(list(branch)) for branch in arg[1])
    return False


def _not_inside_words(text: str, starts: list[int] | range) -> list[int]:
    """The start positions that are not between two ASCII letters, where no match of a pattern opening
    with `\\b` starts."""
    size = len(text)
    kept = []
    for start in starts:
        if 0 < start < size and is_ascii_letter(text[start - 1]) and is_ascii_letter(text[start]):
            continue
        kept.append(start)
    return kept


def literal_then_no_word(regex: re.Pattern[str]) -> int:
    """The length of the literal every match opens with (after zero-width assertions) when a negative
    lookahead right after it rules out a word character next ("C" in `C(?![\\w+#])`), else 0: then a
    literal found just before a word character ("C" in "Company") starts no match."""
    if _sre_parse is None or regex.flags & re.ASCII:
        return 0  # `\w` is then ASCII only; `str.isalnum` is the Unicode `\w`
    items = list(_sre_parse.parse(regex.pattern, regex.flags))
    at = 0
    while at < len(items) and str(items[at][0]) in _ZERO_WIDTH and not _looks_ahead(items[at]):
        at += 1
    length = 0
    while at < len(items) and str(items[at][0]) == "LITERAL":
        length += 1
        at += 1
    if length == 0 or at == len(items) or str(items[at][0]) != "ASSERT_NOT" or not _looks_ahead(items[at]):
        return 0
    inner = list(items[at][1][1])
    alternatives = inner[0][1][1] if len(inner) == 1 and str(inner[0][0]) == "BRANCH" else [inner]
    return length if any(_is_word_class(list(branch)) for branch in alternatives) else 0


def _looks_ahead(item: Any) -> bool:
    return str(item[0]) in ("ASSERT", "ASSERT_NOT") and item[1][0] == 1


def _is_word_class(items: list[Any]) -> bool:
    """Whether `items` is one character class that takes every word character (`[\\w...]`)."""
    return (
        len(items) == 1
        and str(items[0][0]) == "IN"
        and any(str(op) == "CATEGORY" and str(arg) == "CATEGORY_WORD" for op, arg in items[0][1])
    )


def _not_before_words(text: str, starts: list[int], length: int, end: int) -> list[int]:
    """The start positions whose literal (of `length` characters) is not followed by a word character
    before `end` (a regex given an end position sees the text stop there)."""
    kept = []
    for start in starts:
        after = start + length
        if after < end and (text[after].isalnum() or text[after] == "_"):
            continue
        kept.append(start)
    return kept


def required_literal(regex: re.Pattern[str]) -> tuple[str, int, int] | None:
    """The longest run of literals at the top level of the pattern (so in every match), with the least
    and most characters a match can have before it (the most is -1 when unbounded), or None."""
    if _sre_parse is None:
        return None
    fold = bool(regex.flags & re.IGNORECASE)
    parsed = _sre_parse.parse(regex.pattern, regex.flags)
    best, best_at, run, run_at = "", 0, "", 0
    for index, (op, arg) in enumerate(parsed):
        if str(op) == "LITERAL":
            run, run_at = (run, run_at) if run else ("", index)
            run += chr(arg).lower() if fold else chr(arg)
            if len(run) > len(best):
                best, best_at = run, run_at
        elif str(op) not in _ZERO_WIDTH:
            run = ""
    if len(best) < 3:
        return None
    low, high = _sre_parse.SubPattern(parsed.state, list(parsed)[:best_at]).getwidth()
    return best, low, (high if high < _BOUNDED else -1)


# Shorter literals ("in", "1") occur everywhere in a body and would flood its shared pass; in a title they
# cost little, and a pattern sharing its literals there is skipped wherever they are missing (`Presence`).
_SHARED_MIN: Final = 3
_FIELDS_MIN: Final = 1


class SharedLiterals:
    """One Aho-Corasick pass per text for the literals of every pattern that registers here.

    A pass costs a few ns a character whether it looks for 6 literals or 300, and the rules read the
    same lower-cased posting with dozens of patterns: one pass over each text, its hits sorted into
    each registered group's start positions, serves them all. The last `CACHED_TEXTS` texts' hits are
    kept (the texts are the shared, cached lower cases, recognised by identity: each kept hit holds its
    text, so no other text can take its id).
    """

    def __init__(self, shortest: int) -> None:
        self.shortest = shortest  # the shortest literal a pattern may share here
        self._ids: dict[str, int] = {}
        self._groups_of: list[list[int]] = []  # by literal id: the groups it belongs to
        self._groups = 0
        self._alone: set[int] = set()
        self._automaton: Literals | None = None
        self._scans: ByIdentity[GroupedHits] = ByIdentity(CACHED_TEXTS)

    def register(self, literals: tuple[str, ...] | list[str], *, alone: bool = False) -> int:
        """A group for `starts` (a start repeats where one of its literals begins another: harmless
        to a candidate list). The automaton, which knows each literal's groups, is rebuilt on the next
        scan. `alone`: occurrences next to an ASCII letter are left out (`Literals`)."""
        group = self._groups
        self._groups += 1
        if alone:
            self._alone.add(group)
        for literal in literals:
            if literal not in self._ids:
                self._ids[literal] = len(self._ids)
                self._groups_of.append([])
            self._groups_of[self._ids[literal]].append(group)
        self._automaton = None
        self._scans = ByIdentity(CACHED_TEXTS)
        return group

    def _hits(self, haystack: str) -> GroupedHits:
        """Per group: starts and ends of its literals' occurrences, in order of start."""
        scanned = self._scans.get(haystack)  # the last text asked about first: a rule asks several patterns
        if scanned is not None:  # about one text in a row
            return scanned[1]
        if self._automaton is None:
            self._automaton = Literals(list(self._ids), self._groups_of, frozenset(self._alone))
        hits = self._automaton.grouped(haystack)
        self._scans.put(haystack, hits)
        return hits

    def forget(self) -> None:
        """Drop every cached scan."""
        self._scans.clear()

    def spans(self, haystack: str, group: int) -> tuple[list[int], list[int]]:
        """Starts and ends (in order of start) of the group's literals in the whole haystack; do not
        modify them."""
        return self._hits(haystack).spans(group)

    def starts(self, haystack: str, group: int, pos: int = 0, end: int = -1) -> list[int]:
        """Sorted start of every occurrence of the group's literals lying wholly within haystack[pos:end]."""
        return self._hits(haystack).starts(group, pos, end)

    def presence(self, text: str) -> Presence | None:
        """Which groups `text` holds a literal of, for a rule about to try several patterns over it (None
        when lowering moves offsets: the patterns then run plain)."""
        lower = folded(text)
        return None if lower is None else Presence(self, self._hits(lower).present())


class Presence:
    """Which of a registry's groups one text holds any literal of (`SharedLiterals.presence`): a pattern
    whose literals it lacks cannot match there (`Anchored.search`'s `presence`), which a rule trying
    several patterns over a title learns at one bit each, instead of each pattern looking its text's
    lower case and literal pass up again (~0.3 us a pattern: a title meets thirty)."""

    __slots__ = ("mask", "registry")

    def __init__(self, registry: SharedLiterals, mask: int) -> None:
        self.registry = registry
        self.mask = mask  # bit g: group g


SHARED: Final = SharedLiterals(_SHARED_MIN)
# The literals of patterns that read only a posting's short fields (its title): a pass of their own over
# those, so that the pass over every body, hundreds of times longer, does not carry them. In a body they
# are found dozens of times ("senior", "manager", "director"), each a report the title rules never read;
# here they are found in titles only.
FIELDS: Final = SharedLiterals(_FIELDS_MIN)


class Anchored:
    """A compiled pattern whose `finditer` and `search` only try the positions its literals occur at."""

    __slots__ = (
        "_automaton",
        "_first",
        "_fold",
        "_gate",
        "_gate_group",
        "_lowered",
        "_registry",
        "_shared",
        "_short",
        "_spaceless",
        "_word_end",
        "_word_start",
        "prefixes",
        "regex",
        "required",
    )

    def __init__(
        self,
        pattern: str | re.Pattern[str],
        flags: int = 0,
        *,
        first: str | None = None,
        short: int = _SHORT,
        max_prefixes: int = _MAX_PREFIXES,
        shared: SharedLiterals | None = SHARED,
        word_start: bool = False,
        lowered: str | None = None,
    ) -> None:
        """`first`: a one-character pattern every match begins with (say `\\d`), which narrows the
        start positions of a pattern found through a literal it contains further on. `short`: texts
        shorter than this go to the plain regex (for short texts that nothing else lowers or scans).
        `max_prefixes`: how many start literals are still worth looking for. `shared`: the pass its
        literals join: `SHARED`, over every posting's fields; `FIELDS`, for a pattern that reads only
        short fields (a title); None, for patterns over many small windows of a text.
        `word_start`: no match begins between two ASCII letters (found without saying for patterns that
        open with `\\b`), so the literals found inside words are skipped: a regex call that fails there
        still costs 1-2 us. `lowered`: the same case-insensitive pattern written for lower-case text and
        compiled without ignoring case, which runs about twice as fast (ignoring case compares every
        literal through the Unicode case tables); `finditer(..., spans_only=True)` matches it over the
        caller's exact lower case."""
        self.regex = pattern if isinstance(pattern, re.Pattern) else re.compile(pattern, flags)
        self._first = re.compile(first) if first else None
        self._short = short
        self.prefixes = literal_prefixes(self.regex, max_prefixes)
        self._word_start = word_start or opens_at_boundary(self.regex)
        self._word_end = literal_then_no_word(self.regex) if self.prefixes else 0
        # Without start literals, a literal every match contains still rules out most texts at once.
        self.required = None if self.prefixes else required_literal(self.regex)
        self._fold = bool(self.regex.flags & re.IGNORECASE)
        if lowered is not None and not self._fold:
            raise ValueError("a lower-case twin is only for a pattern that ignores case")
        self._lowered = None if lowered is None else re.compile(lowered)
        # Case-insensitive patterns look at the shared lower case: their literals join the shared pass;
        # the others find theirs alone (an automaton of their own when they have many).
        literals = self.prefixes or (self.required[:1] if self.required else ())
        # ASCII literals without a space: wherever a text has one, so does any text it was made from by
        # turning characters into spaces (`finditer`'s `before`).
        self._spaceless = bool(literals) and all(w.isascii() and " " not in w for w in literals)
        share = shared is not None and self._fold and literals and min(map(len, literals)) >= shared.shortest
        self._registry = shared if share else None  # the pass holding its literals
        self._shared = shared.register(literals) if shared is not None and share else None
        many = self.prefixes if self.prefixes and len(self.prefixes) > _FIND_EACH else None
        self._automaton = Literals(list(many)) if many and self._shared is None else None
        # A literal every match holds besides its openings ("monitoring" in "models? ... monitoring"), and
        # neither part of nor holding one of them: where the openings are found but it is not, nothing
        # matches, and the regex is not tried at each opening (most postings say "model", few "model
        # monitoring"). Without a space, so that it is found in the text links were blanked from too.
        required = required_literal(self.regex) if self.prefixes else None
        gate = required[0] if required is not None and " " not in required[0] else None
        if gate is not None and any(gate in prefix or prefix in gate for prefix in self.prefixes or ()):
            gate = None
        self._gate = gate
        self._gate_group = (
            self._registry.register([self._gate]) if self._gate and self._registry is not None else None
        )

    @property
    def pattern(self) -> str:
        return self.regex.pattern

    def _haystack(self, text: str) -> str | None:
        return folded(text) if self._fold else text

    def _occurrences(self, haystack: str, literals: tuple[str, ...], pos: int, endpos: int) -> list[int]:
        if self._shared is not None and self._registry is not None:
            return self._registry.starts(haystack, self._shared, pos, endpos)
        if self._automaton is not None:
            return self._automaton.starts(haystack, pos, endpos)
        starts: list[int] = []
        for literal in literals:
            at = haystack.find(literal, pos, endpos)
            while at != -1:
                starts.append(at)
                at = haystack.find(literal, at + 1, endpos)
        if len(literals) > 1:
            starts.sort()
        return starts

    def candidates(
        self, text: str, pos: int, end: int, lower: str | None = None, before: str | None = None
    ) -> list[int] | Iterator[int] | None:
        """Positions in order where a match may start, or None to let the regex scan everything."""
        if end - pos < self._short:
            return None
        if before is not None and self._spaceless and len(before) == len(text):
            # `text` is `before` with some characters made spaces: no literal without a space occurs in it
            # where it does not in `before`, whose shared pass is cached. The regex decides on `text`.
            text_or_before = before
        else:
            text_or_before = text
        if lower is not None and self._fold:
            # A lower case of another length ("İ" lowers to two characters) would shift every offset; one
            # holding "ı" or "ſ" would hide what ignoring case matches (see `folded`).
            haystack: str | None = lower if len(lower) == len(text) and not _has_case_traps(lower) else None
        else:
            haystack = self._haystack(text_or_before)
        if haystack is None:
            return None
        if self.prefixes is not None:
            starts = self._occurrences(haystack, self.prefixes, pos, end)
            if starts and self._gate is not None and not self._gated_in(haystack, pos, end):
                return []
            if self._word_start and starts:
                starts = _not_inside_words(text, starts)
            return (
                _not_before_words(text, starts, self._word_end, end) if self._word_end and starts else starts
            )
        if self.required is None:
            return None
        literal, low, high = self.required
        found = self._occurrences(haystack, (literal,), max(pos, pos + low), end)
        if not found or high < 0:
            return [] if not found else None
        return self._windows(text, found, low, high, pos)

    def _gated_in(self, haystack: str, pos: int, end: int) -> bool:
        """Whether the literal every match holds (`_gate`) lies within haystack[pos:end]."""
        if self._gate_group is not None and self._registry is not None:
            return bool(self._registry.starts(haystack, self._gate_group, pos, end))
        assert self._gate is not None
        return haystack.find(self._gate, pos, end) != -1

    def finditer(
        self,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        *,
        lower: str | None = None,
        before: str | None = None,
        spans_only: bool = False,
    ) -> Iterator[re.Match[str]]:
        """`re.finditer`. `lower`: `text.lower()` when the caller has it (not `fold`'s fallback), so a
        window of a long text is searched without lowering, and caching, it again; when lowering changed
        the length, the plain regex runs. `before`: the text `text` was made from by turning some
        characters into spaces (links blanked out), whose lower case and shared pass are cached: where
        its literals allow, they are looked for there. `spans_only`: the caller reads only the matches'
        spans (and its groups'), never their text, so with `lower` given and exact the lower-case twin
        may match over it: the same spans, and each match's `string` is `lower`."""
        end = len(text) if endpos is None else min(endpos, len(text))
        candidates = self.candidates(text, pos, end, lower, before)
        if candidates is None:
            yield from self.regex.finditer(text, pos, end)
            return
        reach = pos
        # Candidates found with `lower` mean it is exact (`candidates` returns None otherwise): lowering
        # kept every offset and hides nothing ignoring case would match, so the twin finds the same spans.
        if spans_only and lower is not None and self._lowered is not None:
            subject, match_ = lower, self._lowered.match
        else:
            subject, match_ = text, self.regex.match
        for start in candidates:
            if start < reach:
                continue
            found = match_(subject, start, end)
            if found is not None:
                yield found
                reach = found.end() if found.end() > start else start + 1

    def search(
        self,
        text: str,
        pos: int = 0,
        endpos: int | None = None,
        *,
        lower: str | None = None,
        presence: Presence | None = None,
    ) -> re.Match[str] | None:
        """`re.search`; `lower` as for `finditer`. `presence`: which groups of a registry `text` holds
        (`SharedLiterals.presence`); when it is this pattern's registry and lacks its group, no match."""
        if (
            presence is not None
            and self._shared is not None
            and presence.registry is self._registry
            and not (presence.mask >> self._shared) & 1
        ):
            return None
        end = len(text) if endpos is None else min(endpos, len(text))
        candidates = self.candidates(text, pos, end, lower)
        if candidates is None:
            return self.regex.search(text, pos, end)
        match_ = self.regex.match
        for start in candidates:
            found = match_(text, start, end)
            if found is not None:
                return found
        return None

    def _windows(self, text: str, found: list[int], low: int, high: int, pos: int) -> Iterator[int]:
        """Each start position, once and in order, from which a match could reach an occurrence of its
        required literal (between `high` and `low` characters before it), given `first` where the text
        has a character a match can begin with, and for a pattern opening with `\\b` not inside a word."""
        done = pos
        for at in found:
            begin, last = max(done, at - high), at - low
            if self._first is None:
                starts: list[int] | range = range(begin, last + 1)
            else:
                starts = [char.start() for char in self._first.finditer(text, begin, last + 1)]
            yield from _not_inside_words(text, starts) if self._word_start else starts
            done = max(done, last + 1)
