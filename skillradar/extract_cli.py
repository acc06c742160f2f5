"""The extraction commands: `extract-file` and `eval` (formats as ../shared/eval/README.md defines them)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, track
from rich.table import Table

from extract import rules
from extract.evaluate import Extractor, load_vocabulary, read_jsonl, score
from extract.schema import PostingFacts, PostingInput
from extract.taxonomy import load_taxonomy

console = Console()
err = Console(stderr=True)

TARGETS = {
    "skills_f1": 0.90, "skills_precision": 0.92, "salary_exact": 0.95, "seniority_accuracy": 0.90,
    "country_accuracy": 0.95, "remote_accuracy": 0.90, "is_ai_role_f1": 0.90,
}  # fmt: skip
MAX_INVENTED = 0.02


class Backend(StrEnum):
    rules = "rules"


BackendOption = Annotated[
    Backend, typer.Option("--backend", help="extraction backend (llm and hybrid: not yet)")
]


def _extractor(backend: Backend) -> Extractor:
    return rules.extract


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def extract_db(
    db: Annotated[
        Path | None, typer.Option("--db", help="DuckDB warehouse file [env: SKILLRADAR_DB]")
    ] = None,
    backend: BackendOption = Backend.rules,
) -> None:
    """Extract every posting in the warehouse that is new or changed since this backend last read it.

    Results land in `extractions` (versioned, never duplicated) and `posting_skills`.
    """
    from skillradar.config import Settings
    from skillradar.pipeline import extract_postings
    from warehouse.db import WarehouseError, connect
    from warehouse.extractions import ExtractorKey

    settings = Settings()
    try:
        con = connect(db or settings.db)
    except WarehouseError as exc:
        raise _fail(str(exc)) from exc
    key = ExtractorKey(extractor=backend.value, version=rules.VERSION)
    try:
        with Progress(
            TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
        ) as progress:
            task = progress.add_task("extract", total=None)
            summary = extract_postings(
                con, _extractor(backend), key, on_progress=lambda n: progress.advance(task, n)
            )
            progress.update(task, total=summary.pending)
    finally:
        con.close()
    console.print(
        f"{summary.pending} postings to extract, {summary.stored} extractions stored with {backend.value}"
    )
    for failure in summary.failed[:10]:
        err.print(f"[yellow]{failure}[/]")
    if summary.failed:
        raise typer.Exit(code=3 if summary.stored else 1)


def extract_file(
    infile: Annotated[
        Path, typer.Argument(help="postings as JSONL (id, title, company, location, description...)")
    ],
    out: Annotated[Path, typer.Option("--out", help="where to write one JSON result per input line")],
    backend: BackendOption = Backend.rules,
) -> None:
    """Extract skills, salary, seniority, country, remote and is_ai_role from a JSONL file of postings."""
    if not infile.is_file():
        raise _fail(f"{infile} does not exist")
    extractor = _extractor(backend)
    try:
        rows = list(read_jsonl(infile))
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    failures = 0
    with out.open("w", encoding="utf-8") as handle:
        for row in track(rows, description="extracting", console=err, transient=True):
            try:
                facts = extractor(PostingInput.model_validate(row))
            except ValidationError as exc:
                failures += 1
                facts = PostingFacts(id=str(row.get("id", "")), extractor=f"{backend.value}:invalid-input")
                err.print(
                    f"[yellow]line with id {row.get('id')!r} is not a posting: {exc.errors()[0]['msg']}[/]"
                )
            handle.write(json.dumps(facts.model_dump(mode="json"), ensure_ascii=False) + "\n")
    console.print(
        f"wrote {len(rows)} results to {out}" + (f" ({failures} invalid inputs)" if failures else "")
    )


def evaluate(
    gold: Annotated[Path, typer.Argument(help="labelled postings (JSONL with `labels`)")],
    backend: BackendOption = Backend.rules,
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as one JSON object")] = False,
    misses: Annotated[int, typer.Option("--misses", help="how many of the worst misses to show")] = 8,
) -> None:
    """Score an extraction backend against hand-labelled postings and show the worst misses."""
    if not gold.is_file():
        raise _fail(f"{gold} does not exist")
    vocabulary_file = gold.with_name("vocabulary.yaml")
    vocabulary = (
        load_vocabulary(vocabulary_file)
        if vocabulary_file.is_file()
        else {s.id: s.kind for s in load_taxonomy().skills.values()}
    )
    try:
        report = score(read_jsonl(gold), _extractor(backend), vocabulary)
    except (ValueError, KeyError) as exc:
        raise _fail(f"{gold}: {exc}") from exc
    metrics = report.metrics()
    if as_json:
        console.print_json(json.dumps({"backend": backend.value, **metrics}))
        return
    table = Table("metric", "value", "target", title=f"{backend.value} backend on {gold.name} (n={report.n})")
    for name, value in metrics.items():
        if name == "n":
            continue
        target = TARGETS.get(name)
        if name == "salary_invented":
            ok, shown = value <= MAX_INVENTED, f"<= {MAX_INVENTED}"
        elif target is not None:
            ok, shown = value >= target, f">= {target}"
        else:
            ok, shown = True, ""
        style = "green" if ok else "red"
        table.add_row(name, f"[{style}]{value}[/]" if shown else str(value), shown)
    console.print(table)
    for miss in report.misses[:misses]:
        console.print(f"[bold]{miss['id']}[/] {miss['title']}")
        for error in miss["errors"]:
            console.print(f"   {json.dumps(error, ensure_ascii=False, default=str)[:300]}")
