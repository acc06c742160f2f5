"""The skill gap: given someone's skills, which live postings they cover, which are one skill away,
which missing skills unlock the most postings and pay, and where they stand on each roadmap.

`analyse_gap` is a pure function of plain inputs, so it is tested on constructed postings where the
answer is known; `load_gap_inputs` reads those inputs from a snapshot.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import duckdb

from extract.taxonomy.roadmaps import Roadmap


@dataclass(frozen=True)
class PostingSkills:
    posting_id: str
    title: str
    company: str | None
    url: str | None
    region: str
    pay_usd: float | None
    required: frozenset[str]  # the skills the posting requires (all its skills when none is marked)
    all_skills: frozenset[str]


@dataclass(frozen=True)
class MissingSkill:
    skill_id: str
    unlocks: int  # postings one skill away whose one missing skill is this
    asked_by: int  # postings asking for it at all
    lift_usd: float | None


@dataclass(frozen=True)
class PhaseProgress:
    roadmap_id: str
    phase: str
    order: int
    have: int
    total: int

    @property
    def share(self) -> float:
        return self.have / self.total if self.total else 0.0


@dataclass
class GapReport:
    skills: frozenset[str]
    postings: int
    covered: int
    one_away: int
    missing: list[MissingSkill] = field(default_factory=list)
    progress: list[PhaseProgress] = field(default_factory=list)
    next_phase: dict[str, str] = field(default_factory=dict)
    best_matches: list[tuple[PostingSkills, float]] = field(default_factory=list)

    @property
    def coverage(self) -> float:
        return self.covered / self.postings if self.postings else 0.0


def analyse_gap(
    mine: Iterable[str],
    postings: list[PostingSkills],
    roadmaps: Mapping[str, Roadmap],
    lift_usd: Mapping[str, float] | None = None,
    *,
    top: int = 10,
) -> GapReport:
    have = frozenset(mine)
    lift_usd = lift_usd or {}
    covered = 0
    unlocks: Counter[str] = Counter()
    asked: Counter[str] = Counter()
    one_away = 0
    scored: list[tuple[PostingSkills, float]] = []
    for posting in postings:
        asked.update(posting.all_skills - have)
        missing = posting.required - have
        if not missing:
            covered += 1
        elif len(missing) == 1:
            one_away += 1
            unlocks.update(missing)
        if posting.all_skills:
            scored.append((posting, len(posting.all_skills & have) / len(posting.all_skills)))
    ranked = sorted(
        (MissingSkill(s, unlocks[s], asked[s], lift_usd.get(s)) for s in asked),
        key=lambda m: (-m.unlocks, -(m.lift_usd or 0), -m.asked_by, m.skill_id),
    )
    progress, next_phase = [], {}
    for roadmap in roadmaps.values():
        for order, phase in enumerate(roadmap.phases, start=1):
            skills = set(phase.skills)
            step = PhaseProgress(roadmap.id, phase.name, order, len(skills & have), len(skills))
            progress.append(step)
            if roadmap.id not in next_phase and step.share < 0.5:
                next_phase[roadmap.id] = phase.name
    scored.sort(key=lambda item: (-item[1], -(item[0].pay_usd or 0), item[0].posting_id))
    return GapReport(
        skills=have, postings=len(postings), covered=covered, one_away=one_away, missing=ranked[:top * 2],
        progress=progress, next_phase=next_phase, best_matches=scored[:top],
    )  # fmt: skip


def load_gap_inputs(
    con: duckdb.DuckDBPyConnection, region: str | None = None
) -> tuple[list[PostingSkills], dict[str, float]]:
    """Postings with their skills (and the skill pay lifts) from a snapshot, optionally for one region."""
    where, params = ("WHERE p.region = ?", [region]) if region else ("", [])
    rows = con.execute(
        f"""SELECT p.posting_id, any_value(p.title), any_value(p.company), any_value(p.url), any_value(p.region),
                   any_value(p.pay_usd),
                   list(s.skill_id) FILTER (WHERE s.requirement = 'required'), list(s.skill_id)
            FROM base_postings p LEFT JOIN base_skills s USING (posting_id) {where}
            GROUP BY p.posting_id ORDER BY p.posting_id""",
        params,
    ).fetchall()
    postings = []
    for pid, title, company, url, reg, pay, required, every in rows:
        all_skills = frozenset(s for s in every or [] if s)
        needed = frozenset(s for s in required or [] if s) or all_skills
        postings.append(PostingSkills(pid, title, company, url, reg, pay, needed, all_skills))
    lifts = dict(con.execute("SELECT skill_id, diff_usd FROM skill_lift").fetchall())
    return postings, {k: float(v) for k, v in lifts.items()}
