"""Choosing an extraction backend from settings: one batch function and the key its results are stored under."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from extract import rules
from extract.errors import ExtractionError
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


# What a bug in a rule raises on some odd posting; anything else is not the posting's fault.
_RULE_BUGS = (ValueError, TypeError, KeyError, IndexError, RecursionError)


def _rules_one(posting: PostingInput) -> tuple[PostingFacts, str | None]:
    """Rules extraction of one posting; a posting that trips a bug is stored as failed, with the reason,
    instead of stopping the batch."""
    try:
        return rules.extract(posting), None
    except _RULE_BUGS as exc:
        failed = PostingFacts(id=posting.id, extractor="rules", version=rules.VERSION)
        return failed, str(ExtractionError(posting.id, "rules", f"{type(exc).__name__}: {exc}"))[:300]


def _rules_batch(postings: Sequence[PostingInput]) -> BatchResult:
    return [_rules_one(posting) for posting in postings]


def rules_backend() -> ExtractionBackend:
    return ExtractionBackend(
        key=ExtractorKey("rules", rules.VERSION),
        extract_batch=_rules_batch,
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
