"""The marts that need more than one SQL statement: roadmap phase demand, skill pay lift with a bootstrap
interval, and the seed articles' claims next to what the data says.

The statistics are pure functions of plain arrays (`pooled_lift`, `salary_verdict`...) so they are tested
on hand-computed fixtures; the `build_*` functions only move data between them and DuckDB.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import duckdb
import numpy as np
import polars as pl

from extract.money import annual_usd
from extract.taxonomy.roadmaps import Claim, load_roadmaps
from warehouse.marts import MIN_CELL, MIN_SIDE

BOOTSTRAP_ROUNDS = 300
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

    def pooled(samples: list[tuple[np.ndarray, np.ndarray]]) -> tuple[float, float]:
        diffs = np.array([np.median(w) - np.median(wo) for w, wo in samples])
        ratios = np.array([(np.median(w) - np.median(wo)) / np.median(wo) for w, wo in samples])
        return float(np.average(diffs, weights=weights)), float(np.average(ratios, weights=weights))

    diff, ratio = pooled(eligible)
    rng = np.random.default_rng(seed)
    boots = [
        pooled([(rng.choice(w, len(w)), rng.choice(wo, len(wo))) for w, wo in eligible])[0]
        for _ in range(rounds)
    ]
    low, high = np.percentile(boots, [2.5, 97.5])
    return Lift(
        diff_usd=round(diff, 2), ratio=round(ratio, 4), low=round(float(low), 2), high=round(float(high), 2),
        n_with=sum(len(w) for w, _ in eligible), n_without=sum(len(wo) for _, wo in eligible), cells=len(eligible),
    )  # fmt: skip


def _population(
    con: duckdb.DuckDBPyConnection,
) -> tuple[list[tuple[str, str, str, float | None]], dict[str, set[str]]]:
    rows = con.execute("SELECT posting_id, region, seniority, pay_usd FROM base_postings").fetchall()
    skills: dict[str, set[str]] = defaultdict(set)
    for posting_id, skill_id in con.execute("SELECT posting_id, skill_id FROM base_skills").fetchall():
        skills[posting_id].add(skill_id)
    return rows, skills


def lift_for(
    rows: Sequence[tuple[str, str, str, float | None]], skills: dict[str, set[str]], wanted: set[str]
) -> Lift | None:
    """Pay lift of postings asking for any of `wanted`, inside region x seniority cells."""
    cells: dict[tuple[str, str], tuple[list[float], list[float]]] = defaultdict(lambda: ([], []))
    for posting_id, region, seniority, pay in rows:
        if pay is None:
            continue
        side = 0 if skills.get(posting_id, set()) & wanted else 1
        cells[(region, seniority)][side].append(pay)
    return pooled_lift(list(cells.values()))


def _write(con: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    con.register("frame_to_write", frame)
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM frame_to_write")
    con.unregister("frame_to_write")


def build_skill_lift(con: duckdb.DuckDBPyConnection) -> None:
    rows, skills = _population(con)
    all_skills = sorted({s for ids in skills.values() for s in ids})
    records = []
    for skill_id in all_skills:
        lift = lift_for(rows, skills, {skill_id})
        if lift is not None:
            records.append({"skill_id": skill_id, **lift.__dict__})
    schema = {"skill_id": pl.String, "diff_usd": pl.Float64, "ratio": pl.Float64, "low": pl.Float64,
              "high": pl.Float64, "n_with": pl.Int64, "n_without": pl.Int64, "cells": pl.Int64}  # fmt: skip
    _write(con, "skill_lift", pl.DataFrame(records, schema=schema))


def phase_rows(
    rows: Sequence[tuple[str, str, str, float | None]], skills: dict[str, set[str]], phase_skills: set[str]
) -> tuple[int, float, float, float | None]:
    """(postings asking any phase skill, their share, mean share of the phase's skills asked, their median pay)."""
    total = len(rows)
    if total == 0:
        return 0, 0.0, 0.0, None
    hits, coverage, pays = 0, 0.0, []
    for posting_id, _, _, pay in rows:
        asked = skills.get(posting_id, set()) & phase_skills
        coverage += len(asked) / len(phase_skills)
        if asked:
            hits += 1
            if pay is not None:
                pays.append(pay)
    median = float(np.median(pays)) if pays else None
    return hits, hits / total, coverage / total, median


def build_phase_demand(con: duckdb.DuckDBPyConnection) -> None:
    rows, skills = _population(con)
    records = []
    for roadmap in load_roadmaps().values():
        for order, phase in enumerate(roadmap.phases, start=1):
            hits, share, coverage, pay = phase_rows(rows, skills, set(phase.skills))
            records.append({
                "roadmap_id": roadmap.id, "roadmap": roadmap.title, "phase_order": order, "phase": phase.name,
                "months": "-".join(str(m) for m in (phase.months[:1] + phase.months[-1:])) if phase.months else (phase.level or ""),
                "skills": ",".join(phase.skills), "postings": hits, "share_any": round(share, 4),
                "mean_coverage": round(coverage, 4), "median_pay_usd": pay,
            })  # fmt: skip
    schema = {"roadmap_id": pl.String, "roadmap": pl.String, "phase_order": pl.Int64, "phase": pl.String,
              "months": pl.String, "skills": pl.String, "postings": pl.Int64, "share_any": pl.Float64,
              "mean_coverage": pl.Float64, "median_pay_usd": pl.Float64}  # fmt: skip
    _write(con, "phase_demand", pl.DataFrame(records, schema=schema))


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


def judge(
    con: duckdb.DuckDBPyConnection, claim: Claim, rows: list, skills: dict[str, set[str]]
) -> dict[str, object]:
    """One claim next to its measured value, sample size and verdict."""
    total = len(rows)
    if claim.kind == "salary_band":
        median, n = _salary_measure(con, claim)
        verdict, claimed = salary_verdict(claim, median, n)
        return {"claimed": claimed + " USD/yr", "measured": median, "measured_text": f"median {median:,.0f} USD/yr" if median else "", "n": n, "verdict": verdict}  # fmt: skip
    if claim.kind == "skill_share":
        share = (
            sum(1 for pid, *_ in rows if skills.get(pid, set()) & set(claim.skills)) / total if total else 0.0
        )
        verdict = (
            "not enough data"
            if total < MIN_SHARE_N
            else ("supported" if share >= (claim.min_share or 0) - 0.02 else "not supported")
        )
        return {"claimed": f"≥ {claim.min_share:.0%} of postings", "measured": share, "measured_text": f"{share:.0%} of postings", "n": total, "verdict": verdict}  # fmt: skip
    if claim.kind == "premium":
        lift = lift_for(rows, skills, set(claim.skills))
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
        return {"claimed": claimed, "measured": lift.ratio, "measured_text": text, "n": lift.n_with + lift.n_without, "verdict": "supported" if ok else "not supported"}  # fmt: skip
    share = sum(1 for pid, *_ in rows if skills.get(pid, set()) & set(claim.skills)) / total if total else 0.0
    verdict = (
        "not enough data"
        if total < MIN_CERT_N
        else ("supported" if share >= CERT_SHARE_THAT_MATTERS else "not supported")
    )
    return {"claimed": "named in postings", "measured": share, "measured_text": f"{share:.1%} of postings name one", "n": total, "verdict": verdict}  # fmt: skip


def build_claims(con: duckdb.DuckDBPyConnection) -> None:
    rows, skills = _population(con)
    records = []
    for roadmap in load_roadmaps().values():
        for claim in roadmap.claims:
            records.append({"roadmap_id": roadmap.id, "claim_id": claim.id, "kind": claim.kind,
                            "sentence": claim.sentence, "seed": roadmap.seed, **judge(con, claim, rows, skills)})  # fmt: skip
    schema = {"roadmap_id": pl.String, "claim_id": pl.String, "kind": pl.String, "sentence": pl.String,
              "seed": pl.String, "claimed": pl.String, "measured": pl.Float64, "measured_text": pl.String,
              "n": pl.Int64, "verdict": pl.String}  # fmt: skip
    _write(con, "claims", pl.DataFrame(records, schema=schema))
