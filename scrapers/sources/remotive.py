"""Remotive: `GET {base}/api/remote-jobs?category=...&search=...`.

Remotive asks for at most a few requests a day and for a link back to the posting on remotive.com;
the conditional cache keeps repeat runs cheap and `url` is always the Remotive link.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, QueryParams, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, list_field, text_or_none

KIND = "remotive"
DEFAULT_BASE_URL = "https://remotive.com"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    params = board.options.get("params") or None
    return await client.get_json(f"{base}/api/remote-jobs", params=params)


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "jobs", "remotive remote-jobs")

    def build(job: dict[str, Any]) -> RawPosting:
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job["id"],
            url=job.get("url"),
            company=job.get("company_name"),
            title=job["title"],
            location=job.get("candidate_required_location") or "Remote",
            description_html=job.get("description") or "",
            posted_at=job.get("publication_date"),
            pay_text=text_or_none(job.get("salary")),
            remote_hint=True,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(jobs, build)


SOURCE = register(
    Source(KIND, DEFAULT_BASE_URL, fetch, parse, "Remotive remote-jobs API", options={"params": QueryParams})
)
