"""Bad input a user can give: one clear line and exit 2 (or 1), never a traceback, nothing overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from skillradar.cli import app


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, " ".join(result.output.split())


def test_extract_file_takes_junk_lines_and_refuses_bad_destinations(tmp_path: Path):
    infile = tmp_path / "in.jsonl"
    original = '[1, 2]\n"text"\n{"id": "1", "title": "ML Engineer", "description": "PyTorch"}\n'
    infile.write_text(original)
    code, output = invoke("extract-file", str(infile), "--out", str(tmp_path / "missing" / "out.jsonl"))
    assert code == 2 and "folder" in output and "does not exist" in output
    code, output = invoke("extract-file", str(infile), "--out", str(infile))
    assert code == 2 and "is the input file" in output and infile.read_text() == original
    out = tmp_path / "out.jsonl"
    code, output = invoke("extract-file", str(infile), "--out", str(out))
    assert code == 0 and "line 1 (id None) is not a posting" in output
    results = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(results) == 3 and results[2]["skills"][0]["id"] == "pytorch"


def test_report_commands_on_a_corrupt_snapshot_say_so_in_one_line(tmp_path: Path):
    db = tmp_path / "w.duckdb"
    db.with_name("w.snapshot.duckdb").write_bytes(b"this is not a DuckDB file" * 100)
    for command in (["salaries", "--db", str(db)], ["gap", "--db", str(db), "--skills", "python"],
                    ["lifetimes", "--db", str(db)], ["export", "--db", str(db), "--out", str(tmp_path / "x")]):  # fmt: skip
        result = CliRunner().invoke(app, command)
        assert result.exit_code in {1, 2}, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (
            command,
            result.exception,
        )
        assert len(result.output.strip().splitlines()) <= 3 and "snapshot" in result.output, result.output


def test_the_llm_backend_without_a_key_falls_back_to_the_rules(tmp_path: Path, monkeypatch):
    for name in ("OPENAI_API_KEY", "SKILLRADAR_LLM_API_KEY", "SKILLRADAR_LLM_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SKILLRADAR_LLM_CACHE_DIR", str(tmp_path / "llm"))
    monkeypatch.setenv("SKILLRADAR_LLM_MODEL", "openai/gpt-4o-mini")
    monkeypatch.chdir(tmp_path)  # no .env of the developer's
    infile = tmp_path / "in.jsonl"
    infile.write_text('{"id": "1", "title": "ML Engineer", "description": "PyTorch and RAG."}\n')
    out = tmp_path / "out.jsonl"
    code, output = invoke("extract-file", str(infile), "--out", str(out), "--backend", "llm")
    assert code == 0 and "SKILLRADAR_LLM_API_KEY" in output
    (result,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert {s["id"] for s in result["skills"]} >= {"pytorch", "rag"}  # the rules answered
    assert "no LLM client" in result["fallback_reason"]


def test_run_on_a_damaged_warehouse_or_through_a_planted_lock_link_says_so(tmp_path: Path):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nkind = "hn"\nbase_url = "http://127.0.0.1:9"\n')
    damaged = tmp_path / "damaged.duckdb"
    damaged.write_bytes(b"not a database " * 100)
    code, output = invoke("run", "--db", str(damaged), "--sources", str(sources))
    assert code == 1 and "cannot open warehouse" in output and "not a valid DuckDB" in output
    target = tmp_path / "elsewhere"
    db = tmp_path / "w.duckdb"
    db.with_name("w.duckdb.lock").symlink_to(target)
    code, output = invoke("run", "--db", str(db), "--sources", str(sources))
    assert code == 1 and "cannot use the lock file" in output and not target.exists()


@pytest.mark.parametrize("command", [["run"], ["scrape"], ["build"]])
def test_a_warehouse_in_a_folder_that_cannot_be_made_is_one_line(tmp_path: Path, command: list[str]):
    (tmp_path / "notes.txt").write_text("a file where a folder is expected")
    if command[0] in {"run", "scrape"}:  # a loopback source, should the warehouse ever be opened later
        sources = tmp_path / "sources.toml"
        sources.write_text('[[source]]\nkind = "hn"\nbase_url = "http://127.0.0.1:9"\n')
        command = [*command, "--sources", str(sources)]
    code, output = invoke(*command, "--db", str(tmp_path / "notes.txt" / "w.duckdb"))
    assert code in (1, 2) and output.startswith("error: cannot create the folder of warehouse")
    assert "notes.txt is a file, not a folder" in output and "Traceback" not in output


def test_run_on_a_warehouse_another_program_holds_open_says_so(tmp_path: Path):
    import subprocess
    import sys

    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nkind = "hn"\nbase_url = "http://127.0.0.1:9"\n')
    db = tmp_path / "w.duckdb"
    holder = subprocess.Popen(  # e.g. a DuckDB shell left open on the file
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(db)!r}); print('open', flush=True); "
         "sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        code, output = invoke("run", "--db", str(db), "--sources", str(sources))
    finally:
        holder.communicate("")
    assert code == 1 and output.startswith("error: cannot open warehouse") and "lock" in output
    assert "Traceback" not in output and len(output) < 400


def test_the_dashboard_on_a_busy_port_says_so_before_anything_else(tmp_path: Path):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, output = invoke("dashboard", "--db", str(tmp_path / "w.duckdb"), "--port", str(port))
    assert code == 2 and f"port {port} on 127.0.0.1 is in use" in output and "Dashboard: http" not in output


def test_a_roadmap_file_with_an_unknown_skill_is_one_line_naming_it(tmp_path: Path):
    import os
    import shutil
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[2]
    tree = tmp_path / "tree"
    for package in ("extract", "scrapers", "skillradar", "warehouse", "dashboard"):
        shutil.copytree(root / package, tree / package, ignore=shutil.ignore_patterns("__pycache__"))
    mine = tree / "extract" / "taxonomy" / "roadmaps" / "mine.yaml"
    mine.write_text(
        "id: mine\ntitle: My roadmap\narticle: a\nseed: s\nkind: sequence\n"
        "phases:\n  - name: Basics\n    skills: [python, vibe_coding]\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", "from skillradar.cli import main; main()", "build", "--db", str(tmp_path / "w.duckdb")],
        env={**os.environ, "PYTHONPATH": str(tree)}, cwd=tree, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "vibe_coding" in done.stderr and "mine.yaml" in done.stderr


@pytest.mark.parametrize(
    ("variable", "value", "said"),
    [
        ("SKILLRADAR_PER_HOST_RATE", "-1", "SKILLRADAR_PER_HOST_RATE='-1': Input should be greater than 0"),
        ("SKILLRADAR_TIMEOUT", "abc", "SKILLRADAR_TIMEOUT='abc': Input should be a valid number"),
        ("SKILLRADAR_ATTEMPTS", "0", "SKILLRADAR_ATTEMPTS='0': Input should be greater than or equal to 1"),
        (
            "SKILLRADAR_LLM_BASE_URL",
            "localhost:8080",
            "SKILLRADAR_LLM_BASE_URL='localhost:8080': not an http(s) URL",
        ),
    ],
)
def test_a_setting_out_of_range_is_one_line_naming_the_variable(
    tmp_path: Path, variable: str, value: str, said: str
):
    """A rate of -1 once left the scrape waiting forever for its first request; now nothing starts."""
    import os
    import subprocess
    import sys

    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nkind = "hn"\nbase_url = "http://127.0.0.1:9"\n')
    done = subprocess.run(
        [sys.executable, "-m", "skillradar.cli", "run", "--sources", str(sources), "--db", str(tmp_path / "w.duckdb")],
        env={**os.environ, variable: value, "SKILLRADAR_CACHE_DIR": str(tmp_path / "c")},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 2 and done.stderr.startswith(f"error: {said}"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "w.duckdb").exists()


def test_llm_options_out_of_range_are_one_line_naming_the_option(tmp_path: Path):
    posting = tmp_path / "in.jsonl"
    posting.write_text('{"id": "1", "title": "ML Engineer", "description": "PyTorch"}\n')
    out = str(tmp_path / "out.jsonl")
    code, output = invoke(
        "extract-file", str(posting), "--out", out, "--backend", "llm", "--base-url", "localhost:8080"
    )
    assert code == 2 and "--base-url 'localhost:8080': not an http(s) URL" in output
    code, output = invoke("extract-file", str(posting), "--out", out, "--backend", "llm", "--max-cost", "-1")
    assert code == 2 and "--max-cost -1.0: Input should be greater than or equal to 0" in output
    assert not (tmp_path / "out.jsonl").exists()


def test_a_folder_for_a_file_or_a_port_past_65535_is_one_line(tmp_path: Path):
    code, output = invoke("extract-file", str(tmp_path), "--out", str(tmp_path / "out.jsonl"))
    assert code == 2 and f"{tmp_path} is a folder, not a JSONL file" in output
    for command in (["dashboard", "--db", str(tmp_path / "w.duckdb")], ["replay", str(tmp_path)], ["demo"]):
        code, output = invoke(*command, "--port", "99999")
        assert code == 2 and "Invalid value for '--port'" in output, command
