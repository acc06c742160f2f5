"""Lever postings: `GET {base}/v0/postings/{site}?mode=json`, paged with `skip` / `limit`.

Requirements live in `lists[]` (each a heading `text` and an HTML `content`), so they are folded into
the description together with `additional`; leaving them out would hide most of the skills.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, Count, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import (
    Postings,
    build_postings,
    expect_list,
    number_or_none,
    ordered_pay,
    with_workplace,
)

KIND = "lever"
DEFAULT_BASE_URL = "https://api.lever.co"
PAGE_SIZE = 100
MAX_PAGES = 50


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> list[Any]:
    url = f"{base}/v0/postings/{board.board}"
    postings: list[Any] = []
    for page in range(int(board.options.get("max_pages", MAX_PAGES))):
        batch = expect_list(
            await client.get_json(url, params={"mode": "json", "skip": page * PAGE_SIZE, "limit": PAGE_SIZE}),
            "lever postings",
        )
        postings.extend(batch)
        if len(batch) < PAGE_SIZE:
            break
    return postings


def description_html(item: dict[str, Any]) -> str:
    parts = [item.get("description") or item.get("descriptionPlain") or ""]
    for block in item.get("lists") or []:
        if isinstance(block, dict):
            parts.append(f"<h3>{block.get('text') or ''}</h3><ul>{block.get('content') or ''}</ul>")
    parts.append(item.get("additional") or item.get("additionalPlain") or "")
    return "\n".join(p for p in parts if p)


def location(categories: dict[str, Any]) -> str | None:
    """Every place the posting lists (`allLocations`: ["London", "Stockholm"]), else its one `location`."""
    places = [str(place) for place in categories.get("allLocations") or [] if place]
    if len(places) > 1:
        return "; ".join(places)
    return categories.get("location") or (places[0] if places else None)


def parse(payload: Any, ctx: ParseContext) -> Postings:
    items = expect_list(payload, "lever postings")

    def build(item: dict[str, Any]) -> RawPosting:
        categories = item.get("categories") or {}
        salary = item.get("salaryRange") or {}
        low, high = ordered_pay(number_or_none(salary.get("min")), number_or_none(salary.get("max")))
        workplace = str(item.get("workplaceType") or "").lower()
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=item["id"],
            url=item.get("hostedUrl"),
            company=ctx.company or ctx.board,
            title=item["text"],
            location=with_workplace(location(categories), hybrid=workplace == "hybrid"),
            description_html=description_html(item),
            posted_at=item.get("createdAt"),
            pay_min=low,
            pay_max=high,
            pay_currency=salary.get("currency") if (low or high) else None,
            pay_period=salary.get("interval") if (low or high) else None,
            remote_hint=True
            if workplace == "remote"
            else (False if workplace in {"on-site", "hybrid"} else None),
            fetched_at=ctx.fetched_at,
        )

    return build_postings(items, build)


SOURCE = register(
    Source(KIND, DEFAULT_BASE_URL, fetch, parse, "Lever postings API", options={"max_pages": Count})
)
