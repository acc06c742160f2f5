"""`skillradar scrape` as a new user meets it: a sources file with a typo, no network, many boards."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from skillradar.cli import app
from skillradar.sources_file import load_sources
from tests.conftest import Scripted, ScriptedServer

ENV = {"SKILLRADAR_PER_HOST_RATE": "500", "SKILLRADAR_RETRY_WAIT": "0.01", "COLUMNS": "200"}


def _scrape(tmp_path: Path, sources: str, *args: str) -> tuple[int, str]:
    path = tmp_path / "sources.toml"
    path.write_text(sources)
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner().invoke(
        app, [*args, "scrape", "--sources", str(path), "--db", str(tmp_path / "w.duckdb")], env=env
    )
    return result.exit_code, result.output


@pytest.mark.parametrize(
    ("entry", "said"),
    [
        ('kind = "greenhouse"\nboard = "acme"\nbaseurl = "http://127.0.0.1:9"',
         "[[source]] #1 (greenhouse): unknown key 'baseurl' (did you mean 'base_url'?"),
        ('kind = "greenhouse"\nboard = "acme"\nmax_pages = 3',
         "unknown key 'max_pages' (known: base_url, board, company, enabled, kind, pay_transparency)"),
        ('kind = "lever"\nboard = "acme"\nmax_pages = 3\nparms = {}', "unknown key 'parms'"),
        ('kind = "greenhose"\nboard = "acme"', "unknown kind 'greenhose' (did you mean 'greenhouse'?"),
        ('kind = "ashby"', "[[source]] #1 (ashby): needs a `board`"),
        ('kind = "ashby"\nboard = "../admin"', "board '../admin' may hold letters, digits"),
        ('kind = "lever"\nboard = "acme%2Fadmin"', "board 'acme%2Fadmin' may hold letters, digits"),
        # values of the wrong type or range: a page limit of 0 would close every posting of the board
        ('kind = "lever"\nboard = "acme"\nmax_pages = 0', "max_pages = 0: Input should be greater than or equal to 1"),
        ('kind = "hn"\nmax_comments = "50"', "max_comments = '50': Input should be a valid integer"),
        ('kind = "hn"\nenabled = "no"', "enabled = 'no': Input should be a valid boolean"),
        ('kind = "greenhouse"\nboard = "a"\nbase_url = "file:///etc"', "base_url = 'file:///etc': not an http(s) URL"),
        ('kind = "jsonld"\nboard = "s"\nurls = "https://x.example/jobs"', "urls = 'https://x.example/jobs': Input should be a valid list"),
        ('kind = "jsonld"\nboard = "s"\nurls = ["https://x.example", "ftp://x"]', "[1]: not an http(s) URL"),
    ],
)  # fmt: skip
def test_a_sources_file_with_a_typo_is_an_error_naming_the_key(tmp_path: Path, entry: str, said: str):
    code, output = _scrape(tmp_path, f"[[source]]\n{entry}\n")
    assert code == 2
    assert said in " ".join(output.split())  # the message as written, brackets and all
    assert "Traceback" not in output and len(output.strip().splitlines()) <= 3


def test_hn_needs_no_board(tmp_path: Path, scripted: ScriptedServer):
    scripted.route("/v0/user/whoishiring.json", Scripted(200, {"submitted": [5]}))
    scripted.route(
        "/v0/item/5.json", Scripted(200, {"id": 5, "title": "Ask HN: Who is hiring? (December 2026)"})
    )
    code, output = _scrape(tmp_path, f'[[source]]\nkind = "hn"\nbase_url = "{scripted.url}"\n')
    assert code == 0, output
    assert scripted.hits("/v0/user/whoishiring.json") == 1


def test_options_of_a_kind_are_accepted(tmp_path: Path, scripted: ScriptedServer):
    scripted.route("/v0/item/7.json", Scripted(200, {"id": 7, "title": "Ask HN: Who is hiring? (May 2026)"}))
    code, output = _scrape(tmp_path, f'[[source]]\nkind = "hn"\nbase_url = "{scripted.url}"\nstory_id = 7\n')
    assert code == 0, output


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Name resolution fails for every host but loopback, as on a machine without network."""
    real = socket.getaddrinfo

    def resolve(host, *args, **kwargs):
        if host in {"127.0.0.1", "localhost", b"127.0.0.1"}:
            return real(host, *args, **kwargs)
        lookups.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    lookups: list[str] = []
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    return lookups


def test_offline_a_scrape_ends_fast_with_one_line_and_no_retries(tmp_path: Path, no_network):
    boards = "".join(
        f'[[source]]\nkind = "greenhouse"\nboard = "b{n}"\nbase_url = "https://boards{n % 4}.example.com"\n'
        for n in range(40)
    )
    boards += '[[source]]\nkind = "jsonld"\nboard = "site"\nurls = ["https://careers.example.com/jobs"]\n'
    started = time.monotonic()
    code, output = _scrape(tmp_path, boards)
    assert time.monotonic() - started < 60
    assert code == 1
    assert "no network: 41 of 41 boards failed to resolve their host" in output
    assert "0 retries" in output and "retry_scheduled" not in output
    assert "robots.txt disallows" not in output and "b39" not in output  # no table of 41 identical failures
    assert len(no_network) <= 2 * 5  # a host that did not resolve is not looked up again for every board


