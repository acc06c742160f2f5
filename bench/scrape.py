"""Scraping 100 Greenhouse-shaped boards spread over 10 loopback hosts that each add 150 ms of latency.

Reports the first run's wall time against the ideal that the per-host limits allow (every host works in
parallel, each bounded by its rate limit and concurrency cap), then a second run's share of conditional
hits (304) and how many extractions it caused (should be none: nothing changed).
"""

from __future__ import annotations

import asyncio
import json
import math
import tempfile
import time
from pathlib import Path

from scrapers.base import BoardConfig
from scrapers.http import ClientSettings
from scrapers.relevance import RelevanceFilter
from skillradar.backends import rules_backend
from skillradar.pipeline import extract_postings, scrape_boards
from skillradar.replay import ReplayServer
from warehouse.db import connect

HOSTS = 10
BOARDS_PER_HOST = 10
JOBS_PER_BOARD = 20
LATENCY = 0.150


def _board(host: int, board: int) -> bytes:
    jobs = [
        {"id": host * 100_000 + board * 100 + j, "title": f"Machine Learning Engineer {j}",
         "absolute_url": f"https://example.invalid/{host}/{board}/{j}", "location": {"name": "Berlin, Germany"},
         "content": "&lt;p&gt;Python, PyTorch and Kubernetes. Salary €80.000 - €100.000 per year.&lt;/p&gt;"}
        for j in range(JOBS_PER_BOARD)
    ]  # fmt: skip
    return json.dumps({"jobs": jobs}).encode()


def ideal_seconds(requests_per_host: int, settings: ClientSettings) -> float:
    """The fastest a host can be served within its limits: rate-bound after the initial burst, or
    concurrency-bound, plus one response's latency."""
    burst = max(1, int(settings.per_host_rate))
    by_rate = max(0, requests_per_host - burst) / settings.per_host_rate
    by_concurrency = math.ceil(requests_per_host / settings.per_host_concurrency) * LATENCY
    return max(by_rate + LATENCY, by_concurrency)


def main() -> dict[str, float]:
    servers, boards = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for host in range(HOSTS):
            root = Path(tmp) / f"host{host}"
            (root / "greenhouse").mkdir(parents=True)
            for b in range(BOARDS_PER_HOST):
                (root / "greenhouse" / f"b{host}-{b}.json").write_bytes(_board(host, b))
            server = ReplayServer(root, host=f"127.0.0.{host + 2}", latency=LATENCY).start()
            servers.append(server)
            base = f"{server.url}/greenhouse"
            boards += [
                BoardConfig("greenhouse", f"b{host}-{b}", base_url=base) for b in range(BOARDS_PER_HOST)
            ]
        settings = ClientSettings(cache_dir=Path(tmp) / "cache", respect_robots=False)
        con = connect(Path(tmp) / "bench.duckdb")
        backend = rules_backend()
        started = time.perf_counter()
        first = asyncio.run(scrape_boards(con, boards, relevance=RelevanceFilter(), client_settings=settings))
        wall = time.perf_counter() - started
        extracted_first = extract_postings(con, backend.extract_batch, backend.key).stored
        second = asyncio.run(
            scrape_boards(con, boards, relevance=RelevanceFilter(), client_settings=settings)
        )
        extracted_second = extract_postings(con, backend.extract_batch, backend.key).stored
        con.close()
        for server in servers:
            server.stop()
    ideal = ideal_seconds(BOARDS_PER_HOST, settings)
    hits = second.stats.not_modified / max(1, second.stats.requests)
    failed = len(first.failed) + len(second.failed)
    print(
        f"scrape: {len(boards)} boards on {HOSTS} hosts (+{LATENCY * 1000:.0f} ms each): {wall:.2f} s vs ideal "
        f"{ideal:.2f} s = {wall / ideal:.2f}x (target <= 1.3x); second run: {hits:.0%} conditional hits "
        f"(target >= 90%), {extracted_second} extractions (target 0; first run {extracted_first}); {failed} failures"
    )
    return {
        "scrape_ratio": wall / ideal,
        "conditional_hits": hits,
        "second_run_extractions": extracted_second,
    }


if __name__ == "__main__":
    main()
