"""Overview: postings over time, top and rising skills, sources and freshness."""

from __future__ import annotations

import altair as alt
import streamlit as st

from dashboard.data import empty_page, filters_sidebar, snapshot
from warehouse import queries

with snapshot() as con:
    if con is None:
        empty_page()
        st.stop()
    filters = filters_sidebar(con)
    facts = queries.overview(con, filters)
    weekly = queries.postings_per_week(con, filters)
    shares = queries.skill_shares(con, filters)
    sources = queries.health(con)["health_sources"]

st.title("AI-engineering job market")
st.caption(
    f"Snapshot built {facts['built_at']:%Y-%m-%d %H:%M} UTC · postings seen {facts['first']} to {facts['last']}"
)
cols = st.columns(4)
cols[0].metric("Relevant postings", f"{facts['postings']:,}")
cols[1].metric("Still open", f"{facts['open']:,}")
cols[2].metric("With stated pay", f"{facts['with_pay']:,}")
cols[3].metric("Companies", f"{facts['companies']:,}")

st.subheader("Postings per week")
st.altair_chart(
    alt.Chart(weekly.to_pandas())
    .mark_bar()
    .encode(x=alt.X("week:T", title="week"), y=alt.Y("postings:Q", title="postings")),
    width="stretch",
)

left, right = st.columns(2)
with left:
    st.subheader("Top skills")
    top = shares.head(20)
    st.altair_chart(
        alt.Chart(top.to_pandas())
        .mark_bar()
        .encode(
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of postings"),
            y=alt.Y("skill_id:N", sort="-x", title=None),
        ),
        width="stretch",
    )
with right:
    st.subheader("Rising and falling")
    moving = shares.drop_nulls("change").sort("change", descending=True)
    st.dataframe(
        moving.select("skill_id", "share_recent", "share_before", "change").head(10),
        hide_index=True,
        column_config={
            c: st.column_config.NumberColumn(format="percent")
            for c in ("share_recent", "share_before", "change")
        },
    )
    st.caption("Share in the last four weeks against the four weeks before.")

st.subheader("Sources and freshness")
st.dataframe(sources, hide_index=True)
