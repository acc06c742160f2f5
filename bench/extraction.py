"""`python -m bench`: throughput of the pure cores, each against a baseline measured in the same run.

- Greenhouse parsing of the two real boards, against `json.loads` of the same bytes.
- Rules extraction of the real pool (../shared/data/pool.jsonl), against HTML-to-text alone (the floor):
  postings extracted together, as the pipeline does (`rules.extract_many`), and one at a time.
Needs ../shared beside the repository; says so and skips a benchmark when its data is absent.
Ratios, not seconds, are the result: they compare across machines. Not part of `make test`.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
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
    """Rules extraction of the pool against the floor, in this process (whichever build it loaded):
    postings extracted together (`extract_many`, what the pipeline runs) and one at a time (`extract`)."""
    postings = [
        PostingInput.model_validate(json.loads(line))
        for line in pool.read_text(encoding="utf-8").splitlines()
    ]
    # One untimed pass: taxonomy, places and the exchange-rate tables load lazily on first use.
    started = time.perf_counter()
    rules.extract_many(postings)
    warm = time.perf_counter() - started
    # The floor and the extractions alternate every 100 postings and each round's totals are compared:
    # this machine's speed drifts by a third within a minute, and fine alternation exposes both to the
    # same drift. The round with the median ratio is kept. Each timed pass over the pool starts with the
    # rules' caches empty (`rules.clear_caches`) and extracts every posting once, as a run does: the
    # titles and locations met earlier in the pass are found in them, those of the pass before are not.
    # Postings extracted together (`extract_many`, what the pipeline runs) and one at a time (`extract`)
    # are timed in passes of their own, each against its own floor.
    rounds = []
    for _ in range(ROUNDS):
        totals = []
        for extract in (rules.extract_many, lambda chunk: [rules.extract(p) for p in chunk]):
            rules.clear_caches()
            floor = work = 0.0
            for start in range(0, len(postings), 100):
                chunk = postings[start : start + 100]
                floor += best_of(1, lambda chunk=chunk: [html_to_text(p.description) for p in chunk])
                work += best_of(1, lambda chunk=chunk, extract=extract: extract(chunk))
            totals.append((floor, work))
        (floor, full), (single_floor, single) = totals
        rounds.append((full / floor, floor, full, single * floor / single_floor))
    ratios = sorted(rounds)
    _, floor, full, single = ratios[len(rounds) // 2]
    return {
        "postings": len(postings), "floor": floor, "full": full, "single": single, "warm": warm,
        "low": ratios[0][0], "high": ratios[-1][0],
    }  # fmt: skip


def bench_rules_extraction() -> None:
    pool = SHARED / "data/pool.jsonl"
    if not pool.is_file():
        print("rules extraction: no pool in ../shared; skipped")
        return
    compiled = measure_rules(pool)
    build = (
        "compiled: mypyc and the native scanner"
        if rules.NATIVE
        else "pure Python: no fresh `make native` build"
    )
    print(
        f"rules extraction ({build}): {compiled['postings']:.0f} postings, "
        f"{compiled['postings'] / compiled['full']:,.0f} postings/s on one core; "
        f"{compiled['full'] / compiled['floor']:.2f}x the HTML-to-text floor (rounds {compiled['low']:.2f}-"
        f"{compiled['high']:.2f}x; the floor alone {compiled['postings'] / compiled['floor']:,.0f} postings/s) "
        f"(targets: >= 2,000 postings/s, <= 3x); first pass incl. one-time loads {compiled['warm']:.1f} s"
    )
    print(
        f"rules extraction one posting at a time (`extract`, same rounds): "
        f"{compiled['postings'] / compiled['single']:,.0f} postings/s; {compiled['single'] / compiled['floor']:.2f}x "
        f"the floor; extracting {rules.BATCH} together takes {compiled['full'] / compiled['single']:.2f}x its time"
    )
    if rules.NATIVE:  # the same measurement of the sources, in a fresh process, for the before/after
        done = subprocess.run(
            [sys.executable, "-m", "bench.extraction", "--rules-json"],
            env={**os.environ, "SKILLRADAR_NATIVE": "0"},
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            last = (done.stderr.strip().splitlines() or ["no output"])[-1]
            print(f"rules extraction (pure Python): the comparison run failed ({last}); skipped")
            return
        pure = json.loads(done.stdout)
        print(
            f"rules extraction (pure Python, same run): {pure['postings'] / pure['full']:,.0f} postings/s; "
            f"{pure['full'] / pure['floor']:.1f}x the floor; the compiled build takes "
            f"{(compiled['full'] / compiled['floor']) / (pure['full'] / pure['floor']):.2f}x its time"
        )  # each against its own floor: the two processes run a minute apart, at different speeds


def main() -> int:
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}; "
          f"{datetime.now(UTC):%Y-%m-%d}")  # fmt: skip
    bench_greenhouse()
    bench_rules_extraction()
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--rules-json"]:
        print(json.dumps(measure_rules(SHARED / "data/pool.jsonl")))
        sys.exit(0)
    sys.exit(main())
