"""Extraction results in the warehouse: what needs extracting, and storing results without duplicates.

An extraction is identified by (posting, extractor key, content hash): re-running the same extractor on
unchanged postings finds nothing to do, and a changed posting gets a new row while the old one stays
(no longer current) for comparison.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb
import polars as pl

from extract.schema import PostingFacts, PostingInput
from warehouse.load import naive_utc


@dataclass(frozen=True)
class ExtractorKey:
    extractor: str
    version: str
    model: str = ""
    prompt_version: str = ""


def extraction_id(posting_id: str, key: ExtractorKey, content_hash: str) -> str:
    raw = "\x1f".join((posting_id, key.extractor, key.version, key.model, key.prompt_version, content_hash))
    return hashlib.sha1(raw.encode()).hexdigest()


_NOT_EXTRACTED = """
    NOT EXISTS (
        SELECT 1 FROM extractions e
        WHERE e.posting_id = p.posting_id AND e.content_hash = p.content_hash AND e.extractor = ?
          AND e.version = ? AND e.model = ? AND e.prompt_version = ?
    )"""


def count_pending(con: duckdb.DuckDBPyConnection, key: ExtractorKey) -> int:
    """How many postings `pending` would give, without reading them."""
    params = [key.extractor, key.version, key.model, key.prompt_version]
    return int(
        con.execute(f"SELECT count(*) FROM postings p WHERE {_NOT_EXTRACTED}", params).fetchall()[0][0]
    )


def pending(
    con: duckdb.DuckDBPyConnection, key: ExtractorKey, *, limit: int | None = None, after: str | None = None
) -> list[tuple[str, str, PostingInput]]:
    """(posting_id, content_hash, input) for postings this extractor has not seen with their current content,
    in id order; `after` and `limit` read them a page at a time (a backlog of 100,000 postings is never held
    in memory at once)."""
    rows = con.execute(
        f"""
        SELECT p.posting_id, p.content_hash, p.source, p.url, p.title, p.company, p.location, p.description_text,
               coalesce(p.posted_at, p.first_seen), p.pay_min, p.pay_max, p.pay_currency, p.pay_period, p.pay_text,
               p.remote_hint
        FROM postings p
        WHERE {_NOT_EXTRACTED} AND p.posting_id > ?
        ORDER BY p.posting_id
        {"LIMIT " + str(int(limit)) if limit else ""}
        """,
        [key.extractor, key.version, key.model, key.prompt_version, after or ""],
    ).fetchall()
    result = []
    for (
        pid,
        chash,
        source,
        url,
        title,
        company,
        location,
        text,
        posted,
        pmin,
        pmax,
        pcur,
        pper,
        ptext,
        hint,
    ) in rows:
        result.append((pid, chash, PostingInput(
            id=pid, source=source, url=url, title=title or "", company=company, location=location,
            description=text or "", posted_at=posted, pay_min=pmin, pay_max=pmax, pay_currency=pcur,
            pay_period=pper, pay_text=ptext, remote_hint=hint,
        )))  # fmt: skip
    return result


def _row(facts: PostingFacts, posting_id: str, content_hash: str, key: ExtractorKey, now: datetime,
         fallback_reason: str | None) -> dict[str, object]:  # fmt: skip
    salary = facts.salary
    return {
        "extraction_id": extraction_id(posting_id, key, content_hash),
        "posting_id": posting_id, "extractor": key.extractor, "version": key.version, "model": key.model,
        "prompt_version": key.prompt_version, "content_hash": content_hash, "extracted_at": now, "is_current": True,
        "seniority": facts.seniority, "years_experience_min": facts.years_experience_min, "country": facts.country,
        "region": facts.region, "city": facts.city, "remote": facts.remote, "is_ai_role": facts.is_ai_role,
        "role_family": facts.role_family,
        "salary_min": salary.min if salary else None, "salary_max": salary.max if salary else None,
        "salary_currency": salary.currency if salary else None, "salary_period": salary.period if salary else None,
        "salary_source": salary.source if salary else None, "salary_multi": salary.multi if salary else None,
        "annual_min_usd": salary.annual_min_usd if salary else None,
        "annual_max_usd": salary.annual_max_usd if salary else None,
        "tokens_in": facts.tokens_in, "tokens_out": facts.tokens_out, "cost_usd": facts.cost_usd,
        "latency_ms": facts.latency_ms, "fallback_reason": fallback_reason,
        "facts": json.dumps(facts.model_dump(mode="json"), ensure_ascii=False),
    }  # fmt: skip


_SCHEMA: dict[str, pl.DataType | type[pl.DataType]] = {
    "years_experience_min": pl.Int32, "is_ai_role": pl.Boolean, "salary_min": pl.Float64, "salary_max": pl.Float64,
    "salary_multi": pl.Boolean, "annual_min_usd": pl.Float64, "annual_max_usd": pl.Float64, "tokens_in": pl.Int64,
    "tokens_out": pl.Int64, "cost_usd": pl.Float64, "latency_ms": pl.Float64, "extracted_at": pl.Datetime("us"),
    "is_current": pl.Boolean,
}  # fmt: skip
_COLUMNS = list(_row(PostingFacts(id="x"), "x", "x", ExtractorKey("x", "x"), datetime(2000, 1, 1), None))


def store(
    con: duckdb.DuckDBPyConnection,
    results: Sequence[tuple[str, str, PostingFacts, str | None]],
    key: ExtractorKey,
    *,
    now: datetime | None = None,
) -> int:
    """Store (posting_id, content_hash, facts, fallback_reason) results in one transaction; return rows added."""
    if not results:
        return 0
    stamp = naive_utc(now or datetime.now(UTC))
    assert stamp is not None
    rows = [_row(facts, pid, chash, key, stamp, reason) for pid, chash, facts, reason in results]
    frame = pl.DataFrame(rows, schema={c: _SCHEMA.get(c, pl.String) for c in _COLUMNS})
    skills = pl.DataFrame(
        [
            {"extraction_id": row["extraction_id"], "posting_id": pid, "skill_id": s.id, "requirement": s.requirement,
             "evidence": s.evidence}
            for row, (pid, _, facts, _) in zip(rows, results, strict=True)
            for s in facts.skills
        ],
        schema={"extraction_id": pl.String, "posting_id": pl.String, "skill_id": pl.String, "requirement": pl.String,
                "evidence": pl.String},
    )  # fmt: skip
    con.begin()
    try:
        con.register("new_extractions", frame)
        con.register("new_skills", skills)
        before = con.execute("SELECT count(*) FROM extractions").fetchall()[0][0]
        con.execute(
            """UPDATE extractions SET is_current = false
               WHERE extractor = ? AND is_current
                 AND posting_id IN (SELECT posting_id FROM new_extractions)
                 AND extraction_id NOT IN (SELECT extraction_id FROM new_extractions)""",
            [key.extractor],
        )
        con.execute(
            f"INSERT INTO extractions SELECT {', '.join(_COLUMNS)} FROM new_extractions ON CONFLICT DO NOTHING"
        )
        con.execute("INSERT INTO posting_skills SELECT * FROM new_skills ON CONFLICT DO NOTHING")
        added = con.execute("SELECT count(*) FROM extractions").fetchall()[0][0] - before
        con.unregister("new_extractions")
        con.unregister("new_skills")
    except duckdb.Error:
        con.rollback()
        raise
    con.commit()
    return int(added)
