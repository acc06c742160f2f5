"""Roadmaps: demand and pay per phase of a published roadmap, its skills ranked, and its claims checked."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.data import filters_sidebar, money, snapshot
from extract.taxonomy import load_taxonomy
from warehouse import queries

taxonomy = load_taxonomy()

with snapshot() as con:
    filters = filters_sidebar(con)
    roadmaps = dict(queries.roadmap_ids(con))
    ids = list(roadmaps)
    chosen = st.query_params.get("roadmap")
    roadmap_id = st.selectbox(
        "Roadmap",
        ids,
        index=ids.index(chosen) if chosen in ids else 0,
        format_func=lambda i: roadmaps[i],
        key="roadmap",
    )
    st.query_params["roadmap"] = roadmap_id
    phases = queries.phase_demand(con, roadmap_id, filters)
    ranking = queries.phase_skill_ranking(con, roadmap_id, filters)
    claims = queries.claims(con, roadmap_id)

st.title(roadmaps[roadmap_id])
st.subheader("Demand and pay per phase, in order")
st.altair_chart(
    alt.Chart(phases.to_pandas(), title="Postings asking for any of a phase's skills")
    .mark_bar()
    .encode(
        y=alt.Y("phase:N", sort=list(phases["phase"]), title=None, axis=alt.Axis(labelLimit=420)),
        x=alt.X("share_any:Q", axis=alt.Axis(format="%"), title="share of postings"),
        tooltip=[
            alt.Tooltip("phase:N", title="phase"),
            alt.Tooltip("share_any:Q", format=".0%", title="share of postings"),
            alt.Tooltip("postings:Q", title="postings"),
            alt.Tooltip("median_pay_usd:Q", format="$,.0f", title="median pay (USD a year)"),
        ],
    ),
    width="stretch",
)
for row in phases.iter_rows(named=True):
    st.markdown(
        f"**{row['phase_order']}. {row['phase']}** — asked by {row['share_any']:.0%} of postings "
        f"({row['postings']:,}), {row['mean_coverage']:.0%} of its skills per posting on average, "
        f"median pay {money(row['median_pay_usd'])}"
    )
    skills = ranking.filter(ranking["phase_order"] == row["phase_order"])
    st.caption(
        " · ".join(f"{taxonomy.name(s['skill_id'])} {s['share']:.0%}" for s in skills.iter_rows(named=True))
    )

st.subheader("The article's claims against live data")
if claims.is_empty():
    st.write("This roadmap makes no checkable claims.")
else:
    st.dataframe(
        claims.select(
            pl.col("verdict").str.to_titlecase().alias("Verdict"), pl.col("sentence").alias("The article says"),
            pl.col("claimed").alias("Claimed"), pl.col("measured_text").replace("", "–").alias("Measured"),
            pl.col("n").alias("Postings (n)"),
        ),
        hide_index=True,
        column_config={"The article says": st.column_config.TextColumn(width="large")},
    )  # fmt: skip
