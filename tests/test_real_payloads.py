"""Every real response in ../shared/data/realpayloads (recorded by other projects, every source kind) and a
sample of the 449 real Ashby boards of ../shared/data/ashby-2025-10: through each source's parse, and served
on loopback at the documented paths through `skillradar scrape`. Skipped when ../shared is absent."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from scrapers.base import get_source
from scrapers.models import RawPosting
from skillradar.cli import app
from tests.conftest import SHARED, Scripted, ScriptedServer, ctx

pytestmark = pytest.mark.shared

REAL = SHARED / "data" / "realpayloads"
ASHBY = SHARED / "data" / "ashby-2025-10"
_TAG = re.compile(
    r"(?i)</?(?:p|div|span|br|li|ul|ol|h[1-6]|strong|em|b|i|a|table|tr|td|section)(?:\s[^<>]*)?/?>"
)
_ENTITY = re.compile(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")
_MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â\u0080|Å[\u0080-\u00bf]|Â\u00a0")


def _files() -> list[Path]:
    if not REAL.is_dir():
        return []
    return sorted(p for p in REAL.glob("*/*") if p.is_file() and not p.name.endswith(".details.json"))


def _payload(path: Path) -> Any:
    """A recorded file as the kind's `fetch` hands it to `parse`."""
    kind = path.parent.name
    if kind == "jsonld":
        return [{"url": "https://careers.example.com/job", "html": path.read_text(encoding="utf-8")}]
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if kind == "smartrecruiters":
        details = path.with_name(path.name.removesuffix(".json") + ".details.json")
        return {**data, "details": json.loads(details.read_text()) if details.exists() else {}}
    return data


def _source_items(path: Path) -> list[dict[str, Any]]:
    """The jobs a recorded file holds, as the feed lists them (the count every parse must land)."""
    data = _payload(path)
    kind = path.parent.name
    if kind == "remoteok":
        return [item for item in data if "legal" not in item and item.get("position")]
    if kind == "lever":
        return list(data)
    if kind == "jsonld":
        return [{}]  # one JobPosting block in the page
    key = {"ashby": "jobs", "himalayas": "jobs", "recruitee": "offers", "remotive": "jobs", "arbeitnow": "data",
           "smartrecruiters": "content", "workable": "jobs"}[kind]  # fmt: skip
    return [item for item in data[key] if item.get("isListed") is not False]


def assert_clean(posting: dict[str, Any]) -> None:
    """What every stored posting (its fields by name, as parsed or as read back from the warehouse) must
    hold, whatever its feed sent."""
    text = posting["description_text"]
    where = f"{posting['external_id']}: "
    assert not _TAG.search(text) and not _ENTITY.search(text), where + "HTML left in the text"
    for field in (text, posting["title"], posting["company"] or "", posting["location"] or ""):
        assert not _MOJIBAKE.search(field), where + f"mojibake in {field[:80]!r}"
    assert "\\n" not in text, where + "a literal \\n in the text"
    assert "Please mention the word" not in text and "RMjcu" not in text, where + "RemoteOK's tracking line"
    pay = [p for p in (posting["pay_min"], posting["pay_max"]) if p is not None]
    if pay:
        assert posting["pay_period"] is not None and posting["pay_currency"], where + "pay without its period"
        assert posting["pay_period"] != "year" or max(pay) >= 1000, where + "a yearly pay under 1,000"
    assert posting["url"] and posting["url"].startswith("http"), where + "no posting URL"


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_payload_parses_into_clean_postings(path: Path):
    postings = get_source(path.parent.name).parse(_payload(path), ctx(path.stem))
    assert len(postings) == len(_source_items(path)), postings.skipped
    for posting in postings:
        assert_clean(posting.model_dump())


def _parsed(relative: str, board: str = "b") -> list[RawPosting]:
    path = REAL / relative
    if not path.exists():
        pytest.skip(f"{relative} is not in ../shared")
    return list(get_source(path.parent.name).parse(_payload(path), ctx(board)))


def test_real_pay_periods_are_kept():
    abridge = _parsed("ashby/stapply-Abridge-2025-10.json")
    assert any(p.pay_period == "hour" and p.pay_max and p.pay_max < 200 for p in abridge)  # the hourly intern
    himalayas = {p.pay_period for p in _parsed("himalayas/hunt-2026-09.json")}
    assert himalayas == {"hour", "year"}
    remoteok = _parsed("remoteok/resume-helper-2026-03.json")
    trainer = [p for p in remoteok if p.pay_max is not None and p.pay_max < 1000]
    assert trainer and {p.pay_period for p in trainer} == {"hour"}
    channable = {(p.pay_period, p.pay_currency) for p in _parsed("recruitee/hunt-channable-2026-09.json")}
    assert channable == {("month", "EUR"), ("year", "EUR")}


