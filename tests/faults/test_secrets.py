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
