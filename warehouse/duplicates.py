"""Cross-source duplicates: one company's postings with the same title and near-identical text share a dup_group.

A posting's block is its `dup_key` (normalised company and title), stored with it when it is loaded. Groups never
cross blocks, so a load groups again only the blocks that a new or changed posting joined or left, in its own
transaction: the groups are those of grouping the whole warehouse, at the cost of what the load brought in.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable

import duckdb
import polars as pl

_WORD = re.compile(r"[a-z0-9]+")
_PARENS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
SIMILARITY = 0.85


def normalise_company(company: str | None) -> str:
    text = (company or "").lower()
    text = re.sub(r"\b(inc|llc|ltd|gmbh|corp|corporation|co|company|plc|sa|ag|bv)\b\.?", " ", text)
    return "".join(_WORD.findall(text))


def normalise_title(title: str | None) -> str:
    return " ".join(_WORD.findall(_PARENS.sub(" ", (title or "").lower())))


def shingles(text: str | None, size: int = 3) -> frozenset[int]:
    words = _WORD.findall((text or "").lower())
    if len(words) < size:
        return frozenset({hash(" ".join(words))})
    return frozenset(
        int.from_bytes(hashlib.blake2b(" ".join(words[i : i + size]).encode(), digest_size=8).digest(), "big")
        for i in range(len(words) - size + 1)
    )


def jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def cluster(items: Iterable[tuple[str, str | None]], threshold: float = SIMILARITY) -> dict[str, str]:
    """Group near-identical texts: the connected components of the pairs whose shingles' Jaccard similarity
    is at least `threshold`; each id maps to the smallest id of its group.

    Not every pair is compared (200,000 same-titled postings would be 2 * 10^10 pairs): identical texts are
    grouped by their shingle set, and the rest meet through an index on each set's rarest shingles, the
    prefix filter of Bayardo et al.'s All-Pairs: two sets with Jaccard >= t must share one of the first
    |s| - ceil(t * |s|) + 1 shingles of each, in one global order. The groups are exactly the same."""
    parent: dict[str, str] = {}

    def root(pid: str) -> str:
        while parent[pid] != pid:
            parent[pid] = parent[parent[pid]]
            pid = parent[pid]
        return pid

    def join(a: str, b: str) -> None:
        first, second = sorted((root(a), root(b)))
        parent[second] = first

    same_text: dict[frozenset[int], str] = {}
    for pid, text in items:
        parent[pid] = pid
        sample = shingles(text)
        if sample in same_text:
            join(same_text[sample], pid)
        else:
            same_text[sample] = pid
    distinct = list(same_text.items())
    frequency = Counter(token for sample, _ in distinct for token in sample)
    index: dict[int, list[int]] = defaultdict(list)
    for position, (sample, pid) in enumerate(distinct):
        ordered = sorted(sample, key=lambda token: (frequency[token], token))
        prefix = len(sample) - math.ceil(threshold * len(sample)) + 1
        candidates = {other for token in ordered[:prefix] for other in index[token]}
        for token in ordered[:prefix]:
            index[token].append(position)
        for other in candidates:
            other_sample, other_pid = distinct[other]
            if root(pid) != root(other_pid) and jaccard(sample, other_sample) >= threshold:
                join(pid, other_pid)
    return {pid: root(pid) for pid in parent}


def dup_key(company: str | None, title: str | None) -> str | None:
    """The block a posting is compared within; None (compared with nothing) without a company or a title."""
    company_key, title_key = normalise_company(company), normalise_title(title)
    return f"{company_key}|{title_key}" if company_key and title_key else None


def regroup(con: duckdb.DuckDBPyConnection, keys: Iterable[str] | None = None) -> None:
    """Group again the postings of the blocks `keys` (every block when None), inside the caller's transaction:
    a load and the grouping it calls for commit together, so no crash between them leaves groups stale."""
    if keys is None:
        rows = con.execute(
            "SELECT posting_id, dup_key, description_text FROM postings WHERE dup_key IS NOT NULL"
        ).fetchall()
    else:
        wanted = pl.DataFrame({"dup_key": sorted(set(keys))}, schema={"dup_key": pl.String})
        con.register("regrouping", wanted)
        try:
            rows = con.execute(
                """SELECT posting_id, dup_key, description_text FROM postings
                   WHERE dup_key IN (SELECT dup_key FROM regrouping)"""
            ).fetchall()
        finally:
            con.unregister("regrouping")
    blocks: dict[str, list[tuple[str, str | None]]] = defaultdict(list)
    for posting_id, key, text in sorted(rows):
        blocks[key].append((posting_id, text))
    groups: dict[str, str] = {}
    for members in blocks.values():
        groups.update(cluster(members))
    frame = pl.DataFrame(
        {"posting_id": list(groups), "dup_group": list(groups.values())},
        schema={"posting_id": pl.String, "dup_group": pl.String},
    )
    con.register("dup_groups", frame)
    try:
        con.execute(
            """UPDATE postings SET dup_group = d.dup_group FROM dup_groups d
               WHERE postings.posting_id = d.posting_id AND postings.dup_group <> d.dup_group"""
        )
    finally:
        con.unregister("dup_groups")


def shared_postings(con: duckdb.DuckDBPyConnection) -> int:
    """How many postings of the warehouse share a duplicate group with another."""
    (shared,) = con.execute(
        """SELECT count(*) FROM postings WHERE dup_group IN
               (SELECT dup_group FROM postings GROUP BY dup_group HAVING count(*) > 1)"""
    ).fetchone() or (0,)
    return int(shared)


def assign_dup_groups(con: duckdb.DuckDBPyConnection) -> int:
    """Group every posting again, in one transaction (loads keep groups current; this is for a warehouse
    whose postings were changed by other means). Returns how many postings share a group with another."""
    con.begin()
    try:
        regroup(con)
    except duckdb.Error:
        con.rollback()
        raise
    con.commit()
    return shared_postings(con)
