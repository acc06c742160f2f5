"""`python -m bench`: throughput of the pure cores, each against a baseline measured in the same run.

- Greenhouse parsing of the two real boards, against `json.loads` of the same bytes.
- Rules extraction of the real pool (../shared/data/pool.jsonl), against HTML-to-text alone (the floor).
  The bound: at least 500 postings/s on one core, pure Python.
Needs ../shared beside the repository; says so and skips a benchmark when its data is absent.
Ratios, not seconds, are the result: they compare across machines. Not part of `make test`.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from extract import rules
from extract.schema import PostingInput
from scrapers.base import ParseContext, get_source
from scrapers.text import html_to_text

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
ROUNDS = 5


def best_of(rounds: int, work: Callable[[], object]) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def bench_greenhouse() -> None:
    files = sorted((SHARED / "data/replay/greenhouse").glob("*.json"))
    if not files:
        print("greenhouse parse: no recorded boards in ../shared; skipped")
        return
    raw = [f.read_bytes() for f in files]
    source = get_source("greenhouse")
    ctx = ParseContext(board="bench", fetched_at=datetime.now(UTC))
    count = sum(len(json.loads(b)["jobs"]) for b in raw)
    baseline = best_of(ROUNDS, lambda: [json.loads(b) for b in raw])
    parsed = best_of(ROUNDS, lambda: [source.parse(json.loads(b), ctx) for b in raw])
    print(
        f"greenhouse parse: {count} postings, {count / parsed:,.0f} postings/s; {parsed / baseline:.1f}x json.loads"
    )


def measure_rules(pool: Path) -> dict[str, float]:
    """Rules extraction of the pool against the floor: postings a second, and the ratio of the two."""
    postings = [
        PostingInput.model_validate(json.loads(line))
        for line in pool.read_text(encoding="utf-8").splitlines()
    ]
    # One untimed pass: taxonomy, places and the exchange-rate tables load lazily on first use.
    started = time.perf_counter()
    rules.extract_many(postings)
    warm = time.perf_counter() - started
    # The floor and the extraction alternate every 100 postings and each round's totals are compared: a
    # shared machine's speed drifts within a minute, and fine alternation exposes both to the same drift.
    # The round with the median ratio is kept.
    rounds = []
    for _ in range(ROUNDS):
        floor = work = 0.0
        for start in range(0, len(postings), 100):
            chunk = postings[start : start + 100]
            floor += best_of(1, lambda chunk=chunk: [html_to_text(p.description) for p in chunk])
            work += best_of(1, lambda chunk=chunk: rules.extract_many(chunk))
        rounds.append((work / floor, floor, work))
    ratios = sorted(rounds)
    _, floor, work = ratios[len(rounds) // 2]
    return {"postings": len(postings), "floor": floor, "work": work, "warm": warm,
            "low": ratios[0][0], "high": ratios[-1][0]}  # fmt: skip


def bench_rules_extraction() -> None:
    pool = SHARED / "data/pool.jsonl"
    if not pool.is_file():
        print("rules extraction: no pool in ../shared; skipped")
        return
    found = measure_rules(pool)
    print(
        f"rules extraction: {found['postings']:.0f} postings, {found['postings'] / found['work']:,.0f} postings/s "
        f"on one core (bound: >= 500); {found['work'] / found['floor']:.1f}x the HTML-to-text floor (rounds "
        f"{found['low']:.1f}-{found['high']:.1f}x; the floor alone {found['postings'] / found['floor']:,.0f} "
        f"postings/s); first pass incl. one-time loads {found['warm']:.1f} s"
    )


def main() -> int:
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}; "
          f"{datetime.now(UTC):%Y-%m-%d}")  # fmt: skip
    bench_greenhouse()
    bench_rules_extraction()
    return 0


if __name__ == "__main__":
    sys.exit(main())
