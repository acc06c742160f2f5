"""`skillradar gap` (your skills against live postings) and `skillradar skills` (the names it understands).

Skills are taken as people write them: ids, names or aliases in any case ("PyTorch", "torch", "scikit-learn");
a name it does not know is answered with the closest ones. A CV may be .txt, .md or .pdf. The answer is
`warehouse.gap.answer`, the same the My skills page shows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from extract.cv import cv_text
from extract.errors import CVError
from extract.rules.skills import extract_skills
from extract.taxonomy import Taxonomy, load_relations, load_taxonomy
from extract.taxonomy.roadmaps import load_roadmaps
from skillradar.report_cli import (
    DbOption,
    JsonOption,
    RegionOption,
    check_filters,
    console,
    fail,
    snapshot_or_fail,
)
from warehouse.gap import MATCH_MEANS, analyse_gap, answer, load_gap_inputs


def resolve(names: list[str], taxonomy: Taxonomy) -> set[str]:
    """Skill ids for names as written; any name not known fails with the closest known names."""
    found, unknown = set(), []
    for written in names:
        skill = taxonomy.find(written)
        if skill is None:
            close = taxonomy.closest(written)
            unknown.append(f"{written!r}" + (f" (did you mean {', '.join(close)}?)" if close else ""))
        else:
            found.add(skill)
    if unknown:
        raise fail(
            f"unknown skill {'; '.join(unknown)}; `skillradar skills --search WORD` lists the known ones"
        )
    return found


def from_cv(path: Path) -> set[str]:
    try:
        text = cv_text(path)
    except CVError as exc:
        raise fail(str(exc)) from exc
    if not text.strip():
        raise fail(f"{path} is empty")
    found = {mention.id for mention in extract_skills(text)}
    if not found:
        raise fail(f"found no skill in {path} ({len(text.split())} words); name them with --skills")
    return found


def gap(
    skills: Annotated[
        str | None,
        typer.Option("--skills", help="comma-separated skills by name or alias, any case: PyTorch,rag,torch"),
    ] = None,
    cv: Annotated[
        Path | None, typer.Option("--cv", help="a CV or skill list (.txt, .md or .pdf); its skills are found")
    ] = None,
    db: DbOption = None,
    region: RegionOption = None,
    seniority: Annotated[str | None, typer.Option("--seniority", help="e.g. senior, mid, junior")] = None,
    as_json: JsonOption = False,
) -> None:
    """Compare your skills with live postings: how many you match, what to learn next, and in which order.

    A posting matches you at 70% when you hold 70% of what it asks (required skills weigh most; skills
    yours imply count). Example: skillradar gap --skills "Python, PyTorch, RAG"
    """
    taxonomy = load_taxonomy()
    mine: set[str] = set()
    if skills:
        mine |= resolve([s.strip() for s in skills.split(",") if s.strip()], taxonomy)
    if cv:
        mine |= from_cv(cv)
    if not mine:
        raise fail("give your skills: --skills 'Python, PyTorch' or --cv cv.pdf")
    con = snapshot_or_fail(db)
    try:
        check_filters(con, region=region, seniority=seniority)
        postings, lifts = load_gap_inputs(con, region, seniority)
    finally:
        con.close()
    if not postings:
        raise fail("no postings in the snapshot for that region and seniority", code=1)
    report = answer(analyse_gap(mine, postings, load_roadmaps(), load_relations(), lifts), taxonomy.name)
    if as_json:
        console.print_json(json.dumps(report))
        return
    _show(report, taxonomy)


def _show(report: dict, taxonomy: Taxonomy) -> None:
    names = ", ".join(taxonomy.name(s) for s in report["skills"])
    implied = ", ".join(taxonomy.name(s) for s in report["implied"])
    console.print(escape(f"Your skills: {names}" + (f" (and so: {implied})" if implied else "")))
    matched, total = report["matched"], report["postings"]
    console.print(
        f"You match [bold]{matched['0.7']}[/] of {total} postings at 70% or more, "
        f"[bold]{matched['0.5']}[/] at 50% or more."
    )
    console.print(f"[dim]{MATCH_MEANS}[/]")
    table = Table(
        "skill", "brings to 70%", "brings to 50%", "asked by", "pay lift", title="What to learn next"
    )
    for s in report["next_skills"][:10]:
        table.add_row(
            escape(s["name"]), str(s["lifts"]), str(s["lifts_to_50"]), str(s["asked_by"]), s["pay_lift"]
        )
    console.print(table)
    steps = Table(
        "step", "learn", "from", "postings matched at 70%", "their median pay", title="Your roadmap"
    )
    for step in report["personal_roadmap"]:
        pay = f"${step['median_pay_usd']:,.0f}" if step["median_pay_usd"] else "not enough data"
        source = step["from_title"] if step["from"] == "market" else f"{step['from_title']}: {step['name']}"
        steps.add_row(
            str(step["step"]), escape(", ".join(step["skill_names"])), escape(source),
            f"+{step['adds']} (then {step['matched_after']}); +{step['adds_to_50']} to 50%", pay,
        )  # fmt: skip
    console.print(steps)
    best = Table("match", "posting", "company", "still lacks", title="Best-matching postings")
    for m in report["best_matches"][:8]:
        lacks = ", ".join(m["lacks_names"][:4]) or "–"
        best.add_row(f"{m['match']:.0%}", escape(m["title"]), escape(m["company"] or "–"), escape(lacks))
    console.print(best)


def skills(
    search: Annotated[
        str | None, typer.Option("--search", help="only skills whose id, name or alias holds this")
    ] = None,
) -> None:
    """List the skills skillradar knows: id, name and aliases (any of them works in `gap --skills`)."""
    taxonomy = load_taxonomy()
    word = (search or "").lower()
    table = Table("id", "name", "aliases")
    shown = 0
    for skill in sorted(taxonomy.skills.values(), key=lambda s: s.id):
        aliases = [*skill.aliases, *skill.cs_aliases]
        if word and not any(word in text.lower() for text in (skill.id, skill.name, *aliases)):
            continue
        table.add_row(skill.id, escape(skill.name), escape(", ".join(aliases[:8])))
        shown += 1
    if not shown:
        close = taxonomy.closest(search or "")
        raise fail(
            f"no skill matches {search!r}" + (f"; did you mean {', '.join(close)}?" if close else ""), 1
        )
    console.print(table)
