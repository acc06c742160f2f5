"""With an LLM API key configured, the key appears in no log line, database row or snapshot."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from skillradar.cli import app
from tests.conftest import Scripted
from tests.dashboard_fixture import build_demo_snapshot

KEY = "sk-live-THIS-MUST-NEVER-LEAK-1234567890"


def test_the_api_key_never_lands_anywhere(scripted, tmp_path: Path):
    db = build_demo_snapshot(tmp_path)
    answer = json.dumps({"skills": [], "salary": None, "seniority": "unknown", "remote": None, "country": None,
                         "is_ai_role": True})  # fmt: skip
    completion = {"id": "c", "object": "chat.completion", "created": 0, "model": "m",
                  "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": answer}}],
                  "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}}  # fmt: skip
    scripted.route("/v1/chat/completions", Scripted(200, completion))
    env = {"SKILLRADAR_LLM_API_KEY": KEY, "SKILLRADAR_LLM_BASE_URL": f"{scripted.url}/v1",
           "SKILLRADAR_LLM_MODEL": "openai/stand-in", "SKILLRADAR_LLM_CACHE_DIR": str(tmp_path / "llm-cache")}  # fmt: skip
    runner = CliRunner()
    extracted = runner.invoke(app, ["extract", "--db", str(db), "--backend", "hybrid"], env=env)
    assert extracted.exit_code == 0, extracted.output
    built = runner.invoke(app, ["build", "--db", str(db), "--extractor", "hybrid"], env=env)
    assert built.exit_code == 0, built.output
    assert scripted.hits("/v1/chat/completions") > 0
    assert all(
        h.get("authorization") == f"Bearer {KEY}" for _, h, _ in scripted.requests
    )  # sent only to the provider
    for output in (extracted.output, built.output):
        assert KEY not in output
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), f"the key leaked into {path}"


def test_a_provider_error_that_repeats_the_key_is_stored_without_it(scripted, tmp_path: Path):
    db = build_demo_snapshot(tmp_path)
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}. You can find your API key at ...",
                      "type": "invalid_request_error", "code": "invalid_api_key"}}  # fmt: skip
    scripted.route("/v1/chat/completions", Scripted(401, echo))
    env = {"SKILLRADAR_LLM_API_KEY": KEY, "SKILLRADAR_LLM_BASE_URL": f"{scripted.url}/v1",
           "SKILLRADAR_LLM_MODEL": "openai/stand-in", "SKILLRADAR_LLM_CACHE_DIR": str(tmp_path / "llm-cache")}  # fmt: skip
    extracted = CliRunner().invoke(app, ["extract", "--db", str(db), "--backend", "llm"], env=env)
    assert extracted.exit_code in {0, 1}, extracted.output
    assert KEY not in extracted.output
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    reasons = [
        r[0]
        for r in con.execute(
            "SELECT fallback_reason FROM extractions WHERE fallback_reason IS NOT NULL"
        ).fetchall()
    ]
    con.close()
    assert reasons and not any(KEY in reason or "THIS-MUST-NEVER" in reason for reason in reasons)


def test_credentials_in_a_base_url_are_never_printed_or_stored(scripted, tmp_path: Path):
    scripted.route("/v1/boards/private/jobs", Scripted(500, b"no"))
    base = scripted.url.replace("http://", "http://robot:hunter2-PASSWORD@") + "?api_key=SECRETKEY123"
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nkind = "greenhouse"\nboard = "private"\nbase_url = "{base}"\n')
    db = tmp_path / "w.duckdb"
    env = {
        "SKILLRADAR_CACHE_DIR": str(tmp_path / "c"),
        "SKILLRADAR_RETRY_WAIT": "0.01",
        "SKILLRADAR_ATTEMPTS": "1",
    }
    result = CliRunner().invoke(app, ["run", "--sources", str(sources), "--db", str(db)], env=env)
    assert "hunter2" not in result.output and "SECRETKEY123" not in result.output
    for path in tmp_path.rglob("*.duckdb"):
        data = path.read_bytes()
        assert b"hunter2" not in data and b"SECRETKEY123" not in data, f"credentials stored in {path}"
