"""Extraction's own types: what it reads (`PostingInput`) and what every backend produces (`PostingFacts`).

`PostingInput` carries plain text and any pay or remote flag a source published, so extraction never
imports the scrapers (DESIGN.md: imports run downward only).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Seniority = Literal["intern", "junior", "mid", "senior", "staff_plus", "manager", "unknown"]
Period = Literal["hour", "day", "week", "month", "year"]
Remote = Literal["remote", "hybrid", "onsite"]
Requirement = Literal["required", "preferred", "unknown"]
REGIONS = (
    "North America", "Latin America", "UK & Ireland", "EU/EEA", "Europe other", "India", "APAC",
    "Middle East & Africa", "Remote-global",
)  # fmt: skip


class PostingInput(BaseModel):
    """One posting as extraction sees it (the eval files' input format plus published structure)."""

    model_config = ConfigDict(extra="ignore")

    id: str
    title: str = ""
    company: str | None = None
    location: str | None = None
    description: str = ""
    posted_at: datetime | date | None = None
    source: str | None = None
    url: str | None = None
    pay_min: float | None = None
    pay_max: float | None = None
    pay_currency: str | None = None
    pay_period: Period | None = None
    pay_text: str | None = None
    remote_hint: bool | None = None

    @field_validator("posted_at", mode="before")
    @classmethod
    def _lenient_date(cls, value: object) -> object:
        """Sources give '2024-03', '2024', '' or junk: keep what parses, else no date."""
        if value is None or isinstance(value, datetime | date):
            return value
        text = str(value).strip()
        for candidate in (text, text[:10], f"{text[:7]}-01", f"{text[:4]}-01-01"):
            try:
                return datetime.fromisoformat(candidate.replace("Z", "+00:00"))
            except ValueError:
                continue
        return None


class SkillMention(BaseModel):
    """One skill a posting asks for, with the words that name it; a value (frozen)."""

    model_config = ConfigDict(frozen=True)

    id: str
    evidence: str = Field(description="the text in the posting that names the skill")
    requirement: Requirement = "unknown"


class Salary(BaseModel):
    min: float | None = None
    max: float | None = None
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    period: Period = "year"
    source: Literal["published", "text"] = "text"
    multi: bool = False
    evidence: str | None = None
    annual_min_usd: float | None = None
    annual_max_usd: float | None = None


class PostingFacts(BaseModel):
    """The structured record every backend returns, plus how it was produced."""

    id: str
    skills: list[SkillMention] = Field(default_factory=list)
    unmapped: list[str] = Field(default_factory=list, description="skill names with no taxonomy id")
    salary: Salary | None = None
    seniority: Seniority = "unknown"
    years_experience_min: int | None = None
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    region: str | None = None
    city: str | None = None
    remote: Remote | None = None
    is_ai_role: bool = False
    role_family: str | None = None
    employment_type: str | None = None
    certifications: list[str] = Field(default_factory=list)
    extractor: str = "rules"
    version: str = ""
    model: str | None = None
    prompt_version: str | None = None
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    latency_ms: float = 0.0
