"""Marts, publishing and the gap analysis on small warehouses whose answers are computed by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from extract.schema import PostingFacts, Salary, SkillMention
from extract.taxonomy.roadmaps import Claim, load_roadmaps
from scrapers.models import RawPosting
from skillradar.cli import app
from warehouse.db import connect
from warehouse.duplicates import assign_dup_groups
from warehouse.extractions import ExtractorKey, store
from warehouse.load import Decision, load_board
from warehouse.mart_extras import pooled_lift, salary_verdict
from warehouse.marts import Filters, build_marts
from warehouse.publish import open_snapshot, publish, snapshot_path
from warehouse.queries import salary_bands, skill_shares

T0 = datetime(2026, 10, 5, tzinfo=UTC)
KEY = ExtractorKey("rules", "test")


def add(con, ext: str, *, pay: float | None, skills: list[str], region: str = "North America",
        seniority: str = "senior", ai: bool = True, source: str = "greenhouse", title: str | None = None,
        text: str | None = None, published: bool = False) -> None:  # fmt: skip
    """One posting and its (hand-made) extraction."""
    raw = RawPosting(
        source=source, board="b", external_id=ext, title=title or f"ML Engineer {ext}", company=f"Co{ext}",
        description_text=text or f"posting {ext} " * 20, posted_at=T0, fetched_at=T0,
    )  # fmt: skip
    load_board(con, source, "b", [(raw, Decision(True, "t"))], complete=False, now=T0)
    salary = None
    if pay is not None:
        salary = Salary(min=pay, max=pay, currency="USD", period="year", source="published" if published else "text",
                        annual_min_usd=pay, annual_max_usd=pay)  # fmt: skip
    facts = PostingFacts(
        id=raw.posting_id, skills=[SkillMention(id=s, evidence=s, requirement="required") for s in skills],
        salary=salary, seniority=seniority, region=region, is_ai_role=ai, role_family="ml_engineering",
    )  # fmt: skip
    store(con, [(raw.posting_id, raw.content_hash(), facts, None)], KEY)


def small_warehouse(db: Path) -> duckdb.DuckDBPyConnection:
    """Thirteen postings whose marts are computed by hand (the connection is left open)."""
    con = connect(db)
    # Ten senior North America postings paying 100k..190k; python in all, rag in the five best paid.
    for i in range(10):
        add(con, f"na{i}", pay=100_000 + 10_000 * i, skills=["python", "rag"] if i >= 5 else ["python"])
    add(con, "eu1", pay=80_000, skills=["python", "langgraph"], region="EU/EEA")
    add(con, "eu2", pay=90_000, skills=["sql"], region="EU/EEA", published=True)
    add(con, "sales", pay=500_000, skills=["python"], ai=False, title="Account Executive")
    # A copy of na0 on another source: same company, title and text, so the same duplicate group.
    add(
        con,
        "na0",
        pay=100_000,
        skills=["python"],
        source="remoteok",
        title="ML Engineer na0",
        text="posting na0 " * 20,
    )
    con.execute("UPDATE postings SET company = 'Cona0' WHERE external_id = 'na0'")
    assign_dup_groups(con)
    return con


@pytest.fixture
def warehouse(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    con = small_warehouse(db)
    yield con, db
    con.close()


def test_population_is_relevant_and_deduplicated(warehouse):
    con, _ = warehouse
    counts = build_marts(con, "rules")
    assert counts["base_postings"] == 12  # 10 + 2, without the sales role and the cross-source copy


def test_salary_bands_percentiles_and_small_cells(warehouse):
    con, _ = warehouse
    build_marts(con, "rules")
    bands = {
        (r[0], r[1]): r
        for r in con.execute(
            "SELECT region, seniority, n, p25, p50, p75, small_n, n_published FROM salary_bands"
        ).fetchall()
    }
    na = bands[("North America", "senior")]
    # pay 100k..190k step 10k: linear-interpolated quartiles 122.5k, 145k, 167.5k
    assert na[2:6] == (10, 122_500, 145_000, 167_500)
    assert na[6] is False
    eu = bands[("EU/EEA", "senior")]
    assert eu[2] == 2 and eu[4] == 85_000 and eu[6] is True and eu[7] == 1


def test_filters_and_published_only(warehouse):
    con, db = warehouse
    build_marts(con, "rules")
    publish(con, db)
    snap = open_snapshot(db)
    eu_only = salary_bands(snap, Filters(region="EU/EEA"))
    assert eu_only["region"].to_list() == ["EU/EEA"]
    published = salary_bands(snap, Filters(), published_only=True)
    assert published["n"].to_list() == [1]
    shares = {r["skill_id"]: r["share"] for r in skill_shares(snap, Filters()).iter_rows(named=True)}
    assert shares["python"] == pytest.approx(11 / 12) and shares["rag"] == pytest.approx(5 / 12)
    snap.close()


def test_phase_demand_by_hand(warehouse):
    con, _ = warehouse
    build_marts(con, "rules")
    first = con.execute(
        "SELECT postings, share_any, mean_coverage, median_pay_usd FROM phase_demand "
        "WHERE roadmap_id = 'algeriatech-8-month' AND phase_order = 1"
    ).fetchall()[0]
    phase = load_roadmaps()["algeriatech-8-month"].phases[0]
    assert "python" in phase.skills and "sql" not in phase.skills
    # 11 postings ask for python (one of the phase's skills); each covers 1 of its skills
    assert first[0] == 11 and first[1] == pytest.approx(11 / 12, abs=1e-4)  # stored rounded to 4 places
    assert first[2] == pytest.approx((11 / len(phase.skills)) / 12, abs=1e-4)
    assert first[3] == pytest.approx(140_000)  # median of 100k..190k and 80k


def test_cooccurrence_lift_by_hand(warehouse):
    con, _ = warehouse
    build_marts(con, "rules")
    support, lift = con.execute(
        "SELECT support, lift FROM cooccurrence WHERE skill_a = 'python' AND skill_b = 'rag'"
    ).fetchall()[0]
    assert support == pytest.approx(5 / 12)
    assert lift == pytest.approx((5 / 12) / ((11 / 12) * (5 / 12)))


def test_pooled_lift_by_hand():
    cells = [([10, 20, 30, 40, 50], [5, 10, 15, 20, 25]), ([100] * 5, [80] * 5), ([1, 2], [3, 4, 5, 6, 7])]
    lift = pooled_lift(cells, rounds=200)
    assert lift is not None
    assert lift.cells == 2  # the third cell has too few postings with the skill
    assert lift.diff_usd == pytest.approx(17.5) and lift.ratio == pytest.approx(0.625)
    assert lift.low <= 17.5 <= lift.high
    assert pooled_lift([([1, 2], [3])]) is None


def test_salary_claim_verdicts():
    band = Claim(id="c", kind="salary_band", sentence="a claim long enough", currency="USD", period="year",
                 min=120_000, max=180_000)  # fmt: skip
    assert salary_verdict(band, 150_000, 50)[0] == "supported"
    assert salary_verdict(band, 250_000, 50)[0] == "not supported"
    assert salary_verdict(band, 150_000, 3)[0] == "not enough data"
    floor = Claim(id="f", kind="salary_band", sentence="a claim long enough", currency="USD", min=200_000)
    assert salary_verdict(floor, 230_000, 40)[0] == "supported"


def test_claims_table_has_a_verdict_for_every_claim(warehouse):
    con, _ = warehouse
    build_marts(con, "rules")
    rows = con.execute("SELECT claim_id, verdict, n FROM claims").fetchall()
    assert len(rows) == sum(len(r.claims) for r in load_roadmaps().values())
    verdicts = {claim: verdict for claim, verdict, _ in rows}
    assert set(verdicts.values()) <= {"supported", "not supported", "not enough data"}
    # 12 postings are too few to judge a skill share (30 needed) or a certification claim (100)
    assert verdicts["birjob-python-every-posting"] == "not enough data"
    assert verdicts["examcert-us-senior"] == "not enough data"  # no country on the fixture postings


def test_publish_swaps_atomically_and_readers_keep_their_snapshot(warehouse):
    con, db = warehouse
    build_marts(con, "rules")
    publish(con, db)
    reader = open_snapshot(db)
    before = reader.execute("SELECT count(*) FROM base_postings").fetchall()[0][0]
    add(con, "late", pay=120_000, skills=["python"])
    build_marts(con, "rules")
    publish(con, db)
    assert reader.execute("SELECT count(*) FROM base_postings").fetchall()[0][0] == before
    reader.close()
    fresh = open_snapshot(db)
    assert fresh.execute("SELECT count(*) FROM base_postings").fetchall()[0][0] == before + 1
    fresh.close()
    assert not list(db.parent.glob(".*.tmp"))


def test_report_commands_read_the_snapshot(warehouse, tmp_path: Path):
    con, db = warehouse
    con.close()
    runner = CliRunner()
    assert runner.invoke(app, ["salaries", "--db", str(db)]).exit_code == 1  # nothing published yet
    result = runner.invoke(app, ["build", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert snapshot_path(db).is_file()
    bands = json.loads(
        runner.invoke(app, ["salaries", "--db", str(db), "--json", "--region", "North America"]).output
    )
    assert [(b["seniority"], b["n"], b["p50"]) for b in bands] == [("senior", 10, 145_000)]
    cv = tmp_path / "cv.txt"
    cv.write_text("I write Python and SQL every day.")
    gap = json.loads(runner.invoke(app, ["gap", "--db", str(db), "--cv", str(cv), "--json"]).output)
    assert gap["skills"] == ["python", "sql"] and gap["postings"] == 12
    assert runner.invoke(app, ["gap", "--db", str(db), "--skills", "python,vibes"]).exit_code == 2
    lives = json.loads(runner.invoke(app, ["lifetimes", "--db", str(db), "--by", "region", "--json"]).output)
    assert {row["value"] for row in lives["lifetimes"]} == {"North America", "EU/EEA"}
    assert sum(row["still_open"] for row in lives["lifetimes"]) == 12 and lives["reposts"] == []
    duckdb.connect(str(db)).close()


@pytest.mark.parametrize(
    "filters",
    [
        Filters(),
        Filters(region="North America"),
        Filters(region="EU/EEA"),
        Filters(seniority="senior", role="ml_engineering"),
    ],
)
def test_cooccurrence_from_cells_equals_counting_the_skill_rows(warehouse, filters):
    """Without a date window co-occurrence sums pre-counted cells; a window that covers everything
    takes the row-level path. Both must give the same pairs, supports and lifts."""
    from datetime import date

    from warehouse.marts import cooccurrence_sql

    con, _ = warehouse
    build_marts(con, "rules")
    cells = con.execute(*cooccurrence_sql(filters, min_support=1)).fetchall()
    everything = Filters(
        region=filters.region, seniority=filters.seniority, role=filters.role, since=date(2000, 1, 1)
    )
    rows = con.execute(*cooccurrence_sql(everything, min_support=1)).fetchall()
    assert [r[:3] for r in cells] == [r[:3] for r in rows]
    assert [r[3:] for r in cells] == [pytest.approx(r[3:]) for r in rows]
    if filters.region != "EU/EEA":
        assert ("python", "rag", 5) in [r[:3] for r in cells]


@pytest.mark.parametrize("file_format", ["parquet", "csv"])
def test_export_writes_files_duckdb_and_polars_read_back_whole(warehouse, tmp_path: Path, file_format: str):
    import polars as pl

    con, db = warehouse
    build_marts(con, "rules")
    publish(con, db)
    snapshot = open_snapshot(db)
    for what, tables in (
        ("postings", ["base_postings"]),
        ("extractions", ["base_skills"]),
        ("marts", ["claims", "salary_bands"]),
    ):
        out = tmp_path / what / file_format
        result = CliRunner().invoke(
            app, ["export", "--db", str(db), "--what", what, "--format", file_format, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        for table in tables:
            name = {"base_postings": "postings", "base_skills": "extractions"}.get(table, table)
            path = out / f"{name}.{file_format}"
            expected = snapshot.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
            frame = pl.read_parquet(path) if file_format == "parquet" else pl.read_csv(path)
            reader = "read_parquet" if file_format == "parquet" else "read_csv_auto"
            assert frame.height == expected > 0
            assert duckdb.sql(f"SELECT count(*) FROM {reader}('{path}')").fetchall()[0][0] == expected
    snapshot.close()


def test_posting_lifetimes_on_constructed_histories(tmp_path: Path):
    from datetime import timedelta

    from warehouse.lifetimes import open_longest

    con = connect(tmp_path / "w.duckdb")
    day = timedelta(days=1)
    # (id, skills, opened, closed): python closes after 10 and 30 days, rag after 30; one posting still open;
    # a role posted, closed after 5 days, and posted again on day 20 (a repost, still open).
    history = [("a", ["python"], 0, 10), ("b", ["python", "rag"], 0, 30), ("c", ["rag"], 5, None),
               ("d", ["python"], 0, 5), ("e", ["python"], 20, None)]  # fmt: skip
    for ext, skills, opened, closed in history:
        add(con, ext, pay=None, skills=skills, region="EU/EEA" if ext == "c" else "North America")
        con.execute(
            "UPDATE postings SET posted_at = ?, first_seen = ?, last_seen = ?, closed_at = ?, dup_group = ? "
            "WHERE external_id = ?",
            [T0 + opened * day, T0 + opened * day, T0 + 40 * day, None if closed is None else T0 + closed * day,
             "role-de" if ext in "de" else ext, ext],
        )  # fmt: skip
    build_marts(con, "rules")
    rows = con.execute(
        "SELECT dimension, value, closed, median_days_to_close, still_open, median_days_open FROM posting_lifetimes"
    ).fetchall()
    life = {(dimension, value): rest for dimension, value, *rest in rows}
    # d and e are one role (one duplicate group): the open one, e, stands for it
    assert life[("skill", "python")] == [2, 20.0, 1, 20.0]  # a (10) and b (30) closed; e open 20 days
    assert life[("skill", "rag")] == [1, 30.0, 1, 35.0]  # b closed after 30; c open since day 5 of 40
    assert life[("region", "EU/EEA")] == [0, None, 1, 35.0]
    assert con.execute("SELECT dup_group, postings, reopened FROM posting_reposts").fetchall() == [
        ("role-de", 2, 1)
    ]
    assert [row["days_open"] for row in open_longest(con)] == [35, 20]
    con.close()
