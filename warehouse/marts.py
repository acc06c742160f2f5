"""Marts: what the dashboard and the report commands show, built in DuckDB from postings and extractions.

Everything is computed over relevant (AI-role), de-duplicated postings: one row per duplicate group,
the open copy first. `base_postings` and `base_skills` hold that population with the fields the filters
need (week, region, seniority, role family), so every mart can also be recomputed under a filter
(`Filters`) at query time; `build_marts` materialises the unfiltered versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import duckdb

MIN_CELL = 8  # a salary cell with fewer postings is flagged, never shown as a fact
MIN_SIDE = 5  # skill lift needs this many postings with and without the skill in a cell
RECENT_WEEKS = 4


@dataclass(frozen=True)
class Filters:
    """The filters every mart takes: a date window, region, seniority and role family."""

    since: date | None = None
    until: date | None = None
    region: str | None = None
    seniority: str | None = None
    role: str | None = None

    def where(self, alias: str = "p") -> tuple[str, list[object]]:
        clauses: list[str] = ["TRUE"]
        params: list[object] = []
        for column, value in (
            ("region", self.region),
            ("seniority", self.seniority),
            ("role_family", self.role),
        ):
            if value:
                clauses.append(f"{alias}.{column} = ?")
                params.append(value)
        if self.since:
            clauses.append(f"{alias}.seen_on >= ?")
            params.append(self.since)
        if self.until:
            clauses.append(f"{alias}.seen_on <= ?")
            params.append(self.until)
        return " AND ".join(clauses), params


BASE_POSTINGS = """
CREATE OR REPLACE TABLE base_postings AS
WITH current AS (
    SELECT * FROM extractions WHERE is_current AND extractor = ?
), joined AS (
    SELECT p.posting_id, p.dup_group, p.source, p.board, p.company, p.title, p.location, p.url,
           p.description_text, p.closed_at IS NULL AS is_open,
           CAST(coalesce(p.posted_at, p.first_seen) AS DATE) AS seen_on,
           date_trunc('week', coalesce(p.posted_at, p.first_seen)) AS week,
           p.first_seen, p.last_seen, p.closed_at, p.is_relevant,
           e.is_ai_role, coalesce(e.region, 'Unknown') AS region, e.country,
           coalesce(e.seniority, 'unknown') AS seniority, coalesce(e.role_family, 'other') AS role_family,
           e.remote, e.salary_min, e.salary_max, e.salary_currency, e.salary_period, e.salary_source,
           e.annual_min_usd, e.annual_max_usd,
           CASE WHEN e.annual_min_usd IS NOT NULL AND e.annual_max_usd IS NOT NULL
                THEN (e.annual_min_usd + e.annual_max_usd) / 2
                ELSE coalesce(e.annual_min_usd, e.annual_max_usd) END AS pay_usd,
           CASE WHEN e.salary_period IS NULL THEN NULL ELSE
               (CASE WHEN e.salary_min IS NOT NULL AND e.salary_max IS NOT NULL
                     THEN (e.salary_min + e.salary_max) / 2 ELSE coalesce(e.salary_min, e.salary_max) END)
               * CASE e.salary_period WHEN 'hour' THEN 2080 WHEN 'day' THEN 260 WHEN 'week' THEN 52
                                      WHEN 'month' THEN 12 ELSE 1 END END AS pay_local,
           e.extraction_id
    FROM postings p JOIN current e USING (posting_id)
), kept AS (
    SELECT * FROM joined
    WHERE is_ai_role
    QUALIFY row_number() OVER (PARTITION BY dup_group ORDER BY is_open DESC, posting_id) = 1
)
-- posting_no: a small integer key; grouping and joining on it is far cheaper than on the text id
SELECT *, (row_number() OVER (ORDER BY posting_id))::INTEGER AS posting_no FROM kept
"""

# The filter columns are copied onto every skill row, so filtered skill marts scan one table, not a join.
BASE_SKILLS = """
CREATE OR REPLACE TABLE base_skills AS
SELECT b.posting_id, b.posting_no, s.skill_id, s.requirement, b.region, b.seniority, b.role_family, b.seen_on,
       b.week, b.pay_usd, s.evidence
