"""SmartRecruiters: list `GET {base}/v1/companies/{company}/postings` (offset paging), then one detail
call per posting (`.../postings/{id}`) because only the detail carries the text in `jobAd.sections`.

Without a detail (its call failed) a posting still lands: its URL is its public page on
jobs.smartrecruiters.com (never the API's JSON URL in `ref`), and its text is what the list says of it (the
labelled custom fields: "Contract: Permanent", "Work flexibility: Office-based"), with a warning.
"""

from __future__ import annotations

from typing import Any

from scrapers.base import BoardConfig, Count, ParseContext, Source, register
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import (
    Postings,
    build_postings,
    expect_dict,
    failed_details,
    list_field,
    with_workplace,
)

KIND = "smartrecruiters"
DEFAULT_BASE_URL = "https://api.smartrecruiters.com"
PAGE_SIZE = 100
MAX_PAGES = 20
PUBLIC_PAGE = "https://jobs.smartrecruiters.com"
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


def list_html(item: dict[str, Any]) -> str:
    """What the list item says besides its title and place: its labelled custom fields, one a line."""
    fields = [
        f"<li>{field.get('fieldLabel')}: {field.get('valueLabel')}</li>"
        for field in item.get("customField") or []
        if isinstance(field, dict) and field.get("fieldLabel") and field.get("valueLabel")
    ]
    return f"<ul>{''.join(fields)}</ul>" if fields else ""


def public_url(item: dict[str, Any], board: str) -> str:
    company = (item.get("company") or {}).get("identifier") or board
    return f"{PUBLIC_PAGE}/{company}/{item['id']}"


def parse(payload: Any, ctx: ParseContext) -> Postings:
    content = list_field(payload, "content", "smartrecruiters postings")
    details = payload.get("details") or {}

    def build(item: dict[str, Any]) -> RawPosting:
        detail = details.get(str(item["id"])) or {}
        location = item.get("location") or detail.get("location") or {}
        company = (item.get("company") or {}).get("name")
        flags = location if isinstance(location, dict) else {}
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=item["id"],
            url=detail.get("postingUrl") or public_url(item, ctx.board),
            company=ctx.company or company or ctx.board,
            title=item["name"],
            location=with_workplace(location_text(location), hybrid=flags.get("hybrid") is True),
            description_html=sections_html(detail) or list_html(item),
            posted_at=item.get("releasedDate"),
            remote_hint=flags.get("remote"),
            fetched_at=ctx.fetched_at,
        )

    result = build_postings(content, build)
    result.warnings.extend(f"posting {w}" for w in failed_details(details, "description"))
    return result


SOURCE = register(
    Source(KIND, DEFAULT_BASE_URL, fetch, parse, "SmartRecruiters posting API", options={"max_pages": Count})
)
