"""Building and reading the marts: `build`, `salaries`, `gap` and `dashboard`.

`build` is the only one that writes; the others read the latest published snapshot, read-only.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from skillradar.config import Settings

console = Console()
err = Console(stderr=True)

DbOption = Annotated[Path | None, typer.Option("--db", help="DuckDB warehouse file \\[env: SKILLRADAR_DB]")]
RegionOption = Annotated[str | None, typer.Option("--region", help='e.g. "North America", "EU/EEA", "India"')]
JsonOption = Annotated[bool, typer.Option("--json", help="print JSON instead of a table")]


def _fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=code)


def _db(db: Path | None) -> Path:
    return db or Settings().db


def build(
    db: DbOption = None,
    extractor: Annotated[str, typer.Option(help="whose extractions the marts use")] = "rules",
) -> None:
    """Rebuild the marts from the warehouse and publish them as a new read-only snapshot."""
    from warehouse.db import WarehouseError, connect
    from warehouse.marts import build_marts
    from warehouse.publish import publish

    path = _db(db)
    try:
        con = connect(path)
    except WarehouseError as exc:
        raise _fail(str(exc)) from exc
    try:
        counts = build_marts(con, extractor)
        snapshot = publish(con, path)
    finally:
        con.close()
    console.print(
        f"Built marts over {counts['base_postings']} relevant, de-duplicated postings; published {snapshot}"
    )
    if counts["base_postings"] == 0:
        err.print(
            "[yellow]No extracted AI-role postings yet: run `skillradar scrape` and `skillradar extract` first.[/]"
        )


def _snapshot(db: Path | None) -> duckdb.DuckDBPyConnection:
    from warehouse.publish import open_snapshot

    try:
        return open_snapshot(_db(db))
    except FileNotFoundError as exc:
        raise _fail(str(exc), code=1) from exc


def salaries(
    db: DbOption = None,
    region: RegionOption = None,
    seniority: Annotated[
        str | None, typer.Option("--seniority", help="intern|junior|mid|senior|staff_plus|manager")
    ] = None,
    role: Annotated[
        str | None, typer.Option("--role", help="role family, e.g. ml_engineering, data_science")
    ] = None,
    published_only: Annotated[
        bool, typer.Option("--published-only", help="only pay the source published")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Salary bands (annual USD percentiles) by region and seniority, from the latest snapshot."""
    from warehouse import queries
    from warehouse.marts import Filters

    con = _snapshot(db)
    try:
        bands = queries.salary_bands(
            con, Filters(region=region, seniority=seniority, role=role), published_only=published_only
        )
    finally:
        con.close()
    if as_json:
        console.print_json(json.dumps(bands.to_dicts(), default=str))
        return
    if bands.is_empty():
        console.print("No postings with pay match these filters.")
        return
    table = Table("region", "seniority", "n", "p25", "median", "p75", "median (local)", "note",
                  title="Annual pay, USD (published + text-stated)" if not published_only else "Annual pay, USD (published only)")  # fmt: skip
    for row in bands.iter_rows(named=True):
        local = f"{row['local_p50']:,.0f} {row['local_currency']}" if row["local_p50"] else ""
        note = (
            f"small sample (n < 8): {row['n_published']} published, {row['n_text']} text"
            if row["small_n"]
            else ""
        )
        median = f"{row['p50']:,.0f}" if not row["small_n"] else f"[dim]({row['p50']:,.0f})[/]"
        table.add_row(row["region"], row["seniority"], str(row["n"]), f"{row['p25']:,.0f}", median,
                      f"{row['p75']:,.0f}", local, note)  # fmt: skip
    console.print(table)


def gap(
    skills: Annotated[
        str | None, typer.Option("--skills", help="comma-separated skill ids, e.g. python,pytorch,rag")
    ] = None,
    cv: Annotated[
        Path | None, typer.Option("--cv", help="a CV or skill list as a text file; skills are extracted")
    ] = None,
    db: DbOption = None,
    region: RegionOption = None,
    as_json: JsonOption = False,
) -> None:
    """Compare your skills with live postings: coverage, skills that unlock the most postings, roadmap progress."""
    from extract.rules.skills import extract_skills
    from extract.taxonomy import load_taxonomy
    from extract.taxonomy.roadmaps import load_roadmaps
    from warehouse.gap import analyse_gap, load_gap_inputs

    taxonomy = load_taxonomy()
    mine: set[str] = set()
    if skills:
        mine |= {s.strip() for s in skills.split(",") if s.strip()}
        unknown = sorted(s for s in mine if s not in taxonomy)
        if unknown:
            raise _fail(f"unknown skill ids {unknown}; skill ids look like python, pytorch, rag, langgraph")
    if cv:
        if not cv.is_file():
            raise _fail(f"{cv} does not exist")
        mine |= {m.id for m in extract_skills(cv.read_text(encoding="utf-8", errors="replace"))}
    if not mine:
        raise _fail("give --skills or --cv")
    con = _snapshot(db)
    try:
        postings, lifts = load_gap_inputs(con, region)
    finally:
        con.close()
    report = analyse_gap(mine, postings, load_roadmaps(), lifts)
    if as_json:
        console.print_json(json.dumps({
            "skills": sorted(report.skills), "postings": report.postings, "covered": report.covered,
            "coverage": round(report.coverage, 4), "one_away": report.one_away,
            "missing": [m.__dict__ for m in report.missing], "next_phase": report.next_phase,
            "best_matches": [{"posting_id": p.posting_id, "title": p.title, "company": p.company, "url": p.url,
                              "match": round(score, 3)} for p, score in report.best_matches],
        }))  # fmt: skip
        return
    console.print(f"Your skills: {', '.join(sorted(report.skills))}")
    console.print(
        f"You cover {report.covered} of {report.postings} postings ({report.coverage:.0%}); "
        f"{report.one_away} more are one skill away."
    )
    table = Table("missing skill", "unlocks", "asked by", "pay lift (USD)", title="What to learn next")
    for m in report.missing[:10]:
        table.add_row(
            m.skill_id, str(m.unlocks), str(m.asked_by), f"{m.lift_usd:+,.0f}" if m.lift_usd else ""
        )
    console.print(table)
    for roadmap_id, phase in report.next_phase.items():
        console.print(f"{escape(roadmap_id)}: study next [bold]{escape(phase)}[/]")
    for posting, score in report.best_matches[:5]:
        console.print(escape(f"{score:.0%}  {posting.title} — {posting.company or ''}  {posting.url or ''}"))


def dashboard(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", help="port on 127.0.0.1")] = 8501,
) -> None:
    """Launch the Streamlit dashboard on the latest snapshot (http://127.0.0.1:PORT)."""
    from warehouse.publish import snapshot_path

    path = _db(db)
    if not snapshot_path(path).is_file():
        err.print(
            f"[yellow]No snapshot yet at {snapshot_path(path)}; the dashboard will say how to make one.[/]"
        )
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "127.0.0.1",
               "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
               "--", "--db", str(path)]  # fmt: skip
    console.print(f"Dashboard: http://127.0.0.1:{port}")
    raise typer.Exit(code=subprocess.call(command))
