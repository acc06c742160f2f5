"""The `rules` backend: deterministic, offline and fast; the embedded default extractor."""

from __future__ import annotations

import gc
from collections.abc import Sequence

from extract.rules._native import NATIVE as NATIVE  # first: compiled modules if fresh, else sources
from extract.rules._native import WHY_PURE as WHY_PURE
from extract.rules.anchored import forget
from extract.rules.facts import MAX_CHARS as MAX_CHARS
from extract.rules.facts import VERSION as VERSION
from extract.rules.facts import employment_type as employment_type
from extract.rules.facts import extract_batch
from extract.schema import PostingFacts, PostingInput

# Which build runs, for run summaries and warnings: the compiled one is about twice as fast.
BUILD = "compiled" if NATIVE else f"pure Python ({WHY_PURE})"
# Postings extracted rule by rule together (`extract_many`): enough to reload each rule's tables once
# for many postings, few enough that what the rules share about each posting stays cached (100 postings,
# up to 600 texts: `anchored.CACHED_TEXTS`). 64 took 3.30x the floor where 32 took 3.41x; later, 100 took
# 3.03-3.04x where 64 took 3.06-3.08x. The pipeline extracts 200 at a time: two batches.
BATCH = 100


def clear_caches() -> None:
    """Empty every cache the rules keep between postings: lower cases and shared passes (by identity,
    `anchored.CACHED_TEXTS`), the results for titles and locations met before, the validated mentions.
    Records never depend on them; `bench` empties them so that each pass it times starts as a run does."""
    forget()


def extract(posting: PostingInput) -> PostingFacts:
    """Extract one posting with the rules backend."""
    return extract_many([posting])[0]


def extract_many(postings: Sequence[PostingInput]) -> list[PostingFacts]:
    """Extract postings with the rules backend, `BATCH` at a time, each rule over the whole batch before
    the next: the same records as `extract` gives one by one, in order, in about a seventh less time
    (0.83-0.85x over the pool with batches of 64 or 100; 32 gave 0.89x; `make bench` measures both).

    Each rule reads its own tables (automata of hundreds of skill aliases and literals, place names, pay
    patterns): posting by posting, the rules push one another's tables out of the core's cache. What the
    rules share about one posting (its lower case, the shared literal pass) is cached for at least a
    batch (`anchored.CACHED_TEXTS`).
    """
    facts: list[PostingFacts] = []
    # The rules make no reference cycles (none over the whole pool: tests/test_extract_rules.py), yet
    # the thousands of small lists and tuples they make a posting start the cycle collector every few
    # hundred allocations: 7% of the time. It is paused here and restored as it was.
    collecting = gc.isenabled()
    gc.disable()
    try:
        for start in range(0, len(postings), BATCH):
            facts.extend(extract_batch(postings[start : start + BATCH]))
    finally:
        if collecting:
            gc.enable()
    return facts
