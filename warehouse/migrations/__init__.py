"""Schema changes as ordered, named steps, each applied once and recorded in `_migrations`.

Add a step by appending a function decorated with `@migration`; never edit one that has shipped.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import polars as pl

from warehouse.duplicates import dup_key

Migration = Callable[[duckdb.DuckDBPyConnection], None]
MIGRATIONS: list[Migration] = []


def migration(step: Migration) -> Migration:
    MIGRATIONS.append(step)
    return step


@migration
def m001_raw_layer(con: duckdb.DuckDBPyConnection) -> None:
    """Postings as collected (first/last seen, closing, dup groups) and one row per board per scrape."""
    con.execute(
        """
        CREATE TABLE postings (
            posting_id        VARCHAR PRIMARY KEY,  -- source:board:external_id
            source            VARCHAR NOT NULL,
            board             VARCHAR NOT NULL,
            external_id       VARCHAR NOT NULL,
            company           VARCHAR,
            title             VARCHAR NOT NULL,
            location          VARCHAR,
            description_html  VARCHAR,
            description_text  VARCHAR,
            url               VARCHAR,
            posted_at         TIMESTAMP,           -- all timestamps are UTC
            updated_at        TIMESTAMP,
            pay_min           DOUBLE,              -- published pay only; text-stated pay is extraction's job
            pay_max           DOUBLE,
            pay_currency      VARCHAR,
            pay_period        VARCHAR,
            pay_text          VARCHAR,             -- a pay field published as free text (HN header, Remotive)
            remote_hint       BOOLEAN,
            is_relevant       BOOLEAN NOT NULL,
            relevance_reason  VARCHAR,
            content_hash      VARCHAR NOT NULL,
            first_seen        TIMESTAMP NOT NULL,
            last_seen         TIMESTAMP NOT NULL,
            closed_at         TIMESTAMP,
            dup_group         VARCHAR NOT NULL
        )
        """
    )
    con.execute(
        """
        CREATE TABLE scrape_runs (
            run_id       VARCHAR NOT NULL,
            source       VARCHAR NOT NULL,
            board        VARCHAR NOT NULL,
            started_at   TIMESTAMP NOT NULL,
            finished_at  TIMESTAMP,
            status       VARCHAR NOT NULL,          -- running | ok | partial | failed
            fetched      INTEGER NOT NULL DEFAULT 0,
            new          INTEGER NOT NULL DEFAULT 0,
            updated      INTEGER NOT NULL DEFAULT 0,
            closed       INTEGER NOT NULL DEFAULT 0,
            skipped      INTEGER NOT NULL DEFAULT 0,
            error        VARCHAR,
            PRIMARY KEY (run_id, source, board)
        )
        """
    )
    con.execute("CREATE INDEX postings_board ON postings (source, board)")


@migration
def m002_extractions(con: duckdb.DuckDBPyConnection) -> None:
    """Extraction results, versioned by extractor, version, model, prompt and the content they read."""
    con.execute(
        """
        CREATE TABLE extractions (
            extraction_id        VARCHAR PRIMARY KEY,  -- hash of posting, extractor key and content hash
            posting_id           VARCHAR NOT NULL,
            extractor            VARCHAR NOT NULL,     -- rules | llm | hybrid
            version              VARCHAR NOT NULL,
            model                VARCHAR NOT NULL DEFAULT '',
            prompt_version       VARCHAR NOT NULL DEFAULT '',
            content_hash         VARCHAR NOT NULL,
            extracted_at         TIMESTAMP NOT NULL,
            is_current           BOOLEAN NOT NULL,     -- the newest extraction of this posting by this extractor
            seniority            VARCHAR,
            years_experience_min INTEGER,
            country              VARCHAR,
            region               VARCHAR,
            city                 VARCHAR,
            remote               VARCHAR,
            is_ai_role           BOOLEAN,
            role_family          VARCHAR,
            salary_min           DOUBLE,
            salary_max           DOUBLE,
            salary_currency      VARCHAR,
            salary_period        VARCHAR,
            salary_source        VARCHAR,              -- published | text
            salary_multi         BOOLEAN,
            annual_min_usd       DOUBLE,
            annual_max_usd       DOUBLE,
            tokens_in            INTEGER NOT NULL DEFAULT 0,
            tokens_out           INTEGER NOT NULL DEFAULT 0,
            cost_usd             DOUBLE NOT NULL DEFAULT 0,
            latency_ms           DOUBLE NOT NULL DEFAULT 0,
            fallback_reason      VARCHAR,              -- why an LLM extraction fell back to rules
            facts                JSON NOT NULL         -- the whole PostingFacts record
        )
        """
    )
    con.execute(
        """
        CREATE TABLE posting_skills (
            extraction_id  VARCHAR NOT NULL,
            posting_id     VARCHAR NOT NULL,
            skill_id       VARCHAR NOT NULL,
            requirement    VARCHAR NOT NULL,
            evidence       VARCHAR,
            PRIMARY KEY (extraction_id, skill_id)
        )
        """
    )
    con.execute("CREATE INDEX extractions_posting ON extractions (posting_id, extractor)")


@migration
def m003_runs(con: duckdb.DuckDBPyConnection) -> None:
    """One row per `skillradar run`: status, exit code and the JSON summary of every stage."""
    con.execute(
        """
        CREATE TABLE runs (
            run_id       VARCHAR PRIMARY KEY,
            started_at   TIMESTAMP NOT NULL,
            finished_at  TIMESTAMP,
            status       VARCHAR NOT NULL,   -- running | ok | partial | failed
            exit_code    INTEGER,
            summary      JSON NOT NULL
        )
        """
    )


@migration
def m004_dup_key(con: duckdb.DuckDBPyConnection) -> None:
    """Each posting's duplicate block, so a scrape groups again only the blocks it changed."""
    con.execute("ALTER TABLE postings ADD COLUMN dup_key VARCHAR")
    rows = con.execute("SELECT posting_id, company, title FROM postings").fetchall()
    keys = pl.DataFrame(
        {"posting_id": [row[0] for row in rows], "dup_key": [dup_key(row[1], row[2]) for row in rows]},
        schema={"posting_id": pl.String, "dup_key": pl.String},
    )
    con.register("posting_keys", keys)
    con.execute(
        "UPDATE postings SET dup_key = k.dup_key FROM posting_keys k WHERE postings.posting_id = k.posting_id"
    )
    con.unregister("posting_keys")
