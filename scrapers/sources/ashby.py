"""Ashby job boards: `GET {base}/posting-api/job-board/{board}?includeCompensation=true`.

Board names are case-sensitive (`DeepL`). Compensation comes as tiers of components; the salary
components give the published pay (lowest minimum, highest maximum of one currency and interval).
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, list_field, number_or_none, ordered_pay, with_workplace

KIND = "ashby"
DEFAULT_BASE_URL = "https://api.ashbyhq.com"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    return await client.get_json(
        f"{base}/posting-api/job-board/{board.board}", params={"includeCompensation": "true"}
    )


def salary(compensation: Any) -> dict[str, Any]:
    """Published salary from `compensation`, or nothing when only equity/bonus or no tiers are given."""
    if not isinstance(compensation, dict):
        return {}
    components: list[dict[str, Any]] = list(compensation.get("summaryComponents") or [])
    for tier in compensation.get("compensationTiers") or []:
        components.extend(tier.get("components") or [])
    salaries = [
        c
        for c in components
        if isinstance(c, dict)
        and str(c.get("compensationType", "")).lower() == "salary"
        and c.get("currencyCode")
    ]
    if not salaries:
        return {}
    first = salaries[0]
    same = [
        c
        for c in salaries
        if c.get("currencyCode") == first["currencyCode"] and c.get("interval") == first.get("interval")
    ]
    lows = [v for c in same if (v := number_or_none(c.get("minValue"))) is not None]
    highs = [v for c in same if (v := number_or_none(c.get("maxValue"))) is not None]
    low, high = ordered_pay(min(lows) if lows else None, max(highs) if highs else None)
    if low is None and high is None:
        return {}
    return {
        "pay_min": low,
        "pay_max": high,
        "pay_currency": first["currencyCode"],
        "pay_period": first.get("interval"),
    }


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "jobs", "ashby job board")

    def build(job: dict[str, Any]) -> RawPosting | None:
        if job.get("isListed") is False:
            return None
        locations = [job.get("location")] + [
            s.get("location") for s in job.get("secondaryLocations") or [] if isinstance(s, dict)
        ]
        workplace = str(job.get("workplaceType") or "").lower()
        remote = job.get("isRemote")
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job.get("id") or job["jobUrl"],
            url=job.get("jobUrl") or job.get("applyUrl"),
            company=ctx.company or ctx.board,
            title=job["title"],
            location=with_workplace(
                "; ".join(str(loc) for loc in locations if loc) or None, hybrid=workplace == "hybrid"
            ),
            description_html=job.get("descriptionHtml") or job.get("descriptionPlain") or "",
            posted_at=job.get("publishedAt"),
            remote_hint=True
            if remote or workplace == "remote"
            else (False if workplace or remote is False else None),
            fetched_at=ctx.fetched_at,
            **salary(job.get("compensation")),
        )

    return build_postings(jobs, build)


SOURCE = register(Source(KIND, DEFAULT_BASE_URL, fetch, parse, "Ashby job board API (with compensation)"))
