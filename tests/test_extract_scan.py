"""The native literal scanner (`extract/rules/_scan.c`) must find exactly what the ahocorasick-rs path
finds: every occurrence, in the same order, grouped and filtered to whole words the same way.

The compiled build uses it for every literal pass of the rules; a missed occurrence or one offset wrong
would change records silently. Generated literals and texts mix ASCII with the characters that make a
`str` one, two or four bytes a character, the "?" the bytes path stands non-ASCII characters in with,
and the hyphens and runs of spaces the alias pass collapses.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.rules import _native
from extract.rules.patterns import Literals, WordAutomaton, is_word_char, longest_first, spaced

pytestmark = pytest.mark.skipif(_native.SCAN is None, reason="native scanner not in use (run `make native`)")

LITERAL = st.text(alphabet="ab-? .", min_size=1, max_size=4)
TEXT = st.text(alphabet="aAbZ-? .\n_1é\u2019\U0001f600", max_size=60)


def both(make):
    """The same object built on the native scanner and on ahocorasick-rs."""
    native = make()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_native, "SCAN", None)
        reference = make()
    return native, reference


@settings(max_examples=400, deadline=None)
@given(words=st.lists(LITERAL, min_size=1, max_size=8), text=TEXT, data=st.data())
def test_occurrences_and_starts_are_those_of_ahocorasick(words, text, data):
    native, reference = both(lambda: Literals(words))
    assert native.native is not None and reference.native is None
    assert native.positions(text) == reference.positions(text)
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    assert native.starts(text, pos, end) == reference.starts(text, pos, end)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(LITERAL, min_size=1, max_size=8, unique=True),
    text=TEXT,
    data=st.data(),
)
def test_grouped_occurrences_are_those_of_ahocorasick(words, text, data):
    groups = [data.draw(st.lists(st.integers(0, 4), max_size=3, unique=True)) for _ in words]
    # Groups whose occurrences next to an ASCII letter are left out ("ron" in "environment").
    alone = frozenset(data.draw(st.lists(st.integers(0, 4), max_size=3)))
    native, reference = both(lambda: Literals(words, groups, alone))
    found, expected = native.grouped(text), reference.grouped(text)
    for group in range(6):  # 5 is in no literal's groups
        assert found.spans(group) == expected.spans(group)
        assert found.starts(group) == expected.starts(group)
        pos = data.draw(st.integers(-1, len(text) + 1))
        end = data.draw(st.integers(-1, len(text) + 1))
        assert found.starts(group, pos, end) == expected.starts(group, pos, end)
    # The groups holding any occurrence, as bits: what a rule trying several patterns reads once.
    assert found.present() == expected.present() == sum(1 << g for g in range(6) if expected.spans(g)[0])


def test_groups_too_high_to_pack_take_the_general_path():
    """A grouped scan reads each reporting state's packed emits (length, "alone" flag, group); a group
    number that does not fit them makes the automaton report the general way, with the same results."""
    words, groups, alone = ["ron", "environment", "ro"], [[40000, 1], [1], [7]], [40000]
    native, reference = both(lambda: Literals(words, groups, frozenset(alone)))
    text = "ron environment RON, ro"
    for group in (1, 7, 40000):
        assert native.grouped(text.lower()).spans(group) == reference.grouped(text.lower()).spans(group)
    assert native.grouped("environ ron").starts(40000) == [8]  # "ron" alone, not inside "environ"


def test_present_groups_beyond_a_machine_word():
    """A registry may hold more groups than an int64 has bits."""
    native, reference = both(lambda: Literals(["ab", "b", "zz"], [[70], [3, 64], [5]]))
    for scanned in (native.grouped("xab"), reference.grouped("xab")):
        assert scanned.present() == (1 << 70) | (1 << 64) | (1 << 3)


# Longer than the native scanner's SPLIT_MIN (256): `grouped` and `starts` walk such texts in two halves.
LONG_TEXT = st.lists(
    st.sampled_from(["a", "b", "ab", "ba", "aab", " ", "?", "é", "\n"]), min_size=260, max_size=500
).map("".join)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab ", min_size=1, max_size=14), min_size=1, max_size=8, unique=True),
    text=LONG_TEXT,
    data=st.data(),
)
def test_long_texts_walked_in_two_halves_give_every_occurrence_once(words, text, data):
    """Occurrences across the middle are found by the first walk, those after it by the second, none twice."""
    groups = [data.draw(st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True)) for _ in words]
    native, reference = both(lambda: Literals(words, groups))
    found, expected = native.grouped(text), reference.grouped(text)
    for group in range(3):
        assert found.spans(group) == expected.spans(group)
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    assert native.starts(text, pos, end) == reference.starts(text, pos, end)


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.text(alphabet="abk- ", min_size=1, max_size=4), min_size=1, max_size=6, unique=True),
    text=st.text(alphabet="aAbk- \n\t\r_1é\u2019\u212a@", max_size=50),
)
def test_whole_words_are_those_of_the_python_filter(words, text):
    """As the alias pass uses it: the haystack is the text with hyphens and breaks as spaces and runs of
    spaces collapsed, and hits are mapped back onto the text before its boundaries are checked."""
    native, reference = both(lambda: WordAutomaton(words, not_before="@-"))
    lower = text.lower()
    haystack, starts, removed = spaced(lower)
    assert native.hits(haystack, text, (starts, removed)) == reference.hits(haystack, text, (starts, removed))
    assert native.hits(lower, text) == reference.hits(lower, text)
    # Reading `lower` as that haystack without making it (what the alias pass does).
    assert native.spaced_hits(lower, text) == reference.spaced_hits(lower, text)
    assert reference.spaced_hits(lower, text) == reference.hits(haystack, text, (starts, removed))


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text(alphabet="aéł€\u212a\U0001f600 ", min_size=1, max_size=4), min_size=1, max_size=6),
    text=st.text(alphabet="aAéÉłŁ€\u212ak\U0001f600\U0001f601 ", max_size=50),
)
def test_non_ascii_literals_are_found_as_ahocorasick_finds_them(words, text):
    """Literals with characters beyond ASCII ("zł", "zürich"): classes of their own in the scanner;
    texts of every width, with characters near them (É, Ł, a second emoji) that must not match."""
    native, reference = both(lambda: Literals(words))
    assert native.native is not None
    assert native.positions(text) == reference.positions(text)
    assert native.starts(text, 0, len(text)) == reference.starts(text, 0, len(text))
    words_native, words_reference = both(lambda: WordAutomaton(words, not_before="@-"))
    assert words_native.hits(text, text) == words_reference.hits(text, text)
    assert words_native.spaced_hits(text, text) == words_reference.spaced_hits(text, text)
    assert native.positions("un café au bar") == reference.positions("un café au bar")


def _at_word_starts(text, found):
    """The definition: occurrences at the text's start or after a character `\\w` does not match."""
    return [hit for hit in found if hit[1] == 0 or not is_word_char(text[hit[1] - 1])]


