"""`python -m bench`: parsing throughput of the real Greenhouse boards against JSON decoding alone.

The baseline (json.loads of the same bytes) is measured in the same run, so the ratio is comparable
across machines. Needs ../shared beside the repository; says so and exits 0 when it is absent.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapers.base import ParseContext, get_source

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data" / "replay" / "greenhouse"
ROUNDS = 5


def best_of(rounds: int, work) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    files = sorted(SHARED.glob("*.json"))
    if not files:
        print(f"no recorded boards at {SHARED}; nothing to benchmark")
        return 0
    raw = [f.read_bytes() for f in files]
    source = get_source("greenhouse")
    ctx = ParseContext(board="bench", fetched_at=datetime.now(UTC))
    count = sum(len(json.loads(b)["jobs"]) for b in raw)

    baseline = best_of(ROUNDS, lambda: [json.loads(b) for b in raw])
    parsed = best_of(ROUNDS, lambda: [source.parse(json.loads(b), ctx) for b in raw])
    print(f"machine: {platform.machine()} {platform.python_implementation()} {platform.python_version()}")
    print(f"greenhouse parse: {count} postings in {parsed * 1000:.1f} ms = {count / parsed:,.0f} postings/s")
    print(f"ratio to json.loads alone: {parsed / baseline:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
