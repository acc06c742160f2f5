"""Regex building blocks shared by the rules extractors."""

from __future__ import annotations

import re


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