WORDY_TEXT = st.text(alphabet="abAB _1.-\n\u00e9\u2019\u2014\U0001f600", max_size=60)


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab _.-\u00e9\u2019", min_size=1, max_size=4), min_size=1, max_size=8),
    text=WORDY_TEXT,
    data=st.data(),
)
def test_word_start_literals_are_the_occurrences_at_word_starts(words, text, data):
    """`word_start`: the native automaton never follows a literal begun inside a word (non-ASCII word
    and non-word characters included: "é" is one, a curly quote or a dash is not); what it reports is
    exactly the plain automaton's occurrences that start a word, and the sources' path says the same."""
    native, reference = both(lambda: Literals(words, word_start=True))
    plain = Literals(words)
    assert native.positions(text) == _at_word_starts(text, plain.positions(text))
    assert native.positions(text) == reference.positions(text)
    pos = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(pos, len(text)))
    # From `pos`, a word starts only where one starts in the whole text.
    expected = sorted({start for _, start, stop in native.positions(text) if start >= pos and stop <= end})
    assert native.starts(text, pos, end) == expected == reference.starts(text, pos, end)


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(st.text(alphabet="ab .", min_size=1, max_size=6), min_size=1, max_size=8, unique=True),
    text=st.lists(
        st.sampled_from(["a", "b", "ab", "ba", " ", ".", "\u00e9", "\n", "_"]), min_size=260, max_size=500
    ).map("".join),
)
def test_word_start_walks_in_two_halves_start_the_second_as_the_text_does(words, text):
    """A long text is walked in two halves: the second starts inside a word when the middle is in one."""
    native, reference = both(lambda: Literals(words, word_start=True))
    assert native.starts(text, 0, len(text)) == reference.starts(text, 0, len(text))
    assert native.starts(text, 0, len(text)) == sorted({s for _, s, _ in native.positions(text)})