FROM base_postings b JOIN posting_skills s USING (extraction_id)
ORDER BY b.posting_no
"""


def build_base(con: duckdb.DuckDBPyConnection, extractor: str = "rules") -> int:
    """(Re)build the population every mart reads; returns its size."""
    con.execute(BASE_POSTINGS, [extractor])
    con.execute(BASE_SKILLS)
    return int(con.execute("SELECT count(*) FROM base_postings").fetchall()[0][0])


def skill_demand_sql(filters: Filters) -> tuple[str, list[object]]:
    """Share of postings asking for each skill, by week."""
    where, params = filters.where()
    return (
        f"""
        WITH pop AS (SELECT * FROM base_postings p WHERE {where}),
        weekly AS (SELECT week, count(*) AS postings FROM pop GROUP BY week)
        SELECT pop.week, s.skill_id, count(*) AS postings_with, w.postings,
               count(*) / w.postings AS share
        FROM pop JOIN base_skills s USING (posting_id) JOIN weekly w ON w.week = pop.week
        GROUP BY pop.week, s.skill_id, w.postings
        ORDER BY pop.week, share DESC
        """,
        params,
    )


def skill_share_sql(filters: Filters) -> tuple[str, list[object]]:
    """Overall share per skill, plus the change between the last weeks and the weeks before (rising/falling).

    `base_skills` carries the week and every filter column, so the skills are counted without a join
    back to the postings (half the time under a filter on a million postings)."""
    where, params = filters.where()
    return (
        f"""
        WITH pop AS (SELECT week FROM base_postings p WHERE {where}),
        edge AS (SELECT max(week) - INTERVAL {RECENT_WEEKS} WEEK AS cut FROM pop),
        totals AS (
            SELECT count(*) AS n,
                   count(*) FILTER (WHERE week > (SELECT cut FROM edge)) AS n_recent,
                   count(*) FILTER (WHERE week <= (SELECT cut FROM edge)
                                    AND week > (SELECT cut FROM edge) - INTERVAL {RECENT_WEEKS} WEEK) AS n_before
            FROM pop)
        SELECT p.skill_id, count(*) AS postings, count(*) / any_value(t.n) AS share,
               count(*) FILTER (WHERE p.week > (SELECT cut FROM edge)) AS asked_recent,
               count(*) FILTER (WHERE p.week <= (SELECT cut FROM edge)
                                AND p.week > (SELECT cut FROM edge) - INTERVAL {RECENT_WEEKS} WEEK) AS asked_before,
               any_value(t.n_recent) AS n_recent, any_value(t.n_before) AS n_before,
               count(*) FILTER (WHERE p.week > (SELECT cut FROM edge)) / nullif(any_value(t.n_recent), 0) AS share_recent,
               count(*) FILTER (WHERE p.week <= (SELECT cut FROM edge)
                                AND p.week > (SELECT cut FROM edge) - INTERVAL {RECENT_WEEKS} WEEK)
                   / nullif(any_value(t.n_before), 0) AS share_before
        FROM base_skills p, totals t
        WHERE {where}
        GROUP BY p.skill_id
        ORDER BY share DESC, p.skill_id
        """,
        params + params,
    )


def salary_bands_sql(
    filters: Filters, by_role: bool = False, published_only: bool = False
) -> tuple[str, list[object]]:
    """Region x seniority (x role) pay percentiles in annual USD and in the cell's dominant local currency."""
    where, params = filters.where()
    role = ", role_family" if by_role else ""
    published = " AND salary_source = 'published'" if published_only else ""
    return (
        f"""
        WITH pop AS (SELECT * FROM base_postings p WHERE {where} AND pay_usd IS NOT NULL{published}),
        dominant AS (
            SELECT region, seniority{role}, salary_currency AS currency
            FROM pop GROUP BY region, seniority{role}, salary_currency
            QUALIFY row_number() OVER (PARTITION BY region, seniority{role} ORDER BY count(*) DESC, salary_currency) = 1
        )
        SELECT pop.region, pop.seniority{", pop.role_family" if by_role else ""}, count(*) AS n,
               count(*) FILTER (WHERE salary_source = 'published') AS n_published,
               count(*) FILTER (WHERE salary_source = 'text') AS n_text,
               quantile_cont(pay_usd, 0.10) AS p10, quantile_cont(pay_usd, 0.25) AS p25,
               quantile_cont(pay_usd, 0.50) AS p50, quantile_cont(pay_usd, 0.75) AS p75,
               quantile_cont(pay_usd, 0.90) AS p90,
               any_value(d.currency) AS local_currency,
               quantile_cont(pay_local, 0.50) FILTER (WHERE salary_currency = d.currency) AS local_p50,
               quantile_cont(pay_local, 0.25) FILTER (WHERE salary_currency = d.currency) AS local_p25,
               quantile_cont(pay_local, 0.75) FILTER (WHERE salary_currency = d.currency) AS local_p75,
               count(*) < {MIN_CELL} AS small_n
        FROM pop JOIN dominant d USING (region, seniority{role})
        GROUP BY pop.region, pop.seniority{", pop.role_family" if by_role else ""}
        ORDER BY pop.region, pop.seniority
        """,
        params,
    )


