"""Stated pay checked against published pay: Ashby boards publish each posting's pay as structured data
(`compensation.summaryComponents`), and many postings also state that range in their text. Where the text
states both ends of the published range, the rules must read that range from the text alone.

Reads the recorded boards in ../shared/data/ashby-2025-10 (one gzip of an API response per board).
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.schema import Period, PostingFacts, PostingInput

Extractor = Callable[[PostingInput], PostingFacts]
_PERIODS: dict[str, Period] = {"1 YEAR": "year", "1 MONTH": "month", "1 WEEK": "week", "1 HOUR": "hour"}


@dataclass(frozen=True)
class StatedPay:
    """A posting (its text, no published pay) and the range its employer published."""

    posting: PostingInput
    min: float
    max: float
    currency: str
    period: Period


def _written(value: float) -> list[str]:
    """How a figure is commonly written: 150,000 / 150.000 / 150 000 / 150000 / 150k / 150K / 42.50."""
    if value != int(value):
        return [f"{value:.2f}", f"{value:.1f}"]
    whole = int(value)
    forms = [f"{whole:,}", f"{whole:,}".replace(",", "."), f"{whole:,}".replace(",", " "), str(whole)]
    if whole % 1000 == 0 and whole >= 1000:
        forms += [f"{whole // 1000}k", f"{whole // 1000}K"]
    elif whole % 100 == 0 and whole >= 1000:
        forms += [f"{whole / 1000:.1f}k", f"{whole / 1000:.1f}K"]
    return forms


def _figures(text: str, value: float) -> Iterator[re.Match[str]]:
    """Where `text` writes the figure `value` as a number of its own (not inside a longer one); zero cents
    may follow a whole figure ("$18.00 - $20.00 per hour", "$150,000.00")."""
    for form in _written(value):
        yield from re.finditer(rf"(?<![\d.,]){re.escape(form)}(?:\.00?)?(?![\d]|[.,]\d)", text)


def _as_money(text: str, figure: re.Match[str], currency: str) -> bool:
    """Whether a currency sign ($, €, £, ₹ ...) or the currency's code stands right before or after a figure."""
    near = text[max(0, figure.start() - 4) : figure.start()] + text[figure.end() : figure.end() + 5]
    return currency.lower() in near.lower() or any(unicodedata.category(char) == "Sc" for char in near)


def states_range(text: str, low: float, high: float, currency: str) -> bool:
    """Whether one line of `text` states both ends of a range, one of them marked as money ("Base: $150,000
    - $200,000"), rather than the figures apart ("50 states", "300K users", "20 - 25 hours" under "$18 - $24")."""
    for line in text.split("\n"):
        ends = [list(_figures(line, low)), list(_figures(line, high))]
        if all(ends) and any(_as_money(line, figure, currency) for figure in ends[0] + ends[1]):
            return True
    return False


def _salary(job: dict[str, Any]) -> dict[str, Any] | None:
    for component in (job.get("compensation") or {}).get("summaryComponents") or []:
        if (
            component.get("compensationType") == "Salary"
            and component.get("minValue")
            and component.get("maxValue")
        ):
            return component
    return None


def cases(directory: Path) -> Iterator[StatedPay]:
    """Every posting of the recorded boards whose text states both ends of its published salary range on
    one line, marked as money."""
    for path in sorted(directory.glob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            board = json.load(handle)
        for job in board.get("jobs") or []:
            pay = _salary(job)
            text = job.get("descriptionPlain") or ""
            if pay is None or pay.get("interval") not in _PERIODS:
                continue
            low, high = float(pay["minValue"]), float(pay["maxValue"])
            if not states_range(text, low, high, str(pay["currencyCode"])):
                continue
            posting = PostingInput(
                id=f"{path.name.removesuffix('.json.gz')}:{job['id']}", title=job.get("title") or "",
                company=path.name.removesuffix(".json.gz"), location=job.get("location"), description=text,
            )  # fmt: skip
            yield StatedPay(posting, low, high, str(pay["currencyCode"]), _PERIODS[pay["interval"]])


@dataclass
class StatedPayReport:
    total: int = 0
    exact: int = 0
    misses: list[dict[str, Any]] = field(default_factory=list)

    def metrics(self) -> dict[str, float | int]:
        return {"n": self.total, "stated_pay_exact": round(self.exact / self.total, 4) if self.total else 0.0}


def _close(a: float | None, b: float) -> bool:
    return a is not None and abs(a - b) <= 0.01 * b


def score_stated_pay(found: Iterator[StatedPay] | list[StatedPay], extractor: Extractor) -> StatedPayReport:
    """How many postings' stated range the extractor reads exactly (both ends within 1%, currency, period)."""
    report = StatedPayReport()
    for case in found:
        salary = extractor(case.posting).salary
        report.total += 1
        if (
            salary is not None
            and _close(salary.min, case.min)
            and _close(salary.max, case.max)
            and (salary.currency, salary.period) == (case.currency, case.period)
        ):
            report.exact += 1
            continue
        report.misses.append(
            {"id": case.posting.id, "title": case.posting.title,
             "published": {"min": case.min, "max": case.max, "currency": case.currency, "period": case.period},
             "got": salary and salary.model_dump(include={"min", "max", "currency", "period", "evidence"})}
        )  # fmt: skip
    return report
