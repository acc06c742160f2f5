"""Any careers page carrying schema.org `JobPosting` JSON-LD.

The sources entry lists page URLs (`urls = [...]`); each page is fetched as HTML (robots.txt checked)
and every `script[type="application/ld+json"]` is read, including `@graph` containers and lists.

A posting's id is a hash of its URL, its `identifier` and its title: sites fill `identifier` with
placeholders ("Test") or reuse one for every posting, which as an id alone would fold them into one.
`validThrough` is kept: a posting past it is stored closed.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from selectolax.lexbor import LexborHTMLParser

from scrapers.base import BoardConfig, ParseContext, Source, WebUrl, register
from scrapers.errors import ScrapeError
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_list, number_or_none, ordered_pay

KIND = "jsonld"
DEFAULT_BASE_URL = ""


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> list[dict[str, Any]]:
    urls = [str(u) for u in board.options.get("urls") or []]
    if not urls and base:
        urls = [base]
    if not urls:
        raise ScrapeError("a jsonld source needs `urls = [...]` (careers page URLs) or a base_url")
    pages = []
    for url in urls:
        pages.append({"url": url, "html": await client.get_html(url)})
    return pages


def _walk(node: Any) -> list[dict[str, Any]]:
    """Every JobPosting object in a JSON-LD document, at any depth of @graph or list nesting."""
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for child in node:
            found.extend(_walk(child))
    elif isinstance(node, dict):
        kind = node.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if "JobPosting" in kinds:
            found.append(node)
        for key in ("@graph", "itemListElement", "item", "mainEntity"):
            if key in node:
                found.extend(_walk(node[key]))
    return found


def job_postings(html: str, unreadable: list[str] | None = None) -> list[dict[str, Any]]:
    """The JobPosting objects of a page's JSON-LD blocks. A block that is not JSON, or is nested too deep to
    read, is passed over (the page's other blocks still count) and noted in `unreadable`."""
    tree = LexborHTMLParser(html)
    found: list[dict[str, Any]] = []
    for number, script in enumerate(tree.css('script[type="application/ld+json"]'), start=1):
        raw = script.text(deep=True) or ""
        try:
            found.extend(_walk(json.loads(raw, strict=False)))
        except json.JSONDecodeError as exc:
            if unreadable is not None:
                unreadable.append(f"JSON-LD block {number} is not JSON ({exc.msg})")
        except RecursionError:
            if unreadable is not None:
                unreadable.append(f"JSON-LD block {number} is nested too deep to read")
    return found


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        return value.get("name")
    return str(value) if value else None


def _address(location: Any) -> str | None:
    locations = location if isinstance(location, list) else [location]
    places = []
    for loc in locations:
        address = loc.get("address") if isinstance(loc, dict) else None
        if isinstance(address, dict):
            keys = ("addressLocality", "addressRegion", "addressCountry")
            places.append(", ".join(_name(address.get(k)) or "" for k in keys if address.get(k)))
        elif isinstance(address, str):
            places.append(address)
    return "; ".join(p for p in places if p) or None


def _salary(base_salary: Any) -> dict[str, Any]:
    if not isinstance(base_salary, dict):
        return {}
    value = base_salary.get("value")
    if not isinstance(value, dict):
        value = {"value": value}
    low = number_or_none(value.get("minValue") or value.get("value"))
    high = number_or_none(value.get("maxValue") or value.get("value"))
    low, high = ordered_pay(low, high)
    if low is None and high is None:
        return {}
    return {
        "pay_min": low,
        "pay_max": high,
        "pay_currency": base_salary.get("currency") or value.get("currency"),
        "pay_period": value.get("unitText") or base_salary.get("unitText"),
    }


def parse(payload: Any, ctx: ParseContext) -> Postings:
    pages = expect_list(payload, "jsonld pages")
    items: list[dict[str, Any]] = []
    unreadable: list[str] = []
    for page in pages:
        if isinstance(page, dict):
            notes: list[str] = []
            items += [
                {**posting, "_page_url": page.get("url")}
                for posting in job_postings(page.get("html") or "", notes)
            ]
            unreadable += [f"{page.get('url')}: {note}" for note in notes]

    def build(item: dict[str, Any]) -> RawPosting:
        identifier = item.get("identifier")
        ident = identifier.get("value") if isinstance(identifier, dict) else identifier
        url = item.get("url") or item.get("_page_url")
        remote = str(item.get("jobLocationType") or "").upper() == "TELECOMMUTE"
        location = _address(item.get("jobLocation"))
        if remote and not location:
            requirements = item.get("applicantLocationRequirements")
            location = f"Remote ({_name(requirements)})" if _name(requirements) else "Remote"
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=hashlib.sha1(f"{url}|{ident or ''}|{item.get('title')}".encode()).hexdigest()[:16],
            url=url,
            company=_name(item.get("hiringOrganization")) or ctx.company,
            title=item["title"],
            location=location,
            description_html=item.get("description") or "",
            posted_at=item.get("datePosted"),
            valid_through=item.get("validThrough"),
            remote_hint=True if remote else None,
            fetched_at=ctx.fetched_at,
            **_salary(item.get("baseSalary")),
        )

    postings = build_postings(items, build)
    # A block that could not be read may have held postings: the board is partial (closes nothing).
    postings.skipped += unreadable
    return postings


SOURCE = register(
    Source(
        KIND,
        DEFAULT_BASE_URL,
        fetch,
        parse,
        "schema.org JobPosting JSON-LD on careers pages",
        options={"urls": list[WebUrl]},
    )
)
