"""Scoring an extractor against other projects' test cases (../shared/eval/peercases/README.md gives the
format): a posting made of the peer's input string, and the fields the peer asserts.

A case is counted unless its expectation is `debatable` (a guess or a source-specific convention); debatable
cases are reported apart. Agreement is reported per kind (salary, seniority, remote, country) and per peer.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from extract.schema import PostingFacts, PostingInput

Extractor = Callable[[PostingInput], PostingFacts]
KINDS = ("salary", "seniority", "remote", "country")


def is_peer_case(row: dict[str, Any]) -> bool:
    return {"kind", "input", "expected"} <= row.keys()


def _agrees(expected: Any, got: Any) -> bool:
    """One value: `{"any_of": [...]}` takes any of them; numbers agree within 1%."""
    if isinstance(expected, dict) and "any_of" in expected:
        return any(_agrees(option, got) for option in expected["any_of"])
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        return isinstance(got, int | float) and abs(got - expected) <= 0.01 * abs(expected)
    return bool(expected == got)


def _salary_agrees(expected: dict[str, Any] | None, got: dict[str, Any] | None) -> bool:
    if expected is None or got is None:
        return expected is None and got is None
    for name, value in expected.items():
        if name == "mid":
            ends = [v for v in (got.get("min"), got.get("max")) if v is not None]
            if not ends or not _agrees(value, sum(ends) / len(ends)):
                return False
        elif name == "min_gte":
            if got.get("min") is None or got["min"] < value:
                return False
        elif name == "max_lte":
            if got.get("max") is None or got["max"] > value:
                return False
        elif not _agrees(value, got.get(name)):
            return False
    return True


def agrees(case: dict[str, Any], facts: PostingFacts) -> bool:
    """Whether the record agrees with every field the case asserts."""
    got = facts.model_dump(mode="json")
    for name, expected in case["expected"].items():
        if name == "salary":
            if not _salary_agrees(expected, got["salary"]):
                return False
        elif not _agrees(expected, got[name]):
            return False
    return True


@dataclass
class Tally:
    agreed: int = 0
    total: int = 0

    @property
    def share(self) -> float:
        return round(self.agreed / self.total, 4) if self.total else 0.0


@dataclass
class PeerReport:
    counted: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by kind
    debatable: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # by kind
    by_peer: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))  # counted, by peer repo
    agreeing: list[str] = field(default_factory=list)  # ids of the counted cases agreed with
    misses: list[dict[str, Any]] = field(default_factory=list)  # counted cases disagreed with

    def metrics(self) -> dict[str, float | int]:
        found: dict[str, float | int] = {"n": sum(t.total for t in self.counted.values())}
        for kind in KINDS:
            if kind in self.counted:
                found[f"peer_{kind}"] = self.counted[kind].share
                found[f"peer_{kind}_n"] = self.counted[kind].total
        for kind in KINDS:
            if kind in self.debatable:
                found[f"peer_{kind}_debatable"] = self.debatable[kind].share
        return found


def score_peer_cases(cases: Iterable[dict[str, Any]], extractor: Extractor) -> PeerReport:
    report = PeerReport()
    for case in cases:
        given = case["input"]
        facts = extractor(
            PostingInput(
                id=case["id"], title=given.get("title") or "", location=given.get("location"),
                description=given.get("description") or "",
            )
        )  # fmt: skip
        agreed = agrees(case, facts)
        counted = case.get("debatable") is None
        tally = (report.counted if counted else report.debatable)[case["kind"]]
        tally.total += 1
        tally.agreed += agreed
        if not counted:
            continue
        peer = report.by_peer[case["source"]["repo"]]
        peer.total += 1
        peer.agreed += agreed
        if agreed:
            report.agreeing.append(case["id"])
        else:
            got = facts.model_dump(mode="json")
            report.misses.append(
                {"id": case["id"], "input": case["input"], "expected": case["expected"],
                 "got": {name: got[name] for name in case["expected"]}}
            )  # fmt: skip
    return report