# Skill pairs, skills and postings counted once per (region, seniority, role family) cell at build time:
# co-occurrence under those filters then sums a few thousand cells instead of self-joining millions of
# skill rows. A date window cuts across cells, so it still reads the skill rows.
CELLS = {
    "cooccurrence_cells": """
        SELECT a.region, a.seniority, a.role_family, a.skill_id AS skill_a, b.skill_id AS skill_b,
               count(*) AS both_count
        FROM base_skills a JOIN base_skills b ON a.posting_no = b.posting_no AND a.skill_id < b.skill_id
        GROUP BY ALL""",
    "skill_cells": """
        SELECT region, seniority, role_family, skill_id, count(*) AS c FROM base_skills GROUP BY ALL""",
    "population_cells": """
        SELECT region, seniority, role_family, count(*) AS n FROM base_postings GROUP BY ALL""",
}


def cooccurrence_sql(filters: Filters, min_support: int = 3) -> tuple[str, list[object]]:
    """Skill pairs asked together: support (share of postings with both) and lift over independence."""
    where, params = filters.where()
    if filters.since is None and filters.until is None:
        pop = f"SELECT sum(n) AS n FROM population_cells p WHERE {where}"
        single = f"SELECT skill_id, sum(c) AS c FROM skill_cells p WHERE {where} GROUP BY skill_id"
        pairs = f"""SELECT skill_a, skill_b, sum(both_count) AS both_count FROM cooccurrence_cells p
                    WHERE {where} GROUP BY skill_a, skill_b HAVING sum(both_count) >= {int(min_support)}"""
        params = params * 3
    else:
        pop = f"SELECT count(*) AS n FROM base_postings p WHERE {where}"
        skills = f"SELECT p.posting_no, p.skill_id FROM base_skills p WHERE {where}"
        single = f"SELECT skill_id, count(*) AS c FROM ({skills}) GROUP BY skill_id"
        pairs = f"""SELECT a.skill_id AS skill_a, b.skill_id AS skill_b, count(*) AS both_count
                    FROM ({skills}) a JOIN ({skills}) b ON a.posting_no = b.posting_no AND a.skill_id < b.skill_id
                    GROUP BY a.skill_id, b.skill_id HAVING count(*) >= {int(min_support)}"""
        params = params * 4
    return (
        f"""
        WITH n AS ({pop}), single AS ({single}), pairs AS ({pairs})
        SELECT skill_a, skill_b, both_count, both_count / n.n AS support,
               (both_count / n.n) / ((sa.c / n.n) * (sb.c / n.n)) AS lift
        FROM pairs, n
        JOIN single sa ON sa.skill_id = pairs.skill_a JOIN single sb ON sb.skill_id = pairs.skill_b
        ORDER BY lift DESC, support DESC, skill_a, skill_b
        """,
        params,
    )


def build_marts(con: duckdb.DuckDBPyConnection, extractor: str = "rules") -> dict[str, int]:
    """Materialise the base population and every unfiltered mart; return each table's row count."""
    from warehouse.lifetimes import build_lifetimes
    from warehouse.mart_extras import build_claims, build_phase_demand, build_skill_lift, load_population

    build_base(con, extractor)
    for table, sql in CELLS.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}")
    everything = Filters()
    for table, (sql, params) in {
        "skill_demand": skill_demand_sql(everything),
        "skill_share": skill_share_sql(everything),
        "salary_bands": salary_bands_sql(everything),
        "salary_bands_by_role": salary_bands_sql(everything, by_role=True),
        "cooccurrence": cooccurrence_sql(everything),
    }.items():
        con.execute(f"CREATE OR REPLACE TABLE {table} AS {sql}", params)
    build_phase_demand(con)
    build_lifetimes(con, extractor)
    population = load_population(con)
    build_skill_lift(con, population)
    build_claims(con, population)
    tables = ("base_postings", "base_skills", *CELLS, "skill_demand", "skill_share", "salary_bands", "salary_bands_by_role",
              "cooccurrence", "phase_demand", "skill_lift", "claims", "posting_lifetimes", "posting_reposts")  # fmt: skip
    return {t: int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0]) for t in tables}
