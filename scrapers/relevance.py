"""Which postings are AI-engineering roles. The verdict is stored with a reason, never used to drop rows.

A title that names AI/ML work is enough; a generic engineering title needs several AI terms in its text.
Titles that sound like AI but are not engineering (sales, recruiting, data-labelling gigs) are excluded.
Every list is overridable from the `[relevance]` table of the sources file.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from scrapers.models import RawPosting

_ROLE_NOUN = (
    r"\b(engineer|scientist|science|research|developer|architect|specialist|platform|infrastructure|ops|"
    r"modell?ing|intern|technical staff|systems?|(?:technical|tech) lead)"
)
_BETWEEN = r"[\s/&,()|:-]"  # what stands between "AI" and a role noun: spaces, slashes, a hyphen
DEFAULT_TITLE_INCLUDE = (
    # "AI" or "ML" next to a role noun, so a company called "Something AI" does not make every role AI work.
    rf"\b(ai|ml|ai/ml|ml/ai|llm|genai|nlp)\b{_BETWEEN}*(\w+[\s/&-]+){{0,2}}{_ROLE_NOUN}",
    rf"{_ROLE_NOUN}{_BETWEEN}+(\w+[\s/&-]+){{0,1}}(ai|ml|llm|genai)\b(?![\w.-]*\.(ai|com|io))",
    rf"{_ROLE_NOUN}\s*[–—]\s*(ai|ml|llm|genai)\b",  # "Intern — AI", not "Engineer – Baton AI" (a company)
    r"\bmles?\b",  # machine-learning engineer
    r"(?<!causal )\binference\b",  # serving models ("Member of Technical Staff - Inference")
    r"machine[- ]learning",
    r"deep[- ]learning",
    r"\bllms?\b",
    r"gen(erative)?[- ]?ai",
    r"natural language",
    r"computer vision",
    r"data scien",
    r"applied scien",
    r"research (engineer|scientist)",
    r"\b(ml|llm)ops\b",
    r"prompt engineer",
    r"reinforcement learning",
    r"foundation model",
    r"model (training|serving)",
    r"artificial intelligence",
)
DEFAULT_TITLE_EXCLUDE = (
    # business functions at AI companies: their work is not building AI
    r"\bproduct (manager|lead|owner|director)\b",
    r"\bpm\b",
    r"^(?!.*\b(engineer|scien)).*\boperations\b",
    r"\b(finance|financial) (analyst|manager|director)\b",
    r"\bstrategist\b",
    r"\b(channel|ecosystem|partnerships?) manager\b",
    r"\bsales\b",
    r"account (executive|manager)",
    r"\brecruit",
    r"\bmarketing\b",
    r"\bai trainer\b",
    r"\btutor\b",
    r"annotat",
    r"\blabell?er\b",
    r"customer success",
    r"\blegal counsel\b",
    r"\bparalegal\b",
    r"\bwriter\b",
    r"content (creator|specialist)",
    r"\bexpert\b.*\b(freelance|contract)\b",
)
DEFAULT_TECH_TITLE = (
    r"engineer|developer|scientist|architect|researcher|programmer|\bsre\b|devops|\bcto\b|tech lead"
)
DEFAULT_TEXT_TERMS = (
    r"\bllms?\b",
    r"large language model",
    r"machine learning",
    r"deep learning",
    r"\bpytorch\b",
    r"tensorflow",
    r"\brag\b",
    r"retrieval[- ]augmented",
    r"embeddings?",
    r"vector (database|db|store)",
    r"fine[- ]tun",
    r"\bagents?\b",
    r"agentic",
    r"\bgenai\b",
    r"generative ai",
    r"\bnlp\b",
    r"computer vision",
    r"transformers?",
    r"hugging ?face",
    r"langchain",
    r"openai",
    r"anthropic",
    r"inference",
    r"\bmlops\b",
    r"model (training|serving|evaluation)",
)


def _compile(patterns: tuple[str, ...] | list[str]) -> re.Pattern[str]:
    return (
        re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE) if patterns else re.compile(r"(?!)")
    )


@dataclass(frozen=True)
class RelevanceFilter:
    title_include: tuple[str, ...] = DEFAULT_TITLE_INCLUDE
    title_exclude: tuple[str, ...] = DEFAULT_TITLE_EXCLUDE
    tech_title: str = DEFAULT_TECH_TITLE
    text_terms: tuple[str, ...] = DEFAULT_TEXT_TERMS
    min_text_hits: int = 3
    keep_all: bool = False
    _compiled: dict[str, re.Pattern[str]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._compiled.update(
            include=_compile(self.title_include),
            exclude=_compile(self.title_exclude),
            tech=re.compile(self.tech_title, re.IGNORECASE),
            terms=_compile(self.text_terms),
        )

    def decide(self, posting: RawPosting) -> tuple[bool, str]:
        """(is_relevant, reason) for one posting."""
        if self.keep_all:
            return True, "keep_all"
        title = posting.title
        excluded = self._compiled["exclude"].search(title)
        if excluded:
            return False, f"title excluded: {excluded.group(0)!r}"
        included = self._compiled["include"].search(title)
        if included:
            return True, f"title: {included.group(0)!r}"
        if self._compiled["tech"].search(title):
            hits = {m.group(0).lower() for m in self._compiled["terms"].finditer(posting.description_text)}
            if len(hits) >= self.min_text_hits:
                return True, f"text: {len(hits)} AI terms ({', '.join(sorted(hits)[:4])})"
            return False, f"technical title, {len(hits)} AI terms in text (< {self.min_text_hits})"
        return False, "no AI signal in title"
