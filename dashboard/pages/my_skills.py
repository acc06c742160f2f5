"""My skills: pick skills or paste a CV; see coverage, the next skills to learn, roadmap progress and matches."""

from __future__ import annotations

import streamlit as st

from dashboard.data import empty_page, money, snapshot
from extract.rules.skills import extract_skills
from extract.taxonomy import load_taxonomy
from extract.taxonomy.roadmaps import load_roadmaps
from warehouse import queries
from warehouse.gap import analyse_gap, load_gap_inputs

taxonomy = load_taxonomy()
with snapshot() as con:
    if con is None:
        empty_page()
        st.stop()
    regions = ["All", *queries.options(con, "region")]
    st.title("My skills")
    initial = [s for s in st.query_params.get("skills", "").split(",") if s in taxonomy]
    picked = st.multiselect(
        "Your skills", sorted(taxonomy.skills), default=initial, format_func=taxonomy.name, key="skills"
    )
    cv = st.text_area("…or paste a CV or skill list", height=120, key="cv")
    region = st.selectbox("Region", regions, key="gap_region")
    mine = set(picked) | ({m.id for m in extract_skills(cv)} if cv.strip() else set())
    st.query_params["skills"] = ",".join(sorted(picked))
    postings, lifts = load_gap_inputs(con, None if region == "All" else region)

if not mine:
    st.info("Pick the skills you have, or paste a CV, to compare them with live postings.")
    st.stop()
report = analyse_gap(mine, postings, load_roadmaps(), lifts)
st.write("Skills found: " + ", ".join(taxonomy.name(s) for s in sorted(mine)))
cols = st.columns(3)
cols[0].metric("Postings you cover", f"{report.coverage:.0%}", help="all their required skills are yours")
cols[1].metric("Covered", f"{report.covered} of {report.postings}")
cols[2].metric("One skill away", report.one_away)

st.subheader("What to learn next")
st.dataframe(
    [
        {
            "skill": taxonomy.name(m.skill_id),
            "postings unlocked": m.unlocks,
            "asked by": m.asked_by,
            "pay lift (USD)": m.lift_usd,
        }
        for m in report.missing[:15]
    ],
    hide_index=True,
)
st.subheader("Roadmap progress")
for roadmap_id, phase in report.next_phase.items():
    steps = [p for p in report.progress if p.roadmap_id == roadmap_id]
    st.markdown(f"**{roadmap_id}** — study next: *{phase}*")
    st.progress(
        sum(p.share for p in steps) / len(steps),
        text=" · ".join(f"{p.phase} {p.have}/{p.total}" for p in steps),
    )
st.subheader("Best-matching postings")
for posting, score in report.best_matches:
    link = f"[{posting.title}]({posting.url})" if posting.url else posting.title
    st.markdown(
        f"{score:.0%} — {link} · {posting.company or ''} · {posting.region} · {money(posting.pay_usd)}"
    )
