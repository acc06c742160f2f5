"""The extraction commands: `extract` (the warehouse), `extract-file` and `eval` (../shared/eval/README.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extract.evaluate import load_vocabulary, read_jsonl, score
from extract.schema import PostingFacts, PostingInput
from extract.taxonomy import load_taxonomy
from skillradar.backends import Backend, ExtractionBackend, build_backend
from skillradar.config import Settings

console = Console()
err = Console(stderr=True)

TARGETS = {
    "skills_f1": 0.90, "skills_precision": 0.92, "salary_exact": 0.95, "seniority_accuracy": 0.90,
    "country_accuracy": 0.95, "remote_accuracy": 0.90, "is_ai_role_f1": 0.90,
}  # fmt: skip
MAX_INVENTED = 0.02

BackendOption = Annotated[
    Backend | None,
    typer.Option(
        "--backend",
        help="rules (offline, default), llm, or hybrid (rules + LLM skills) \\[env: SKILLRADAR_BACKEND]",
    ),
]
ModelOption = Annotated[
    str | None,
    typer.Option(
        "--model",
        help="LLM as provider/model: openai/gpt-4o-mini, anthropic/..., ollama/... \\[env: SKILLRADAR_LLM_MODEL]",
    ),
]
BaseUrlOption = Annotated[
    str | None,
    typer.Option(
        "--base-url", help="any OpenAI-compatible server (vLLM, llama.cpp) \\[env: SKILLRADAR_LLM_BASE_URL]"
    ),
]
MaxCostOption = Annotated[
    float | None, typer.Option("--max-cost", help="stop calling the LLM past this many USD in one run")
]


def _fail(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}")
    return typer.Exit(code=2)


def _backend(
    settings: Settings,
    backend: Backend | None,
    model: str | None,
    base_url: str | None,
    max_cost: float | None,
) -> ExtractionBackend:
    if model:
        settings.llm_model = model
    if base_url:
        settings.llm_base_url = base_url
    if max_cost is not None:
        settings.llm_max_cost_usd = max_cost
    try:
        chosen = backend or Backend(settings.backend)
    except ValueError as exc:
        raise _fail(f"unknown backend {settings.backend!r}; choose rules, llm or hybrid") from exc
    if chosen is Backend.rules:
        return build_backend(chosen)
    try:
        return build_backend(chosen, settings.llm_settings(hybrid=chosen is Backend.hybrid))
    except (ImportError, ValueError) as exc:  # an unknown provider or a provider SDK that is not installed
        raise _fail(f"cannot set up the {chosen.value} backend for {settings.llm_model!r}: {exc}") from exc


def _progress() -> Progress:
    return Progress(
        TextColumn("extracting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err
    )


def extract_db(
    db: Annotated[
        Path | None, typer.Option("--db", help="DuckDB warehouse file \\[env: SKILLRADAR_DB]")
    ] = None,
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    max_cost: MaxCostOption = None,
) -> None:
    """Extract every posting in the warehouse that is new or changed since this backend last read it.

    Results land in `extractions` (versioned, never duplicated) and `posting_skills`.
    """
    from skillradar.pipeline import extract_postings
    from warehouse.db import WarehouseError, connect

    settings = Settings()
    chosen = _backend(settings, backend, model, base_url, max_cost)
    try:
        con = connect(db or settings.db)
    except WarehouseError as exc:
        raise _fail(str(exc)) from exc
    try:
        with _progress() as progress:
            task = progress.add_task("extract", total=None)
            summary = extract_postings(
                con, chosen.extract_batch, chosen.key, on_progress=lambda n: progress.advance(task, n)
            )
            progress.update(task, total=summary.pending)
    finally:
        con.close()
    console.print(
        f"{summary.pending} postings to extract, {summary.stored} extractions stored ({chosen.key.extractor})"
    )
    if summary.fallbacks:
        console.print(
            f"[yellow]{summary.fallbacks} fell back to the rules backend (reason in extractions.fallback_reason)[/]"
        )
    if chosen.describe_usage():
        console.print(chosen.describe_usage())


def extract_file(
    infile: Annotated[
        Path, typer.Argument(help="postings as JSONL (id, title, company, location, description...)")
    ],
    out: Annotated[Path, typer.Option("--out", help="where to write one JSON result per input line")],
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    max_cost: MaxCostOption = None,
) -> None:
    """Extract skills, salary, seniority, country, remote and is_ai_role from a JSONL file of postings."""
    if not infile.is_file():
        raise _fail(f"{infile} does not exist")
    chosen = _backend(Settings(), backend, model, base_url, max_cost)
    try:
        rows = list(read_jsonl(infile))
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    postings: list[PostingInput | None] = []
    for row in rows:
        try:
            postings.append(PostingInput.model_validate(row))
        except ValidationError as exc:
            postings.append(None)
            err.print(f"[yellow]id {row.get('id')!r} is not a posting: {exc.errors()[0]['msg']}[/]")
    valid = [p for p in postings if p is not None]
    with _progress() as progress:
        task = progress.add_task("extract", total=len(valid))
        results = iter(chosen.extract_batch(valid))
        progress.advance(task, len(valid))
    with out.open("w", encoding="utf-8") as handle:
        for row, posting in zip(rows, postings, strict=True):
            reason: str | None
            if posting is None:
                facts = PostingFacts(
                    id=str(row.get("id", "")), extractor=f"{chosen.key.extractor}:invalid-input"
                )
                reason = "invalid input"
            else:
                facts, reason = next(results)
            record = facts.model_dump(mode="json") | ({"fallback_reason": reason} if reason else {})
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    console.print(f"wrote {len(rows)} results to {out}")
    if chosen.describe_usage():
        console.print(chosen.describe_usage())


def evaluate(
    gold: Annotated[Path, typer.Argument(help="labelled postings (JSONL with `labels`)")],
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as one JSON object")] = False,
    misses: Annotated[int, typer.Option("--misses", help="how many of the worst misses to show")] = 8,
) -> None:
    """Score an extraction backend against hand-labelled postings and show the worst misses."""
    if not gold.is_file():
        raise _fail(f"{gold} does not exist")
    chosen = _backend(Settings(), backend, model, base_url, None)
    vocabulary_file = gold.with_name("vocabulary.yaml")
    vocabulary = (
        load_vocabulary(vocabulary_file)
        if vocabulary_file.is_file()
        else {s.id: s.kind for s in load_taxonomy().skills.values()}
    )
    try:
        rows = list(read_jsonl(gold))
        answers = {
            facts.id: facts
            for facts, _ in chosen.extract_batch([PostingInput.model_validate(row) for row in rows])
        }
        report = score(rows, lambda posting: answers[posting.id], vocabulary)
    except (ValueError, KeyError) as exc:
        raise _fail(f"{gold}: {exc}") from exc
    metrics = report.metrics()
    if as_json:
        console.print_json(json.dumps({"backend": chosen.key.extractor, **metrics}))
        return
    table = Table(
        "metric", "value", "target", title=f"{chosen.key.extractor} backend on {gold.name} (n={report.n})"
    )
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
    if chosen.describe_usage():
        console.print(chosen.describe_usage())
    for miss in report.misses[:misses]:
        console.print(f"[bold]{miss['id']}[/] {miss['title']}")
        for error in miss["errors"]:
            console.print(f"   {json.dumps(error, ensure_ascii=False, default=str)[:300]}")
