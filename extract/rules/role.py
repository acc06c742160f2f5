"""Is the role's main work building or researching AI/ML systems (LABELING.md's is_ai_role), and which
family of roles is it?

The title decides when it names AI/ML work or a clearly non-AI job; a generic engineering or data title
is decided by how much AI/ML work the posting's own skills and text describe.
"""

from __future__ import annotations

import itertools
import re

from extract.rules.posting import Posting

_ROLE = r"(engineer|scientist|researcher|research|developer|architect|specialist|lead|modell?(?:er|ing)|ops)"
# Over the lower-cased title and text.
_AI_TITLE = re.compile(
    r"machine[- ]learning|deep[- ]learning|computer vision|\bmlops\b|\bllmops\b|applied scien|"
    r"research engineer|prompt engineer|reinforcement learning|perception engineer|\bai/ml\b|\bml/ai\b|"
    rf"\b(ai|ml|llm|genai|nlp|gen ai)[\s)/]+(\w+\s+)?{_ROLE}|"
    r"(engineer|scientist|researcher)\s*,\s*(ai|ml|llm|genai|machine learning|applied ai|nlp)\b"
    r"(?!\s*(team|native|first|startup|company|products?))"
)
_MODEL_TITLE = re.compile(r"data scien|research scien|scientist|\bresearcher\b")
_NOT_AI_TITLE = re.compile(
    r"\b(sales|account (executive|manager)|recruit\w*|marketing|customer success|support|legal|counsel|"
    r"finance|accountant|designer|writer|tutor|trainer|annotat\w*|labell?er|office|operations manager|"
    r"business development|partnerships?|solutions? (engineer|architect|consultant)|"
    r"data analyst|analytics engineer|data engineer(ing)?|bi (developer|engineer|analyst)|business intelligence)\b"
)
# Recruiting, selling or labelling for an ML team is not ML work, even with "ML" in the title.
_NEVER_AI_TITLE = re.compile(
    r"\b(recruit\w*|sourcer|talent (partner|acquisition)|sales|account (executive|manager)|marketing|"
    r"legal|counsel|paralegal|finance|accountant|tutor|trainer|annotat\w*|labell?er)\b"
)
_ENGINEER_TITLE = re.compile(r"\b(engineer|scientist|researcher)\b")
_ML_TITLE = re.compile(r"machine learning|\bml\b")
_TECH_TITLE = re.compile(
    r"engineer|developer|scientist|architect|researcher|programmer|\bcto\b|founding|hacker"
)
AI_SKILLS = frozenset(
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
# A sentence saying the work is building, training or shipping models.
_BUILD_ML = re.compile(
    r"\b(build|building|develop|developing|train|training|design|designing|deploy|deploying|ship|shipping|"
    r"fine-tun\w*|research\w*|improv\w*|own|evaluat\w*)\b[^.\n]{0,60}\b(models?|llms?|ml|machine learning|"
    r"ai (systems|agents|features|products|models)|agents|neural|classifiers?|rag|retrieval|recommendation)"
)
_BUILD_WITHIN = 8000  # characters of the text read for it
_FAMILIES = [
    ("ml_research", re.compile(r"research (scientist|engineer)|applied scientist|\bresearcher\b")),
    ("data_science", re.compile(r"data scien")),
    ("mlops", re.compile(r"mlops|llmops|ml platform|ml infrastructure|ai infrastructure")),
    (
        "ml_engineering",
        re.compile(r"machine learning|\bml\b|\bai\b|\bllm|genai|nlp|computer vision|deep learning"),
    ),
    ("data_engineering", re.compile(r"data engineer|analytics engineer")),
    ("software_engineering", re.compile(r"engineer|developer|programmer")),
    ("management", re.compile(r"manager|director|head of|vp|chief")),
]


def _title_verdict(title: str) -> bool | None:
    """What the (lower-cased) title alone decides, or None."""
    if _NEVER_AI_TITLE.search(title) and not _ENGINEER_TITLE.search(title):
        return False
    if _NOT_AI_TITLE.search(title) and not _ML_TITLE.search(title):
        return False
    if _AI_TITLE.search(title):
        return True
    return None


def _builds_models(lower: str, times: int) -> bool:
    """Whether the lower-cased text says at least `times` times that the work is building or training
    models."""
    said = _BUILD_ML.finditer(lower, 0, _BUILD_WITHIN)
    return sum(1 for _ in itertools.islice(said, times)) == times


def is_ai_role(posting: Posting, skill_ids: set[str]) -> bool:
    """AI titles decide; data and research scientists, generic engineers and HN-style headers are
    decided by the AI/ML skills the posting asks for and how much of its text is about building models:
    for a technical title, two AI skills and one line about building models, one skill and three lines,
    or five skills; for any other, three skills and two lines."""
    title = posting.title_lower
    verdict = _title_verdict(title)
    if verdict is not None:
        return verdict
    ai_skills = len(skill_ids & AI_SKILLS)
    if _MODEL_TITLE.search(title) or _TECH_TITLE.search(title):
        if ai_skills == 0 or ai_skills >= 5:
            return ai_skills >= 5
        return _builds_models(posting.body_lower, 1 if ai_skills >= 2 else 3)
    return ai_skills >= 3 and _builds_models(posting.body_lower, 2)


def role_family(posting: Posting) -> str | None:
    """The family of roles the title names (ML research, data science, MLOps...), or None."""
    return next((family for family, pattern in _FAMILIES if pattern.search(posting.title_lower)), None)
