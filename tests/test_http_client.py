"""The polite client against real loopback servers: retries, Retry-After, caching, caps, robots, errors."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from scrapers.errors import (
    HTTPStatusFailure,
    MalformedPayload,
    NetworkFailure,
    ResponseTooLarge,
    RobotsDisallowed,
)
from scrapers.http import ClientSettings, PoliteClient, parse_retry_after
from tests.conftest import Scripted

FAST = ClientSettings(attempts=3, wait_initial=0.01, wait_max=0.05, timeout=2.0, per_host_rate=1000)


def run(coro):
    return asyncio.run(coro)


async def get_json(settings: ClientSettings, url: str):
    async with PoliteClient(settings) as client:
        return await client.get_json(url), client.stats


def test_sends_an_honest_user_agent(scripted):
    scripted.route("/a", Scripted(200, {"ok": True}))
    run(get_json(FAST, f"{scripted.url}/a"))
    assert scripted.requests[0][1]["user-agent"].startswith("skillradar/")


def test_retries_5xx_then_succeeds(scripted):
    scripted.route("/a", Scripted(503), Scripted(502), Scripted(200, {"jobs": []}))
    body, stats = run(get_json(FAST, f"{scripted.url}/a"))
    assert body == {"jobs": []}
    assert scripted.hits("/a") == 3 and stats.retries == 2


def test_honours_retry_after_on_429(scripted):
    scripted.route("/a", Scripted(429, headers={"Retry-After": "1"}), Scripted(200, [1]))
    started = time.monotonic()
    body, _ = run(get_json(FAST, f"{scripted.url}/a"))
    assert body == [1]
    first, second = (t for p, _, t in scripted.requests)
    assert second - first >= 0.95, "the second attempt came before Retry-After allowed"
    assert time.monotonic() - started < 5


def test_gives_up_on_retry_after_longer_than_allowed(scripted):
    scripted.route("/a", Scripted(429, headers={"Retry-After": "3600"}))
    with pytest.raises(HTTPStatusFailure) as caught:
        run(get_json(FAST, f"{scripted.url}/a"))
    assert caught.value.status == 429 and scripted.hits("/a") == 1


def test_persistent_5xx_becomes_a_typed_error_naming_url_and_status(scripted):
    scripted.route("/a", Scripted(500, b"boom"))
    with pytest.raises(HTTPStatusFailure) as caught:
        run(get_json(FAST, f"{scripted.url}/a"))
    assert caught.value.status == 500 and caught.value.url.endswith("/a")
    assert scripted.hits("/a") == FAST.attempts
    assert "HTTP 500" in str(caught.value.for_board("greenhouse", "acme"))
    assert "[greenhouse:acme]" in str(caught.value)


def test_4xx_is_not_retried(scripted):
    scripted.route("/a", Scripted(404, b"nope"))
    with pytest.raises(HTTPStatusFailure) as caught:
        run(get_json(FAST, f"{scripted.url}/a"))
    assert caught.value.status == 404 and scripted.hits("/a") == 1


def test_timeout_is_retried_then_reported(scripted):
    settings = ClientSettings(attempts=2, wait_initial=0.01, timeout=0.3, per_host_rate=1000)
    scripted.route("/slow", Scripted(200, [1], delay=1.0))
    with pytest.raises(NetworkFailure, match="timed out"):
        run(get_json(settings, f"{scripted.url}/slow"))
    assert scripted.hits("/slow") == 2


def test_connection_reset_is_a_network_failure(scripted):
    scripted.route("/reset", Scripted(reset=True))
    with pytest.raises(NetworkFailure):
        run(get_json(FAST, f"{scripted.url}/reset"))


def test_connection_refused_is_a_network_failure():
    with pytest.raises(NetworkFailure, match="connection failed"):
        run(get_json(FAST, "http://127.0.0.1:9/nothing"))


def test_oversize_body_is_refused(scripted):
    settings = ClientSettings(max_bytes=1000, per_host_rate=1000)
    scripted.route("/big", Scripted(200, b"[" + b"1," * 5000 + b"1]"))
    with pytest.raises(ResponseTooLarge):
        run(get_json(settings, f"{scripted.url}/big"))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"jobs": [1, 2', "invalid JSON"),
        (b"<html><body>Rate limited</body></html>", "expected JSON but got markup"),
        (b'{"name": "\xff\xfe"}', "not valid UTF-8"),
    ],
)
def test_malformed_bodies_are_typed_errors(scripted, body, message):
    scripted.route("/bad", Scripted(200, body))
    with pytest.raises(MalformedPayload, match=message):
        run(get_json(FAST, f"{scripted.url}/bad"))


def test_refetch_is_conditional_and_served_from_cache_on_304(scripted, tmp_path: Path):
    settings = ClientSettings(cache_dir=tmp_path / "cache", per_host_rate=1000)
    scripted.route("/board", Scripted(200, {"jobs": [1, 2]}, headers={"ETag": '"v1"'}))
    first, stats1 = run(get_json(settings, f"{scripted.url}/board"))
    second, stats2 = run(get_json(settings, f"{scripted.url}/board"))
    assert first == second == {"jobs": [1, 2]}
    assert stats1.not_modified == 0 and stats2.not_modified == 1
    assert scripted.requests[1][1].get("if-none-match") == '"v1"'


def test_robots_txt_disallow_stops_html_fetches(scripted):
    scripted.route("/robots.txt", Scripted(200, b"User-agent: *\nDisallow: /careers/private\n"))
    scripted.route("/careers/private/1", Scripted(200, b"<html></html>"))
    scripted.route("/careers/open", Scripted(200, b"<html>ok</html>"))

    async def go():
        async with PoliteClient(FAST) as client:
            allowed = await client.get_html(f"{scripted.url}/careers/open")
            with pytest.raises(RobotsDisallowed):
                await client.get_html(f"{scripted.url}/careers/private/1")
            return allowed

    assert run(go()) == "<html>ok</html>"
    assert scripted.hits("/careers/private/1") == 0 and scripted.hits("/robots.txt") == 1


def test_missing_robots_txt_allows_everything(scripted):
    scripted.route("/page", Scripted(200, b"<html>x</html>"))

    async def go():
        async with PoliteClient(FAST) as client:
            return await client.allowed_by_robots(f"{scripted.url}/page")

    assert run(go()) is True


def test_a_robots_txt_on_another_host_counts_as_none(scripted):
    """A redirect to another host is not followed, for robots.txt too; the page is not lost for it."""
    scripted.route("/robots.txt", Scripted(301, headers={"Location": "http://127.0.0.2:9/robots.txt"}))
    scripted.route("/page", Scripted(200, b"<html>x</html>"))

    async def go():
        async with PoliteClient(FAST) as client:
            return await client.get_html(f"{scripted.url}/page")

    assert run(go()) == "<html>x</html>"


@pytest.mark.parametrize(
    ("robots", "why"),
    [
        (Scripted(503), "robots.txt answered 503"),
        (
            Scripted(200, b"User-agent: *", headers={"Content-Encoding": "gzip"}),
            "robots.txt could not be read",
        ),
    ],
)
def test_a_robots_txt_that_cannot_be_had_disallows_and_says_why(scripted, robots: Scripted, why: str):
    """RFC 9309: a robots.txt the server fails to give means full disallow; the page's error says it is that,
    not a rule of the site's."""
    scripted.route("/robots.txt", robots)
    scripted.route("/page", Scripted(200, b"<html>x</html>"))

    async def go():
        async with PoliteClient(FAST) as client:
            await client.get_html(f"{scripted.url}/page")

    with pytest.raises(RobotsDisallowed, match=why):
        run(go())
    assert scripted.hits("/page") == 0


def test_per_host_concurrency_is_capped(scripted):
    settings = ClientSettings(per_host_concurrency=2, per_host_rate=1000)
    for i in range(6):
        scripted.route(f"/p{i}", Scripted(200, [i], delay=0.2))

    async def go():
        async with PoliteClient(settings) as client:
            started = time.monotonic()
            await asyncio.gather(*(client.get_json(f"{scripted.url}/p{i}") for i in range(6)))
            return time.monotonic() - started

    elapsed = run(go())
    assert elapsed >= 0.55, "six 0.2 s requests at two at a time need at least three rounds"


def test_retry_after_parses_seconds_and_dates():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == pytest.approx(10.0)
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
