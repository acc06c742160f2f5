"""The thin fetch halves against a loopback server: paging, per-job calls, thread discovery, guards."""

from __future__ import annotations

import json

from scrapers.base import BoardConfig, get_source
from scrapers.http import ClientSettings, PoliteClient
from tests.conftest import Scripted, ctx, fixture_json

FAST = ClientSettings(attempts=2, wait_initial=0.01, per_host_rate=1000, per_host_concurrency=4)


async def fetch(kind: str, board: BoardConfig, base: str):
    async with PoliteClient(FAST) as client:
        return await get_source(kind).fetch(client, board, base)


async def test_greenhouse_asks_for_pay_ranges_only_when_configured(scripted):
    scripted.route("/v1/boards/acme/jobs", Scripted(200, fixture_json("greenhouse_jobs.json")))
    scripted.route("/v1/boards/acme/jobs/4001", Scripted(200, fixture_json("greenhouse_pay.json")))
    scripted.route("/v1/boards/acme/jobs/4002", Scripted(500))
    plain = await fetch("greenhouse", BoardConfig("greenhouse", "acme"), scripted.url)
    assert "pay" not in plain and scripted.hits("/v1/boards/acme/jobs/4001") == 0
    assert any("content=true" in path for path, _, _ in scripted.requests)

    board = BoardConfig("greenhouse", "acme", options={"pay_transparency": True})
    payload = await fetch("greenhouse", board, scripted.url)
    parsed = get_source("greenhouse").parse(payload, ctx())
    postings = {p.external_id: p for p in parsed}
    assert postings["4001"].pay_max == 240000
    assert len(parsed.warnings) == 2 and "job 4002: pay range unavailable" in parsed.warnings[0]
    assert postings["4002"].pay_max is None, "a failed pay call costs only that job's pay"


async def test_lever_pages_until_a_short_page(scripted):
    page = [{"id": f"p{i}", "text": "ML Engineer", "descriptionPlain": "x"} for i in range(100)]
    scripted.route("/v0/postings/acme", Scripted(200, page), Scripted(200, page[:3]))
    items = await fetch("lever", BoardConfig("lever", "acme"), scripted.url)
    assert len(items) == 103 and scripted.hits("/v0/postings/acme") == 2
    assert "skip=100" in scripted.requests[1][0]


async def test_arbeitnow_follows_next_only_on_the_same_origin_and_never_twice(scripted):
    first = fixture_json("arbeitnow_page1.json")
    first["links"]["next"] = f"{scripted.url}/api/job-board-api?page=2"
    second = fixture_json("arbeitnow_page2.json")
    second["links"]["next"] = "https://elsewhere.example/api/job-board-api?page=3"
    scripted.route("/api/job-board-api", Scripted(200, first), Scripted(200, second))
    payload = await fetch("arbeitnow", BoardConfig("arbeitnow", "all"), scripted.url)
    assert len(payload["data"]) == 2 and scripted.hits("/api/job-board-api") == 2

    looping = fixture_json("arbeitnow_page1.json")
    looping["links"]["next"] = f"{scripted.url}/loop/api/job-board-api"
    scripted.route("/loop/api/job-board-api", Scripted(200, looping))
    payload = await fetch("arbeitnow", BoardConfig("arbeitnow", "all"), f"{scripted.url}/loop")
    assert scripted.hits("/loop/api/job-board-api") == 1 and len(payload["data"]) == 1


async def test_hn_takes_the_newest_who_is_hiring_story(scripted):
    scripted.route(
        "/v0/user/whoishiring.json", Scripted(200, {"id": "whoishiring", "submitted": [10, 30, 20]})
    )
    scripted.route(
        "/v0/item/30.json",
        Scripted(200, {"id": 30, "type": "story", "title": "Ask HN: Who wants to be hired?"}),
    )
    scripted.route(
        "/v0/item/20.json",
        Scripted(
            200, {"id": 20, "type": "story", "title": "Ask HN: Who is hiring? (May 2026)", "kids": [21, 22]}
        ),
    )
    scripted.route(
        "/v0/item/21.json",
        Scripted(200, {"id": 21, "type": "comment", "text": "Acme | ML Engineer | Remote"}),
    )
    scripted.route("/v0/item/22.json", Scripted(503))
    payload = await fetch("hn", BoardConfig("hn", "whoishiring"), scripted.url)
    assert payload["story"]["id"] == 20 and scripted.hits("/v0/item/10.json") == 0
    postings = get_source("hn").parse(payload, ctx("whoishiring"))
    assert [p.external_id for p in postings] == ["21"]
    assert postings.skipped and "22" in postings.skipped[0]


async def test_jsonld_fetches_each_page_url(scripted):
    from tests.conftest import FIXTURES

    scripted.route("/careers/1", Scripted(200, (FIXTURES / "jsonld_page.html").read_bytes()))
    board = BoardConfig("jsonld", "acme", options={"urls": [f"{scripted.url}/careers/1"]})
    pages = await fetch("jsonld", board, "")
    assert len(get_source("jsonld").parse(pages, ctx())) == 3
    assert json.dumps(pages)  # payloads stay plain data, so they can be recorded and replayed
