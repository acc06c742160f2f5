"""The DuckDB warehouse: one file, recorded migrations, the raw layer, marts and published snapshots.

Middle floor: it knows `scrapers.models.RawPosting` and `extract.schema.PostingFacts`, never the CLI.
"""
