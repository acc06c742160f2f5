"""Salary bands: region x seniority distributions with n on every cell, USD or local currency."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.data import empty_page, filters_sidebar, snapshot
from warehouse import queries

with snapshot() as con:
    if con is None:
        empty_page()
        st.stop()
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
value = "pay_usd" if currency == "USD" else "pay_local"
st.altair_chart(
    alt.Chart(points.to_pandas())
    .mark_boxplot()
    .encode(
        x=alt.X("seniority:N", title=None),
        y=alt.Y(f"{value}:Q", title="annual pay" + (" (USD)" if currency == "USD" else " (stated currency)")),
        column=alt.Column("region:N", title=None),
        color=alt.Color("seniority:N", legend=None),
    ),
)
shown = bands.select(
    "region",
    "seniority",
    "n",
    "n_published",
    "n_text",
    *(
        ["p10", "p25", "p50", "p75", "p90"]
        if currency == "USD"
        else ["local_currency", "local_p25", "local_p50", "local_p75"]
    ),
    "small_n",
)
# Percentiles of pay to the dollar (or unit of local currency): cents would claim a precision nobody has.
money = [c for c in shown.columns if c.startswith(("p", "local_p"))]
st.dataframe(shown.with_columns(pl.col(money).round(0)), hide_index=True)
st.caption("Cells with fewer than 8 postings are flagged small_n: read them as anecdotes, not medians.")
