"""Property-based tests: the salary parser and text normalisation on generated input."""

from __future__ import annotations

import json
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from extract.rules.phrases import PhraseIndex
from extract.rules.posting import fold
from extract.rules.salary import parse_number, parse_salary
from scrapers.text import collapse_whitespace, html_to_text

# Base pay above 1M a year is read as a total-compensation "market range" and rejected on purpose.
pay = st.integers(min_value=20, max_value=600).map(lambda k: k * 1000)


def _group(value: int, sep: str) -> str:
    return f"{value:,}".replace(",", sep)


@given(low=pay, extra=st.integers(min_value=1, max_value=300).map(lambda k: k * 1000))
@settings(max_examples=200, deadline=None)
def test_written_ranges_parse_back_exactly(low, extra):
    high = low + extra
    forms = [
        (f"${low // 1000}k - ${high // 1000}k", "USD"),
        (f"${_group(low, ',')} - ${_group(high, ',')} per year", "USD"),
        (f"{_group(low, '.')} € – {_group(high, '.')} € per year", "EUR"),
        (f"CHF {_group(low, chr(39))} to {_group(high, chr(39))}", "CHF"),
        (f"£{low // 1000}K–£{high // 1000}K", "GBP"),
    ]
    for text, currency in forms:
        salary = parse_salary(f"Compensation: {text}.")
        assert salary is not None, text
        assert (salary.min, salary.max, salary.currency, salary.period) == (low, high, currency, "year"), text


@given(st.text(max_size=400))
@settings(max_examples=300, deadline=None)
def test_salary_parser_never_raises_and_keeps_order(text):
    salary = parse_salary(text)
    if salary is not None:
        assert salary.min is None or salary.max is None or salary.min <= salary.max
        assert salary.min is not None or salary.max is not None


@given(amount=st.integers(min_value=1, max_value=900), unit=st.sampled_from(["M", "million", "B", "billion"]))
def test_funding_amounts_are_never_salaries(amount, unit):
    assert parse_salary(f"We raised ${amount}{unit} from investors.") is None
    assert parse_salary(f"The company has ${amount} {unit} in annual revenue.") is None


@given(st.integers(min_value=1000, max_value=10_000_000))
def test_thousands_separators_of_every_locale(value):
    for sep in (",", ".", "'", " ", "\u00a0"):
        assert parse_number(_group(value, sep)) == value


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_text_normalisation_is_clean_and_stable(text):
    once = html_to_text(text)
    assert once == once.strip()
    assert "\n\n\n" not in once
    assert html_to_text(once) == html_to_text(html_to_text(once))


# What `collapse_whitespace` means, written as the regexes it replaced (they were 6x slower).
_SPEC_INLINE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")


def _collapse_spec(text: str) -> str:
    lines = [_SPEC_INLINE.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


# Every character str.strip, str.split or the spec treat as a space, with words around them.
_SPACEY = st.text(
    st.sampled_from(
        [" ", "\t", "\f", "\v", "\n", "\r", "\x1c", "\x85", "\u00a0", "\u1680", "\u2028", "\u202f", "\u205f"]
        + [chr(c) for c in range(0x2000, 0x200D)] + ["\u3000", "\ufeff", "a", "é", "字", "😀"]
    ),
    max_size=60,
)  # fmt: skip


@given(_SPACEY)
@settings(max_examples=500, deadline=None)
@example("a \u00a0 b\r\n\r\n\r\nc\u200b\n")
def test_collapse_whitespace_is_the_regex_spec(text):
    assert collapse_whitespace(text) == _collapse_spec(text)


def test_collapse_whitespace_is_the_regex_spec_on_the_pool(shared):
    for line in (shared / "data/pool.jsonl").read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["description"] or ""
        assert collapse_whitespace(text) == _collapse_spec(text)


@given(
    st.lists(
        st.sampled_from(
            ["<p>", "</p>", "<b>", "</b>", "<br>", "<li>", "word", "&amp;", " ", "<script>x</script>"]
        ),
        max_size=30,
    )
)
def test_markup_never_leaks_into_text(parts):
    text = html_to_text("".join(parts))
    assert "<script" not in text and "<p>" not in text and "<b>" not in text


# What `PhraseIndex` finds in spaced matching, written as the regex alternation it stands for: longest
# phrase first, each a whole word, a phrase's space matching any run of spaces, tabs, line breaks and hyphens.
def _spec(phrases: list[str], text: str) -> list[tuple[int, int]]:
    def one(phrase: str) -> str:
        return r"[ \t\n\r-]+".join(re.escape(word) for word in phrase.split(" "))

    words = sorted(phrases, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w@-])(?:" + "|".join(one(w) for w in words) + r")(?!\w)", re.IGNORECASE)
    return [m.span() for m in pattern.finditer(text)]


_PHRASES = ["machine learning", "learning", "go", "r", "ml ops", "c++", "gpt-4", "ai"]


@given(
    st.lists(
        st.sampled_from(["machine", "Learning", "learning", "go", "R", "r", "ml", "ops", "ai", "c++", "gpt", "4",
                         " ", "  ", "-", "\n", "\t", "@", "x", "é", ".", ","]),
        max_size=25,
    ).map("".join)
)  # fmt: skip
@example("machine-\n learning")
@example("ex-go r@ai ml  ops")
@settings(max_examples=500, deadline=None)
def test_phrases_are_found_as_the_regex_alternation_finds_them(text):
    # Hyphens inside a phrase are spacing in spaced matching: the phrases are given as the index reads them.
    index = PhraseIndex([p.replace("-", " ") for p in _PHRASES], spaced=True, not_preceded_by="@-")
    found = [(start, end) for start, end, _ in index.find(text, fold(text))]
    assert found == _spec([p.replace("-", " ") for p in _PHRASES], text)