@settings(max_examples=400, deadline=None)
@given(
    words=st.lists(
        st.tuples(
            st.text(alphabet="abk", min_size=1, max_size=3),
            st.sampled_from(["", " ", "-", "  "]),
            st.text(alphabet="abk", max_size=3),
        ).map(lambda parts: "".join(parts).strip()),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    text=st.text(alphabet="aAbk- \n\t\r_1\u00e9\u2019@", max_size=50),
)
def test_spaced_walk_of_words_without_edge_spacing_is_the_haystacks(words, text):
    """Literals that neither begin nor end with a spacing character (every skill alias) take the walk
    whose table makes a run of spacing characters one space; hits and their starts as in the haystack
    `spaced` makes. Literals with a spacing run inside ("a  b") can never match there, nor here."""
    native, reference = both(lambda: WordAutomaton(words, not_before="@-"))
    lower = text.lower()
    haystack, starts, removed = spaced(lower)
    assert native.spaced_hits(lower, text) == reference.spaced_hits(lower, text)
    assert native.spaced_hits(lower, text) == reference.hits(haystack, text, (starts, removed))


@settings(max_examples=400, deadline=None)
@given(
    cased_words=st.lists(
        st.tuples(
            st.text(alphabet="aAbB", min_size=1, max_size=3),
            st.sampled_from(["", " "]),
            st.text(alphabet="aAbB", max_size=2),
        ).map(lambda parts: "".join(parts).strip()),
        min_size=1,
        max_size=5,
        unique=True,
    ),
    plain=st.lists(st.text(alphabet="ab", min_size=1, max_size=3), max_size=4, unique=True),
    text=st.text(alphabet="aAbB -\n\t_1\u00e9\u2019@", max_size=50),
)
@example(cased_words=["A b", "a"], plain=["b"], text="x A-b y, A\n \tb; a-b a")
def test_resolved_alias_hits_are_those_of_the_python_twin(cased_words, plain, text):
    """The alias pass as the skills run it: case-insensitive words and case-sensitive variants, each set
    resolved longest first; a variant counts only where the text has it as written, hyphens and runs of
    whitespace standing for its spaces."""
    words = list(dict.fromkeys(plain))
    cased = [[] for _ in words]
    for index, word in enumerate(cased_words):
        at = words.index(word.lower()) if word.lower() in words else len(words)
        if at == len(words):
            words.append(word.lower())
            cased.append([])
        cased[at].append(index)
    insensitive = len(dict.fromkeys(plain))
    native, reference = both(lambda: WordAutomaton(words, not_before="@-"))
    lower = text.lower()
    found = native.spaced_resolved(lower, text, insensitive, cased, cased_words)
    assert found == reference.spaced_resolved(lower, text, insensitive, cased, cased_words)
    for start, end, word in found[1]:
        assert " ".join(text[start:end].replace("-", " ").split()) == cased_words[word]


@settings(max_examples=200, deadline=None)
@given(
    words=st.lists(
        st.tuples(
            st.text(alphabet="ab", min_size=1, max_size=3),
            st.sampled_from(["", " ", "  "]),
            st.text(alphabet="ab", max_size=3),
        ).map(lambda parts: "".join(parts).strip()),
        min_size=1,
        max_size=6,
        unique=True,
    ),
    text=st.lists(
        st.sampled_from(["a", "b", "ab", "ba", " ", "  ", "-", "\n", " \n\t", "B", "_", "\u00e9", "."]),
        min_size=260,
        max_size=500,
    ).map("".join),
)
@example(words=["ab"], text="x" * 298 + " ab " + "y" * 298)  # a hit across the middle
@example(words=["a b", "b"], text="x" * 297 + " a  \n b " + "y" * 296)  # and a run of spacing across it
def test_long_texts_resolved_in_two_halves_lose_and_repeat_no_hit(words, text):
    """Past `SPLIT_MIN` characters the resolved alias pass walks two halves at once; hits across the
    middle, runs of spacing straddling it included, are found once, as the one walk finds them."""
    cased = [[] for _ in words]
    native, reference = both(lambda: WordAutomaton(words, not_before="@-"))
    lower = text.lower()
    found = native.spaced_resolved(lower, text, len(words), cased, [])
    assert found == reference.spaced_resolved(lower, text, len(words), cased, [])
    assert found[0] == longest_first(native.spaced_hits(lower, text))


def test_a_run_of_spacing_inside_an_alias_counts_as_its_space():
    native, reference = both(
        lambda: WordAutomaton(["machine learning", "learning", "ml ops"], not_before="@-")
    )
    text = "Machine -\n learning, ML  ops; machine\tlearning and machine-learning (not machine--learning-)"
    lower = text.lower()
    found = native.spaced_hits(lower, text)
    assert found == reference.spaced_hits(lower, text)
    # "learning" after a hyphen is not a word of its own (`not_before`).
    assert [text[start:end] for start, end, _ in found] == [
        "Machine -\n learning", "learning", "ML  ops", "machine\tlearning", "learning", "machine-learning",
        "machine--learning",
    ]  # fmt: skip


def _longest_first(hits):
    """The rule, spelled out: the longest at each start (the first given of equals), left to right,
    never overlapping."""
    best = {}
    for start, end, index in hits:
        if start not in best or end > best[start][0]:
            best[start] = (end, index)
    found, reach = [], -1
    for start in sorted(best):
        if start >= reach:
            found.append((start, *best[start]))
            reach = best[start][0]
    return found


@settings(max_examples=500, deadline=None)
@given(
    hits=st.lists(
        st.tuples(st.integers(0, 30), st.integers(1, 6), st.integers(0, 3)).map(
            lambda h: (h[0], h[0] + h[1], h[2])
        ),
        max_size=30,
    )
)
def test_longest_first_natively_is_the_rule(hits):
    found = _native.SCAN.longest_first(hits)
    assert found == _longest_first(hits)
    assert all(any(item is hit for hit in hits) for item in found)  # the tuples given, not copies


def test_the_scanner_refuses_what_it_cannot_build():
    with pytest.raises(ValueError, match="empty"):
        _native.SCAN.Automaton(["ok", ""])
    with pytest.raises(ValueError, match="one list of group numbers per literal"):
        _native.SCAN.Automaton(["a", "b"], [[0]])
    with pytest.raises(ValueError, match="needs groups"):
        _native.SCAN.Automaton(["a"], None, [0])
    with pytest.raises(ValueError, match=">= 0"):
        _native.SCAN.Automaton(["a"], [[0]], [-1])
    with pytest.raises(ValueError, match="without groups"):
        _native.SCAN.Automaton(["a"]).grouped("a")
    with pytest.raises(TypeError):
        _native.SCAN.Automaton(["a"]).positions(b"a")
    with pytest.raises(TypeError, match="list of"):
        _native.SCAN.longest_first([(1, 2)])


def test_the_scanner_checks_its_arguments():
    """Its methods parse their arguments themselves (METH_FASTCALL): counts and types as in Python."""
    automaton = _native.SCAN.Automaton(["ab", "b"], [[0], [1]])
    assert automaton.starts("xabb", 1, 3) == [1, 2]
    scan = automaton.grouped("xabb")
    assert (scan.starts(1), scan.starts(1, 3), scan.starts(0, 0, 2)) == ([2, 3], [3], [])
    with pytest.raises(TypeError, match="takes 1 to 3 arguments"):
        automaton.positions()
    with pytest.raises(TypeError, match="takes 1 to 3 arguments"):
        automaton.starts("a", 0, 1, 2)
    with pytest.raises(TypeError, match="argument 2 must be str"):
        automaton.word_hits("a", 1, "")
    with pytest.raises(TypeError, match="cannot be interpreted as an integer"):
        scan.starts("0")
    with pytest.raises(TypeError, match=r"takes 1 arguments \(0 given\)"):
        scan.spans()


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=12))
def test_native_lowering_is_str_lower(text):
    """`anchored.folded` in the compiled build: `str.lower` when it keeps the length, else None."""
    lower = text.lower()
    assert _native.SCAN.lower_kept(text) == (lower if len(lower) == len(text) else None)


