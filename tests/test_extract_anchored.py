"""`Anchored` must give exactly what `re` gives: same matches, same order, whatever the text.

The rules extractor's speed rests on trying patterns only where their leading literals occur; a wrong
literal set would silently drop matches, so every pattern the rules use is compared with plain `re`
on generated text seeded with the words those patterns look for.
"""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.rules import anchored, facts, location, role, salary, seniority, skills
from extract.rules.anchored import (
    SHARED,
    Anchored,
    SharedLiterals,
    fold,
    folded,
    literal_prefixes,
    opens_at_boundary,
    required_literal,
)
from extract.rules.patterns import Literals
from extract.rules.seniority import _MULTI_ROLE, _TITLE_RULES, _YEARS
from extract.rules.skills import _PREFERRED_INLINE, default_matcher

PATTERNS = [
    location._REMOTE,
    location._NOT_REMOTE,
    location._HYBRID,
    location._ONSITE,
    location._MUST_BE_IN,
    location._MANY_COUNTRIES,
    location._LOCATION_LABEL,
    location._BASED_PAIR,
    location._WEAK_COUNTRY,
    location._DAYS_IN_OFFICE,
    _YEARS,
    role._BUILD_ML,
    *(pattern for _, pattern in facts._EMPLOYMENT),
    salary._MONEY_AT,
    salary._NOT_BEFORE,
    salary._NOT_AFTER_CUE,
    salary._SALARY_WORDS,
    _PREFERRED_INLINE,
    _MULTI_ROLE,
    *(pattern for pattern, _ in _TITLE_RULES),
    role._AI_TITLE,
    role._NOT_AI_TITLE,
    role._NEVER_AI_TITLE,
    *(pattern for _, pattern in role._FAMILIES),
    *(pattern for pattern, _, _ in default_matcher()._patterns),
]
# Context rules of ambiguous skill names, run on the window around a match: anchored where they can be.
CONTEXT_RULES = [rule for _, *rules_ in default_matcher()._contexts.values() for rule in rules_ if rule]
WORDS = [
    "remote", "Remote", "fully-remote", "hybrid", "on-site", "onsite", "in office", "office", "2 days a week",
    "3 days per week in the office", "must be based in", "Germany", "US-based", "the US base salary range",
    "authorized to work in the US", "Location:", "location :", "EMEA", "worldwide", "5+ years of experience",
    "3-5 years", "building models", "train LLMs", "intern", "Contract", "full-time", "part time", "permanent",
    "agents", "LLM", "C", "C++", "c/c++", "monitoring models", "model monitoring", "İ", "ß", "\n", " ", ".",
    "-", "not remote", "or", "NYC-based", "Berlin", "working onsite", "k", "1", "4",
    "$150k", "USD 120,000", "€80.000", "up to", "starting at", "to", "CA$", "zł", "12 LPA", "-", "–",
    "Senior", "Staff ML Engineer", "AI Engineer", "Head of", "Product Manager", "is a plus", "nice-to-have",
    "Sales", "Recruiter", "Machine Learning", "Data Scientist", "Research Engineer", "II", "Sr.",
    "R&D", "Go to market", "golang", "C-level", "Series C", "Python", "SWIFT", "JavaScript", "programming",
    "raised", "in funding", "ARR", "per seat", "sign-on bonus", "401(k)", "base pay", "OTE", "donations",
    "Nice-to-have", "Requirements", "What you'll need", "It would be great", "ſkills", "Bonus points", "•",
    "ΟΔΟΣ", "agent", "monitor", "https://example.com/c++",
    "Company", "Cé", "C_", "C²", "C#", "C.", "CA", "Austin or Berlin-based", "Cloud or Edge based", "aBased",
]  # fmt: skip
texts = st.lists(st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), max_size=40).map("".join)


@pytest.fixture(autouse=True)
def _always_anchored():
    """Generated texts are short; patterns normally leave short texts to the plain regex. Here every
    text takes the anchored path, which is the one under test."""
    saved = [pattern._short for pattern in PATTERNS + CONTEXT_RULES]
    for pattern in PATTERNS + CONTEXT_RULES:
        pattern._short = 0
    yield
    for pattern, short in zip(PATTERNS + CONTEXT_RULES, saved, strict=True):
        pattern._short = short


