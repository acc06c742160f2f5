"""The skill gap: how much of what each live posting asks someone holds, what to learn next, and in which order.

**A match** is the share of what a posting asks that you hold, each skill weighted by how the posting asks for
it: a required skill counts 1, one named without saying (`unknown`) 0.75, a preferred one 0.5. Skills you
hold imply others, and skills a posting names as alternatives count as one ask met by any of them
(`extract/taxonomy/relations.yaml`: PyTorch -> deep learning -> machine learning; Pinecone, Weaviate or
Qdrant). A posting "matched at 70%" is one whose weighted share is at least 0.7.

**What to learn next** ranks each missing skill by how many postings it would bring to 70%, then to 50%, then by
the progress it makes toward 70% on the postings below it, then by how many postings ask for it; a skill's
pay lift is shown only when it is known (`Lift.known`).

**The personal roadmap** orders the phases of the seed roadmaps (of alternatives a phase lists, the one most
asked), and a step of the three missing skills that rank first, greedily: each step is the one that, per skill it teaches, brings the most postings to 70% (where
none does, to 50%; where none does, makes the most progress toward 70%); ties go to fewer skills, then to the
roadmaps' own order.

`analyse_gap` is a pure function of plain inputs (tested on constructed markets where the answer is known);
`load_gap_inputs` reads them from a snapshot.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median
from typing import Any

import duckdb

from extract.taxonomy import SkillRelations
from extract.taxonomy.roadmaps import Roadmap
from warehouse.mart_extras import Lift
from warehouse.marts import MIN_CELL

WEIGHTS = {"required": 1.0, "unknown": 0.75, "preferred": 0.5}
THRESHOLDS = (0.5, 0.7)
MATCH = 0.7  # the threshold next skills and roadmap steps are judged by
ROADMAP_STEPS = 6
MARKET_STEP_SKILLS = 3


@dataclass(frozen=True)
class PostingSkills:
    posting_id: str
    title: str
    company: str | None
    url: str | None
    region: str
    seniority: str
    pay_usd: float | None
    asks: Mapping[str, float]  # skill id -> weight (`WEIGHTS` of how the posting asks for it)


class _Asked:
    """A posting's asks as the units they are met by (`SkillRelations.asks`), to score what someone holds."""

    def __init__(self, posting: PostingSkills, relations: SkillRelations) -> None:
        self.posting = posting
        self.id = posting.posting_id
        self.units = relations.asks(posting.asks)
        self.total = sum(weight for _, weight in self.units)
        self.skills = frozenset(posting.asks)

    def share(self, have: frozenset[str]) -> float:
        """The weighted share of what this posting asks that `have` meets."""
        return sum(w for unit, w in self.units if unit & have) / self.total if self.total else 0.0

    def lacks(self, have: frozenset[str]) -> tuple[str, ...]:
        """What it asks that `have` does not meet, heaviest first ("pinecone/weaviate" for alternatives)."""
        return tuple("/".join(sorted(unit)) for unit, _ in self.units if not unit & have)


@dataclass(frozen=True)
class NextSkill:
    skill_id: str
    lifts: int  # postings it would bring to the match threshold (70%)
    lifts_half: int  # ... and to 50%
    asked_by: int  # postings asking for it at all
    progress: float  # the weighted share it adds to postings below 70% (see `Effect`)
    lift: Lift | None  # pay with it vs without; shown only where `lift.known`


@dataclass(frozen=True)
class Step:
    source: str  # a roadmap id, or "market" for the three missing skills that rank first
    title: str  # the roadmap's title, or "the market"
    name: str  # the phase, or "Most-asked missing skills"
    skills: tuple[str, ...]  # what it teaches that you do not hold yet
    adds: int  # postings it brings to the match threshold (70%)
    adds_half: int  # ... and to 50%
    matched_after: int  # postings matched at 70% once it is learnt
    median_pay_usd: float | None  # of the postings matched after it, when MIN_CELL of them state pay


@dataclass(frozen=True)
class Match:
    posting: PostingSkills
    share: float
    lacks: tuple[str, ...]  # what it asks that you do not hold, heaviest first; alternatives as "a/b"


