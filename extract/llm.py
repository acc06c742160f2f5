"""The `llm` and `hybrid` backends: instructor over any provider, with evidence checked against the posting.

A provider is a string (`openai/gpt-4o-mini`, `anthropic/claude-3-5-haiku-latest`, `ollama/llama3.2`) or
any OpenAI-compatible server given by `base_url` (vLLM, llama.cpp). The model answers a bounded schema
(every list and string has a maximum, so a weak model cannot ramble); validators read the posting from the
validation context and drop every skill or salary whose quoted evidence is not in it. Answers are cached
by (content hash, model, prompt version), a per-run cost ceiling stops spending, and any failure falls
back to the rules backend with the reason recorded.
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib
import json
import logging
import re
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

import httpx
from pydantic import BaseModel, Field, ValidationError, ValidationInfo, field_validator

from extract import rules
from extract.money import annual_usd
from extract.rules.places import region_of
from extract.rules.skills import default_matcher
from extract.schema import Period, PostingFacts, PostingInput, Remote, Salary, Seniority, SkillMention

# The base error of each provider SDK that instructor may drive, when installed. A provider whose SDK
# raises something else needs its base class added here; until then its errors stop the run loudly.
_PROVIDER_ERRORS = (
    ("instructor.core.exceptions", "InstructorError"),
    ("openai", "OpenAIError"),
    ("anthropic", "AnthropicError"),
    ("google.genai.errors", "APIError"),
    ("mistralai.models", "SDKError"),
    ("groq", "GroqError"),
    ("cohere.core.api_error", "ApiError"),
    ("litellm.exceptions", "APIError"),
)


@cache
def provider_errors() -> tuple[type[BaseException], ...]:
    """What a provider call may raise that means "no usable answer": transport and SDK errors."""
    found: list[type[BaseException]] = [httpx.HTTPError, OSError]
    for module, name in _PROVIDER_ERRORS:
        try:
            error = getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
        if isinstance(error, type) and issubclass(error, BaseException):
            found.append(error)
    return tuple(found)


PROMPT_VERSION = "p1"
VERSION = "llm-1"
# USD per million input / output tokens; unknown models cost 0 (local servers) and say so in the README.
PRICES: dict[str, tuple[float, float]] = {
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1-nano": (0.10, 0.40),
    "claude-3-5-haiku-latest": (0.80, 4.00),
    "claude-haiku-4-5": (1.00, 5.00),
    "gemini-2.0-flash": (0.10, 0.40),
}
SYSTEM_PROMPT = (
    "You read one job posting and return JSON facts about it. Copy evidence verbatim from the posting: "
    "a skill's evidence is the exact words that name it; a salary's evidence is the exact words that state "
    "it. List only skills the role needs (tools, languages, frameworks, techniques), never benefits or the "
    "company's own product. Salary is base pay only (not equity, bonus, funding or revenue); null when not "
    "stated. Seniority: intern, junior, mid, senior, staff_plus, manager or unknown. Country: ISO alpha-2 "
    "code of the single country of the job, else null. is_ai_role: true only when the main work is building "
    "or researching AI/ML systems."
)
_BOILERPLATE = re.compile(
    r"(?is)\b(equal (employment )?opportunity|we are an equal|eeo\b|reasonable accommodation|"
    r"our benefits|benefits include|what we offer|perks)\b.*"
)


def _normal(text: str) -> str:
    return " ".join(re.sub(r"[\"'`“”‘’]", "", text).lower().split())


def _in_posting(evidence: str, info: ValidationInfo) -> bool:
    context = info.context or {}
    haystack = context.get("normal_text")
    if haystack is None:
        haystack = context["normal_text"] = _normal(context.get("text", ""))
    needle = _normal(evidence)
    return bool(needle) and needle in haystack


def _reject(info: ValidationInfo, what: str) -> None:
    if info.context is not None:
        info.context.setdefault("rejected", []).append(what)


class LLMSkill(BaseModel):
    name: str = Field(max_length=60, description="the skill, as commonly named")
    evidence: str = Field(max_length=160, description="exact words from the posting that name the skill")
    requirement: Literal["required", "preferred", "unknown"] = "unknown"


class LLMSalary(BaseModel):
    min: float | None = None
    max: float | None = None
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    period: Period = "year"
    evidence: str = Field(max_length=120, description="exact words from the posting that state the pay")


class LLMAnswer(BaseModel):
    """What the model fills. Items whose evidence is not in the posting are dropped by the validators."""

    skills: list[LLMSkill] = Field(default_factory=list, max_length=25)
    salary: LLMSalary | None = None
    seniority: Seniority = "unknown"
    remote: Remote | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    is_ai_role: bool = False

    @field_validator("skills")
    @classmethod
    def _skills_quoted_from_posting(cls, skills: list[LLMSkill], info: ValidationInfo) -> list[LLMSkill]:
        kept = []
        for skill in skills:
            if _in_posting(skill.evidence, info):
                kept.append(skill)
            else:
                _reject(info, f"skill {skill.name!r}: evidence {skill.evidence[:60]!r} not in posting")
        return kept

    @field_validator("salary")
    @classmethod
    def _salary_quoted_from_posting(cls, salary: LLMSalary | None, info: ValidationInfo) -> LLMSalary | None:
        if salary is None:
            return None
        digits = re.findall(r"\d+", salary.evidence)
        if not _in_posting(salary.evidence, info) or not digits:
            _reject(info, f"salary: evidence {salary.evidence[:60]!r} not in posting")
            return None
        return salary


@dataclass(frozen=True)
class LLMSettings:
    model: str = "openai/gpt-4o-mini"
    base_url: str | None = None
    api_key: str | None = None
    concurrency: int = 4
    max_retries: int = 2
    timeout: float = 60.0
    max_tokens: int = 800
    max_chars: int = 12_000
    cost_ceiling_usd: float = 1.0
    cache_dir: Path | None = None
    hybrid: bool = False

    @property
    def model_name(self) -> str:
        return self.model.split("/", 1)[1] if "/" in self.model else self.model

    @property
    def extractor(self) -> str:
        return "hybrid" if self.hybrid else "llm"


@dataclass
class Usage:
    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    fallbacks: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class LLMResult:
    facts: PostingFacts
    fallback_reason: str | None = None
    rejected: tuple[str, ...] = ()


def trim_posting(text: str, max_chars: int) -> str:
    """Drop benefits and EEO boilerplate (it holds no requirements) and cap the length sent to the model."""
    trimmed = _BOILERPLATE.sub("", text).strip() or text
    return trimmed[:max_chars]


def cost_of(model_name: str, tokens_in: int, tokens_out: int) -> float:
    price_in, price_out = PRICES.get(model_name, (0.0, 0.0))
    return round((tokens_in * price_in + tokens_out * price_out) / 1_000_000, 6)


class AnswerCache:
    """Answers on disk by (content hash, model, prompt version): an unchanged posting is never sent twice."""

    def __init__(self, directory: Path | None) -> None:
        self._db: sqlite3.Connection | None = None
        if directory is None:
            return
        try:  # a folder that cannot be made costs the cache, not the extraction
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            logging.getLogger("skillradar").warning(
                "cannot use the LLM answer cache folder %s (%s); going on without it", directory, exc.strerror
            )
            return
        self._db = sqlite3.connect(directory / "llm-answers.sqlite")
        self._db.execute("CREATE TABLE IF NOT EXISTS answers (key TEXT PRIMARY KEY, answer TEXT NOT NULL)")

    @staticmethod
    def key(text: str, model: str) -> str:
        return hashlib.sha256(f"{PROMPT_VERSION}\x1f{model}\x1f{text}".encode()).hexdigest()

    def get(self, key: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        row = self._db.execute("SELECT answer FROM answers WHERE key = ?", (key,)).fetchone()
        return json.loads(row[0]) if row else None

    def put(self, key: str, answer: dict[str, Any]) -> None:
        if self._db is not None:
            self._db.execute("INSERT OR REPLACE INTO answers VALUES (?, ?)", (key, json.dumps(answer)))
            self._db.commit()


def make_client(settings: LLMSettings) -> Any:
    """An async instructor client for a provider string, or for an OpenAI-compatible `base_url`."""
    import instructor

    if settings.base_url:
        from openai import AsyncOpenAI

        openai_client = AsyncOpenAI(
            base_url=settings.base_url, api_key=settings.api_key or "not-needed", timeout=settings.timeout,
            max_retries=1,
        )  # fmt: skip
        return instructor.from_openai(openai_client, mode=instructor.Mode.JSON)
    kwargs: dict[str, Any] = {"async_client": True}
    if settings.api_key:
        kwargs["api_key"] = settings.api_key
    return instructor.from_provider(settings.model, **kwargs)


# What an API key or bearer token looks like in a provider's error text ("Incorrect API key provided: sk-...").
_KEY_LIKE = re.compile(r"\b(?:sk|pk|rk|key)-[\w-]{6,}|Bearer\s+[\w.~+/-]+=*", re.IGNORECASE)


def scrub(text: str, secret: str | None) -> str:
    """`text` with the API key, and anything shaped like a key or a bearer token, replaced by ***: a
    provider's error may repeat the key, and fallback reasons are stored and shown."""
    if secret:
        text = text.replace(secret, "***")
    return _KEY_LIKE.sub("***", text)


