"""HTML to clean text, shared by every source.

Greenhouse sends its `content` entity-escaped (`&lt;p&gt;`), HN escapes slashes, aggregators mix
HTML and plain text: everything goes through `html_to_text` so extraction sees one kind of text.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

_BLOCK_BREAK = re.compile(
    r"<\s*(br|/p|/div|/h[1-6]|/tr|/ul|/ol|/section|/article|/blockquote|/pre|/table|hr)\b[^>]*>",
    re.IGNORECASE,
)
_PARAGRAPH_OPEN = re.compile(r"<\s*(p|div|h[1-6]|ul|ol|table|section|pre)\b[^>]*>", re.IGNORECASE)
_LIST_ITEM = re.compile(r"<\s*li\b[^>]*>", re.IGNORECASE)
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u2000-\u200b\u202f\u205f\u3000]+")
_MANY_BLANK_LINES = re.compile(r"\n{3,}")


def unescape_if_escaped(markup: str) -> str:
    """Undo one level of entity escaping when the markup arrived escaped (no real tags, escaped ones)."""
    if "&lt;" in markup and "<" not in markup:
        return html.unescape(markup)
    return markup


def collapse_whitespace(text: str) -> str:
    """Collapse runs of spaces inside lines and runs of blank lines; strip every line."""
    lines = [_INLINE_SPACE.sub(" ", line).strip() for line in text.replace("\r", "\n").split("\n")]
    return _MANY_BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def html_to_text(markup: str | None) -> str:
    """Visible text of an HTML fragment: entities decoded, scripts and styles dropped, blocks on lines."""
    if not markup:
        return ""
    markup = unescape_if_escaped(markup)
    if "<" not in markup:
        return collapse_whitespace(html.unescape(markup))
    markup = _LIST_ITEM.sub("\n- ", markup)
    markup = _BLOCK_BREAK.sub("\n", markup)
    markup = _PARAGRAPH_OPEN.sub("\n", markup)
    tree = LexborHTMLParser(markup)
    for node in tree.css("script, style, noscript, template"):
        node.decompose()
    root = tree.body if tree.body is not None else tree.root
    text = root.text(deep=True, separator="", strip=False) if root is not None else ""
    return collapse_whitespace(text)


def clean_line(value: object) -> str | None:
    """A short single-line field (title, company, location): decoded, tags removed, one line, or None."""
    if value is None:
        return None
    text = str(value)
    if "<" in text or "&" in text:
        text = html_to_text(text)
    text = " ".join(text.split())
    return text or None
