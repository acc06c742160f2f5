"""Himalayas: `GET {base}/jobs/api?limit=&offset=` (offset paging). Pay comes with `salaryPeriod`
("hourly", "annual", ...); without one it is annual, as the API documents."""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, Count, ParseContext, QueryParams, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_dict, list_field, number_or_none, ordered_pay

KIND = "himalayas"
DEFAULT_BASE_URL = "https://himalayas.app"
PAGE_SIZE = 20
MAX_PAGES = 10


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> dict[str, Any]:
    jobs: list[Any] = []
    extra = dict(board.options.get("params") or {})
    for page in range(int(board.options.get("max_pages", MAX_PAGES))):
        params = {**extra, "limit": PAGE_SIZE, "offset": page * PAGE_SIZE}
        body = expect_dict(await client.get_json(f"{base}/jobs/api", params=params), "himalayas page")
        batch = list_field(body, "jobs", "himalayas page")
        jobs.extend(batch)
        total = body.get("totalCount")
        if len(batch) < PAGE_SIZE or (isinstance(total, int) and len(jobs) >= total):
            break
    return {"jobs": jobs}


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "jobs", "himalayas jobs")

    def build(job: dict[str, Any]) -> RawPosting:
        low, high = ordered_pay(number_or_none(job.get("minSalary")), number_or_none(job.get("maxSalary")))
        restrictions = [str(r) for r in job.get("locationRestrictions") or []]
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job.get("guid") or job["applicationLink"],
            url=job.get("applicationLink") or job.get("guid"),
            company=job.get("companyName"),
            title=job["title"],
            location=("Remote (" + ", ".join(restrictions) + ")") if restrictions else "Remote",
            description_html=job.get("description") or job.get("excerpt") or "",
            posted_at=job.get("pubDate"),
            pay_min=low,
            pay_max=high,
            pay_currency=(job.get("currency") or "USD") if (low or high) else None,
            pay_period=(job.get("salaryPeriod") or "year") if (low or high) else None,
            remote_hint=True,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(jobs, build)


SOURCE = register(
    Source(
        KIND,
        DEFAULT_BASE_URL,
        fetch,
        parse,
        "Himalayas remote jobs API",
        options={"params": QueryParams, "max_pages": Count},
    )
)
