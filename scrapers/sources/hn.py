"""Hacker News "Ask HN: Who is hiring?" through the official API.

`{base}/v0/user/whoishiring.json` lists the account's submissions; the newest story titled
"Ask HN: Who is hiring?" is the thread, and every id in its `kids` is a top-level comment, usually one
company's posting with a `Company | Role | Location | Salary | URL` header on its first line.
Deleted, dead, empty and chatty comments are skipped.
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from scrapers.base import BoardConfig, Count, ParseContext, Source, register
from scrapers.errors import MalformedPayload, ScrapeError
from scrapers.http import PoliteClient
from scrapers.models import RawPosting
from scrapers.parsing import Postings, build_postings, expect_dict
from scrapers.text import html_to_text

KIND = "hn"
DEFAULT_BASE_URL = "https://hacker-news.firebaseio.com"
THREAD_TITLE = "ask hn: who is hiring?"
MAX_STORIES_TO_SCAN = 30
ITEM_URL = "https://news.ycombinator.com/item?id={id}"

_SEPARATOR = re.compile(r"\s+[|•·]\s+|\s*\|\s*")
_ROLE = re.compile(
    r"\b(engineers?|developers?|scientists?|designers?|architects?|managers?|leads?|head of|directors?|"
    r"founding|researchers?|analysts?|sre|devops|interns?|cto|vp|roles|positions|specialists?|"
    r"consultants?|administrators?|recruiters?|hiring|programmers?|tech lead|staff|principal)\b",
    re.IGNORECASE,
)
_PAY = re.compile(
    r"[$€£¥₹]|\b\d{2,3}(?:[.,]\d+)?\s*[kK]\b|\d+\s*[-–]\s*\d+\s*[kK]|\bsalary\b|\bequity\b|\b(?:USD|EUR|GBP|CAD|CHF)\b",
    re.IGNORECASE,
)
_REMOTE = re.compile(r"\b(remote|on-?site|hybrid|in[- ]office|in[- ]person|relocation)\b", re.IGNORECASE)
_EMPLOYMENT = re.compile(
    r"^\W*(full[- ]?time|part[- ]?time|contract(or)?|freelance|internship|intern|permanent|"
    r"full[- ]time contract|ft|pt)\b",
    re.IGNORECASE,
)
_VISA = re.compile(r"\bvisa\b|\bsponsorship\b", re.IGNORECASE)
# A URL or a bare domain. The domain's labels are taken possessively and only from a token's start, so a
# header of 20,000 "a." is read in linear time (backtracking over every split of it took seconds).
_URL = re.compile(
    r"https?://\S+|(?<![\w.-])(?:[\w-]+\.)++(?:com|io|ai|co|org|net|dev|app|tech|so|xyz)\b/?\S*", re.I
)
_HIRING_FOR = re.compile(
    r"\b(?:hiring|looking for)\s+(?:an?\s+|our\s+|for\s+)?([\w/+\- ]{0,60}?\b(?:engineers?|developers?|"
    r"scientists?|designers?|architects?|researchers?|managers?|leads?))\b",
    re.IGNORECASE,
)
_NON_JOB = re.compile(
    r"^(great thread|thanks|thank you|looking forward|is anyone|does anyone)", re.IGNORECASE
)


# A real "Who is hiring?" thread has 300-700 top-level comments; a story claiming thousands is read up to
# this many (one request each), and the rest is reported as left out.
MAX_COMMENTS = 1500


async def fetch(client: PoliteClient, board: BoardConfig, base: str) -> dict[str, Any]:
    story_id = board.options.get("story_id")
    story: dict[str, Any] | None = None
    user: dict[str, Any] = {}
    if story_id:
        story = expect_dict(await client.get_json(f"{base}/v0/item/{story_id}.json"), "hn story")
    else:
        user = expect_dict(await client.get_json(f"{base}/v0/user/{board.board}.json"), "hn user")
        for item_id in sorted(user.get("submitted") or [], reverse=True)[:MAX_STORIES_TO_SCAN]:
            item = await client.get_json(f"{base}/v0/item/{item_id}.json")
            if isinstance(item, dict) and str(item.get("title", "")).lower().startswith(THREAD_TITLE):
                story = item
                break
    if story is None:
        raise MalformedPayload(f"no 'Ask HN: Who is hiring?' story among {board.board}'s recent submissions")

    async def comment(kid: Any) -> Any:
        try:
            return await client.get_json(f"{base}/v0/item/{kid}.json")
        except ScrapeError as exc:
            return {"id": kid, "error": str(exc)}

    kids = list(story.get("kids") or [])
    limit = int(board.options.get("max_comments", MAX_COMMENTS))
    comments = await asyncio.gather(*(comment(kid) for kid in kids[:limit]))
    return {"story": story, "comments": list(comments), "comments_left_out": max(0, len(kids) - limit)}


def _header_and_body(text_html: str) -> tuple[str, str]:
    """The first paragraph's first line is the header; everything is the body."""
    first_paragraph = re.split(r"<p>", text_html, maxsplit=1, flags=re.IGNORECASE)[0]
    header = html_to_text(first_paragraph).split("\n", 1)[0]
    return header.strip(), html_to_text(text_html)


