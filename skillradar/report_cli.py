"""Building and reading the marts: `build`, `salaries`, `gap` and `dashboard`.

`build` is the only one that writes; the others read the latest published snapshot, read-only.
"""

from __future__ import annotations

import json
import os
import socket
import sys
from pathlib import Path
from typing import Annotated, Literal

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


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=code)


def check_filters(con: duckdb.DuckDBPyConnection, **given: str | None) -> None:
    """Fail in one line for a filter value the snapshot does not hold (`region="Mars"`), naming those it does:
    a typo must not read as "no postings"."""
    from warehouse.queries import options

    column = {"role": "role_family"}
    for name, value in given.items():
        known = options(con, column.get(name, name))
        if value and value not in known:
            raise fail(f"no {name} {value!r} in the snapshot; it has: {', '.join(known) or 'none'}")


def _db(db: Path | None) -> Path:
    return db or Settings.load().db


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
        raise fail(str(exc)) from exc
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


def snapshot_or_fail(db: Path | None) -> duckdb.DuckDBPyConnection:
    from warehouse.publish import open_snapshot

    try:
        return open_snapshot(_db(db))
    except FileNotFoundError as exc:
        raise fail(str(exc), code=1) from exc
    except duckdb.Error as exc:  # a damaged or foreign file where the snapshot should be
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise fail(
            f"the snapshot beside {_db(db)} cannot be read ({first}); run `skillradar build`", code=1
        ) from exc


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

    con = snapshot_or_fail(db)
    try:
        check_filters(con, region=region, seniority=seniority, role=role)
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


def dashboard(
    db: DbOption = None,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="port on 127.0.0.1")] = 8501,
) -> None:
    """Launch the Streamlit dashboard on the latest snapshot (http://127.0.0.1:PORT)."""
    from warehouse.publish import snapshot_path

    path = _db(db)
    if not snapshot_path(path).is_file():
        err.print(
            f"[yellow]No snapshot yet at {snapshot_path(path)}; the dashboard will say how to make one.[/]"
        )
    if not _port_free(port):
        raise fail(f"port {port} on 127.0.0.1 is in use (another dashboard?); choose another with --port")
    console.print(f"Dashboard: http://127.0.0.1:{port}")
    command = dashboard_command(path, port)
    # this process becomes Streamlit: stopping or killing `skillradar dashboard` stops the server too
    os.execv(command[0], command)


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def dashboard_command(db: Path, port: int) -> list[str]:
    """How the dashboard is started, for end users: on loopback, no usage statistics, and Streamlit's
    toolbar in viewer mode (no "Deploy" button or developer menu)."""
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--client.toolbarMode", "viewer", "--", "--db", str(db)]  # fmt: skip


def lifetimes(
    by: Annotated[
        Literal["skill", "role", "region"], typer.Option("--by", help="skill, role or region")
    ] = "skill",
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """How long AI-role postings stay open: median days to close (closed postings) and days open so far
    (still open), by skill, role or region; the postings open longest; and the roles reposted."""
    from warehouse.lifetimes import open_longest
    from warehouse.marts import MIN_CELL
    from warehouse.queries import frame

    con = snapshot_or_fail(db)
    try:
        rows = frame(
            con,
            "SELECT value, postings, closed, median_days_to_close, still_open, median_days_open, small_n "
            "FROM posting_lifetimes WHERE dimension = ? ORDER BY median_days_to_close DESC NULLS LAST, "
            "still_open DESC, value",
            [by],
        ).to_dicts()
        longest = open_longest(con)
        reposts = frame(
            con, "SELECT company, title, postings, reopened FROM posting_reposts LIMIT 10"
        ).to_dicts()
    finally:
        con.close()
    if as_json:
        report = {"by": by, "lifetimes": rows, "open_longest": longest, "reposts": reposts}
        console.print_json(json.dumps(report, default=float))
        return
    table = Table(by, "postings", "closed", "median days to close", "still open", "median days open so far",
                  title=f"Posting lifetimes by {by} (medians of fewer than {MIN_CELL} closed postings in grey)")  # fmt: skip
    for row in rows:
        to_close, open_days = row["median_days_to_close"], row["median_days_open"]
        days = "–" if to_close is None else f"{to_close:,.0f}"
        table.add_row(
            escape(str(row["value"])), f"{row['postings']:,}", f"{row['closed']:,}",
            f"[dim]{days}[/]" if row["small_n"] else days, f"{row['still_open']:,}",
            "–" if open_days is None else f"{open_days:,.0f}",
        )  # fmt: skip
    console.print(table)
    hard = Table("posting", "company", "region", "days open", title="Open longest (hard to fill)")
    for posting in longest:
        cells = (posting["title"], posting["company"] or "–", posting["region"])
        hard.add_row(*(escape(str(cell)) for cell in cells), f"{posting['days_open']:,}")
    console.print(hard)
    console.print(
        f"{len(reposts)} roles reposted after an earlier posting closed" if reposts else "No reposts seen."
    )
