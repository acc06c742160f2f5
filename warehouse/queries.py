"""Read-only queries over a published snapshot: the only way the dashboard and report commands read data.

Every function takes an open snapshot connection and returns a polars DataFrame (or plain values), so a
page is a thin layout over these calls and the same numbers reach the CLI.
"""

from __future__ import annotations

from typing import Any

import duckdb
import polars as pl

from extract.taxonomy.roadmaps import load_roadmaps
from warehouse.mart_extras import phase_demand_frame
from warehouse.marts import Filters, cooccurrence_sql, salary_bands_sql, skill_demand_sql, skill_share_sql


def frame(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> pl.DataFrame:
    relation: Any = con.sql(sql, params=params or None)  # DuckDB 2.0: results reach polars through a relation
    return relation.pl() if relation is not None else pl.DataFrame()


def is_empty(con: duckdb.DuckDBPyConnection) -> bool:
    return int(con.execute("SELECT count(*) FROM base_postings").fetchall()[0][0]) == 0


def options(con: duckdb.DuckDBPyConnection, column: str) -> list[str]:
    """Distinct values of a filter column (region, seniority, role_family), for pickers."""
    if column not in {"region", "seniority", "role_family", "source"}:
        raise ValueError(f"not a filter column: {column}")
    return [
        r[0]
        for r in con.execute(f"SELECT DISTINCT {column} FROM base_postings ORDER BY 1").fetchall()
        if r[0]
    ]


def overview(con: duckdb.DuckDBPyConnection, filters: Filters) -> dict[str, object]:
    where, params = filters.where()
    n, open_n, with_pay, companies, first, last = con.execute(
        f"""SELECT count(*), count(*) FILTER (WHERE is_open), count(pay_usd), count(DISTINCT company),
                   min(seen_on), max(seen_on) FROM base_postings p WHERE {where}""",
        params,
    ).fetchall()[0]
    built = con.execute("SELECT built_at FROM snapshot_info").fetchall()[0][0]
    return {"postings": n, "open": open_n, "with_pay": with_pay, "companies": companies, "first": first,
            "last": last, "built_at": built}  # fmt: skip


def postings_per_week(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    where, params = filters.where()
    return frame(
        con,
        f"SELECT week, count(*) AS postings FROM base_postings p WHERE {where} GROUP BY week ORDER BY week",
        params,
    )


def skill_shares(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    if filters == Filters():
        shares = frame(con, "SELECT * FROM skill_share ORDER BY share DESC, skill_id")
        return shares.with_columns((pl.col("share_recent") - pl.col("share_before")).alias("change"))
    sql, params = skill_share_sql(filters)
    shares = frame(con, sql, params)
    return shares.with_columns((pl.col("share_recent") - pl.col("share_before")).alias("change"))


def skill_demand(con: duckdb.DuckDBPyConnection, filters: Filters) -> pl.DataFrame:
    sql, params = skill_demand_sql(filters)
    return frame(con, sql, params)


def salary_bands(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, published_only: bool = False
) -> pl.DataFrame:
    if filters == Filters() and not published_only:
        return frame(con, "SELECT * FROM salary_bands ORDER BY region, seniority")
    sql, params = salary_bands_sql(filters, published_only=published_only)
    return frame(con, sql, params)


def salary_points(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, published_only: bool = False, sample: int = 20_000
) -> pl.DataFrame:
    """Postings with pay for distribution plots: all of them, or a reproducible sample of `sample` rows."""
    where, params = filters.where()
    extra = " AND salary_source = 'published'" if published_only else ""
    return frame(
        con,
        f"""SELECT region, seniority, role_family, pay_usd, pay_local, salary_currency, salary_source, title, company
            FROM base_postings p WHERE {where} AND pay_usd IS NOT NULL{extra}
            USING SAMPLE reservoir({int(sample)} ROWS) REPEATABLE (7)""",
        params,
    )


def cooccurrence(con: duckdb.DuckDBPyConnection, filters: Filters, limit: int = 30) -> pl.DataFrame:
    if filters == Filters():
        return frame(con, f"SELECT * FROM cooccurrence ORDER BY lift DESC, support DESC LIMIT {int(limit)}")
    sql, params = cooccurrence_sql(filters)
    return frame(con, f"{sql} LIMIT {int(limit)}", params)


def skill_lift(con: duckdb.DuckDBPyConnection) -> pl.DataFrame:
    return frame(con, "SELECT * FROM skill_lift ORDER BY diff_usd DESC")


def roadmap_ids(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [
        (r[0], r[1])
        for r in con.execute("SELECT DISTINCT roadmap_id, roadmap FROM phase_demand ORDER BY 1").fetchall()
    ]


def phase_demand(con: duckdb.DuckDBPyConnection, roadmap_id: str, filters: Filters) -> pl.DataFrame:
    """Demand and pay per phase of one roadmap, in order, under the filters."""
    if filters == Filters():
        return frame(
            con, "SELECT * FROM phase_demand WHERE roadmap_id = ? ORDER BY phase_order", [roadmap_id]
        )
    where, params = filters.where()
    return phase_demand_frame(con, [load_roadmaps()[roadmap_id]], where, params)


def phase_skill_ranking(con: duckdb.DuckDBPyConnection, roadmap_id: str, filters: Filters) -> pl.DataFrame:
    """The skills of each phase ranked by how many postings ask for them."""
    roadmap = load_roadmaps()[roadmap_id]
    shares = {r["skill_id"]: r["share"] for r in skill_shares(con, filters).iter_rows(named=True)}
    return pl.DataFrame(
        [
            {"phase_order": order, "phase": phase.name, "skill_id": skill, "share": shares.get(skill, 0.0)}
            for order, phase in enumerate(roadmap.phases, start=1)
            for skill in phase.skills
        ],
        schema={"phase_order": pl.Int64, "phase": pl.String, "skill_id": pl.String, "share": pl.Float64},
    ).sort(["phase_order", "share"], descending=[False, True])


def claims(con: duckdb.DuckDBPyConnection, roadmap_id: str | None = None) -> pl.DataFrame:
    if roadmap_id:
        return frame(con, "SELECT * FROM claims WHERE roadmap_id = ? ORDER BY kind, claim_id", [roadmap_id])
    return frame(con, "SELECT * FROM claims ORDER BY roadmap_id, kind, claim_id")


def search_postings(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    text: str = "",
    skill: str | None = None,
    limit: int = 200,
) -> pl.DataFrame:
    where, params = filters.where()
    if text:
        where += " AND (p.title ILIKE ? OR p.company ILIKE ? OR p.description_text ILIKE ?)"
        params += [f"%{text}%"] * 3
    if skill:
        where += (
            " AND EXISTS (SELECT 1 FROM base_skills s WHERE s.posting_id = p.posting_id AND s.skill_id = ?)"
        )
        params.append(skill)
    return frame(
        con,
        f"""SELECT posting_id, title, company, location, region, seniority, remote, pay_usd, salary_source, url,
                   seen_on, is_open
            FROM base_postings p WHERE {where} ORDER BY seen_on DESC NULLS LAST, posting_id LIMIT {int(limit)}""",
        params,
    )


def posting_detail(con: duckdb.DuckDBPyConnection, posting_id: str) -> dict[str, object] | None:
    rows = frame(con, "SELECT * FROM base_postings WHERE posting_id = ?", [posting_id]).to_dicts()
    if not rows:
        return None
    detail = rows[0]
    detail["skills"] = con.execute(
        "SELECT skill_id, requirement, evidence FROM base_skills WHERE posting_id = ? ORDER BY skill_id",
        [posting_id],
    ).fetchall()  # (id, how it is asked, the words that gave it)
    return detail


def count_postings(con: duckdb.DuckDBPyConnection, filters: Filters, text: str = "") -> int:
    """How many postings `search_postings` would find without its limit."""
    where, params = filters.where()
    if text:
        where += " AND (p.title ILIKE ? OR p.company ILIKE ? OR p.description_text ILIKE ?)"
        params += [f"%{text}%"] * 3
    return int(con.execute(f"SELECT count(*) FROM base_postings p WHERE {where}", params).fetchall()[0][0])


def health(con: duckdb.DuckDBPyConnection) -> dict[str, pl.DataFrame]:
    return {
        name: frame(con, f"SELECT * FROM {name}")
        for name in ("health_sources", "health_runs", "health_extraction", "health_totals", "health_nightly")
    }
