"""Postings: filter and search; each row links to the original posting; text shown as text."""

from __future__ import annotations

import streamlit as st

from dashboard.data import empty_page, filters_sidebar, money, snapshot
from warehouse import queries

with snapshot() as con:
    if con is None:
        empty_page()
        st.stop()
    filters = filters_sidebar(con)
    st.title("Postings")
    text = st.text_input("Search title, company or text", value=st.query_params.get("q", ""), key="q")
    st.query_params["q"] = text
    found = queries.search_postings(con, filters, text)
    st.caption(f"{found.height} postings (newest first, at most 200)")
    st.dataframe(
        found.select("title", "company", "location", "seniority", "remote", "pay_usd", "url"),
        hide_index=True,
        column_config={
            "url": st.column_config.LinkColumn("link", display_text="open"),
            "pay_usd": st.column_config.NumberColumn("pay (USD/yr)", format="%.0f"),
        },
    )
    ids = found["posting_id"].to_list()
    if ids:
        chosen = st.selectbox(
            "Read a posting", ids, format_func=lambda i: found.filter(found["posting_id"] == i)["title"][0]
        )
        detail = queries.posting_detail(con, chosen)
        if detail:
            st.markdown(
                f"**{detail['title']}** · {detail['company'] or ''} · {detail['location'] or ''} · {money(detail['pay_usd'])}"
            )
            st.caption("Skills: " + ", ".join(detail["skills"]))
            st.text(detail["description_text"] or "")
