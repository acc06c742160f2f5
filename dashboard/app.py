"""skillradar dashboard: `skillradar dashboard` or `streamlit run dashboard/app.py -- --db FILE`."""

from __future__ import annotations

import sys
from pathlib import Path

import streamlit as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script by Streamlit

st.set_page_config(page_title="skillradar", page_icon="📡", layout="wide")

# Pages live in views/, not pages/: Streamlit would auto-detect a pages/ folder and, on a cold server, show a
# deep link (/salaries) with a sidebar of file names before st.navigation ran once.
PAGES = Path(__file__).resolve().parent / "views"
navigation = st.navigation(
    [
        st.Page(PAGES / "overview.py", title="Overview", default=True),
        st.Page(PAGES / "roadmaps.py", title="Roadmaps"),
        st.Page(PAGES / "salaries.py", title="Salary bands"),
        st.Page(PAGES / "my_skills.py", title="My skills"),
        st.Page(PAGES / "postings.py", title="Postings"),
        st.Page(PAGES / "lifetimes.py", title="Posting lifetimes"),
        st.Page(PAGES / "health.py", title="Data health"),
    ]
)
navigation.run()
