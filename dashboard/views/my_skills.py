"""My skills: your skills against live postings — how many you match, what to learn next, a personal roadmap.

The numbers are `warehouse.gap.answer`, the same `skillradar gap --json` prints. The picked skills, region and
seniority live in the URL (`?skills=python,pytorch&region=EU/EEA`), so a result can be shared.
"""

from __future__ import annotations

import streamlit as st

from dashboard.data import money, snapshot
from extract.cv import cv_text_of
from extract.errors import CVError
from extract.rules.skills import extract_skills
from extract.taxonomy import load_relations, load_taxonomy
from extract.taxonomy.roadmaps import load_roadmaps
from warehouse import queries
from warehouse.gap import MATCH_MEANS, analyse_gap, answer, load_gap_inputs

taxonomy = load_taxonomy()


def _from_url(key: str, choices: list[str]) -> int:
    value = st.query_params.get(key, "All")
    return choices.index(value) if value in choices else 0


with snapshot() as con:
    regions = ["All", *queries.options(con, "region")]
    levels = ["All", *queries.options(con, "seniority")]
    st.title("My skills")
    st.caption(MATCH_MEANS)
    initial = [s for s in st.query_params.get("skills", "").split(",") if s in taxonomy]
    picked = st.multiselect(
        "Your skills", sorted(taxonomy.skills), default=initial, format_func=taxonomy.name, key="skills"
    )
    cv = st.text_area("…or paste a CV or skill list", height=120, key="cv")
    upload = st.file_uploader("…or upload a CV (.txt, .md or .pdf)", type=["txt", "md", "pdf"], key="cv_file")
    left, right = st.columns(2)
    region = left.selectbox("Region", regions, index=_from_url("region", regions), key="gap_region")
    level = right.selectbox("Seniority", levels, index=_from_url("seniority", levels), key="gap_seniority")
    st.query_params["skills"] = ",".join(sorted(picked))
    for key, value in (("region", region), ("seniority", level)):
        if value == "All":
            st.query_params.pop(key, None)
        else:
            st.query_params[key] = value
    postings, lifts = load_gap_inputs(
        con, None if region == "All" else region, None if level == "All" else level
    )

mine = set(picked)
if cv.strip():
    mine |= {m.id for m in extract_skills(cv)}
if upload is not None:
    try:
        found = {m.id for m in extract_skills(cv_text_of(upload.name, upload.getvalue()))}
    except CVError as exc:
        st.error(str(exc))
        found = set()
    if not found:
        st.warning(f"No skill found in {upload.name}; pick your skills above.")
    mine |= found
if not mine:
    st.info("Pick the skills you have, or paste a CV, to compare them with live postings.")
    st.stop()
if not postings:
    st.warning("No postings for that region and seniority.")
    st.stop()

report = answer(analyse_gap(mine, postings, load_roadmaps(), load_relations(), lifts), taxonomy.name)
implied = ", ".join(taxonomy.name(s) for s in report["implied"])
st.write("Skills found: " + ", ".join(taxonomy.name(s) for s in report["skills"]))
if implied:
    st.caption(f"Counted as yours too, as your skills imply them: {implied}")
cols = st.columns(3)
cols[0].metric("Matched at 70% or more", f"{report['matched']['0.7']:,} of {report['postings']:,}")
cols[1].metric("Matched at 50% or more", f"{report['matched']['0.5']:,} of {report['postings']:,}")
cols[2].metric("Skills counted", len(report["skills"]) + len(report["implied"]))

st.subheader("What to learn next")
st.caption("Ranked by the postings each skill would bring to a 70% match (then to 50%), not by pay.")
st.table(
    [
        {"Skill": s["name"], "Brings to 70%": s["lifts"], "Brings to 50%": s["lifts_to_50"],
         "Asked by": s["asked_by"], "Pay lift": s["pay_lift"]}
        for s in report["next_skills"][:15]
    ],
    hide_index=True,
)  # fmt: skip

st.subheader("Your roadmap from the market")
st.caption(
    "Each step is the roadmap phase (or group of three skills the market asks most) that brings the most "
    "postings to a 70% match per skill it teaches."
)
st.table(
    [
        {"Step": step["step"], "Learn": ", ".join(step["skill_names"]),
         "From": step["from_title"] if step["from"] == "market" else f"{step['from_title']}: {step['name']}",
         "Postings brought to 70%": step["adds"], "Matched at 70% after": step["matched_after"],
         "Their median pay": money(step["median_pay_usd"]) if step["median_pay_usd"] else "not enough data"}
        for step in report["personal_roadmap"]
    ],
    hide_index=True,
)  # fmt: skip

st.subheader("Where you match")
for column, label, cells in zip(
    st.columns(2), ("Region", "Seniority"), (report["by_region"], report["by_seniority"]), strict=True
):
    rows = [
        {label: name, "Matched at 70%": c["matched"], "Postings": c["postings"]} for name, c in cells.items()
    ]
    column.dataframe(rows, hide_index=True)

st.subheader("Best-matching postings")
st.dataframe(
    [
        {"Match": f"{m['match']:.0%}", "Posting": m["title"], "Company": m["company"] or "–",
         "Region": m["region"], "Pay": money(m["pay_usd"]),
         "Still lacks": ", ".join(m["lacks_names"][:5]) or "–"}
        for m in report["best_matches"]
    ],
    hide_index=True,
)  # fmt: skip
