"""Posting lifetimes: how long AI-role postings stay open, by skill, role and region, and which reopen.

A posting's life runs from when it was posted (or first seen) to when it closed (`closed_at`: it left its
board, or its own `validThrough` passed). Postings still open count apart, with how long they have been open
so far: a median over closed postings alone would say hard-to-fill roles close fast, as the slow ones are
still open. "Now" is the last time any board was seen, so a rebuild of the same warehouse gives the same
numbers. A repost is a duplicate group (same company, title and text) whose posting reappears after an
earlier one of the group closed.
"""

from __future__ import annotations

from typing import Any

import duckdb

from warehouse.marts import MIN_CELL

LIFETIMES = f"""
CREATE OR REPLACE TABLE posting_lifetimes AS
WITH now AS (SELECT CAST(max(last_seen) AS DATE) AS today FROM base_postings),
life AS (
    SELECT posting_id, region, role_family, is_open,
           date_diff('day', seen_on, coalesce(CAST(closed_at AS DATE), (SELECT today FROM now))) AS days
    FROM base_postings
),
by_dimension AS (
    SELECT 'region' AS dimension, region AS value, is_open, days FROM life
    UNION ALL SELECT 'role', role_family, is_open, days FROM life
    UNION ALL SELECT 'skill', s.skill_id, l.is_open, l.days FROM life l JOIN base_skills s USING (posting_id)
)
SELECT dimension, value, count(*) AS postings,
       count(*) FILTER (WHERE NOT is_open) AS closed,
       median(days) FILTER (WHERE NOT is_open) AS median_days_to_close,
       count(*) FILTER (WHERE is_open) AS still_open,
       median(days) FILTER (WHERE is_open) AS median_days_open,
       count(*) FILTER (WHERE NOT is_open) < {MIN_CELL} AS small_n
FROM by_dimension GROUP BY dimension, value
ORDER BY dimension, median_days_to_close DESC NULLS LAST, value
"""

# Every AI-role posting of a duplicate group in the order it opened, and whether an earlier one had closed
# by then.
REPOSTS = """
CREATE OR REPLACE TABLE posting_reposts AS
WITH ai AS (
    SELECT p.posting_id, p.dup_group, p.company, p.title, coalesce(p.posted_at, p.first_seen) AS opened,
           p.closed_at
    FROM postings p JOIN extractions e USING (posting_id)
    WHERE e.is_current AND e.extractor = ? AND e.is_ai_role
), ordered AS (
    SELECT *, max(closed_at) OVER (PARTITION BY dup_group ORDER BY opened
                                   ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS closed_before
    FROM ai
)
SELECT dup_group, any_value(company) AS company, any_value(title) AS title, count(*) AS postings,
       count(*) FILTER (WHERE closed_before IS NOT NULL AND opened >= closed_before) AS reopened,
       min(opened) AS first_opened, max(opened) AS last_opened
FROM ordered GROUP BY dup_group
HAVING count(*) FILTER (WHERE closed_before IS NOT NULL AND opened >= closed_before) > 0
ORDER BY reopened DESC, postings DESC, dup_group
"""


def build_lifetimes(con: duckdb.DuckDBPyConnection, extractor: str = "rules") -> None:
    """The lifetime marts, from base_postings and base_skills (built first) and the raw postings."""
    con.execute(LIFETIMES)
    con.execute(REPOSTS, [extractor])


def open_longest(con: duckdb.DuckDBPyConnection, limit: int = 10) -> list[dict[str, Any]]:
    """The postings open longest ("hard to fill"): title, company, region, days_open."""
    cursor = con.execute(
        """SELECT title, company, region,
                  date_diff('day', seen_on, (SELECT CAST(max(last_seen) AS DATE) FROM base_postings)) AS days_open
           FROM base_postings WHERE is_open ORDER BY days_open DESC, posting_id LIMIT ?""",
        [limit],
    )
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