def test_real_feeds_keep_dates_places_and_flags():
    recruitee = _parsed("recruitee/hunt-channable-2026-09.json")
    assert all(p.posted_at is not None and p.posted_at.year == 2026 for p in recruitee)
    ubisoft = _parsed("smartrecruiters/hunt-ubisoft-list-2026-09.json", "Ubisoft2")  # no detail responses
    assert all(p.url and p.url.startswith("https://jobs.smartrecruiters.com/Ubisoft2/") for p in ubisoft)
    assert all("Contract:" in p.description_text for p in ubisoft)  # what the list says, not nothing
    cohere = _parsed("ashby/stapply-cohere-2025-10.json")
    assert any(p.location and ";" in p.location for p in cohere)  # secondary locations
    assert {p.remote_hint for p in cohere} == {True, False}  # isRemote false is a hint too
    arbeitnow = _parsed("arbeitnow/hunt-doctolib-escaped-2026-09.json")
    assert all("Tags:" not in p.description_text for p in arbeitnow)
    assert arbeitnow[0].description_text.startswith("Gemeinsam gestalten")  # entity-escaped HTML, decoded


def test_a_placeholder_jsonld_identifier_does_not_fold_postings_into_one():
    path = REAL / "jsonld" / "revinfotech-wp-template.html"
    if not path.exists():
        pytest.skip("no JSON-LD page in ../shared")
    page = path.read_text(encoding="utf-8")
    pages = [{"url": f"https://careers.example.com/job/{n}", "html": page} for n in (1, 2)]
    postings = get_source("jsonld").parse(pages, ctx("site"))
    assert len({p.external_id for p in postings}) == 2


def _ashby_sample() -> list[Path]:
    return sorted(ASHBY.glob("*.json.gz"))[::15] if ASHBY.is_dir() else []


@pytest.mark.parametrize("path", _ashby_sample(), ids=lambda p: p.name.removesuffix(".json.gz"))
def test_real_ashby_boards_land_every_listed_job_with_its_pay_period(path: Path):
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        board = json.load(handle)
    postings = get_source("ashby").parse(board, ctx(path.name))
    listed = [job for job in board.get("jobs") or [] if job.get("isListed") is not False]
    assert len(postings) == len(listed), postings.skipped
    for posting in postings:
        assert_clean(posting.model_dump())


# Where each kind's fetch asks for a board named "b" on the loopback server.
_PATHS = {
    "ashby": "/posting-api/job-board/b", "lever": "/v0/postings/b", "recruitee": "/api/offers/",
    "remoteok": "/api", "remotive": "/api/remote-jobs", "arbeitnow": "/api/job-board-api", "himalayas": "/jobs/api",
    "workable": "/api/v1/widget/accounts/b", "smartrecruiters": "/v1/companies/b/postings", "jsonld": "/careers",
}  # fmt: skip


def _serve(server: ScriptedServer, path: Path) -> str:
    """Route one recorded file (and a SmartRecruiters file's details) on the server; its sources entry."""
    kind = path.parent.name
    route = _PATHS[kind]
    if kind == "jsonld":
        server.route(route, Scripted(200, path.read_bytes(), {"Content-Type": "text/html"}))
        return f'[[source]]\nkind = "jsonld"\nboard = "site"\nurls = ["{server.url}{route}"]\n'
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if kind == "smartrecruiters":
        details = path.with_name(path.name.removesuffix(".json") + ".details.json")
        for key, detail in (json.loads(details.read_text()) if details.exists() else {}).items():
            server.route(f"{route}/{key}", Scripted(200, detail))
    server.route(route, Scripted(200, data, {"Content-Type": "application/json"}))
    return f'[[source]]\nkind = "{kind}"\nboard = "b"\nbase_url = "{server.url}"\n'


@pytest.mark.parametrize("path", _files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_real_payload_scrapes_through_loopback(path: Path, scripted: ScriptedServer, tmp_path: Path):
    sources = tmp_path / "sources.toml"
    sources.write_text(_serve(scripted, path))
    db = tmp_path / "w.duckdb"
    env = {"SKILLRADAR_CACHE_DIR": str(tmp_path / "cache"), "SKILLRADAR_PER_HOST_RATE": "500",
           "SKILLRADAR_RETRY_WAIT": "0.01", "COLUMNS": "200"}  # fmt: skip
    result = CliRunner().invoke(app, ["scrape", "--sources", str(sources), "--db", str(db)], env=env)
    assert result.exit_code == 0, result.output
    with duckdb.connect(str(db)) as con:
        cursor = con.execute("SELECT * FROM postings")
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(rows) == len(_source_items(path))
    for row in rows:
        assert_clean(row)
    if path.parent.name == "recruitee":
        assert all(row["posted_at"] is not None for row in rows)  # "2026-09-18 13:27:28 UTC" read
    if path.parent.name == "jsonld":  # validThrough 2023-05-31: stored closed
        assert [row["closed_at"] is not None for row in rows] == [True]
    if path.parent.name == "smartrecruiters":
        assert all(row["url"].startswith("https://jobs.smartrecruiters.com/") for row in rows)
    if path.name == "hunt-spotify-2026-09.json":
        assert "London; Stockholm (Hybrid)" in {
            row["location"] for row in rows
        }  # allLocations, workplaceType
