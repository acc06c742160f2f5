"""Data health: the nightly runs, scrape runs per source, failures, extraction coverage per backend, LLM
tokens and cost."""

from __future__ import annotations

import json

import streamlit as st

from dashboard.data import for_display, snapshot
from warehouse import queries

with snapshot() as con:
    health = queries.health(con)

st.title("Data health")
totals = health["health_totals"].to_dicts()[0]
runs = health["health_runs"]
failed = runs.filter(runs["status"] == "failed")
cols = st.columns(3)
cols[0].metric("Postings in the warehouse", f"{totals['postings']:,}")
cols[1].metric("Not yet extracted", f"{totals['unextracted']:,}")
cols[2].metric("Failed board fetches (recent)", failed.height)
st.subheader("Nightly runs")
nightly = health["health_nightly"]
if nightly.is_empty():
    st.caption("No `skillradar run` yet: these numbers come from separate commands.")
else:
    last = nightly.row(0, named=True)
    st.markdown(
        f"Last run **{last['status']}** (exit code {last['exit_code'] if last['exit_code'] is not None else '–'}), "
        f"started {last['started_at']:%Y-%m-%d %H:%M} UTC"
        + (
            f", took {last['seconds']:,} s"
            if last["seconds"] is not None
            else f", stopped in {last['stopped_in']}"
        )
    )
    st.dataframe(
        for_display(nightly.drop("summary")).rename({
            "started_at": "Started (UTC)", "finished_at": "Finished (UTC)", "status": "Status",
            "exit_code": "Exit code", "seconds": "Seconds", "boards": "Boards", "failed_boards": "Failed boards",
            "new_postings": "New postings", "stopped_in": "Last stage",
        }),
        hide_index=True,
    )  # fmt: skip
    with st.expander("The last run's summary"):
        st.json(json.loads(last["summary"]))
st.subheader("Sources")
st.dataframe(
    for_display(health["health_sources"]).rename({"source": "Source", "postings": "Postings", "open_postings": "Open",
                                     "relevant": "AI roles", "last_seen": "Last seen (UTC)"}),
    hide_index=True,
)  # fmt: skip
st.subheader("Extraction by backend (tokens and cost for the LLM backends)")
st.dataframe(
    for_display(health["health_extraction"]).rename({
        "extractor": "Backend", "model": "Model", "extractions": "Extractions", "current": "Current",
        "fallbacks": "Handed to the rules", "tokens_in": "Tokens in", "tokens_out": "Tokens out",
        "cost_usd": "Cost (USD)", "last_extracted": "Last extracted (UTC)",
    }),
    hide_index=True,
)  # fmt: skip
st.subheader("Recent failures")
if failed.is_empty():
    st.write("No failed fetches in the recent runs.")
else:
    st.dataframe(
        failed.select("started_at", "source", "board", "error").rename(
            {"started_at": "Started (UTC)", "source": "Source", "board": "Board", "error": "Error"}
        ),
        hide_index=True,
    )
st.subheader("Recent scrape runs")
st.dataframe(
    for_display(runs.head(200)).rename({c: c.replace("_", " ").capitalize() for c in runs.columns}),
    hide_index=True,
)
