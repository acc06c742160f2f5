"""The LLM path's fault cases against a loopback stand-in for an OpenAI-compatible server.

A stand-in is used only here, for answers a real model cannot be made to give on demand: invented
evidence, malformed JSON, rate limiting and silence. The real-model test is tests/test_llm_real.py.
"""

from __future__ import annotations

import json
from pathlib import Path

from extract.llm import LLMExtractor, LLMSettings
from extract.schema import PostingInput
from tests.conftest import Scripted

POSTING = PostingInput(
    id="p1",
    title="Senior ML Engineer",
    location="Berlin, Germany",
    description="We need Python and PyTorch. Salary: €90.000 - €110.000 per year.",
)


def completion(content: str) -> dict:
    return {
        "id": "c1", "object": "chat.completion", "created": 0, "model": "stand-in",
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": content}}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 40, "total_tokens": 160},
    }  # fmt: skip


def answer(**overrides: object) -> str:
    body = {
        "skills": [
            {"name": "Python", "evidence": "Python", "requirement": "required"},
            {"name": "PyTorch", "evidence": "PyTorch", "requirement": "required"},
        ],
        "salary": {"min": 90000, "max": 110000, "currency": "EUR", "period": "year", "evidence": "€90.000 - €110.000"},
        "seniority": "senior", "remote": None, "country": "DE", "is_ai_role": True,
    }  # fmt: skip
    body.update(overrides)
    return json.dumps(body)


def extractor(url: str, tmp_path: Path, **settings: object) -> LLMExtractor:
    values = {"model": "openai/stand-in", "base_url": f"{url}/v1", "api_key": "sk-test-secret", "max_retries": 1,
              "timeout": 2.0, "cache_dir": tmp_path / "cache", **settings}  # fmt: skip
    return LLMExtractor(LLMSettings(**values))  # type: ignore[arg-type]


def test_a_good_answer_is_mapped_onto_taxonomy_ids_with_usage(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion(answer())))
    result = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert result.fallback_reason is None
    facts = result.facts
    assert {s.id for s in facts.skills} == {"python", "pytorch"}
    assert facts.salary is not None and (facts.salary.min, facts.salary.currency) == (90000, "EUR")
    assert (facts.extractor, facts.tokens_in, facts.tokens_out, facts.country) == ("llm", 120, 40, "DE")


def test_invented_evidence_is_thrown_out_and_nothing_invented_is_kept(scripted, tmp_path: Path):
    invented = answer(
        skills=[
            {"name": "Python", "evidence": "Python", "requirement": "required"},
            {"name": "Kubernetes", "evidence": "deep Kubernetes expertise", "requirement": "required"},
        ],
        salary={"min": 200000, "max": 250000, "currency": "USD", "period": "year", "evidence": "$200k-$250k"},
    )
    scripted.route("/v1/chat/completions", Scripted(200, completion(invented)))
    result = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert {s.id for s in result.facts.skills} == {"python"}
    assert result.facts.salary is None
    assert len(result.rejected) == 2 and any("Kubernetes" in r for r in result.rejected)


def test_junk_json_falls_back_to_rules_with_the_reason(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion('{"skills": [ {"name": "Py')))
    result = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert result.fallback_reason is not None
    assert result.facts.extractor == "rules" and {"python", "pytorch"} <= {s.id for s in result.facts.skills}


def test_rate_limit_then_success(scripted, tmp_path: Path):
    scripted.route(
        "/v1/chat/completions",
        Scripted(429, {"error": {"message": "slow down"}}, headers={"Retry-After": "0"}),
        Scripted(200, completion(answer())),
    )
    result = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert result.fallback_reason is None and result.facts.extractor == "llm"


def test_a_silent_server_times_out_into_the_rules_fallback(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion(answer()), delay=3.0))
    result = extractor(scripted.url, tmp_path, timeout=0.5).extract_batch([POSTING])[0]
    assert result.fallback_reason is not None and result.facts.extractor == "rules"


def test_answers_are_cached_so_an_unchanged_posting_is_never_sent_twice(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion(answer())))
    extractor(scripted.url, tmp_path).extract_batch([POSTING])
    second = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert scripted.hits("/v1/chat/completions") == 1
    assert {s.id for s in second.facts.skills} == {"python", "pytorch"}


def test_cost_ceiling_stops_spending(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion(answer())))
    llm = extractor(scripted.url, tmp_path, model="openai/gpt-4o", cost_ceiling_usd=0.0000001, cache_dir=None)
    posts = [
        POSTING.model_copy(update={"id": f"p{i}", "description": f"{POSTING.description} {i}"})
        for i in range(3)
    ]
    results = LLMExtractor.extract_batch(llm, posts[:1]) + LLMExtractor.extract_batch(llm, posts[1:])
    assert scripted.hits("/v1/chat/completions") == 1
    assert [r.fallback_reason is not None for r in results] == [False, True, True]
    assert "cost ceiling" in (results[1].fallback_reason or "")


def test_the_api_key_never_reaches_results_or_cache(scripted, tmp_path: Path):
    scripted.route("/v1/chat/completions", Scripted(200, completion(answer())))
    result = extractor(scripted.url, tmp_path).extract_batch([POSTING])[0]
    assert "sk-test-secret" not in result.facts.model_dump_json()
    cache_bytes = b"".join(p.read_bytes() for p in (tmp_path / "cache").iterdir())
    assert b"sk-test-secret" not in cache_bytes
    sent = [h for _, h, _ in scripted.requests]
    assert sent[0]["authorization"] == "Bearer sk-test-secret"  # it is sent to the provider, and only there


def test_only_provider_and_transport_errors_become_a_fallback():
    """A provider's refusal or a dropped connection is a fallback with its reason; a bug in our own code
    (say a TypeError) is not something to paper over with the rules backend."""
    import httpx
    import openai
    from instructor.core.exceptions import InstructorRetryException

    from extract.llm import provider_errors

    caught = provider_errors()
    for error in (
        openai.APITimeoutError,
        openai.RateLimitError,
        InstructorRetryException,
        httpx.ConnectError,
        ConnectionResetError,
    ):
        assert issubclass(error, caught), error
    assert not issubclass(TypeError, caught) and not issubclass(KeyError, caught)
