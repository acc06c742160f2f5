"""The running dashboard in a real browser: Playwright drives Debian's Chromium through every page of a
demo snapshot, waits for each to render, checks its key text and saves a screenshot per page under
tests/artifacts/. Skipped when Chromium or Playwright is missing (CI installs both)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_api
from tests.dashboard_fixture import build_demo_snapshot

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = {  # url path -> text at the end of the page, shown only once the whole page has rendered
    "": "Sources and freshness",
    "roadmaps": "The article's claims against live data",
    "salaries": "Cells with fewer than 8 postings",
    "my_skills": "Pick the skills you have",
    "postings": "Read a posting",
    "lifetimes": "Reposted roles",
    "health": "Recent scrape runs",
}
SNAKE = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")  # scikit_learn, n_published


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_snapshot(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def dashboard_url(demo_db: Path) -> Iterator[str]:
    with running_dashboard(demo_db) as url:
        yield url


@pytest.mark.parametrize("path", [p for p in PAGES if p])
def test_every_page_opened_cold_by_a_deep_link_renders_for_end_users(demo_db: Path, path: str):
    """The first request a fresh server gets is a page's deep link with filters: it must render that page,
    with the app's navigation, title and filters, and without Streamlit's developer toolbar."""
    with running_dashboard(demo_db) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/{path}?region=EU%2FEEA&seniority=senior", wait_until="domcontentloaded")
            page.get_by_text(PAGES[path]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            body = page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / f"{path}_cold.png"))
            title, address = page.title(), page.url
        finally:
            browser.close()
    assert "Salary bands" in body and "Data health" in body  # the app's navigation, not file names
    assert "my skills" not in body and "Deploy" not in body
    assert "skillradar" in title.lower() and "region=EU%2FEEA" in address
    assert not SNAKE.findall(body)
    if path == "roadmaps":
        assert "median pay $" in body  # pay with its currency symbol


def test_every_page_renders_in_chromium(dashboard_url: str):
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for path, marker in PAGES.items():
                page.goto(f"{dashboard_url}/{path}", wait_until="domcontentloaded")
                page.get_by_text(marker).first.wait_for(timeout=60_000)
                page.wait_for_timeout(3000)  # let the charts finish drawing before the screenshot
                body = page.inner_text("body")
                assert "Traceback" not in body and "Error" not in body.split("\n")[0], body[:500]
                raw = sorted(set(SNAKE.findall(body)))
                assert not raw, f"raw ids or column names on /{path}: {raw[:10]}"
                if path == "":
                    assert "Falling" in body and " pts" in body  # a falling skill on the demo snapshot
                page.screenshot(path=str(ARTIFACTS / f"{path or 'overview'}.png"), full_page=True)
        finally:
            browser.close()
    assert all((ARTIFACTS / f"{p or 'overview'}.png").stat().st_size > 10_000 for p in PAGES)


def test_my_skills_shows_what_gap_json_says_for_the_same_skills(dashboard_url: str, demo_db: Path):
    from typer.testing import CliRunner

    from skillradar.cli import app

    skills = "python,pytorch,rag"
    result = CliRunner().invoke(app, ["gap", "--db", str(demo_db), "--skills", skills, "--json"])
    assert result.exit_code == 0, result.output
    expected = json.loads(result.output)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{dashboard_url}/my_skills?skills={skills}", wait_until="domcontentloaded")
            page.get_by_text("Best-matching postings").first.wait_for(timeout=60_000)
            page.wait_for_timeout(3000)
            body = page.inner_text("body")
            page.screenshot(path=str(ARTIFACTS / "my_skills_result.png"), full_page=True)
        finally:
            browser.close()
    total = expected["postings"]
    assert f"{expected['matched']['0.7']:,} of {total:,}" in body
    assert f"{expected['matched']['0.5']:,} of {total:,}" in body
    assert expected["next_skills"][0]["name"] in body
    assert expected["personal_roadmap"] and expected["personal_roadmap"][0]["skill_names"][0] in body


def test_filters_are_carried_to_the_next_page(dashboard_url: str):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{dashboard_url}/?region=EU%2FEEA&seniority=senior", wait_until="domcontentloaded")
            page.get_by_text(PAGES[""]).first.wait_for(timeout=60_000)
            page.get_by_role("link", name="Salary bands").first.click()
            page.get_by_text(PAGES["salaries"]).first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)
            url = page.url
            page.screenshot(path=str(ARTIFACTS / "salaries_after_overview_filters.png"))
        finally:
            browser.close()
    assert "/salaries" in url and "region=EU%2FEEA" in url and "seniority=senior" in url
