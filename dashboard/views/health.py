"""Data health: scrape runs per source, failures, extraction coverage per backend, LLM tokens and cost."""

from __future__ import annotations

import streamlit as st

from dashboard.data import empty_page, snapshot
from warehouse import queries

with snapshot() as con:
    if con is None:
        empty_page()
        st.stop()
    health = queries.health(con)

st.title("Data health")
totals = health["health_totals"].to_dicts()[0]
runs = health["health_runs"]
failed = runs.filter(runs["status"] == "failed")
cols = st.columns(3)
cols[0].metric("Postings in the warehouse", f"{totals['postings']:,}")
cols[1].metric("Not yet extracted", f"{totals['unextracted']:,}")
cols[2].metric("Failed board fetches (recent)", failed.height)
st.subheader("Sources")
st.dataframe(health["health_sources"], hide_index=True)
st.subheader("Extraction by backend (tokens and cost for the LLM backends)")
st.dataframe(health["health_extraction"], hide_index=True)
st.subheader("Recent failures")
if failed.is_empty():
    st.write("No failed fetches in the recent runs.")
else:
    st.dataframe(failed.select("started_at", "source", "board", "error"), hide_index=True)
st.subheader("Recent scrape runs")
st.dataframe(runs.head(200), hide_index=True)
