"""Posting lifetimes: how long AI-role postings stay open by skill, role or region; the hardest to fill; reposts.

The numbers are the `posting_lifetimes` and `posting_reposts` marts (`warehouse/lifetimes.py`), the same
`skillradar lifetimes` prints.
"""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.data import csv_download, for_display, snapshot
from extract.taxonomy import load_taxonomy
from warehouse import queries
from warehouse.lifetimes import open_longest
from warehouse.marts import MIN_CELL

BY = {"Skill": "skill", "Role": "role", "Region": "region"}

with snapshot() as con:
    st.title("Posting lifetimes")
    choice = st.query_params.get("by", "Skill")
    by = st.radio(
        "By", list(BY), index=list(BY).index(choice) if choice in BY else 0, horizontal=True, key="by"
    )
    st.query_params["by"] = by
    lives = queries.frame(
        con, "SELECT * FROM posting_lifetimes WHERE dimension = ? ORDER BY postings DESC", [BY[by]]
    )
    longest = open_longest(con, 15)
    reposts = queries.frame(con, "SELECT * FROM posting_reposts LIMIT 50")

taxonomy = load_taxonomy()
if BY[by] == "skill":
    lives = lives.with_columns(pl.col("value").map_elements(taxonomy.name, return_dtype=pl.String))
elif BY[by] == "role":
    lives = lives.with_columns(pl.col("value").str.replace_all("_", " ").str.to_titlecase())
st.caption(
    "Days from posting to closing, for postings that closed (a median is shown once "
    f"{MIN_CELL} have), and days open so far for those still open — slow-to-fill roles are often still open."
)
top = lives.head(25)
measures = top.select(
    pl.col("value").alias(by),
    pl.col("median_days_to_close").alias("Median days to close"),
    pl.when(pl.col("small_n")).then(None).otherwise(pl.col("median_days_to_close")).alias("closed"),
    pl.col("median_days_open").alias("Median days open so far"),
    pl.col("postings").alias("Postings"),
)
long = measures.unpivot(
    index=[by, "Postings"],
    on=["closed", "Median days open so far"],
    variable_name="Measure",
    value_name="Days",
).with_columns(pl.col("Measure").replace({"closed": "Median days to close"}))
st.altair_chart(
    alt.Chart(
        long.drop_nulls("Days").to_pandas(),
        title=f"How long postings stay open, by {by.lower()} (25 most asked)",
    )
    .mark_bar()
    .encode(
        y=alt.Y(f"{by}:N", sort=None, title=None, axis=alt.Axis(labelLimit=320)),
        x=alt.X("Days:Q", title="days"),
        color=alt.Color("Measure:N", title=None),
        yOffset="Measure:N",
        tooltip=[by, "Measure", "Days", "Postings"],
    ),
    width="stretch",
)
st.dataframe(
    for_display(lives.select(
        pl.col("value").alias(by), pl.col("postings").alias("Postings"), pl.col("closed").alias("Closed"),
        pl.col("median_days_to_close").alias("Median days to close"), pl.col("still_open").alias("Still open"),
        pl.col("median_days_open").alias("Median days open so far"),
    )),
    hide_index=True,
)  # fmt: skip

csv_download(lives, "Download the lifetimes (CSV)", "posting_lifetimes.csv")
st.subheader("Open longest (hard to fill)")
st.dataframe(
    [
        {
            "Posting": p["title"],
            "Company": p["company"] or "–",
            "Region": p["region"],
            "Days open": p["days_open"],
        }
        for p in longest
    ],
    hide_index=True,
)
st.subheader("Reposted roles")
if reposts.is_empty():
    st.caption("No role was posted again after an earlier posting of it closed.")
else:
    st.dataframe(
        reposts.select(
            pl.col("company").alias("Company"), pl.col("title").alias("Role"), pl.col("postings").alias("Postings"),
            pl.col("reopened").alias("Times reposted"),
        ),
        hide_index=True,
    )  # fmt: skip
