"""Marts at scale: a warehouse of synthetic postings (1M by default, `BENCH_POSTINGS` to change) generated in
DuckDB, then `build` (marts + publish) timed in a child process whose peak memory is read from the OS, then
the p95 latency of the dashboard's queries on the snapshot. Baseline: a plain aggregate over the same rows.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

from warehouse import queries
from warehouse.db import connect
from warehouse.marts import Filters
from warehouse.publish import open_snapshot

_SKILL_WORDS = (
    "python sql pytorch tensorflow docker kubernetes aws gcp azure llm rag langchain langgraph llamaindex "
    "pinecone weaviate pgvector embeddings fine_tuning mlops mlflow spark airflow kafka machine_learning "
    "deep_learning nlp computer_vision statistics scikit_learn pandas numpy fastapi react typescript go rust "
    "cpp java scala prompt_engineering ai_agents openai_api anthropic_api hugging_face vllm ray terraform "
    "git linux ci_cd rest_api postgresql redis snowflake databricks llm_evaluation generative_ai"
)
SKILLS = tuple(_SKILL_WORDS.split(" "))
REGIONS = ("North America", "EU/EEA", "UK & Ireland", "India", "APAC", "Latin America", "Europe other",
           "Middle East & Africa", "Remote-global")  # fmt: skip
SENIORITY = ("intern", "junior", "mid", "senior", "staff_plus", "manager", "unknown")


def generate(db: Path, n: int) -> None:
    con = connect(db)
    con.execute("SET memory_limit = '8GB'")  # generating is not what is measured; the build keeps the default
    skills = ", ".join(f"'{s}'" for s in SKILLS)
    regions = ", ".join(f"'{r}'" for r in REGIONS)
    levels = ", ".join(f"'{s}'" for s in SENIORITY)
    con.execute(f"""
        INSERT INTO postings
        SELECT 'bench:b' || (i % 500) || ':' || i, 'bench', 'b' || (i % 500), i::VARCHAR, 'Company ' || (i % 5000),
               'Machine Learning Engineer ' || (i % 97), NULL, NULL, 'Synthetic benchmark posting ' || i, NULL,
               TIMESTAMP '2026-10-31' - INTERVAL (i % 180) DAY, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
               true, 'bench', md5(i::VARCHAR), TIMESTAMP '2026-11-01', TIMESTAMP '2026-11-01', NULL,
               'bench:b' || (i % 500) || ':' || i, NULL
        FROM range({n}) t(i)""")  # fmt: skip
    con.execute(f"""
        INSERT INTO extractions
        SELECT md5('x' || i), 'bench:b' || (i % 500) || ':' || i, 'rules', 'bench', '', '', md5(i::VARCHAR),
               TIMESTAMP '2026-11-01', true,
               ([{levels}])[1 + (i % 7)], NULL, 'US', ([{regions}])[1 + (hash(i) % 9)::BIGINT], NULL, 'remote',
               i % 10 <> 0, 'ml_engineering',
               CASE WHEN i % 3 = 0 THEN NULL ELSE 60000 + (hash(i * 7) % 200000) END,
               CASE WHEN i % 3 = 0 THEN NULL ELSE 90000 + (hash(i * 7) % 200000) END,
               CASE WHEN i % 3 = 0 THEN NULL ELSE 'USD' END, CASE WHEN i % 3 = 0 THEN NULL ELSE 'year' END,
               CASE WHEN i % 3 = 0 THEN NULL WHEN i % 2 = 0 THEN 'published' ELSE 'text' END, false,
               CASE WHEN i % 3 = 0 THEN NULL ELSE 60000 + (hash(i * 7) % 200000) END,
               CASE WHEN i % 3 = 0 THEN NULL ELSE 90000 + (hash(i * 7) % 200000) END,
               0, 0, 0, 0, NULL, '{{}}'
        FROM range({n}) t(i)""")  # fmt: skip
    con.execute(f"""
        INSERT INTO posting_skills
        SELECT DISTINCT md5('x' || i), 'bench:b' || (i % 500) || ':' || i,
               ([{skills}])[1 + (hash(i * 31 + k) % {len(SKILLS)})::BIGINT], 'required', 'bench'
        FROM range({n}) t(i), range(8) s(k)""")  # fmt: skip
    con.close()


BUILD = "from pathlib import Path; from typer.testing import CliRunner; from skillradar.cli import app; " \
        "r = CliRunner().invoke(app, ['build', '--db', {db!r}]); assert r.exit_code == 0, r.output"  # fmt: skip


def main() -> dict[str, float]:
    n = int(os.environ.get("BENCH_POSTINGS", "1000000"))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        started = time.perf_counter()
        generate(db, n)
        generated = time.perf_counter() - started
        con = duckdb.connect(str(db))
        started = time.perf_counter()
        con.execute(
            "SELECT extractor, region, count(*), median(annual_max_usd) FROM extractions GROUP BY ALL"
        ).fetchall()
        baseline = time.perf_counter() - started
        con.close()
        started = time.perf_counter()
        subprocess.run([sys.executable, "-c", BUILD.format(db=str(db))], check=True)
        built = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        snap = open_snapshot(db)
        calls = {
            "overview": lambda f: queries.overview(snap, f),
            "skill_shares": lambda f: queries.skill_shares(snap, f),
            "salary_bands": lambda f: queries.salary_bands(snap, f),
            "salary_points": lambda f: queries.salary_points(snap, f).height,
            "phase_demand": lambda f: queries.phase_demand(snap, "algeriatech-8-month", f),
            "search": lambda f: queries.search_postings(snap, f, "Engineer 42"),
            "cooccurrence": lambda f: queries.cooccurrence(snap, f),
        }
        timings = []
        by_call: dict[str, float] = {}
        for filters in (
            Filters(),
            Filters(region="EU/EEA"),
            Filters(seniority="senior", region="North America"),
        ):
            for name, call in calls.items():
                started = time.perf_counter()
                call(filters)
                timings.append(time.perf_counter() - started)
                by_call[name] = max(by_call.get(name, 0.0), timings[-1])
        snap.close()
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        f"marts: {n:,} postings (generated in {generated:.1f} s); build + publish {built:.1f} s "
        f"({built / baseline:.0f}x one aggregate over the extractions, {baseline * 1000:.0f} ms; target <= 60 s); "
        f"peak memory {peak_mb:,.0f} MB (target <= 2,048); dashboard queries p95 {p95 * 1000:.0f} ms "
        f"(target <= 250 ms); slowest per query: "
        + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in sorted(by_call.items(), key=lambda kv: -kv[1]))
    )
    return {"build_s": built, "peak_mb": peak_mb, "query_p95_ms": p95 * 1000}


if __name__ == "__main__":
    main()
