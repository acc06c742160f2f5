"""RemoteOK: `GET {base}/api` (optionally `?tags=ai`). The first element is a legal notice, not a job.

RemoteOK asks API users to link back to the posting's URL on remoteok.com; we keep it as the
posting's `url`, and the dashboard links every posting to its original.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_list, number_or_none, ordered_pay

KIND = "remoteok"
DEFAULT_BASE_URL = "https://remoteok.com"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    params = board.options.get("params") or None
    return await client.get_json(f"{base}/api", params=params)


def parse(payload: Any, ctx: ParseContext) -> Postings:
    items = [i for i in expect_list(payload, "remoteok api") if not (isinstance(i, dict) and "legal" in i)]

    def build(item: dict[str, Any]) -> RawPosting:
        low, high = ordered_pay(
            number_or_none(item.get("salary_min")), number_or_none(item.get("salary_max"))
        )
        tags = ", ".join(str(t) for t in item.get("tags") or [])
        html = item.get("description") or ""
        if tags:
            html = f"{html}\n<p>Tags: {tags}</p>"
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=item["id"],
            url=item.get("url") or item.get("apply_url"),
            company=item.get("company"),
            title=item["position"],
            location=item.get("location") or "Remote",
            description_html=html,
            posted_at=item.get("date") or item.get("epoch"),
            pay_min=low,
            pay_max=high,
            pay_currency="USD" if (low or high) else None,
            pay_period="year" if (low or high) else None,
            remote_hint=True,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(items, build)


SOURCE = register(Source(KIND, DEFAULT_BASE_URL, fetch, parse, "RemoteOK public API (remote jobs)"))