@dataclass
class GapReport:
    skills: frozenset[str]  # as given
    held: frozenset[str]  # with what they imply
    postings: int  # postings that ask for any skill (the others cannot be matched)
    matched: dict[float, int]
    next_skills: list[NextSkill] = field(default_factory=list)
    roadmap: list[Step] = field(default_factory=list)
    best: list[Match] = field(default_factory=list)
    by_region: dict[str, tuple[int, int]] = field(default_factory=dict)  # matched at MATCH, postings
    by_seniority: dict[str, tuple[int, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class Effect:
    """What learning some skills does to the market: postings brought to 70% and to 50%, and the progress
    toward 70% of the postings still below it (the weighted share gained, capped at 0.7, summed)."""

    to_match: int
    to_half: int
    progress: float

    def per_skill(self, skills: int) -> tuple[float, float, float]:
        return self.to_match / skills, self.to_half / skills, self.progress / skills


class _Market:
    """The postings below the match threshold for what is held now, indexed by the skills they ask, so what
    learning some skills would change is computed over the postings that ask for them only."""

    def __init__(self, postings: list[_Asked], have: frozenset[str]) -> None:
        self.have = have
        self.share = {p.id: p.share(have) for p in postings}
        self.matched = [p for p in postings if self.share[p.id] >= MATCH]
        self.asking: dict[str, list[_Asked]] = defaultdict(list)
        for posting in postings:
            if self.share[posting.id] < MATCH:
                for skill in posting.skills:
                    self.asking[skill].append(posting)

    def effect(self, more: frozenset[str]) -> tuple[Effect, list[_Asked]]:
        """What holding `more` (a superset of what is held) changes, and the postings it brings to 70%."""
        touched = {p.id: p for skill in more - self.have for p in self.asking.get(skill, ())}
        crossing, half, progress = [], 0, 0.0
        for posting in touched.values():
            before, after = self.share[posting.id], posting.share(more)
            if after >= MATCH:
                crossing.append(posting)
            half += before < THRESHOLDS[0] <= after
            progress += min(after, MATCH) - min(before, MATCH)
        return Effect(len(crossing), half, round(progress, 9)), crossing


def _next_skills(
    postings: list[_Asked], market: _Market, relations: SkillRelations, lifts: Mapping[str, Lift]
) -> list[NextSkill]:
    asked: Counter[str] = Counter(skill for p in postings for skill in p.skills if skill not in market.have)
    found = []
    for skill, n in asked.items():
        effect, _ = market.effect(relations.holding(market.have | {skill}))
        found.append(NextSkill(skill, effect.to_match, effect.to_half, n, effect.progress, lifts.get(skill)))
    return sorted(found, key=lambda s: (-s.lifts, -s.lifts_half, -s.progress, -s.asked_by, s.skill_id))


def _roadmap(
    postings: list[_Asked], have: frozenset[str], roadmaps: Mapping[str, Roadmap], relations: SkillRelations
) -> list[Step]:
    phases = [(r.id, r.title, p.name, frozenset(p.skills)) for r in roadmaps.values() for p in r.phases]
    asked = Counter(skill for p in postings for skill in p.skills)
    steps: list[Step] = []
    for _ in range(ROADMAP_STEPS):
        market = _Market(postings, have)
        ranked = _next_skills(postings, market, relations, {})
        market_pick = frozenset(s.skill_id for s in ranked[:MARKET_STEP_SKILLS] if s.progress > 0)
        options = [*phases, ("market", "the market", "Most-asked missing skills", market_pick)]
        best: tuple[tuple[float, ...], Step] | None = None
        for order, (source, title, name, skills) in enumerate(options):
            new = relations.one_of_each(skills - have, lambda skill: (-asked[skill], skill))
            if not new:
                continue
            effect, crossing = market.effect(relations.holding(have | set(new)))
            if effect.progress <= 0:
                continue
            after = market.matched + crossing
            paid = [p.posting.pay_usd for p in after if p.posting.pay_usd is not None]
            pay = median(paid) if len(paid) >= MIN_CELL else None
            key = (*effect.per_skill(len(new)), -len(new), -order)
            if best is None or key > best[0]:
                best = (key, Step(source, title, name, new, effect.to_match, effect.to_half, len(after), pay))
        if best is None:
            break
        steps.append(best[1])
        have = relations.holding(have | set(best[1].skills))
    return steps


def _breakdown(postings: list[_Asked], shares: Mapping[str, float], key: str) -> dict[str, tuple[int, int]]:
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for posting in postings:
        cell = counts[getattr(posting.posting, key)]
        cell[0] += shares[posting.id] >= MATCH
        cell[1] += 1
    return {name: (hit, total) for name, (hit, total) in sorted(counts.items(), key=lambda kv: -kv[1][1])}


def analyse_gap(
    mine: Iterable[str],
    postings: list[PostingSkills],
    roadmaps: Mapping[str, Roadmap],
    relations: SkillRelations,
    lifts: Mapping[str, Lift] | None = None,
    *,
    top: int = 10,
) -> GapReport:
    """Everything the CLI and the My skills page show, from one place."""
    given = frozenset(mine)
    have = relations.holding(given)
    asking = [_Asked(p, relations) for p in postings if p.asks]
    market = _Market(asking, have)
    shares = market.share  # each posting scored once, here, for every part of the report
    ranked = sorted(asking, key=lambda p: (-shares[p.id], -(p.posting.pay_usd or 0), p.id))
    return GapReport(
        skills=given,
        held=have,
        postings=len(asking),
        matched={t: sum(share >= t for share in shares.values()) for t in THRESHOLDS},
        next_skills=_next_skills(asking, market, relations, lifts or {})[: top * 2],
        roadmap=_roadmap(asking, have, roadmaps, relations),
        best=[Match(p.posting, shares[p.id], p.lacks(have)) for p in ranked[:top]],
        by_region=_breakdown(asking, shares, "region"),
        by_seniority=_breakdown(asking, shares, "seniority"),
    )


def load_gap_inputs(
    con: duckdb.DuckDBPyConnection, region: str | None = None, seniority: str | None = None
) -> tuple[list[PostingSkills], dict[str, Lift]]:
    """Postings with the skills they ask and how (and the skill pay lifts) from a snapshot, optionally for one
    region and seniority."""
    clauses = [(column, value) for column, value in (("region", region), ("seniority", seniority)) if value]
    where = ("WHERE " + " AND ".join(f"p.{c} = ?" for c, _ in clauses)) if clauses else ""
    rows = con.execute(
        f"""SELECT p.posting_id, any_value(p.title), any_value(p.company), any_value(p.url), any_value(p.region),
                   any_value(p.seniority), any_value(p.pay_usd), list(s.skill_id), list(s.requirement)
            FROM base_postings p LEFT JOIN base_skills s USING (posting_id) {where}
            GROUP BY p.posting_id ORDER BY p.posting_id""",
        [value for _, value in clauses],
    ).fetchall()
    postings = []
    for pid, title, company, url, reg, level, pay, skills, levels in rows:
        asks: dict[str, float] = {}
        for skill, how in zip(skills or [], levels or [], strict=True):
            if skill:
                asks[skill] = max(asks.get(skill, 0.0), WEIGHTS.get(how or "unknown", WEIGHTS["unknown"]))
        postings.append(PostingSkills(pid, title, company, url, reg, level, pay, asks))
    lifts = {
        row[0]: Lift(*row[1:])
        for row in con.execute(
            "SELECT skill_id, diff_usd, ratio, low, high, n_with, n_without, cells FROM skill_lift"
        ).fetchall()
    }
    return postings, lifts


MATCH_MEANS = (
    "A posting matches you at 70% when you hold at least 70% of what it asks, required skills counting 1, "
    "skills it names without saying how 0.75 and preferred ones 0.5, and skills yours imply counting as yours."
)


def pay_text(lift: Lift | None) -> str:
    """A pay lift as shown everywhere: the difference when it is known, else "not enough data"."""
    return f"{lift.diff_usd:+,.0f} USD/yr" if lift is not None and lift.known else "not enough data"


def answer(report: GapReport, name: Callable[[str], str]) -> dict[str, Any]:
    """The report as plain data: `gap --json` prints it and the My skills page shows it, so both say the
    same. `name`: a skill id's display name."""
    return {
        "match_means": MATCH_MEANS,
        "skills": sorted(report.skills),
        "implied": sorted(report.held - report.skills),
        "postings": report.postings,
        "matched": {str(t): n for t, n in report.matched.items()},
        "next_skills": [
            {"id": s.skill_id, "name": name(s.skill_id), "lifts": s.lifts, "lifts_to_50": s.lifts_half,
             "asked_by": s.asked_by, "pay_lift": pay_text(s.lift)}
            for s in report.next_skills
        ],
        "personal_roadmap": [
            {"step": i, "from": step.source, "from_title": step.title, "name": step.name, "skills": list(step.skills),
             "skill_names": [name(s) for s in step.skills], "adds": step.adds, "adds_to_50": step.adds_half,
             "matched_after": step.matched_after,
             "median_pay_usd": step.median_pay_usd}
            for i, step in enumerate(report.roadmap, start=1)
        ],
        "best_matches": [
            {"posting_id": m.posting.posting_id, "title": m.posting.title, "company": m.posting.company,
             "url": m.posting.url, "region": m.posting.region, "pay_usd": m.posting.pay_usd,
             "match": round(m.share, 3), "lacks": list(m.lacks),
             "lacks_names": [" or ".join(name(s) for s in unit.split("/")) for unit in m.lacks]}
            for m in report.best
        ],
        "by_region": {k: {"matched": hit, "postings": n} for k, (hit, n) in report.by_region.items()},
        "by_seniority": {k: {"matched": hit, "postings": n} for k, (hit, n) in report.by_seniority.items()},
    }  # fmt: skip
