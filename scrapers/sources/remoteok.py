"""RemoteOK: `GET {base}/api` (optionally `?tags=ai`). The first element is a legal notice, not a job.

RemoteOK asks API users to link back to the posting's URL on remoteok.com; we keep it as the
posting's `url`, and the dashboard links every posting to its original.

What the feed adds to a description is taken out: literal `\\n` sequences, and the anti-spam line ("Please
mention the word **REFORMS** and tag RMjcu...") whose word rotates and whose tag is the base64 of the
fetching machine's IP address: kept, it would store our own address in every posting and make every posting
look changed each time the word rotates. The feed's `tags` are assigned by the board, not written by the
employer ("digital nomad", "travel", "cloud" on a warehouse job), so they stay out of the text too. Mojibake is repaired for every source (`scrapers.text.repair`).
"""

from __future__ import annotations

import re
from typing import Any

from scrapers.base import BoardConfig, ParseContext, QueryParams, Source, register
from scrapers.http import PoliteClient
from scrapers.models import PayPeriod, RawPosting
from scrapers.parsing import Postings, build_postings, expect_list, number_or_none, ordered_pay

KIND = "remoteok"
DEFAULT_BASE_URL = "https://remoteok.com"


# "Please mention the word **WORD** and tag TAG when applying ... see they're human." up to its last sentence.
_ANTI_SPAM = re.compile(r"Please mention the word\b.*?(?:see they(?:'|’)re human\.?|$)", re.DOTALL)
# Amounts this small are hourly rates (AI-trainer gigs at $30-$225), not a year's pay.
_HOURLY_BELOW = 1000


def description(html: str) -> str:
    """The posting's own text: literal `\\n` made line breaks, the anti-spam line removed."""
    return _ANTI_SPAM.sub("", html.replace("\\n", "\n"))


def _period(amount: float | None) -> PayPeriod | None:
    if amount is None:
        return None
    return "hour" if amount < _HOURLY_BELOW else "year"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> Any:
    params = board.options.get("params") or None
    return await client.get_json(f"{base}/api", params=params)


def parse(payload: Any, ctx: ParseContext) -> Postings:
    items = [i for i in expect_list(payload, "remoteok api") if not (isinstance(i, dict) and "legal" in i)]

    def build(item: dict[str, Any]) -> RawPosting:
        low, high = ordered_pay(
            number_or_none(item.get("salary_min")), number_or_none(item.get("salary_max"))
        )
        html = description(item.get("description") or "")
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
            pay_period=_period(high or low),
            remote_hint=True,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(items, build)


SOURCE = register(
    Source(
        KIND,
        DEFAULT_BASE_URL,
        fetch,
        parse,
        "RemoteOK public API (remote jobs)",
        options={"params": QueryParams},
    )
)
