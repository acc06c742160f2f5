"""Choosing an extraction backend from settings: one batch function and the key its results are stored under."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from extract import rules
from extract.schema import PostingFacts, PostingInput
from warehouse.extractions import ExtractorKey

BatchResult = list[tuple[PostingFacts, str | None]]


class Backend(StrEnum):
    rules = "rules"
    llm = "llm"
    hybrid = "hybrid"


@dataclass
class ExtractionBackend:
    key: ExtractorKey
    extract_batch: Callable[[Sequence[PostingInput]], BatchResult]
    describe_usage: Callable[[], str]


def rules_backend() -> ExtractionBackend:
    return ExtractionBackend(
        key=ExtractorKey("rules", rules.VERSION),
        extract_batch=lambda postings: [(rules.extract(p), None) for p in postings],
        describe_usage=lambda: "",
    )


def build_backend(backend: Backend, llm_settings: object | None = None) -> ExtractionBackend:
    """The rules backend, or an LLM/hybrid one from `extract.llm.LLMSettings` (imported only when used)."""
    if backend is Backend.rules:
        return rules_backend()
    from extract.llm import PROMPT_VERSION, VERSION, LLMExtractor, LLMSettings

    settings = llm_settings if isinstance(llm_settings, LLMSettings) else LLMSettings()
    if backend is Backend.hybrid and not settings.hybrid:
        settings = LLMSettings(**{**settings.__dict__, "hybrid": True})
    extractor = LLMExtractor(settings)

    def batch(postings: Sequence[PostingInput]) -> BatchResult:
        return [(r.facts, r.fallback_reason) for r in extractor.extract_batch(postings)]

    def usage() -> str:
        u = extractor.usage
        fallbacks = ", ".join(f"{k}: {v}" for k, v in sorted(u.fallbacks.items())) or "none"
        return (
            f"LLM {settings.model}: {u.calls} answers, {u.tokens_in} tokens in, {u.tokens_out} out, "
            f"cost {u.cost_usd:.4f} USD; fallbacks to rules: {fallbacks}"
        )

    return ExtractionBackend(
        key=ExtractorKey(backend.value, VERSION, settings.model, PROMPT_VERSION),
        extract_batch=batch,
        describe_usage=usage,
    )