class LLMExtractor:
    """Extracts postings with an LLM; every failure falls back to the rules backend, reason recorded."""

    def __init__(
        self, settings: LLMSettings, client_factory: Callable[[LLMSettings], Any] = make_client
    ) -> None:
        self.settings = settings
        # One client per batch, made and closed inside that batch's event loop: an async HTTP client
        # outliving its loop leaks connections.
        self._client_factory = client_factory
        self.client: Any = None
        self.cache = AnswerCache(settings.cache_dir)
        self.usage = Usage()
        self._gate = asyncio.Semaphore(settings.concurrency)
        # Failures are reported as fallback reasons on each result; instructor's own error logs would
        # only repeat them (with whole HTML error pages) on the user's terminal.
        logging.getLogger("instructor").setLevel(logging.CRITICAL)

    def _fallback(self, posting: PostingInput, reason: str) -> LLMResult:
        reason = scrub(reason, self.settings.api_key)
        self.usage.fallbacks[reason.split(":")[0]] = self.usage.fallbacks.get(reason.split(":")[0], 0) + 1
        facts = rules.extract(posting)
        return LLMResult(facts.model_copy(update={"model": self.settings.model}), fallback_reason=reason)

    async def _ask(self, text: str, context: dict[str, Any]) -> tuple[dict[str, Any], int, int]:
        request: dict[str, Any] = {
            "model": self.settings.model_name,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": f"Job posting:\n\n{text}"},
            ],
            "response_model": LLMAnswer,
            "context": context,
            "max_retries": self.settings.max_retries,
            "max_tokens": self.settings.max_tokens,
        }
        if self.settings.base_url:
            # llama.cpp-style servers take the JSON schema in response_format.schema and bound decoding by it.
            request["extra_body"] = {
                "response_format": {"type": "json_object", "schema": LLMAnswer.model_json_schema()}
            }
        answer, completion = await asyncio.wait_for(
            self.client.chat.completions.create_with_completion(**request), timeout=self.settings.timeout * 3
        )
        usage = getattr(completion, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        return answer.model_dump(mode="json"), tokens_in, tokens_out

    async def extract_one(self, posting: PostingInput) -> LLMResult:
        if self.usage.cost_usd >= self.settings.cost_ceiling_usd:
            return self._fallback(posting, f"cost ceiling: {self.settings.cost_ceiling_usd} USD reached")
        text = trim_posting(
            f"{posting.title}\n{posting.location or ''}\n{posting.description}", self.settings.max_chars
        )
        key = AnswerCache.key(text, self.settings.model)
        context: dict[str, Any] = {"text": text, "rejected": []}
        started = time.perf_counter()
        tokens_in = tokens_out = 0
        cached = self.cache.get(key)
        if cached is not None:
            answer = cached
        else:
            async with self._gate:
                try:
                    answer, tokens_in, tokens_out = await self._ask(text, context)
                except TimeoutError:
                    return self._fallback(posting, "timeout: no answer in time")
                except (ValidationError, ValueError) as exc:
                    return self._fallback(posting, f"invalid answer: {str(exc).splitlines()[0][:200]}")
                except provider_errors() as exc:
                    return self._fallback(
                        posting, f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                    )
            self.cache.put(key, answer)
        self.usage.calls += 1
        cost = cost_of(self.settings.model_name, tokens_in, tokens_out)
        self.usage.tokens_in += tokens_in
        self.usage.tokens_out += tokens_out
        self.usage.cost_usd += cost
        facts = self._facts(posting, LLMAnswer.model_validate(answer, context={"text": text}))
        facts = facts.model_copy(
            update={
                "tokens_in": tokens_in, "tokens_out": tokens_out, "cost_usd": cost,
                "latency_ms": round((time.perf_counter() - started) * 1000, 1),
            }
        )  # fmt: skip
        return LLMResult(facts, rejected=tuple(context.get("rejected", [])))

    def _facts(self, posting: PostingInput, answer: LLMAnswer) -> PostingFacts:
        matcher = default_matcher()
        skills: dict[str, SkillMention] = {}
        unmapped: list[str] = []
        for item in answer.skills:
            found = matcher.find(item.name) or matcher.find(item.evidence)
            if not found:
                unmapped.append(item.name)
            for hit in found:
                skills.setdefault(
                    hit.skill_id,
                    SkillMention(id=hit.skill_id, evidence=item.evidence, requirement=item.requirement),
                )
        base = rules.extract(posting)
        if self.settings.hybrid:
            # Rules for the deterministic fields; the LLM adds skills the rules missed, evidence-checked.
            merged = {s.id: s for s in base.skills}
            for skill_id, mention in skills.items():
                merged.setdefault(skill_id, mention)
            return base.model_copy(
                update={"skills": list(merged.values()), "unmapped": unmapped, "extractor": "hybrid",
                        "version": VERSION, "model": self.settings.model, "prompt_version": PROMPT_VERSION}
            )  # fmt: skip
        salary = None
        if answer.salary is not None and (answer.salary.min or answer.salary.max):
            stated = answer.salary
            salary = Salary(
                min=stated.min, max=stated.max, currency=stated.currency, period=stated.period, source="text",
                evidence=stated.evidence,
                annual_min_usd=annual_usd(stated.min, stated.currency, stated.period, posting.posted_at),
                annual_max_usd=annual_usd(stated.max, stated.currency, stated.period, posting.posted_at),
            )  # fmt: skip
        if base.salary is not None and base.salary.source == "published":
            salary = base.salary
        return PostingFacts(
            id=posting.id, skills=list(skills.values()), unmapped=unmapped, salary=salary,
            seniority=answer.seniority, country=answer.country, region=region_of(answer.country, answer.remote),
            remote=answer.remote, is_ai_role=answer.is_ai_role, role_family=base.role_family,
            years_experience_min=base.years_experience_min,
            certifications=[s for s in skills if s.startswith("cert_")], extractor="llm", version=VERSION,
            model=self.settings.model, prompt_version=PROMPT_VERSION,
        )  # fmt: skip

    async def extract_many(
        self, postings: Sequence[PostingInput], on_done: Callable[[int], None] | None = None
    ) -> list[LLMResult]:
        async def one(posting: PostingInput) -> LLMResult:
            result = await self.extract_one(posting)
            if on_done is not None:
                on_done(1)
            return result

        self._gate = asyncio.Semaphore(self.settings.concurrency)
        try:
            self.client = self._client_factory(self.settings)
        except provider_errors() as exc:  # no key, an unknown provider: every posting goes to the rules
            first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            reason = f"no LLM client ({first[:200]}); set SKILLRADAR_LLM_API_KEY or SKILLRADAR_LLM_BASE_URL"
            return [self._fallback(posting, reason) for posting in postings]
        try:
            return list(await asyncio.gather(*(one(p) for p in postings)))
        finally:
            raw = getattr(self.client, "client", None)
            close = getattr(raw, "close", None)
            if close is not None and asyncio.iscoroutinefunction(close):
                await close()
            self.client = None

    def extract_batch(self, postings: Sequence[PostingInput]) -> list[LLMResult]:
        return asyncio.run(self.extract_many(postings))
