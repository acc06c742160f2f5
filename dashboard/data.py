"""What every page shares: where the snapshot is, filters kept in the URL, and the empty-database page.

The dashboard reads only the published snapshot, read-only, through `warehouse.queries`; it never opens
the live warehouse, so a nightly write can neither block it nor show it half a build.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import streamlit as st
from platformdirs import user_data_dir

from warehouse import queries
from warehouse.marts import Filters
from warehouse.publish import open_snapshot, snapshot_path

FILTER_KEYS = ("region", "seniority", "role", "since", "until")


def warehouse_path() -> Path:
    """`--db` after `streamlit run app.py --`, else $SKILLRADAR_DB, else the default warehouse."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db")
    known, _ = parser.parse_known_args(sys.argv[1:])
    if known.db:
        return Path(known.db)
    if os.environ.get("SKILLRADAR_DB"):
        return Path(os.environ["SKILLRADAR_DB"])
    return Path(user_data_dir("skillradar")) / "skillradar.duckdb"


@contextmanager
def snapshot() -> Iterator[duckdb.DuckDBPyConnection]:
    """The latest snapshot for this script run. Without one (nothing published yet, or it is empty or
    unreadable) the page says how to make one and stops there, so a page's code only meets real data."""
    try:
        con = open_snapshot(warehouse_path())
    except (FileNotFoundError, duckdb.Error):
        con = None
    try:
        if con is None or queries.is_empty(con):
            empty_page()
            st.stop()
        yield con
    finally:
        if con is not None:
            con.close()


def empty_page() -> None:
    st.title("skillradar")
    st.info(
        "There is no data to show yet. Collect postings, extract them and publish a snapshot:\n\n"
        "```\nskillradar scrape        # collect postings from the boards in sources.toml\n"
        "skillradar extract       # skills, pay, seniority, location\n"
        "skillradar build         # marts + a snapshot for this dashboard\n```\n\n"
        f"or run `make demo` for synthetic data. Looking for a snapshot at `{snapshot_path(warehouse_path())}`."
    )


def _parse_date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def filters_sidebar(con: duckdb.DuckDBPyConnection) -> Filters:
    """Region / seniority / role / dates in the sidebar, mirrored in the URL so a view can be shared, and
    kept for the session: changing page (which starts from a bare URL) brings them along."""
    params = st.query_params
    kept: dict[str, str] = st.session_state.setdefault("kept_filters", {})
    for key, value in kept.items():
        if key not in params:
            params[key] = value
    st.sidebar.header("Filters")

    def pick(label: str, key: str, column: str) -> str | None:
        choices = ["All", *queries.options(con, column)]
        current = params.get(key)
        index = choices.index(current) if current in choices else 0
        value = st.sidebar.selectbox(
            label, choices, index=index, key=f"filter_{key}", format_func=FILTER_NAMES.get(column, str)
        )
        if value == "All":
            params.pop(key, None)
            return None
        params[key] = value
        return value

    region = pick("Region", "region", "region")
    seniority = pick("Seniority", "seniority", "seniority")
    role = pick("Role family", "role", "role_family")
    first, last = con.execute("SELECT min(seen_on), max(seen_on) FROM base_postings").fetchall()[0]
    # dates from a shared link may lie outside this snapshot's range: kept within it
    since = min(max(_parse_date(params.get("since")) or first, first), last)
    until = max(min(_parse_date(params.get("until")) or last, last), since)
    window = st.sidebar.date_input(
        "Posted between", value=(since, until), min_value=first, max_value=last, key="filter_dates"
    )
    if isinstance(window, tuple) and len(window) == 2:
        since, until = window
    for key, value, edge in (("since", since, first), ("until", until, last)):
        if value and value != edge:
            params[key] = value.isoformat()
        else:
            params.pop(key, None)
    st.session_state["kept_filters"] = {key: params[key] for key in FILTER_KEYS if key in params}
    return Filters(
        since=since if since != first else None,
        until=until if until != last else None,
        region=region,
        seniority=seniority,
        role=role,
    )


SENIORITY = {"intern": "Intern", "junior": "Junior", "mid": "Mid", "senior": "Senior", "staff_plus": "Staff+",
             "manager": "Manager", "unknown": "Not stated"}  # fmt: skip


def seniority(level: str | None) -> str:
    return SENIORITY.get(level or "unknown", (level or "–").replace("_", " ").title())


def words(value: str) -> str:
    """An id in words: "ml_engineering" -> "ML engineering"."""
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:] if text[:2] != "ml" else "ML" + text[2:]


FILTER_NAMES = {"seniority": lambda v: "All" if v == "All" else seniority(v), "role_family": words}

SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "INR": "₹", "JPY": "¥", "CAD": "CA$", "AUD": "A$", "SGD": "S$",
           "CHF": "CHF ", "PLN": "zł ", "BRL": "R$", "SEK": "kr ", "NOK": "kr ", "DKK": "kr ", "CZK": "Kč "}  # fmt: skip


def money(value: object, currency: str = "USD") -> str:
    """An amount as people read pay: "$171,600", "€65,000", "CZK 80,000"; "–" when there is none."""
    if not isinstance(value, int | float) or value != value:  # None, or NaN
        return "–"
    symbol = SYMBOLS.get(currency, f"{currency} ")
    return f"{symbol}{value:,.0f}"


def for_display(frame: pl.DataFrame) -> pl.DataFrame:
    """A table as people read it: numbers with thousands separators and empty cells as "–" (Streamlit would
    print None) in every column that has an empty cell."""
    columns = []
    for name, dtype in frame.schema.items():
        column = pl.col(name)
        if frame[name].null_count() == 0:
            columns.append(column)
            continue
        if dtype.is_numeric():
            column = column.map_elements(
                lambda v: f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.2f}".rstrip("0").rstrip("."),
                return_dtype=pl.String,
            )
        columns.append(column.cast(pl.String).fill_null("–").alias(name))
    return frame.select(columns)


def csv_download(frame: pl.DataFrame, label: str, file_name: str) -> None:
    """A button that downloads `frame` as a CSV file named `file_name`."""
    st.download_button(label, frame.write_csv(), file_name=file_name, mime="text/csv", key=f"dl_{file_name}")


def share(value: object) -> str:
    """A share as a percentage ("26%"), "–" when there is none."""
    return f"{value:.0%}" if isinstance(value, int | float) and value == value else "–"
