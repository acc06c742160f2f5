"""What the rules read of one posting, worked out once: its fields, their lower cases, its lines, and the
text the skill rules read with its links blanked out."""

from __future__ import annotations

import re
from dataclasses import dataclass

from extract.schema import PostingInput

# Longer descriptions are pasted pages or junk; their first 200k characters hold the posting.
MAX_CHARS = 200_000

# Over lower-cased text.
_LINK = re.compile(r"\bhttps?://\S+|\bwww\.\S+|\b[\w-]+\.(?:com|io|ai|co|org|net|dev|app|run)(?:/\S*)?")


def fold(text: str) -> str:
    """`text` lower-cased character by character, so that every offset into it is one into `text` ("İ",
    whose lower case is two characters, stays as it is)."""
    lower = text.lower()
    if len(lower) == len(text):
        return lower
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def links(lower: str) -> list[tuple[int, int]]:
    """Where the links of a lower-cased text are."""
    return [link.span() for link in _LINK.finditer(lower)]


def blank(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span replaced by as many spaces, so that the offsets of everything else stay put."""
    pieces, last = [], 0
    for start, end in spans:
        pieces += [text[last:start], " " * (end - start)]
        last = end
    return "".join([*pieces, text[last:]])


def blank_links(text: str) -> str:
    """`text` with every link blanked out: a link is not a skill ("langchain.com")."""
    return blank(text, links(fold(text)))


def lines(text: str) -> list[tuple[int, str]]:
    """(offset, line) of every line of `text`."""
    found = []
    offset = 0
    for line in text.split("\n"):
        found.append((offset, line))
        offset += len(line) + 1
    return found


@dataclass(frozen=True)
class Posting:
    """One posting as the rules see it. Rules that only answer yes or no read the lower cases, with
    patterns written in lower case; rules that keep words (evidence, a place, an amount) read the text as
    written. `text` is what skills are read from: the description, or the title when there is none."""

    source: PostingInput
    title: str
    body: str
    location: str
    title_lower: str
    body_lower: str
    location_lower: str
    text: str
    lines: list[tuple[int, str]]  # (offset, line) of `text` lower-cased
    linkless: str  # `text` with links blanked
    linkless_lower: str  # its `fold`

    @classmethod
    def of(cls, posting: PostingInput) -> Posting:
        title = posting.title or ""
        body = (posting.description or "")[:MAX_CHARS]
        location = posting.location or ""
        title_lower, body_lower = fold(title), fold(body)
        text, lower = (body, body_lower) if body else (title, title_lower)
        spans = links(lower)
        return cls(
            source=posting, title=title, body=body, location=location, title_lower=title_lower,
            body_lower=body_lower, location_lower=fold(location), text=text, lines=lines(lower),
            linkless=blank(text, spans), linkless_lower=blank(lower, spans),
        )  # fmt: skip


def posting(title: str = "", description: str = "", location: str | None = None, **fields: object) -> Posting:
    """A `Posting` of the given fields, for callers holding strings rather than a `PostingInput`."""
    return Posting.of(
        PostingInput.model_validate(
            {"id": "posting", "title": title, "description": description, "location": location, **fields}
        )
    )
