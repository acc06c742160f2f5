"""The running dashboard in a real browser: Playwright drives Debian's Chromium through every page of a
demo snapshot, waits for each to render, checks its key text and saves a screenshot per page under
tests/artifacts/. Skipped when Chromium or Playwright is missing (CI installs both)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_until_up
from tests.dashboard_fixture import build_demo_snapshot

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
PAGES = {  # url path -> text at the end of the page, shown only once the whole page has rendered
    "": "Sources and freshness",
    "roadmaps": "The article's claims against live data",
    "salaries": "Cells with fewer than 8 postings",
    "my_skills": "Pick the skills you have",
    "postings": "Read a posting",
    "health": "Recent scrape runs",
}
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_snapshot(tmp_path_factory.mktemp("browser"))


@pytest.fixture(scope="module")
def dashboard_url(demo_db: Path) -> Iterator[str]:
    db = demo_db
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "dashboard" / "app.py"), "--server.address", "127.0.0.1",
         "--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--", "--db", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/_stcore/health", process, 60, "the dashboard")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


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
