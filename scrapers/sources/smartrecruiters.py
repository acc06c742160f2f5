"""SmartRecruiters: list `GET {base}/v1/companies/{company}/postings` (offset paging), then one detail
call per posting (`.../postings/{id}`) because only the detail carries the text in `jobAd.sections`.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_dict, failed_details, list_field

KIND = "smartrecruiters"
DEFAULT_BASE_URL = "https://api.smartrecruiters.com"
PAGE_SIZE = 100
MAX_PAGES = 20
SECTION_ORDER = ("jobDescription", "qualifications", "additionalInformation", "companyDescription")


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> dict[str, Any]:
    url = f"{base}/v1/companies/{board.board}/postings"
    content: list[Any] = []
    for page in range(int(board.options.get("max_pages", MAX_PAGES))):
        body = expect_dict(
            await client.get_json(url, params={"limit": PAGE_SIZE, "offset": page * PAGE_SIZE}), "postings"
        )
        batch = list_field(body, "content", "smartrecruiters postings")
        content.extend(batch)
        total = body.get("totalFound")
        if len(batch) < PAGE_SIZE or (isinstance(total, int) and len(content) >= total):
            break

    ids = [str(p["id"]) for p in content if isinstance(p, dict) and "id" in p]
    return {"content": content, "details": await client.get_json_each({i: f"{url}/{i}" for i in ids})}


def location_text(location: Any) -> str | None:
    if not isinstance(location, dict):
        return None
    if location.get("fullLocation"):
        return str(location["fullLocation"])
    parts = [location.get(k) for k in ("city", "region", "country")]
    return ", ".join(str(p) for p in parts if p) or None


def sections_html(detail: Any) -> str:
    sections = (detail or {}).get("jobAd", {}).get("sections", {}) if isinstance(detail, dict) else {}
    blocks = []
    for key in SECTION_ORDER:
        section = sections.get(key) or {}
        if section.get("text"):
            blocks.append(f"<h3>{section.get('title') or ''}</h3>{section['text']}")
    return "\n".join(blocks)


def parse(payload: Any, ctx: ParseContext) -> Postings:
    content = list_field(payload, "content", "smartrecruiters postings")
    details = payload.get("details") or {}

    def build(item: dict[str, Any]) -> RawPosting:
        detail = details.get(str(item["id"])) or {}
        location = item.get("location") or detail.get("location") or {}
        company = (item.get("company") or {}).get("name")
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=item["id"],
            url=detail.get("postingUrl") or item.get("ref") or detail.get("applyUrl"),
            company=ctx.company or company or ctx.board,
            title=item["name"],
            location=location_text(location),
            description_html=sections_html(detail),
            posted_at=item.get("releasedDate"),
            remote_hint=location.get("remote") if isinstance(location, dict) else None,
            fetched_at=ctx.fetched_at,
        )

    result = build_postings(content, build)
    result.warnings.extend(f"posting {w}" for w in failed_details(details, "description"))
    return result


SOURCE = register(Source(KIND, DEFAULT_BASE_URL, fetch, parse, "SmartRecruiters posting API"))
