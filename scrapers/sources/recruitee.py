"""Recruitee careers sites: `GET https://{board}.recruitee.com/api/offers/`.

Each offer has `description` and `requirements` as HTML; both are kept. The base URL may contain
`{board}`, since every company has its own subdomain.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, list_field, number_or_none, ordered_pay, with_workplace

KIND = "recruitee"
DEFAULT_BASE_URL = "https://{board}.recruitee.com"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    return await client.get_json(f"{base.format(board=board.board)}/api/offers/")


def parse(payload: Any, ctx: ParseContext) -> Postings:
    offers = list_field(payload, "offers", "recruitee offers")

    def build(offer: dict[str, Any]) -> RawPosting:
        salary = offer.get("salary") or {}
        low, high = ordered_pay(number_or_none(salary.get("min")), number_or_none(salary.get("max")))
        place = ", ".join(str(p) for p in (offer.get("city"), offer.get("country")) if p)
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=offer["id"],
            url=offer.get("careers_url") or offer.get("url") or offer.get("careers_apply_url"),
            company=ctx.company or offer.get("company_name") or ctx.board,
            title=offer["title"],
            location=with_workplace(
                offer.get("location") or place or None, hybrid=offer.get("hybrid") is True
            ),
            description_html="\n".join(
                p for p in (offer.get("description"), offer.get("requirements")) if isinstance(p, str)
            ),
            posted_at=offer.get("published_at") or offer.get("created_at"),
            pay_min=low,
            pay_max=high,
            pay_currency=salary.get("currency") if (low or high) else None,
            pay_period=salary.get("period") if (low or high) else None,
            remote_hint=True if offer.get("remote") else (False if offer.get("on_site") else None),
            fetched_at=ctx.fetched_at,
        )

    return build_postings(offers, build)


SOURCE = register(Source(KIND, DEFAULT_BASE_URL, fetch, parse, "Recruitee offers API"))
