"""Workable accounts: `GET {base}/api/v1/widget/accounts/{slug}?details=true` (details add `description`)."""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, list_field

KIND = "workable"
DEFAULT_BASE_URL = "https://apply.workable.com"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    return await client.get_json(f"{base}/api/v1/widget/accounts/{board.board}", params={"details": "true"})


def location_text(job: dict[str, Any]) -> str | None:
    places = []
    for loc in job.get("locations") or []:
        if isinstance(loc, dict) and not loc.get("hidden"):
            places.append(", ".join(str(loc[k]) for k in ("city", "region", "country") if loc.get(k)))
    if not places:
        places.append(", ".join(str(job[k]) for k in ("city", "state", "country") if job.get(k)))
    return "; ".join(p for p in places if p) or None


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "jobs", "workable account")
    company = payload.get("name")

    def build(job: dict[str, Any]) -> RawPosting:
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job.get("shortcode") or job["code"],
            url=job.get("url") or job.get("shortlink") or job.get("application_url"),
            company=ctx.company or company or ctx.board,
            title=job["title"],
            location=location_text(job),
            description_html=job.get("description") or "",
            posted_at=job.get("published_on") or job.get("created_at"),
            remote_hint=bool(job["telecommuting"]) if "telecommuting" in job else None,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(jobs, build)


SOURCE = register(Source(KIND, DEFAULT_BASE_URL, fetch, parse, "Workable widget API"))
