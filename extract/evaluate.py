"""Scoring an extractor against hand-labelled postings, exactly as ../shared/eval/README.md defines it."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from extract.schema import PostingFacts, PostingInput

Extractor = Callable[[PostingInput], PostingFacts]


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Report:
    n: int = 0
    skills: Counts = field(default_factory=Counts)
    tools: Counts = field(default_factory=Counts)
    salary_total: int = 0
    salary_exact: int = 0
    no_salary_total: int = 0
    salary_invented: int = 0
    seniority_total: int = 0
    seniority_right: int = 0
    country_total: int = 0
    country_right: int = 0
    remote_total: int = 0
    remote_right: int = 0
    ai_role: Counts = field(default_factory=Counts)
    misses: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int]:
        def share(a: int, b: int) -> float:
            return round(a / b, 4) if b else 0.0

        return {
            "n": self.n,
            "skills_precision": round(self.skills.precision, 4),
            "skills_recall": round(self.skills.recall, 4),
            "skills_f1": round(self.skills.f1, 4),
            "tools_precision": round(self.tools.precision, 4),
            "tools_recall": round(self.tools.recall, 4),
            "tools_f1": round(self.tools.f1, 4),
            "salary_exact": share(self.salary_exact, self.salary_total),
            "salary_n": self.salary_total,
            "salary_invented": share(self.salary_invented, self.no_salary_total),
            "seniority_accuracy": share(self.seniority_right, self.seniority_total),
            "country_accuracy": share(self.country_right, self.country_total),
            "remote_accuracy": share(self.remote_right, self.remote_total),
            "is_ai_role_f1": round(self.ai_role.f1, 4),
        }


def load_vocabulary(path: Path) -> dict[str, str]:
    """Vocabulary ids and their kind (`tool` or `concept`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {item["id"]: item["kind"] for items in data["categories"].values() for item in items}


def read_jsonl(path: Path) -> Iterable[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= 0.01 * abs(b)


def salary_matches(gold: dict[str, Any], predicted: dict[str, Any] | None) -> bool:
    if predicted is None:
        return False
    return (
        predicted.get("currency") == gold.get("currency")
        and predicted.get("period") == gold.get("period")
        and _close(predicted.get("min"), gold.get("min"))
        and _close(predicted.get("max"), gold.get("max"))
    )


def score(gold_rows: Iterable[dict[str, Any]], extractor: Extractor, vocabulary: dict[str, str]) -> Report:
    report = Report()
    for row in gold_rows:
        labels = row["labels"]
        facts = extractor(PostingInput.model_validate(row))
        predicted = facts.model_dump(mode="json")
        report.n += 1
        miss: dict[str, Any] = {"id": row["id"], "title": row.get("title"), "errors": []}

        gold_skills = {s for s in labels["skills"] if s in vocabulary}
        got_skills = {s["id"] for s in predicted["skills"] if s["id"] in vocabulary}
        for counts, keep in (
            (report.skills, lambda s: True),
            (report.tools, lambda s: vocabulary[s] == "tool"),
        ):
            g = {s for s in gold_skills if keep(s)}
            p = {s for s in got_skills if keep(s)}
            counts.tp += len(g & p)
            counts.fp += len(p - g)
            counts.fn += len(g - p)
        if gold_skills != got_skills:
            miss["errors"].append(
                {
                    "field": "skills",
                    "missed": sorted(gold_skills - got_skills),
                    "extra": sorted(got_skills - gold_skills),
                }
            )

        gold_salary = labels.get("salary")
        if gold_salary is not None:
            report.salary_total += 1
            if salary_matches(gold_salary, predicted["salary"]):
                report.salary_exact += 1
            else:
                miss["errors"].append({"field": "salary", "gold": gold_salary, "got": predicted["salary"]})
        else:
            report.no_salary_total += 1
            if predicted["salary"] is not None:
                report.salary_invented += 1
                miss["errors"].append({"field": "salary", "gold": None, "got": predicted["salary"]})

        for name, total, right in (
            ("seniority", "seniority_total", "seniority_right"),
            ("country", "country_total", "country_right"),
            ("remote", "remote_total", "remote_right"),
        ):
            gold_value = labels.get(name)
            if gold_value is None or (name == "seniority" and gold_value == "unknown"):
                continue
            setattr(report, total, getattr(report, total) + 1)
            if predicted[name] == gold_value:
                setattr(report, right, getattr(report, right) + 1)
            else:
                miss["errors"].append({"field": name, "gold": gold_value, "got": predicted[name]})

        gold_ai, got_ai = bool(labels["is_ai_role"]), bool(predicted["is_ai_role"])
        report.ai_role.tp += gold_ai and got_ai
        report.ai_role.fp += got_ai and not gold_ai
        report.ai_role.fn += gold_ai and not got_ai
        if gold_ai != got_ai:
            miss["errors"].append({"field": "is_ai_role", "gold": gold_ai, "got": got_ai})
        if miss["errors"]:
            report.misses.append(miss)
    report.misses.sort(
        key=lambda m: -sum(len(e.get("missed", [])) + len(e.get("extra", [])) or 2 for e in m["errors"])
    )
    return report
