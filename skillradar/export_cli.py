"""`skillradar export`: the latest snapshot's tables as Parquet or CSV files, to take the data elsewhere.

DuckDB's own `COPY ... TO` writes the files, straight from the read-only snapshot: postings (the relevant,
de-duplicated postings with their extracted facts), extractions (each posting's skills, how it asks for
them and the words that gave them) or every mart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

import duckdb
import typer
from rich.markup import escape
from rich.table import Table

from skillradar.report_cli import DbOption, console, fail, snapshot_or_fail
from warehouse.publish import MART_TABLES, sql_string

WHAT = {
    "postings": ("base_postings",),
    "extractions": ("base_skills",),
    "marts": tuple(t for t in MART_TABLES if t not in {"base_postings", "base_skills"}),
}
FILE_NAMES = {"base_postings": "postings", "base_skills": "extractions"}


def export(
    what: Annotated[
        Literal["postings", "extractions", "marts"],
        typer.Option("--what", help="postings, extractions (skills per posting) or marts (one file each)"),
    ] = "postings",
    file_format: Annotated[
        Literal["parquet", "csv"], typer.Option("--format", help="parquet or csv")
    ] = "parquet",
    out: Annotated[Path, typer.Option("--out", help="folder to write into (made if missing)")] = Path(
        "export"
    ),
    db: DbOption = None,
) -> None:
    """Write tables of the latest snapshot as Parquet or CSV files, e.g. `skillradar export --what marts
    --format csv --out data/`. Every file is read back and its rows counted."""
    if out.exists() and not out.is_dir():
        raise fail(f"--out {out} is a file; give a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise fail(f"--out {out}: cannot make the folder ({exc.strerror})") from exc
    con = snapshot_or_fail(db)
    try:
        table = Table("table", "file", "rows", title=f"export of {what}")
        for name in WHAT[what]:
            target = out / f"{FILE_NAMES.get(name, name)}.{file_format}"
            options = "FORMAT parquet" if file_format == "parquet" else "FORMAT csv, HEADER true"
            try:
                con.execute(f"COPY (SELECT * FROM {name}) TO {sql_string(str(target))} ({options})")
            except duckdb.IOException as exc:  # a folder it may not write to, a full disk
                raise fail(f"cannot write {target}: {exc}", code=1) from exc
            reader = "read_parquet" if file_format == "parquet" else "read_csv_auto"
            rows = con.execute(f"SELECT count(*) FROM {reader}(?)", [str(target)]).fetchall()[0][0]
            table.add_row(name, escape(str(target)), f"{rows:,}")
    finally:
        con.close()
    console.print(table)
