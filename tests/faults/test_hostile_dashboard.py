"""What a board writes reaches the dashboard as text: a posting whose company, place, title and text hold
Markdown images and links, raw HTML and a `data:` URL is opened in Chromium on every page that shows postings;
nothing it names is fetched and none of it becomes a link."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from skillradar.cli import app
from skillradar.demo_data import generate, sources_toml
from tests.browser import CHROMIUM, CHROMIUM_ARGS, running_dashboard, sync_api
from tests.conftest import Scripted, ScriptedServer

ENV = {"SKILLRADAR_PER_HOST_RATE": "500", "SKILLRADAR_RETRY_WAIT": "0.01", "SKILLRADAR_HTTP_CACHE": "false"}
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def test_markup_a_board_writes_is_shown_as_text_and_fetches_nothing(
    replay, scripted: ScriptedServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    trap = ScriptedServer()  # stands for the board's own server, learning each viewer's address
    port = trap.url.rsplit(":", 1)[1]
    try:
        job = {
            "id": 1,
            "title": f"ML Engineer [win a prize]({trap.url}/title)",
            "content": f"&lt;p&gt;PyTorch and Python ![pixel]({trap.url}/text.png) "
            f"&lt;img src='{trap.url}/html.png'&gt; [apply]({trap.url}/apply)&lt;/p&gt;",
            "absolute_url": "data:text/html,<script>alert(1)</script>",
            "location": {"name": f"![map]({trap.url}/place.png) Berlin"},
            "updated_at": datetime.now(UTC).isoformat(),
        }
        scripted.route("/v1/boards/hostile/jobs", Scripted(200, {"jobs": [job]}))
        boards = generate(tmp_path / "replay")
        server = replay(tmp_path / "replay").start()
        sources = tmp_path / "sources.toml"
        sources.write_text(
            sources_toml(boards[:2], server.url) + '\n[[source]]\nkind = "greenhouse"\nboard = "hostile"\n'
            f'base_url = "{scripted.url}"\ncompany = "![logo]({trap.url}/logo.png) Acme"\n'
        )
        db = tmp_path / "w.duckdb"
        env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")}
        result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--db", str(db)], env=env)
        assert json.loads(result.output)["status"] == "ok", result.output

        # The Link column is drawn on a canvas, so its cells are read where Streamlit is handed them.
        monkeypatch.setenv("SKILLRADAR_DB", str(db))
        at = AppTest.from_file(str(APP), default_timeout=60)
        at.run()
        at.switch_page("views/postings.py").run()
        at.text_input(key="q").input("prize").run()
        links = at.dataframe[0].value["Link"]
        assert len(links) == 1 and links.isna().all()  # a data: URL is no link

        with running_dashboard(db) as url, sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{url}/postings?q=prize", wait_until="domcontentloaded")
                page.get_by_text("Read a posting").last.wait_for(timeout=60_000)
                page.get_by_text("From the words").first.wait_for(timeout=60_000)
                page.wait_for_timeout(2000)
                body = page.inner_text("body")
                assert f"![logo]({trap.url}/logo.png) Acme" in body  # shown as written
                assert f"[win a prize]({trap.url}/title)" in body
                links = page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
                images = page.eval_on_selector_all("img[src]", "nodes => nodes.map(n => n.src)")
                for path, marker in (("", "Sources and freshness"), ("lifetimes", "Reposted roles")):
                    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
                    page.get_by_text(marker).first.wait_for(timeout=60_000)
                    page.wait_for_timeout(2000)
                    links += page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
                    images += page.eval_on_selector_all("img[src]", "nodes => nodes.map(n => n.src)")
            finally:
                browser.close()
        assert trap.requests == []
        assert not [link for link in links if f":{port}" in link or link.startswith(("data:", "javascript:"))]
        assert not [image for image in images if f":{port}" in image]
    finally:
        trap.stop()
