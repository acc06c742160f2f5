"""Arbeitnow: `GET {base}/api/job-board-api`, paged by following `links.next`.

`links.next` is followed only while it stays on the configured base URL's origin, and never twice,
so a replayed or misbehaving feed cannot send the scraper anywhere else or round in circles. The feed's
`tags` are its own categories ("Software Development", "Team Leader"), not the posting's words: they stay out of the text.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from scrapers.base import BoardConfig, Count, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_dict, list_field

KIND = "arbeitnow"
DEFAULT_BASE_URL = "https://www.arbeitnow.com"
MAX_PAGES = 5


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> dict[str, Any]:
    url: str | None = f"{base}/api/job-board-api"
    seen: set[str] = set()
    data: list[Any] = []
    for _ in range(int(board.options.get("max_pages", MAX_PAGES))):
        if url is None or url in seen or _origin(url) != _origin(base):
            break
        seen.add(url)
        page = expect_dict(await client.get_json(url), "arbeitnow page")
        data.extend(list_field(page, "data", "arbeitnow page"))
        next_url = (page.get("links") or {}).get("next")
        url = next_url if isinstance(next_url, str) and next_url else None
    return {"data": data}


def parse(payload: Any, ctx: ParseContext) -> Postings:
    jobs = list_field(payload, "data", "arbeitnow job board")

    def build(job: dict[str, Any]) -> RawPosting:
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=job["slug"],
            url=job.get("url"),
            company=job.get("company_name"),
            title=job["title"],
            location=job.get("location"),
            description_html=job.get("description") or "",
            posted_at=job.get("created_at"),
            remote_hint=bool(job["remote"]) if "remote" in job else None,
            fetched_at=ctx.fetched_at,
        )

    return build_postings(jobs, build)


SOURCE = register(
    Source(
        KIND, DEFAULT_BASE_URL, fetch, parse, "Arbeitnow job board API (Europe)", options={"max_pages": Count}
    )
)
