"""Greenhouse job boards: `GET {base}/v1/boards/{board}/jobs?content=true`.

`content` arrives entity-escaped HTML. Pay ranges are a per-job call
(`/v1/boards/{board}/jobs/{id}?pay_transparency=true` -> `pay_input_ranges`), made only for boards whose
sources entry sets `pay_transparency = true`, since it costs one request per job.
Some boards live on the EU host: give that board its own `base_url`.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_dict, failed_details, list_field, number_or_none

KIND = "greenhouse"
DEFAULT_BASE_URL = "https://boards-api.greenhouse.io"


def jobs_url(base: str, board: str) -> str:
    return f"{base}/v1/boards/{board}/jobs"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> dict[str, Any]:
    payload = expect_dict(
        await client.get_json(jobs_url(base, board.board), params={"content": "true"}), "jobs"
    )
    if not board.options.get("pay_transparency"):
        return payload

    jobs = [job for job in payload.get("jobs", []) if isinstance(job, dict) and "id" in job]
    urls = {str(job["id"]): f"{jobs_url(base, board.board)}/{job['id']}" for job in jobs}
    return {**payload, "pay": await client.get_json_each(urls, params={"pay_transparency": "true"})}


def _pay_range(detail: Any) -> dict[str, Any]:
    """The first published pay range of a job detail (amounts are in cents, periods are annual)."""
    if not isinstance(detail, dict):
        return {}
    for band in detail.get("pay_input_ranges") or []:
        low, high = number_or_none(band.get("min_cents")), number_or_none(band.get("max_cents"))
        if low is None and high is None:
            continue
        return {
            "pay_min": low / 100 if low is not None else None,
            "pay_max": high / 100 if high is not None else None,
            "pay_currency": band.get("currency_type"),
            "pay_period": "year",
        }
    return {}


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "jobs", "greenhouse board")
    pay = payload.get("pay") or {}

    def build(job: dict[str, Any]) -> RawPosting:
        location = job.get("location") or {}
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job["id"],
            url=job.get("absolute_url"),
            company=ctx.company or payload.get("meta", {}).get("company") or ctx.board,
            title=job["title"],
            location=location.get("name") if isinstance(location, dict) else location,
            description_html=job.get("content") or "",
            posted_at=job.get("first_published"),
            updated_at=job.get("updated_at"),
            fetched_at=ctx.fetched_at,
            **_pay_range(pay.get(str(job["id"]))),
        )

    result = build_postings(jobs, build)
    result.warnings.extend(f"job {w}" for w in failed_details(pay, "pay range"))
    return result


SOURCE = register(
    Source(
        KIND, DEFAULT_BASE_URL, fetch, parse, "Greenhouse job board API", options={"pay_transparency": bool}
    )
)
