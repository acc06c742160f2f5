"""The marts that need more than one SQL statement: roadmap phase demand, skill pay lift with a bootstrap
interval, and the seed articles' claims next to what the data says.

Built to scale to millions of postings: phase demand is one SQL statement per roadmap, and skill lift
works on numpy arrays (pay, cell and a posting x skill membership matrix) rather than Python loops. The
statistics stay pure functions of plain arrays (`pooled_lift`, `salary_verdict`) tested on hand-computed
fixtures; the `build_*` functions only move data between them and DuckDB.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import duckdb
import numpy as np
import polars as pl

from extract.money import annual_usd
from extract.taxonomy.roadmaps import Claim, Roadmap, load_roadmaps
from warehouse.marts import MIN_CELL, MIN_SIDE

BOOTSTRAP_ROUNDS = 120
# Larger sides are bootstrapped m-out-of-n (see _boot_medians); the point estimate always uses every posting.
BOOTSTRAP_SIDE_CAP = 100
LIFT_TOP_SKILLS = 80  # skill lift for the most-asked skills; the long tail has too few postings per cell
MIN_SHARE_N = 30
MIN_CERT_N = 100
CERT_SHARE_THAT_MATTERS = 0.01


@dataclass(frozen=True)
class Lift:
    diff_usd: float  # pooled median pay with the skill minus without, inside region x seniority cells
    ratio: float  # the same, relative to the median without the skill
    low: float  # 95% bootstrap interval of diff_usd
    high: float
    n_with: int
    n_without: int
    cells: int

    @property
    def known(self) -> bool:
        """Whether the lift says anything: enough postings on both sides (`MIN_CELL` each) and an interval
        that excludes zero. Anything else is "not enough data", wherever a lift is shown."""
        return min(self.n_with, self.n_without) >= MIN_CELL and not self.low <= 0 <= self.high


def _boot_medians(sides: Sequence[np.ndarray], rng: np.random.Generator, rounds: int) -> list[np.ndarray]:
    """Bootstrap replicates of the median of each array in `sides`.

    Past BOOTSTRAP_SIDE_CAP values this is the m-out-of-n bootstrap: resample m values and shrink the
    replicates' spread by sqrt(m / n), so the cost does not grow with the number of postings while the
    spread estimated is the full sample median's. All large sides are resampled in one vectorised call.
    """
    out: list[np.ndarray] = [np.empty(0)] * len(sides)
    m = BOOTSTRAP_SIDE_CAP
    large = [i for i, values in enumerate(sides) if len(values) > m]
    if large:
        draws = np.stack([sides[i][rng.integers(0, len(sides[i]), size=(rounds, m))] for i in large])
        medians = np.median(draws, axis=2)
        for row, i in enumerate(large):
            spread = (medians[row] - np.median(medians[row])) * np.sqrt(m / len(sides[i]))
            out[i] = np.median(sides[i]) + spread
    for i, values in enumerate(sides):
        if len(values) <= m:
            out[i] = np.median(values[rng.integers(0, len(values), size=(rounds, len(values)))], axis=1)
    return out


def pooled_lift(
    cells: Sequence[tuple[Sequence[float], Sequence[float]]], *, rounds: int = BOOTSTRAP_ROUNDS, seed: int = 7
) -> Lift | None:
    """Median pay with vs without a skill, compared inside each cell and pooled with weights
    min(n_with, n_without); only cells with MIN_SIDE postings on both sides count. None if no cell does."""
    eligible = [
        (np.asarray(w, float), np.asarray(wo, float))
        for w, wo in cells
        if len(w) >= MIN_SIDE and len(wo) >= MIN_SIDE
    ]
    if not eligible:
        return None
    weights = np.array([min(len(w), len(wo)) for w, wo in eligible], float)
    with_medians = np.array([np.median(w) for w, _ in eligible])
    without_medians = np.array([np.median(wo) for _, wo in eligible])
    diff = float(np.average(with_medians - without_medians, weights=weights))
    ratio = float(np.average((with_medians - without_medians) / without_medians, weights=weights))
    rng = np.random.default_rng(seed)
    replicates = _boot_medians([side for pair in eligible for side in pair], rng, rounds)
    boot = (
        sum(weight * (replicates[2 * k] - replicates[2 * k + 1]) for k, weight in enumerate(weights))
        / weights.sum()
    )
    low, high = np.percentile(boot, [2.5, 97.5])
    return Lift(
        diff_usd=round(diff, 2), ratio=round(ratio, 4), low=round(float(low), 2), high=round(float(high), 2),
        n_with=sum(len(w) for w, _ in eligible), n_without=sum(len(wo) for _, wo in eligible), cells=len(eligible),
    )  # fmt: skip


@dataclass(eq=False)
class Population:
    """The mart population as arrays: pay per posting, its region x seniority cell, and which skills it asks."""

    pay: np.ndarray  # float, NaN where no pay is stated
    cell: np.ndarray  # int code of region x seniority
    skills: list[str]  # column order of `asks`
    asks: np.ndarray  # bool [postings x skills]

    @property
    def size(self) -> int:
        return len(self.pay)

    @cached_property
    def cells_with_pay(self) -> list[np.ndarray]:
        """Row indices of the postings with pay, one array per region x seniority cell (computed once)."""
        has_pay = ~np.isnan(self.pay)
        order = np.argsort(self.cell, kind="stable")
        order = order[has_pay[order]]
        codes = self.cell[order]
        bounds = np.flatnonzero(np.diff(codes)) + 1
        return list(np.split(order, bounds)) if len(order) else []

    def mask(self, wanted: set[str]) -> np.ndarray:
        columns = [i for i, s in enumerate(self.skills) if s in wanted]
        if not columns:
            return np.zeros(self.size, bool)
        return np.asarray(self.asks[:, columns].any(axis=1), dtype=bool)


def load_population(con: duckdb.DuckDBPyConnection) -> Population:
    con.execute(
        """CREATE OR REPLACE TEMP TABLE population AS
           SELECT (row_number() OVER (ORDER BY posting_id) - 1)::BIGINT AS idx, posting_id, pay_usd,
                  dense_rank() OVER (ORDER BY region, seniority) AS cell
           FROM base_postings"""
    )
    columns = con.execute("SELECT pay_usd, cell FROM population ORDER BY idx").fetchnumpy()
    # fetchnumpy gives masked arrays where there are NULLs: unstated pay must become NaN, not a filled 0.
    pay = np.ma.filled(np.ma.asarray(columns["pay_usd"]).astype(float), np.nan)
    cell = np.asarray(columns["cell"], dtype=np.int64)
    skills = [
        r[0]
        for r in con.execute(
            "SELECT skill_id FROM base_skills GROUP BY skill_id ORDER BY count(*) DESC, skill_id"
        ).fetchall()
    ]
    asks = np.zeros((len(pay), len(skills)), dtype=bool)
    if skills:
        # Integer pairs only: millions of skill-id strings as Python objects would cost gigabytes.
        con.register("skill_columns", pl.DataFrame({"skill_id": skills, "col": list(range(len(skills)))}))
        pairs = con.execute(
            "SELECT p.idx, k.col FROM base_skills s JOIN population p USING (posting_id) "
            "JOIN skill_columns k USING (skill_id)"
        ).fetchnumpy()
        con.unregister("skill_columns")
        asks[np.asarray(pairs["idx"], dtype=np.int64), np.asarray(pairs["col"], dtype=np.int64)] = True
    return Population(pay=pay, cell=cell, skills=skills, asks=asks)


def lift_for(population: Population, wanted: set[str]) -> Lift | None:
    """Pay lift of postings asking for any of `wanted`, inside region x seniority cells."""
    asked = population.mask(wanted)
    cells = []
    for rows in population.cells_with_pay:
        pay, flags = population.pay[rows], asked[rows]
        cells.append((pay[flags], pay[~flags]))
    return pooled_lift(cells)


def _write(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("frame_to_write", frame)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame_to_write")
    con.unregister("frame_to_write")


def build_skill_lift(con: duckdb.DuckDBPyConnection, population: Population | None = None) -> None:
    population = population or load_population(con)
    records = []
    for skill_id in population.skills[:LIFT_TOP_SKILLS]:
        lift = lift_for(population, {skill_id})
        if lift is not None:
            records.append({"skill_id": skill_id, **lift.__dict__})
    schema = {"skill_id": pl.String, "diff_usd": pl.Float64, "ratio": pl.Float64, "low": pl.Float64,
              "high": pl.Float64, "n_with": pl.Int64, "n_without": pl.Int64, "cells": pl.Int64}  # fmt: skip
    _write(con, "skill_lift", pl.DataFrame(records, schema=schema))


PHASE_SCHEMA = {
    "roadmap_id": pl.String, "roadmap": pl.String, "phase_order": pl.Int64, "phase": pl.String, "months": pl.String,
    "skills": pl.String, "postings": pl.Int64, "share_any": pl.Float64, "mean_coverage": pl.Float64,
    "median_pay_usd": pl.Float64,
}  # fmt: skip


def phase_demand_frame(
    con: duckdb.DuckDBPyConnection,
    roadmaps: Sequence[Roadmap],
    where: str = "TRUE",
    params: Sequence[object] = (),
) -> pl.DataFrame:
    """Per roadmap phase: postings asking any of its skills, their share, the mean share of the phase's skills
    asked per posting, and their median pay — in one SQL statement over the (filtered) population."""
    phases = pl.DataFrame(
        [{"roadmap_id": r.id, "phase_order": order, "skill_id": skill}
         for r in roadmaps for order, phase in enumerate(r.phases, start=1) for skill in set(phase.skills)],
        schema={"roadmap_id": pl.String, "phase_order": pl.Int64, "skill_id": pl.String},
    )  # fmt: skip
    con.register("phase_skills", phases)
    try:
        rows = con.execute(
            f"""WITH total AS (SELECT count(*) AS n FROM base_postings p WHERE {where}),
                   hits AS (
                       SELECT ps.roadmap_id, ps.phase_order, p.posting_no, count(*) AS asked,
                              any_value(p.pay_usd) AS pay_usd
                       FROM base_skills p JOIN phase_skills ps USING (skill_id)
                       WHERE {where}
                       GROUP BY ps.roadmap_id, ps.phase_order, p.posting_no)
                SELECT h.roadmap_id, h.phase_order, count(*), sum(h.asked), median(h.pay_usd), any_value(total.n)
                FROM hits h, total
                GROUP BY h.roadmap_id, h.phase_order""",
            list(params) * 2,  # the filter appears twice
        ).fetchall()
    finally:
        con.unregister("phase_skills")
    measured = {(r[0], r[1]): r[2:] for r in rows}
    total = (measured and next(iter(measured.values()))[3]) or 0
    records = []
    for roadmap in roadmaps:
        for order, phase in enumerate(roadmap.phases, start=1):
            hits, asked, pay, _ = measured.get((roadmap.id, order), (0, 0, None, total))
            months = (
                "-".join(str(m) for m in (phase.months[:1] + phase.months[-1:]))
                if phase.months
                else (phase.level or "")
            )
            records.append({
                "roadmap_id": roadmap.id, "roadmap": roadmap.title, "phase_order": order, "phase": phase.name,
                "months": months, "skills": ",".join(phase.skills), "postings": int(hits),
                "share_any": round(hits / total, 4) if total else 0.0,
                "mean_coverage": round(float(asked) / (len(set(phase.skills)) * total), 4) if total else 0.0,
                "median_pay_usd": float(pay) if pay is not None else None,
            })  # fmt: skip
    return pl.DataFrame(records, schema=PHASE_SCHEMA)


def build_phase_demand(con: duckdb.DuckDBPyConnection) -> None:
    _write(con, "phase_demand", phase_demand_frame(con, list(load_roadmaps().values())))


def _usd(value: float | None, claim: Claim) -> float | None:
    return annual_usd(value, claim.currency or "USD", claim.period or "year", None)  # type: ignore[arg-type]


def salary_verdict(claim: Claim, median_usd: float | None, n: int) -> tuple[str, str]:
    """(verdict, what was claimed in annual USD) for a salary claim against the measured median."""
    low, high, mid = _usd(claim.min, claim), _usd(claim.max, claim), _usd(claim.median, claim)
    claimed = (
        f"{low:,.0f}-{high:,.0f}"
        if low and high
        else f"≈{mid:,.0f}"
        if mid
        else f"≥{low:,.0f}"
        if low
        else "?"
    )
    if n < MIN_CELL or median_usd is None:
        return "not enough data", claimed
    if low is not None and high is not None:
        ok = low * 0.9 <= median_usd <= high * 1.1
    elif mid is not None:
        ok = abs(median_usd - mid) <= 0.15 * mid
    elif low is not None:
        ok = median_usd >= low * 0.9
    else:
        return "not enough data", claimed
    return ("supported" if ok else "not supported"), claimed


def _salary_measure(con: duckdb.DuckDBPyConnection, claim: Claim) -> tuple[float | None, int]:
    clauses, params = ["pay_usd IS NOT NULL"], []
    for column, value in (("region", claim.region), ("seniority", claim.seniority), ("country", claim.country),
                          ("remote", claim.remote)):  # fmt: skip
        if value and value != "all":
            clauses.append(f"{column} = ?")
            params.append(value)
    median, n = con.execute(
        f"SELECT median(pay_usd), count(*) FROM base_postings WHERE {' AND '.join(clauses)}", params
    ).fetchall()[0]
    return (float(median) if median is not None else None), int(n)


def judge(con: duckdb.DuckDBPyConnection, claim: Claim, population: Population) -> dict[str, object]:
    """One claim next to its measured value, sample size and verdict."""
    total = population.size
    if claim.kind == "salary_band":
        median, n = _salary_measure(con, claim)
        verdict, claimed = salary_verdict(claim, median, n)
        return {"claimed": claimed + " USD/yr", "measured": median, "measured_text": f"median {median:,.0f} USD/yr" if median else "", "n": n, "verdict": verdict}  # fmt: skip
    share = float(population.mask(set(claim.skills)).mean()) if total else 0.0
    if claim.kind == "skill_share":
        verdict = (
            "not enough data"
            if total < MIN_SHARE_N
            else ("supported" if share >= (claim.min_share or 0) - 0.02 else "not supported")
        )
        return {"claimed": f"≥ {claim.min_share:.0%} of postings", "measured": share, "measured_text": f"{share:.0%} of postings", "n": total, "verdict": verdict}  # fmt: skip
    if claim.kind == "premium":
        lift = lift_for(population, set(claim.skills))
        claimed = (
            f"+{claim.min_share:.0%}-{claim.max_share:.0%}"
            if claim.min_share is not None
            else f"+{claim.min_amount:,.0f}-{claim.max_amount:,.0f} USD"
        )
        if lift is None:
            return {
                "claimed": claimed,
                "measured": None,
                "measured_text": "",
                "n": 0,
                "verdict": "not enough data",
            }
        ok = (
            lift.ratio >= claim.min_share
            if claim.min_share is not None
            else lift.diff_usd >= (claim.min_amount or 0)
        )
        text = f"{lift.ratio:+.0%} ({lift.diff_usd:+,.0f} USD, 95% CI {lift.low:+,.0f} to {lift.high:+,.0f})"
        verdict = ("supported" if ok else "not supported") if lift.known else "not enough data"
        return {"claimed": claimed, "measured": lift.ratio, "measured_text": text, "n": lift.n_with + lift.n_without, "verdict": verdict}  # fmt: skip
    verdict = (
        "not enough data"
        if total < MIN_CERT_N
        else ("supported" if share >= CERT_SHARE_THAT_MATTERS else "not supported")
    )
    return {"claimed": "named in postings", "measured": share, "measured_text": f"{share:.1%} of postings name one", "n": total, "verdict": verdict}  # fmt: skip


def build_claims(con: duckdb.DuckDBPyConnection, population: Population | None = None) -> None:
    population = population or load_population(con)
    records = []
    for roadmap in load_roadmaps().values():
        for claim in roadmap.claims:
            records.append({"roadmap_id": roadmap.id, "claim_id": claim.id, "kind": claim.kind,
                            "sentence": claim.sentence, "seed": roadmap.seed, **judge(con, claim, population)})  # fmt: skip
    schema = {"roadmap_id": pl.String, "claim_id": pl.String, "kind": pl.String, "sentence": pl.String,
              "seed": pl.String, "claimed": pl.String, "measured": pl.Float64, "measured_text": pl.String,
              "n": pl.Int64, "verdict": pl.String}  # fmt: skip
    _write(con, "claims", pl.DataFrame(records, schema=schema))