def _company(part: str) -> str:
    name = re.sub(r"\([^)]*\)", "", part)
    name = _URL.sub("", name) if not _URL.fullmatch(name.strip()) else name
    name = re.split(r"\s+[-–—]\s+|:\s", name, maxsplit=1)[0]
    return " ".join(name.split()).strip(" -–,") or part.strip()


def parse_header(header: str, first_paragraph_text: str = "", body_text: str = "") -> dict[str, Any]:
    """Split a `Company | Role | Location | Salary | URL` header into fields, whatever their order."""
    parts = [p.strip() for p in _SEPARATOR.split(header) if p and p.strip()]
    fields: dict[str, Any] = {"company": _company(parts[0]) if parts else None}
    title = pay = None
    places: list[str] = []
    for part in parts[1:]:
        if _URL.fullmatch(part) or (_URL.search(part) and len(part.split()) == 1):
            continue
        if pay is None and _PAY.search(part) and not _ROLE.search(part):
            pay = part
        elif _REMOTE.search(part):
            places.append(part)
        elif _EMPLOYMENT.match(part) or _VISA.search(part):
            continue
        elif title is None and _ROLE.search(part):
            title = part
        elif len(part.split()) <= 4 and not _ROLE.search(part):
            places.append(part)
    if title is None:
        roles = [line.strip(" -–•*") for line in first_paragraph_text.split("\n")[1:] if _ROLE.search(line)]
        title = " / ".join(r for r in roles if r)[:200] or None
    if title is None:
        hiring = _HIRING_FOR.search(body_text)
        title = hiring.group(1).strip() if hiring else None
    fields.update(title=title, pay_text=pay, location="; ".join(places) or None)
    remote_text = " ".join(places).lower()
    if "remote" in remote_text and not re.search(r"\bno remote\b|\bnot remote\b", remote_text):
        fields["remote_hint"] = True
    elif re.search(r"on-?site|in[- ]office|in[- ]person|hybrid", remote_text):
        fields["remote_hint"] = False
    return fields


def is_job_comment(item: dict[str, Any]) -> bool:
    if item.get("deleted") or item.get("dead") or item.get("error") or item.get("type") != "comment":
        return False
    text = item.get("text") or ""
    if not text.strip():
        return False
    header, _ = _header_and_body(text)
    if _NON_JOB.match(header):
        return False
    return "|" in header or bool(_ROLE.search(header) and _REMOTE.search(header))


def parse(payload: Any, ctx: ParseContext) -> Postings:
    body = expect_dict(payload, "hn thread")
    comments = [c for c in body.get("comments") or [] if isinstance(c, dict)]
    story = body.get("story") or {}
    skipped = [f"item {c.get('id')}: {c['error']}" for c in comments if c.get("error")]

    def build(item: dict[str, Any]) -> RawPosting | None:
        if not is_job_comment(item):
            return None
        text_html = item["text"]
        first_paragraph = re.split(r"<p>", text_html, maxsplit=1, flags=re.IGNORECASE)[0]
        header, body_text = _header_and_body(text_html)
        fields = parse_header(header, html_to_text(first_paragraph), body_text[:2000])
        return RawPosting(
            source=KIND,
            board=ctx.board,
            external_id=item["id"],
            url=ITEM_URL.format(id=item["id"]),
            company=fields["company"],
            title=fields["title"] or header[:120],
            location=fields["location"],
            description_html=text_html,
            posted_at=item.get("time") or story.get("time"),
            pay_text=fields["pay_text"],
            remote_hint=fields.get("remote_hint"),
            fetched_at=ctx.fetched_at,
        )

    result = build_postings(comments, build)
    result.skipped[:0] = skipped
    if body.get("comments_left_out"):
        result.warnings.append(f"{body['comments_left_out']} comments past max_comments were not read")
    return result


SOURCE = register(
    Source(
        KIND,
        DEFAULT_BASE_URL,
        fetch,
        parse,
        'Hacker News "Who is hiring?" (official API)',
        options={"story_id": Count, "max_comments": Count},
        default_board="whoishiring",
    )
)
