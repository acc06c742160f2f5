"""Postings: filter and search; each row links to the original posting; a posting's skills with the words that
gave them. Everything a board wrote (titles, companies, places, text) is shown as text, never as Markdown."""

from __future__ import annotations

import polars as pl
import streamlit as st

from dashboard.data import csv_download, filters_sidebar, money, seniority, snapshot
from extract.taxonomy import load_taxonomy
from warehouse import queries

SHOWN = 200
HOW = {"required": "required", "preferred": "preferred", "unknown": "named"}
taxonomy = load_taxonomy()

with snapshot() as con:
    filters = filters_sidebar(con)
    st.title("Postings")
    text = st.text_input("Search title, company or text", value=st.query_params.get("q", ""), key="q")
    st.query_params["q"] = text
    found = queries.search_postings(con, filters, text, limit=SHOWN)
    total = queries.count_postings(con, filters, text)
    st.caption(
        f"{found.height:,} of {total:,} postings, newest first"
        + (f" (the first {SHOWN})" if total > SHOWN else "")
    )
    safe_links = found.with_columns(
        pl.when(pl.col("url").str.starts_with("https://") | pl.col("url").str.starts_with("http://"))
        .then(pl.col("url"))
        .otherwise(None)
    )
    st.dataframe(
        safe_links.select(
            pl.col("title").alias("Posting"), pl.col("company").alias("Company"), pl.col("location").alias("Location"),
            pl.col("seniority").map_elements(seniority, return_dtype=pl.String).alias("Seniority"),
            pl.col("remote").fill_null("–").alias("Remote"),
            pl.col("pay_usd").map_elements(money, return_dtype=pl.String).alias("Pay (USD a year)"),
            pl.col("seen_on").alias("Posted"), pl.col("url").alias("Link"),
        ),
        hide_index=True,
        column_config={"Link": st.column_config.LinkColumn("Link", display_text="open")},
    )  # fmt: skip
    csv_download(found, "Download these postings (CSV)", "postings.csv")
    labels = {
        row[
            "posting_id"
        ]: f"{row['title']} · {row['company'] or '–'} · {row['location'] or '–'} · {row['seen_on']}"
        for row in found.iter_rows(named=True)
    }
    if labels:
        chosen = st.selectbox("Read a posting", list(labels), format_func=labels.__getitem__, key="posting")
        detail = queries.posting_detail(con, chosen)
    else:
        detail = None

if detail:
    st.subheader("Read a posting")
    st.text(
        f"{detail['title']} · {detail['company'] or '–'} · {detail['location'] or '–'} · "
        f"{money(detail['pay_usd'])} a year"
    )
    skills = detail["skills"]
    assert isinstance(skills, list)
    st.table(
        [{"Skill": taxonomy.name(s) if s in taxonomy else s, "Asked as": HOW.get(how, how), "From the words": ev or "–"}
         for s, how, ev in skills] or [{"Skill": "–"}],
        hide_index=True,
    )  # fmt: skip
    st.text(detail["description_text"] or "")
