"""Roadmaps from the seed articles as data: phases in order with the skill ids they teach, plus the
articles' checkable claims (salary bands, skill shares, premiums, certifications) for the claims check.

A user adds a roadmap by dropping a YAML file in a roadmaps directory; loading rejects unknown skill ids
and phases out of order with a message that names the file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from extract.errors import TaxonomyError
from extract.taxonomy import TAXONOMY_DIR, Taxonomy, load_taxonomy

ROADMAPS_DIR = TAXONOMY_DIR / "roadmaps"


class Phase(BaseModel):
    name: str
    months: list[int] = Field(default_factory=list)
    level: str | None = None
    skills: list[str] = Field(min_length=1)


class Claim(BaseModel):
    id: str
    kind: Literal["salary_band", "skill_share", "premium", "certification"]
    sentence: str = Field(min_length=10)
    skills: list[str] = Field(default_factory=list)
    versus: list[str] = Field(default_factory=list)
    region: str | None = None
    country: str | None = None
    seniority: str | None = None
    remote: str | None = None
    currency: str | None = None
    period: str | None = None
    min: float | None = None
    max: float | None = None
    median: float | None = None
    statistic: str | None = None
    basis: str | None = None
    min_share: float | None = None
    max_share: float | None = None
    min_amount: float | None = None
    max_amount: float | None = None


class Roadmap(BaseModel):
    id: str
    title: str
    article: str
    seed: str
    kind: Literal["sequence", "stack", "levels"]
    phases: list[Phase] = Field(min_length=1)
    claims: list[Claim] = Field(default_factory=list)

    @model_validator(mode="after")
    def _months_in_order(self) -> Roadmap:
        last = 0
        for phase in self.phases:
            if phase.months:
                if phase.months != sorted(phase.months) or phase.months[0] <= last:
                    raise ValueError(f"phase {phase.name!r}: months {phase.months} are out of order")
                last = phase.months[-1]
        return self

    def skill_ids(self) -> set[str]:
        ids = {s for phase in self.phases for s in phase.skills}
        return ids | {s for claim in self.claims for s in [*claim.skills, *claim.versus]}


def parse_roadmap(data: Any, source: str, taxonomy: Taxonomy) -> Roadmap:
    try:
        roadmap = Roadmap.model_validate(data)
    except ValidationError as exc:
        raise TaxonomyError(f"roadmap {source}: {exc.errors()[0]['loc']}: {exc.errors()[0]['msg']}") from exc
    unknown = sorted(s for s in roadmap.skill_ids() if s not in taxonomy)
    if unknown:
        raise TaxonomyError(
            f"roadmap {source}: unknown skill ids {unknown}; add them to the taxonomy or fix the file"
        )
    return roadmap


def load_roadmaps(directory: Path = ROADMAPS_DIR, taxonomy: Taxonomy | None = None) -> dict[str, Roadmap]:
    """Every roadmap file in `directory`, validated against the taxonomy, by id."""
    taxonomy = taxonomy or load_taxonomy()
    roadmaps: dict[str, Roadmap] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise TaxonomyError(f"roadmap {path.name}: not valid YAML ({exc})") from exc
        roadmap = parse_roadmap(data, path.name, taxonomy)
        if roadmap.id in roadmaps:
            raise TaxonomyError(f"roadmap {path.name}: id {roadmap.id!r} is used twice")
        roadmaps[roadmap.id] = roadmap
    return roadmaps