@given(text=texts, start=st.integers(0, 30), span=st.one_of(st.none(), st.integers(0, 400)))
@settings(max_examples=150, deadline=None)
def test_anchored_finds_exactly_what_re_finds(text, start, span):
    end = None if span is None else start + span
    for pattern in PATTERNS + CONTEXT_RULES:
        regex = pattern.regex
        stop = len(text) if end is None else end
        expected = [(m.span(), m.groups()) for m in regex.finditer(text, start, stop)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(text, start, end)] == expected, regex.pattern
        first = regex.search(text, start, stop)
        found = pattern.search(text, start, end)
        assert (found and found.span()) == (first and first.span()), regex.pattern
        # The caller's lower case, as the context rules pass it (of another length with "İ": plain regex).
        lower = text.lower()
        assert [m.span() for m in pattern.finditer(text, start, end, lower=lower)] == [s for s, _ in expected]
        found = pattern.search(text, start, end, lower=lower)
        assert (found and found.span()) == (first and first.span()), regex.pattern
        # Told which groups of a registry the text holds, any registry's (only its own counts).
        for registry in (anchored.SHARED, anchored.FIELDS):
            found = pattern.search(text, start, end, presence=registry.presence(text))
            assert (found and found.span()) == (first and first.span()), regex.pattern


@given(text=texts, data=st.data())
@settings(max_examples=300, deadline=None)
def test_a_text_with_characters_made_spaces_is_searched_through_the_text_it_came_from(text, data):
    """Skill patterns run over the posting with its links blanked out and look for their literals in
    the posting as it was (`before`), whose shared pass is cached: the matches must be the blanked
    text's own, wherever the spaces fall (inside a literal, next to one, over a capital sigma)."""
    cut = sorted(data.draw(st.lists(st.integers(0, len(text)), max_size=6)))
    spans = list(zip(cut[::2], cut[1::2], strict=False))
    blanked = list(text)
    for begin, stop in spans:
        blanked[begin:stop] = " " * (stop - begin)
    made = "".join(blanked)
    for pattern in PATTERNS:
        expected = [(m.span(), m.groups()) for m in pattern.regex.finditer(made)]
        assert [(m.span(), m.groups()) for m in pattern.finditer(made, before=text)] == expected, (
            pattern.pattern
        )


def test_literals_with_a_space_made_by_blanking_are_found():
    """A literal holding a space ("in office") can occur only once a character became that space."""
    with_space = [(p, w) for p in PATTERNS for w in p.prefixes or () if " " in w]
    assert with_space, "no pattern literal holds a space: the case below tests nothing"
    for pattern, literal in with_space:
        text = "x " + literal.replace(" ", "#") + " 2 days in the office"
        made = text.replace("#", " ")
        expected = [m.span() for m in pattern.regex.finditer(made)]
        assert [m.span() for m in pattern.finditer(made, before=text)] == expected, (pattern.pattern, literal)