def test_many_boards_list_only_those_needing_attention_and_count_failures_by_cause(
    tmp_path: Path, scripted: ScriptedServer
):
    scripted.route("/v1/boards/ok0/jobs", Scripted(200, {"jobs": []}))
    for n in range(30):
        scripted.route(f"/v1/boards/ok{n}/jobs", Scripted(200, {"jobs": []}))
    for n in range(3):
        scripted.route(f"/v1/boards/gone{n}/jobs", Scripted(404, b"not found"))
    scripted.route("/v1/boards/junk/jobs", Scripted(200, b"{"))
    names = [f"ok{n}" for n in range(30)] + [f"gone{n}" for n in range(3)] + ["junk"]
    boards = "".join(
        f'[[source]]\nkind = "greenhouse"\nboard = "{b}"\nbase_url = "{scripted.url}"\n' for b in names
    )
    code, output = _scrape(tmp_path, boards)
    assert code == 0
    flat = " ".join(output.split())
    assert "1 of 34 boards failed: 1 malformed payload" in flat
    assert "3 boards are gone (HTTP 404/410): greenhouse:gone0, greenhouse:gone1, greenhouse:gone2" in flat
    assert "gone2" in output and "junk" in output and "ok17" not in output
    assert "30 more boards" in flat
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        statuses = dict(con.execute("SELECT status, count(*) FROM scrape_runs GROUP BY status").fetchall())
    assert statuses == {"ok": 30, "gone": 3, "failed": 1}  # a board that has gone is not a failure
    code, output = _scrape(tmp_path, boards, "-v")
    assert "ok17" in output  # -v lists every board


ML_JOB = {
    "id": 1,
    "title": "Machine Learning Engineer",
    "absolute_url": "https://x.example/1",
    "content": "RAG.",
}


def test_sources_check_says_which_boards_are_ok_empty_gone_moved_or_failing(
    tmp_path: Path, scripted: ScriptedServer
):
    job = ML_JOB
    scripted.route("/v1/boards/live/jobs", Scripted(200, {"jobs": [job, {**job, "id": 2, "title": "Chef"}]}))
    scripted.route("/v1/boards/quiet/jobs", Scripted(200, {"jobs": []}))
    scripted.route("/v1/boards/closed/jobs", Scripted(404, b"not found"))
    scripted.route("/v1/boards/renamed/jobs", Scripted(301, b"", {"Location": "/v1/boards/newname/jobs"}))
    scripted.route("/v1/boards/newname/jobs", Scripted(200, {"jobs": [job]}))
    scripted.route("/v1/boards/broken/jobs", Scripted(200, b"<html>maintenance</html>"))
    entries = "".join(
        f'# {name} board\n[[source]]\nkind = "greenhouse"\nboard = "{name}"\nbase_url = "{scripted.url}"\n\n'
        for name in ("live", "quiet", "closed", "renamed", "broken")
    )
    path = tmp_path / "sources.toml"
    path.write_text("# my boards\n\n" + entries)
    pruned = tmp_path / "pruned.toml"
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner().invoke(
        app, ["sources", "check", "--sources", str(path), "--prune", str(pruned)], env=env
    )
    assert result.exit_code == 0, result.output
    rows = {line.split("│")[2].strip(): line for line in result.output.splitlines() if line.count("│") > 5}
    assert "ok" in rows["live"] and " 2 " in rows["live"] and " 1 " in rows["live"]  # 2 postings, 1 AI role
    assert "empty" in rows["quiet"] and "gone" in rows["closed"] and "failing" in rows["broken"]
    assert "moved" in rows["renamed"] and "newname" in result.output
    kept = pruned.read_text()
    assert 'board = "closed"' not in kept and "# closed board" not in kept
    assert kept.startswith("# my boards") and kept.count("[[source]]") == 4 and "# renamed board" in kept
    assert {b.board for b in load_sources(pruned).boards} == {"live", "quiet", "renamed", "broken"}


def test_paths_and_user_text_print_as_written(tmp_path: Path):
    folder = tmp_path / "[data]"
    folder.mkdir()
    missing = folder / "missing.jsonl"
    result = CliRunner().invoke(app, ["extract-file", str(missing), "--out", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and f"{missing} does not exist" in " ".join(result.output.split())


def test_sources_check_calls_a_board_with_unreadable_items_partial_not_ok(
    tmp_path: Path, scripted: ScriptedServer
):
    job = ML_JOB
    scripted.route("/v1/boards/half/jobs", Scripted(200, {"jobs": [job, {"id": 3, "title": None}]}))
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "half"\nbase_url = "{scripted.url}"\n')
    env = {**ENV, "SKILLRADAR_CACHE_DIR": str(tmp_path / "cache")}
    result = CliRunner().invoke(app, ["sources", "check", "--sources", str(path)], env=env)
    assert result.exit_code == 0, result.output
    (row,) = [line for line in result.output.splitlines() if "half" in line and line.count("│") > 5]
    assert "partial" in row and "1 item(s) skipped" in " ".join(result.output.split())
