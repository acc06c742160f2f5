"""Overview: postings over time, top and rising skills, sources and freshness."""

from __future__ import annotations

import altair as alt
import polars as pl
import streamlit as st

from dashboard.data import csv_download, filters_sidebar, for_display, snapshot
from extract.taxonomy import load_taxonomy
from warehouse import queries
from warehouse.marts import RECENT_WEEKS

MIN_WINDOW = 30  # postings in each window before two shares are compared
MIN_ASKED = 5  # postings asking for a skill, over both windows, before its change is shown
taxonomy = load_taxonomy()

with snapshot() as con:
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
    .encode(
        x=alt.X("yearmonthdate(week):O", title="week starting", axis=alt.Axis(format="%d %b", labelAngle=0)),
        y=alt.Y("postings:Q", title="postings"),
        tooltip=[alt.Tooltip("week:T", title="week starting"), alt.Tooltip("postings:Q")],
    ),
    width="stretch",
)

shares = shares.with_columns(
    pl.col("skill_id").map_elements(taxonomy.name, return_dtype=pl.String).alias("Skill")
)
left, right = st.columns(2)
with left:
    st.subheader("Top skills")
    st.altair_chart(
        alt.Chart(
            shares.head(20).to_pandas(), title="Share of postings asking for each skill (20 most asked)"
        )
        .mark_bar()
        .encode(
            x=alt.X("share:Q", axis=alt.Axis(format="%"), title="share of postings"),
            y=alt.Y("Skill:N", sort="-x", title=None, axis=alt.Axis(labelLimit=300)),
            tooltip=[
                "Skill",
                alt.Tooltip("share:Q", format=".1%"),
                alt.Tooltip("postings:Q", title="postings"),
            ],
        ),
        width="stretch",
    )
with right:
    st.subheader("Rising and falling")
    n_recent, n_before = (int(shares[c].max() or 0) if shares.height else 0 for c in ("n_recent", "n_before"))
    st.caption(
        f"Share of postings asking for a skill in the last {RECENT_WEEKS} weeks ({n_recent:,} postings) against "
        f"the {RECENT_WEEKS} weeks before ({n_before:,}); skills asked by at least {MIN_ASKED} postings in the two."
    )
    if min(n_recent, n_before) < MIN_WINDOW:
        st.info(f"Too few postings to compare the two windows (at least {MIN_WINDOW} in each).")
    else:
        moving = shares.filter(
            (pl.col("asked_recent") + pl.col("asked_before") >= MIN_ASKED) & pl.col("change").is_not_null()
        )
        for label, part in (
            ("Rising", moving.filter(pl.col("change") > 0).sort("change", descending=True).head(6)),
            ("Falling", moving.filter(pl.col("change") < 0).sort("change").head(6)),
        ):
            st.markdown(f"**{label}**")
            st.table(
                [
                    {"Skill": r["Skill"],
                     f"Last {RECENT_WEEKS} weeks": f"{r['share_recent']:.0%} ({r['asked_recent']} of {n_recent})",
                     f"{RECENT_WEEKS} weeks before": f"{r['share_before']:.0%} ({r['asked_before']} of {n_before})",
                     "Change": f"{100 * r['change']:+.1f} pts"}
                    for r in part.iter_rows(named=True)
                ] or [{"Skill": "–"}],
                hide_index=True,
            )  # fmt: skip

csv_download(shares, "Download skill shares (CSV)", "skill_shares.csv")
st.subheader("Sources and freshness")
st.dataframe(
    for_display(sources).rename({"source": "Source", "postings": "Postings", "open_postings": "Open", "relevant": "AI roles",
                    "last_seen": "Last seen (UTC)"}),
    hide_index=True,
)  # fmt: skip
