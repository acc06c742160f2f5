"""The Streamlit dashboard; reads only published snapshots through warehouse/queries.py (issue 4)."""
