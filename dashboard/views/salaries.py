"""Salary bands: region x seniority distributions with n on every cell, USD or local currency."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.data import SENIORITY, csv_download, filters_sidebar, money, seniority, snapshot
from warehouse import queries

with snapshot() as con:
    filters = filters_sidebar(con)
    currency = st.radio(
        "Currency",
        ["USD", "Local"],
        horizontal=True,
        index=1 if st.query_params.get("currency") == "Local" else 0,
        key="currency",
    )
    st.query_params["currency"] = currency
    published_only = st.toggle(
        "Published pay only", value=st.query_params.get("published") == "1", key="published"
    )
    st.query_params["published"] = "1" if published_only else "0"
    bands = queries.salary_bands(con, filters, published_only=published_only)
    points = queries.salary_points(con, filters, published_only=published_only)

st.title("Salary bands")
if bands.is_empty():
    st.write("No postings with pay match these filters.")
    st.stop()

frame = points.with_columns(
    pl.col("seniority").map_elements(seniority, return_dtype=pl.String).alias("Seniority")
)
order = [level for level in SENIORITY.values() if level in set(frame["Seniority"])]
if currency == "USD":
    data, value, facet, unit = frame, "pay_usd", "region", "annual pay (USD)"
else:  # one facet per currency, each on its own axis: INR in millions would flatten everything else
    data = frame.drop_nulls("salary_currency").with_columns(
        (pl.col("region") + " · " + pl.col("Seniority")).alias("Cell")
    )
    value, facet, unit = "pay_local", "salary_currency", "annual pay (in the currency stated)"
x = "Seniority" if currency == "USD" else "Cell"
box = (
    alt.Chart()
    .mark_boxplot(extent="min-max")
    .encode(
        x=alt.X(
            f"{x}:N",
            title=None,
            sort=order if x == "Seniority" else "ascending",
            axis=alt.Axis(labelAngle=-40, labelLimit=200),
        ),
        y=alt.Y(f"{value}:Q", title=unit, axis=alt.Axis(format="~s")),
        color=alt.Color("Seniority:N", legend=None),
    )
)
counts = (
    alt.Chart()
    .transform_aggregate(n="count()", top=f"max({value})", groupby=[x, "Seniority"])
    .transform_calculate(label="'n=' + datum.n")
    .mark_text(dy=-8, fontSize=11)
    .encode(
        x=alt.X(f"{x}:N", sort=order if x == "Seniority" else "ascending"), y=alt.Y("top:Q"), text="label:N"
    )
)
chart = (
    alt.layer(box, counts, data=data.to_pandas())
    .properties(width=230)
    .facet(facet=alt.Facet(f"{facet}:N", title=None), columns=3)
    .resolve_scale(y="independent" if currency == "Local" else "shared", x="independent")
    .properties(title="Pay per posting, " + ("by region and seniority, in USD a year" if currency == "USD"
                                              else "by currency, each on its own scale"))
)  # fmt: skip
st.altair_chart(chart)

n_note = pl.when(pl.col("small_n")).then(pl.lit("fewer than 8: an anecdote")).otherwise(pl.lit("–"))
if currency == "USD":
    rows = [
        {"Region": r["region"], "Seniority": seniority(r["seniority"]), "Postings": r["n"],
         "Published pay": r["n_published"], "Pay in the text": r["n_text"],
         **{f"P{q}": money(r[f"p{q}"]) for q in (10, 25, 50, 75, 90)}, "Note": r["note"]}
        for r in bands.with_columns(n_note.alias("note")).iter_rows(named=True)
    ]  # fmt: skip
else:
    rows = [
        {"Region": r["region"], "Seniority": seniority(r["seniority"]), "Postings": r["n"],
         "Currency": r["local_currency"] or "–",
         **{f"P{q}": money(r[f"local_p{q}"], r["local_currency"] or "USD") for q in (25, 50, 75)},
         "Note": r["note"]}
        for r in bands.with_columns(n_note.alias("note")).iter_rows(named=True)
    ]  # fmt: skip
st.dataframe(rows, hide_index=True)
csv_download(bands, "Download the bands (CSV)", "salary_bands.csv")
st.caption(
    "Annual pay: P50 is the median, P25-P75 the middle half. Cells with fewer than 8 postings with pay are "
    "anecdotes, not medians. In local currency each cell is shown in the currency most of its postings state."
)