def test_native_lowering_of_every_character_in_context():
    """Every code point between two letters and before a space: the final-sigma rule depends on the
    neighbours, and a lower case that narrows the string ("Ÿ" to "ÿ", Kelvin sign to "k") must give a
    string equal to `str.lower`'s."""
    lower_kept = _native.SCAN.lower_kept
    for code in range(0x110000):
        for text in (f"A{chr(code)}b", f"{chr(code)} "):
            lower = text.lower()
            assert lower_kept(text) == (lower if len(lower) == len(text) else None), hex(code)


@pytest.mark.parametrize("wide", ["é", "’", "\U0001f600"])
def test_native_lowering_of_ascii_runs_in_every_kind_and_alignment(wide):
    """ASCII runs are lowered a 64-bit word at a time (8, 4 or 2 characters by the text's kind): every
    ASCII character, the ones next to 'A' and 'Z' ('@', '[') included, at every offset in the word."""
    lower_kept = _native.SCAN.lower_kept
    every = "".join(chr(code) for code in range(128))
    for shift in range(9):
        text = "x" * shift + wide + every + "@AZ[" * 5 + wide + every[::-1] + "Q" * shift
        assert lower_kept(text) == text.lower(), (wide, shift)


@settings(max_examples=300, deadline=None)
@given(text=st.text(alphabet=st.sampled_from("AZaz@[`{09 .é’\U0001f600ŸİΣ\u212a"), max_size=80))
def test_native_lowering_of_longer_mixed_texts_is_str_lower(text):
    lower = text.lower()
    assert _native.SCAN.lower_kept(text) == (lower if len(lower) == len(text) else None)