heading_texts = st.lists(
    st.sampled_from(
        ["Requirements", "Nice to have:", "  - Preferred", "Bonus points", "What you'll need", "Skills",
         "Python", "is a plus", "experience with PyTorch", "\n", "\n", "\n", " ", ":", "•", "ſkills", "İ",
         "x" * 40, " " * 35, "\t", "About you", "minimum", "Ideally"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


def _requirements_by_lines(text, positions):
    """The requirement levels by a walk over every line: the definition `_requirements_at` must meet."""
    cues = [match.start() for match in skills._PREFERRED_INLINE.regex.finditer(text)]
    levels, section, offset = {}, "unknown", 0
    for line in text.split("\n"):
        section = skills._heading(line) or section
        end = offset + len(line)
        for position in positions:
            if offset <= position <= end:
                levels[position] = "preferred" if any(offset <= cue <= end for cue in cues) else section
        offset = end + 1
    return levels


@given(text=heading_texts, data=st.data())
@settings(max_examples=400, deadline=None)
def test_requirement_levels_are_those_of_a_walk_over_every_line(text, data):
    """Only lines holding a heading word (from the shared pass) are checked for headings."""
    if not text:
        return
    positions = sorted(set(data.draw(st.lists(st.integers(0, len(text) - 1), min_size=1, max_size=8))))
    expected = _requirements_by_lines(text, positions)
    assert skills._requirements_at(text, positions) == [expected[position] for position in positions]


money_texts = st.lists(
    st.one_of(
        st.sampled_from(
            ["$", "US$", "usd", "USD", "Rs", "rs.", "€", "zł", "ZŁ", "K", "k", "\u212a", "MM", "Lpa", "L", "thousand",
             "1", "150", "120,000", ".5", " ", "\u00a0", "-", "–", " to ", "Up To ", "FROM ", "at least ", "+", "a",
             "ſ", "İ", "ı", "\n", "/yr"]
        ),
        st.text(max_size=3),
    ),
    max_size=24,
).map("".join)  # fmt: skip


@given(text=st.one_of(money_texts, texts))
@settings(max_examples=500, deadline=None)
def test_money_found_in_lower_case_is_what_ignoring_case_finds(text):
    """`salary._amounts` runs the lower-case pattern over the text's lower case where that keeps every
    offset (`folded`): the same amounts, read from the text as written, as the pattern ignoring case."""
    exact = folded(text)
    if exact is None:
        return
    expected = [salary.Amount(match, text) for match in salary._MONEY.finditer(text)]
    found = list(salary._amounts(text, 0, len(text), exact))
    groups = ["lead", "acur1", "anum", "ascale", "acur2", "bcur1", "bnum", "bscale", "bcur2", "plus"]
    assert [(a.start(), a.end(), [a.group(g) for g in groups]) for a in found] == [
        (a.start(), a.end(), [a.group(g) for g in groups]) for a in expected
    ], text


employer_texts = st.lists(
    st.sampled_from(
        ["ex-", "Ex-", "former ", "FORMER", "acq. by ", "acquired by ", "CEO", "cto", "co-founder", "Founder",
         "alumni", " ", "  ", "\n", "\t", "-", "a", "x", "İ", "é"]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@given(before=employer_texts, after=employer_texts)
@settings(max_examples=500, deadline=None)
def test_an_employer_name_is_checked_whenever_its_words_are_near(before, after):
    """`SkillMatcher.find` looks at `_employer` only where the shared pass has one of its words near the
    match (`_near`): wherever `_employer` says "employer", `_near` must have let it look."""
    text = before + "GitHub" + after
    found = skills.Found("github", len(before), len(before) + 6, "GitHub", "github")
    lower = fold(text)
    if len(lower) != len(text):
        return
    if skills._employer(text, lower, found):
        assert skills._near(SHARED.starts(lower, skills._EMPLOYER_CUES), found), text


office_texts = st.lists(
    st.sampled_from(
        ["2 days a week in the office", "3 DAYS per week on site", "4x per week at our office", "working onsite",
         "1 day in office", "Office", "days", "dayſ", "2", "3 ", "x", " ", "\n", ".", "per", "week", "in", "site"]
    ),
    max_size=20,
).map("".join)  # fmt: skip


@given(text=st.one_of(office_texts, texts), end=st.one_of(st.none(), st.integers(0, 200)))
@settings(max_examples=400, deadline=None)
def test_office_days_are_looked_for_whenever_the_pattern_can_match(text, end):
    """`remote_policy` tries `_DAYS_IN_OFFICE` only where "office" or "days" is."""
    if location._DAYS_IN_OFFICE.regex.search(text, 0, len(text) if end is None else end):
        assert location._says_office_days(text, end), text


@given(text=texts)
@settings(max_examples=300, deadline=None)
def test_the_not_pay_cue_is_there_whenever_the_not_pay_pattern_matches(text):
    """`salary._NOT_AFTER` runs only where `_NOT_AFTER_CUE` finds one of its nouns: a cue it lacks
    would let funding and headcounts through as pay."""
    if salary._NOT_AFTER.search(text):
        assert salary._NOT_AFTER_CUE.search(text), text


@given(text=texts)
@settings(max_examples=300, deadline=None)
def test_a_heading_is_never_skipped_by_its_opening_check(text):
    """`skills._requirements_at` tries the heading pattern only on lines `_maybe_heading` lets through."""
    from extract.rules.skills import _HEADING, _maybe_heading

    for line in [text, *text.split("\n")]:
        stripped = line.strip()
        if _HEADING.match(stripped):
            assert _maybe_heading(stripped), stripped


def test_most_rules_patterns_are_anchored_on_literals():
    """The point of the exercise: patterns that can be anchored are, with the literals expected."""
    assert Anchored(r"(?i)\bpart[- ]time\b").prefixes == ("part tim", "part-tim")
    assert Anchored(r"(?<![\w])c/c\+\+").prefixes == ("c/c++",)
    assert literal_prefixes(re.compile(r"\d+ years")) is None  # starts with a class of ten
    assert required_literal(re.compile(r"(?i)\d+\s*years?")) == ("year", 1, -1)  # unbounded: a gate only
    assert required_literal(re.compile(r"(?i)\d{1,2}\s{0,3}years?")) == ("year", 1, 5)
    anchored = sum(p.prefixes is not None or p.required is not None for p in PATTERNS)
    assert anchored == len(PATTERNS)


@given(
    words=st.lists(
        st.sampled_from(
            [
                "model",
                "models",
                " ",
                "  ",
                "performance",
                "monitoring",
                "Monitoring",
                "x",
                "\n",
                "-",
                "monitor",
            ]
        ),
        max_size=14,
    ),
    data=st.data(),
)
@settings(max_examples=300, deadline=None)
def test_a_pattern_is_not_tried_where_a_literal_every_match_holds_is_missing(words, data):
    """ "model" opens many texts, "monitoring" closes few: the openings are not tried where it is
    absent from the window searched, and nothing is lost where it is there, at either edge included."""
    for flags in (0, re.IGNORECASE):
        pattern = Anchored(r"\bmodels?\s+(?:performance\s+)?monitoring\b", flags)
        assert pattern._gate == "monitoring"
        text = "".join(words)
        pos = data.draw(st.integers(0, len(text)))
        end = data.draw(st.integers(pos, len(text)))
        expected = [m.span() for m in pattern.regex.finditer(text, pos, end)]
        assert [m.span() for m in pattern.finditer(text, pos, end)] == expected
        found, first = pattern.search(text, pos, end), pattern.regex.search(text, pos, end)
        assert (found and found.span()) == (first and first.span())
        if "monitoring" not in (text.lower() if flags else text)[pos:end]:
            assert pattern.candidates(text, pos, end) == []


def test_a_wide_class_past_the_first_character_ends_a_literal():
    """Currency codes then a digit, then a separator...: the combinations would grow past the limit and
    every literal be cut short ("co" for "cop", a start at every "company"); the digit ends them instead."""
    currencies = ["usd", "eur", "cop", "cad", "inr", "chf", "gbp", "sek", "nok", "zar", "try", "pln"]
    pattern = re.compile(r"(?i)(?:" + "|".join(currencies) + r")\s?[0-9][,.]?[0-9]?[0-9]?[- ]?[0-9]?k?")
    assert literal_prefixes(pattern) == tuple(sorted(currencies))
    money = salary._MONEY_AT.prefixes
    assert money is not None and {"cop", "inr", "usd", "from", "0", "$"} <= set(money)
    assert not {"co", "in", "us"} & set(money)


@pytest.mark.parametrize(
    ("text", "evidence"),
    [
        ("We build LLM-powered tools", "LLM-powered"),
        ("We build LLM powered tools", "LLM powered"),
        ("Strong machine\n\nlearning background", "machine\n\nlearning"),
        ("Strong machine -\n learning background", "machine -\n learning"),
        ("Ünïcödé İstanbul team doing machine learning", "machine learning"),
    ],
)
def test_aliases_match_across_hyphens_and_line_breaks_with_exact_evidence(text, evidence):
    found = [f for f in default_matcher().find(text) if f.text == evidence]
    assert found, default_matcher().find(text)
    assert text[found[0].start : found[0].end] == evidence


def test_aliases_inside_links_and_words_are_not_skills():
    found = {
        f.skill_id for f in default_matcher().find("see https://pytorch.org/docs or github.com/scala, dehtml")
    }
    assert found == set()
    found = {f.skill_id for f in default_matcher().find("PyTorch (pytorch.org) and Scala")}
    assert found == {"pytorch", "scala"}


literal_words = st.sampled_from(["remote", "re", "mote", "c++", "ai", "a?", "zürich", "ß"])


@given(
    text=st.lists(st.one_of(literal_words, st.text(max_size=4)), max_size=30).map("".join),
    words=st.lists(literal_words, min_size=1, max_size=4, unique=True),
)
@settings(max_examples=200, deadline=None)
def test_literals_find_every_occurrence_whatever_the_script(text, words):
    """Non-ASCII text is searched as ASCII bytes with "?" for every other character: that must find
    exactly the occurrences `str.find` finds, including next to accented letters and a literal "?"."""
    expected = sorted(
        (index, at)
        for index, word in enumerate(words)
        for at in range(len(text))
        if text.startswith(word, at)
    )
    found = sorted((index, start) for index, start, _ in Literals(words).positions(text))
    assert found == expected


@given(
    text=st.lists(st.one_of(literal_words, st.text(max_size=4)), max_size=30).map("".join),
    pos=st.integers(0, 20),
    end=st.integers(-1, 60),
)
@settings(max_examples=200, deadline=None)
def test_shared_literals_give_each_pattern_its_own_occurrences_in_a_window(text, pos, end):
    shared = SharedLiterals(shortest=3)
    mine = shared.register(["remote", "mote"])
    shared.register(["c++", "zürich"])  # someone else's literals, in the same pass
    stop = len(text) if end < 0 else end
    expected = sorted(
        at
        for word in ("remote", "mote")
        for at in range(pos, len(text))
        if text.startswith(word, at) and at + len(word) <= stop
    )
    assert shared.starts(text, mine, pos, end) == expected
    assert shared.starts(text, mine, pos, end) == expected  # from the kept scan


def test_a_lower_case_of_another_length_falls_back_to_the_regex():
    """'İ' lowers to two characters: offsets in such a lower case are not the text's."""
    text = "İİİ İstanbul office; this role is fully remote, or hybrid"
    for pattern in (location._REMOTE, location._HYBRID):
        pattern_spans = [m.span() for m in pattern.finditer(text, lower=text.lower())]
        assert pattern_spans == [m.span() for m in pattern.regex.finditer(text)] != []


@pytest.mark.parametrize(
    ("pattern", "opens"),
    [
        (r"\bremote\b", True),
        (r"(?i)\b(fully remote|remote first)", True),
        (r"\bfoo|\bbar", True),
        (r"(?:\bfoo|bar)", False),
        (r"(?:\bx)?y", False),
        (r"x\b", False),
        (r"^\W*location", False),
    ],
)
def test_patterns_opening_with_a_word_boundary_skip_literals_inside_words(pattern, opens):
    assert opens_at_boundary(re.compile(pattern)) is opens
    anchored = Anchored(pattern, short=0)
    text = "xremote remote foox foo barbar bar y xy"
    assert [m.span() for m in anchored.finditer(text)] == [m.span() for m in re.finditer(pattern, text)]


label_texts = st.lists(
    st.sampled_from(
        ["Location:", "location :", "LOCATIONS:", "Job ", "job\n", "location", "\n", " ", "•", "-", ":",
         "Berlin", "Remote", "İ", "x", "\t"]
    ),
    max_size=25,
).map("".join)  # fmt: skip


@given(text=st.one_of(label_texts, texts), end=st.integers(0, 120))
@settings(max_examples=400, deadline=None)
def test_the_location_label_is_found_as_the_plain_search_finds_it(text, end):
    found = location._label_match(text, end)
    expected = location._LOCATION_LABEL.regex.search(text, 0, end)
    assert (found and (found.group(1), found.end())) == (expected and (expected.group(1), expected.end()))


verb_object_texts = st.lists(
    st.sampled_from(
        ["build", "Building ", "fine-tuning", "fine-tuning-based ", "researching", "own", "shipping", "models",
         "ML", "machine learning", "AI agents", "ai features", "RAG", "html", "storage", ".", "\n", " ", "-",
         "x" * 25, "and the ", "İ", "é"]
    ),
    max_size=30,
).map("".join)  # fmt: skip


@given(text=verb_object_texts, times=st.integers(1, 3))
@settings(max_examples=400, deadline=None)
def test_builds_models_counts_what_the_plain_pattern_finds(text, times):
    text = text * 4  # past the length below which the plain pattern runs anyway
    expected = sum(1 for _ in itertools.islice(role._BUILD_ML.regex.finditer(text, 0, 8000), times)) == times
    assert role._builds_models(text, times) == expected


@pytest.mark.parametrize("text", ["my ſkills", "ſkills", "kıt and skills", "İstanbul skills"])
def test_characters_that_ignore_case_matches_to_ascii_letters_are_not_missed(text):
    """`re` ignoring case matches "ſ" to "s" and "ı" to "i"; their lower case keeps them."""
    for pattern in (r"(?i)\bskills\b", r"(?i)\bkit\b", r"(?i)skills"):
        anchored = Anchored(pattern, short=0)
        assert [m.span() for m in anchored.finditer(text)] == [m.span() for m in re.finditer(pattern, text)]


def test_a_lower_case_twin_is_refused_for_a_pattern_that_keeps_case():
    """A twin matched over the lower case stands in only for a pattern that ignores case: for one that
    keeps it, the lower case would find matches the pattern itself never does."""
    with pytest.raises(ValueError, match="ignores case"):
        Anchored(r"\bPyTorch\b", lowered=r"\bpytorch\b")
    twin = Anchored(r"\bPyTorch\b", re.IGNORECASE, lowered=r"\bpytorch\b")
    text = "We use PYTORCH and pytorch."
    found = list(twin.finditer(text, lower=text.lower(), spans_only=True))
    assert [m.span() for m in found] == [(7, 14), (19, 26)]
    assert [m.string for m in found] == [text.lower()] * 2  # matched over the lower case
    assert [m.group() for m in twin.finditer(text, lower=text.lower())] == ["PYTORCH", "pytorch"]


def test_lower_cases_are_cached_by_text_and_bounded():
    """A text's lower case is made once while it stays among the last `CACHED_TEXTS` texts (the shared
    pass recognises lower cases by identity, so a new one would scan again); an equal text that is
    another object gets an equal lower case; the cache never holds more than `CACHED_TEXTS` texts."""
    from extract.rules import anchored

    body = "".join(["Senior ML Engineer, Berlin. ", "PyTorch and CUDA. " * 40])
    first = folded(body)
    assert first == body.lower()
    assert folded(body) is first
    twin = "".join(["Senior ML Engineer, Berlin. ", "PyTorch and CUDA. " * 40])
    assert twin is not body and folded(twin) == first
    assert folded("İstanbul") is None and folded("ıi") is None  # offsets moved, or case traps
    for n in range(anchored.CACHED_TEXTS + 10):
        folded(f"Text number {n}")
    assert len(anchored._LOWERED) <= anchored.CACHED_TEXTS
    assert folded(f"Text number {anchored.CACHED_TEXTS + 9}") == f"text number {anchored.CACHED_TEXTS + 9}"


def test_by_identity_keeps_the_last_objects_put_in():
    """The caches of lower cases and shared passes: the newest `size` objects are found, by identity only,
    and the oldest goes first, however many come through."""
    from extract.rules.anchored import ByIdentity

    kept: ByIdentity[int] = ByIdentity(3)
    texts = [f"text {n}" * 3 for n in range(10)]
    for n, text in enumerate(texts):
        kept.put(text, n)
        assert len(kept) == min(n + 1, 3)
        assert [kept.get(t) is not None for t in texts[: n + 1]] == [m > n - 3 for m in range(n + 1)]
    assert kept.get(texts[-1]) == (texts[-1], 9)
    assert kept.get("".join(["text 9"] * 3)) is None  # equal, but another object
    kept.put(texts[-1], 90)  # kept already: a new value in the same place, nothing dropped
    assert kept.get(texts[-1]) == (texts[-1], 90) and len(kept) == 3
    assert [kept.get(t) is not None for t in texts[-3:]] == [True, True, True]
    for n in range(3):  # and the ring still drops one entry for each new one
        kept.put(f"new {n}" * 2, n)
        assert len(kept) == 3
    # A miss then a put of the same object (how the caches fill) skips looking again; a put after another
    # object's miss, or of an object kept meanwhile, still finds it kept and drops nothing.
    fresh, other = "fresh" * 3, "other" * 3
    assert kept.get(fresh) is None and kept.get(other) is None
    kept.put(other, 1)
    kept.put(other, 2)
    kept.put(fresh, 3)
    assert kept.get(other) == (other, 2) and kept.get(fresh) == (fresh, 3) and len(kept) == 3
    for n in range(3):
        kept.put(f"last {n}" * 2, n)  # evicting every entry once: a ring slot held twice would fail here
    assert len(kept) == 3


def test_a_literal_followed_by_no_word_character_is_read_off_the_pattern():
    """`literal_then_no_word`: a literal opening every match, then a lookahead refusing a word character
    (the C pattern's shape): a "C" found before a letter, digit or underscore starts no match."""
    from extract.rules.anchored import literal_then_no_word

    c_pattern = next(a for a, skill, _ in default_matcher()._patterns if skill.id == "c")
    assert literal_then_no_word(c_pattern.regex) == 1
    assert literal_then_no_word(re.compile(r"(?<!x)foo(?![\w.])")) == 3
    assert literal_then_no_word(re.compile(r"(?i)foo(?!\w|bar)")) == 3
    assert literal_then_no_word(re.compile(r"\bfoo\b")) == 0  # a boundary, not a lookahead
    assert literal_then_no_word(re.compile(r"foo(?=\w)")) == 0  # a lookahead that wants one
    assert literal_then_no_word(re.compile(r"foo(?![.])")) == 0  # refuses no word character
    assert literal_then_no_word(re.compile(r"(?:foo|bar)(?!\w)")) == 0  # not one literal
    assert literal_then_no_word(re.compile(r"(?a)foo(?!\w)")) == 0  # ASCII \w: not `str.isalnum`
    # A regex given an end position sees the text stop there: the "C" of "Company" cut after it matches.
    for end in (1, 2, None):
        expected = [m.span() for m in c_pattern.regex.finditer("Company", 0, 7 if end is None else end)]
        assert [m.span() for m in c_pattern.finditer("Company", 0, end)] == expected
    assert expected == [] and [m.span() for m in c_pattern.finditer("Company", 0, 1)] == [(0, 1)]


period_tails = st.lists(
    st.sampled_from(
        ["/hr", "/h", " p/h", "per hour", "hourly", " an hour", "/ day", "daily", "diem", " a week", "wk", "weekly",
         " per month", "mo", "mth", " a year", "yr", "annum", "annually", "p.a.", "pa", "ann", " base", "Salary",
         "GROSS", "each ", " ", "  ", "\n", "-", ".", "/", "İ", "ſ", "HOUR", "Hr", "x", "1"]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@given(tail=st.one_of(period_tails, st.text(max_size=30)))
@settings(max_examples=500, deadline=None)
def test_the_periods_in_one_pattern_are_the_first_in_the_list_that_matches(tail):
    """`salary._PERIOD_AT_START` tries the periods' patterns in one call: the period it names is the first
    of `_PERIODS`, in order, whose own pattern finds a match in the text after an amount."""
    expected = next((period for pattern, period in salary._PERIODS if pattern.search(tail)), None)
    stated = salary._PERIOD_AT_START.match(tail)
    assert (stated and stated.lastgroup) == expected, tail


year_texts = st.lists(
    st.one_of(
        st.sampled_from(
            ["5+ years of experience", "3-5 years", "2 to 4 YEARS", "1 TO 2 years of experience", "10+ years'", "1.5 years", "٣ years", "year",
             "years", " experience", " in ", "2023", ".", "-", "–", "+", " ", "\n", "To", "o", "t", "x", "12",
             "7", "ſ", "İ", "of ", "hands-on", "Years’ ", "\u00a0", "building"]
        ),
        st.text(max_size=4),
    ),
    max_size=30,
).map("".join)  # fmt: skip


@given(text=year_texts)
@example(text="over 2023 5 + 2 years of experience")
@example(text="1-3 x 4 years in")
@example(text="2 to 4 years of experience")  # the range's "to" is part of the span before "year"
@settings(max_examples=400, deadline=None)
def test_years_asked_are_the_years_pattern_matches(text):
    """`years_of_experience` tries `_YEARS` only at the starts of digit runs in the run of characters
    before a "year" that a match can span: it must find exactly what `re.finditer` finds."""
    assert seniority._years_asked(text) == [match.span(1) for match in _YEARS.regex.finditer(text)]


link_texts = st.lists(
    st.sampled_from(
        ["https://", "http://x", "www.", "example", ".com", ".io", "/path", ".ai", "pytorch.org", " ", "\n", "\t",
         "\r", "\u00a0", "a", "-", "(", ")", "Go", "C++", ".", "/"]
    ),
    max_size=25,
).map("".join)  # fmt: skip


@given(text=link_texts)
@settings(max_examples=300, deadline=None)
def test_links_blanked_are_the_link_pattern_in_each_token(text):
    """`_blank_links` looks for links only in the token (run without " ", newline or tab) around each cue
    of the shared pass: the spaces it leaves are those of the link pattern run over every token."""
    spans, offset = [], 0
    for token in re.split(r"([ \n\t])", text):
        spans.extend((offset + m.start(), offset + m.end()) for m in skills._URL.finditer(token))
        offset += len(token)
    expected = "".join(" " if any(a <= i < b for a, b in spans) else c for i, c in enumerate(text))
    blanked, lower = skills._blank_links(text, fold(text))
    assert blanked == expected
    assert lower == fold(expected)
