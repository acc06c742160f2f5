"""Is the role's main work building or researching AI/ML systems (LABELING.md's is_ai_role)?

The title decides when it names AI/ML work or a clearly non-AI job; a generic engineering or data title
is decided by how much AI/ML work the posting's own skills and text describe.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import islice
from typing import Final

from extract.rules.anchored import FIELDS, SHARED, Anchored, field_cache, folded, literal_prefixes

_ROLE: Final = (
    r"(engineer|scientist|researcher|research|developer|architect|specialist|lead|modell?(?:er|ing)|ops)"
)
_AI_TITLE: Final = Anchored(
    r"(?i)machine[- ]learning|deep[- ]learning|computer vision|\bmlops\b|\bllmops\b|applied scien|"
    r"research engineer|prompt engineer|reinforcement learning|perception engineer|\bai/ml\b|\bml/ai\b|"
    rf"\b(ai|ml|llm|genai|nlp|gen ai)[\s)/]+(\w+\s+)?{_ROLE}|"
    r"(engineer|scientist|researcher)\s*,\s*(ai|ml|llm|genai|machine learning|applied ai|nlp)\b"
    r"(?!\s*(team|native|first|startup|company|products?))",
    shared=FIELDS,
)
_MODEL_TITLE: Final = Anchored(r"(?i)data scien|research scien|scientist|\bresearcher\b", shared=FIELDS)
_NOT_AI_TITLE: Final = Anchored(
    r"(?i)\b(sales|account (executive|manager)|recruit\w*|marketing|customer success|support|legal|counsel|"
    r"finance|accountant|designer|writer|tutor|trainer|annotat\w*|labell?er|office|operations manager|"
    r"business development|partnerships?|solutions? (engineer|architect|consultant)|"
    r"data analyst|analytics engineer|data engineer(ing)?|bi (developer|engineer|analyst)|business intelligence)\b",
    shared=FIELDS,
)
_TECH_TITLE: Final = Anchored(
    r"(?i)engineer|developer|scientist|architect|researcher|programmer|\bcto\b|founding|hacker", shared=FIELDS
)
AI_SKILLS: Final = frozenset(
    {
        "machine_learning", "deep_learning", "llm", "generative_ai", "nlp", "computer_vision", "pytorch",
        "tensorflow", "jax", "keras", "scikit_learn", "hugging_face", "fine_tuning", "rag", "embeddings",
        "mlops", "reinforcement_learning", "llm_evaluation", "vllm", "ai_agents", "lora", "rlhf",
        "distributed_training", "recommender_systems", "speech", "multimodal", "model_monitoring", "xgboost",
        "langchain", "llamaindex", "langgraph", "prompt_engineering", "vector_search", "mlflow", "sagemaker",
        "vertex_ai", "kubeflow", "triton", "tensorrt", "onnx", "cuda", "time_series", "openai_api",
        "anthropic_api",
    }
)  # fmt: skip
# What is built: a literal prefix of each of these begins every object the pattern can name.
_OBJECT: Final = (
    r"models?|llms?|ml|machine learning|ai (systems|agents|features|products|models)|agents|neural|classifiers?|"
    r"rag|retrieval|recommendation"
)
_BUILD_ML: Final = Anchored(
    re.compile(
        r"(?i)\b(build|building|develop|developing|train|training|design|designing|deploy|deploying|ship|shipping|"
        rf"fine-tun\w*|research\w*|improv\w*|own|evaluat\w*)\b[^.\n]{{0,60}}\b({_OBJECT})"
    )
)
# Where objects begin, from the pass the other rules make over the lower case (None: unknown).
_OBJECT_STARTS: Final = literal_prefixes(re.compile(_OBJECT, re.IGNORECASE))
# Not `Final`: mypyc (1.x) emits C that does not compile for a final `int | None`.
_OBJECTS = SHARED.register(_OBJECT_STARTS) if _OBJECT_STARTS else None
_VERB_RUN: Final = re.compile(r"[\w-]*")


_NEVER_AI_TITLE: Final = Anchored(
    r"(?i)\b(recruit\w*|sourcer|talent (partner|acquisition)|sales|account (executive|manager)|marketing|"
    r"legal|counsel|paralegal|finance|accountant|tutor|trainer|annotat\w*|labell?er)\b",
    shared=FIELDS,
)


_ENGINEER_TITLE: Final = Anchored(r"(?i)\b(engineer|scientist|researcher)\b", shared=FIELDS)
_ML_TITLE: Final = Anchored(r"(?i)machine learning|\bml\b", shared=FIELDS)
_FAMILIES: Final = [
    (family, Anchored(pattern, shared=FIELDS))
    for family, pattern in (
        ("ml_research", r"(?i)research (scientist|engineer)|applied scientist|\bresearcher\b"),
        ("data_science", r"(?i)data scien"),
        ("mlops", r"(?i)mlops|llmops|ml platform|ml infrastructure|ai infrastructure"),
        (
            "ml_engineering",
            r"(?i)machine learning|\bml\b|\bai\b|\bllm|genai|nlp|computer vision|deep learning",
        ),
        ("data_engineering", r"(?i)data engineer|analytics engineer"),
        ("software_engineering", r"(?i)engineer|developer|programmer"),
        ("management", r"(?i)manager|director|head of|vp|chief"),
    )
]


def is_ai_role(title: str, text: str, skill_ids: set[str]) -> bool:
    """AI titles decide; data and research scientists, generic engineers and HN-style headers are
    decided by the AI/ML skills the posting asks for and how much of its text is about building models."""
    verdict = _title_verdict(title or "")
    if verdict is not None:
        return verdict
    ai_skills = len(skill_ids & AI_SKILLS)
    if _technical_title(title or ""):
        # Two AI skills and one line about building models, one skill and three lines, or five skills.
        if ai_skills == 0 or ai_skills >= 5:
            return ai_skills >= 5
        return _builds_models(text, 1 if ai_skills >= 2 else 3)
    return ai_skills >= 3 and _builds_models(text, 2)


@field_cache  # titles repeat (`anchored.FIELD_CACHE`)
def _title_verdict(title: str) -> bool | None:
    """What the title alone decides, or None."""
    seen = FIELDS.presence(title)
    if _NEVER_AI_TITLE.search(title, presence=seen) and not _ENGINEER_TITLE.search(title, presence=seen):
        return False  # recruiting, selling or labelling for an ML team is not ML work
    if _NOT_AI_TITLE.search(title, presence=seen) and not _ML_TITLE.search(title, presence=seen):
        return False
    if _AI_TITLE.search(title, presence=seen):
        return True
    return None


@field_cache
def _technical_title(title: str) -> bool:
    seen = FIELDS.presence(title)
    return (
        _MODEL_TITLE.search(title, presence=seen) is not None
        or _TECH_TITLE.search(title, presence=seen) is not None
    )


def _builds_models(text: str, times: int) -> bool:
    """Whether the text's first 8,000 characters say at least `times` times that the work is building,
    training or shipping models (the count stops there: the rest of the text is not read).

    `_BUILD_ML.finditer`, but a verb is tried only when one of the objects' literals begins after it
    and at most 60 characters past its end (three verbs in four have none, each a 5 us regex call).
    A verb ends where its run of word characters and hyphens does, or before ("fine-tuning")."""
    end = min(len(text), 8000)
    lower = folded(text)
    candidates = _BUILD_ML.candidates(text, 0, end) if lower is not None else None
    if candidates is None or lower is None or _OBJECTS is None:
        return sum(1 for _ in islice(_BUILD_ML.finditer(text, 0, end), times)) == times
    objects = SHARED.starts(lower, _OBJECTS, 0, end)
    found = reach = 0
    for start in candidates:
        if start < reach:
            continue
        verb = _VERB_RUN.match(text, start, end)
        reach_of_verb = (verb.end() if verb is not None else start) + 60
        near = bisect_right(objects, start)
        if near == len(objects) or objects[near] > reach_of_verb:
            continue
        match = _BUILD_ML.regex.match(text, start, end)
        if match is not None:
            found += 1
            if found == times:
                return True
            reach = match.end() if match.end() > start else start + 1
    return False


def role_family(title: str) -> str | None:
    return _family(title or "")


@field_cache
def _family(title: str) -> str | None:
    seen = FIELDS.presence(title)
    for family, pattern in _FAMILIES:
        if pattern.search(title, presence=seen):
            return family
    return None
