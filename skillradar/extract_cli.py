"""The extraction commands: `extract` (the warehouse), `extract-file` and `eval` (../shared/eval/README.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extract.evaluate import Counts, load_vocabulary, read_jsonl, score
from extract.peercases import KINDS, Tally, is_peer_case, score_peer_cases
from extract.schema import PostingFacts, PostingInput
from extract.statedpay import cases as stated_pay_cases
from extract.statedpay import score_stated_pay
from extract.taxonomy import load_taxonomy
from scrapers.models import RawPosting
from scrapers.relevance import RelevanceFilter
from skillradar.backends import Backend, ExtractionBackend, build_backend
from skillradar.config import Settings

console = Console()
err = Console(stderr=True)

TARGETS = {
    "stated_pay_exact": 0.97, "skills_f1": 0.90, "skills_precision": 0.92, "salary_exact": 0.95, "seniority_accuracy": 0.90,
    "country_accuracy": 0.95, "remote_accuracy": 0.90, "is_ai_role_f1": 0.90,
}  # fmt: skip
MAX_INVENTED = 0.02
# Other projects' counted test cases: the share agreed with, per kind.
PEER_TARGET = 0.95
PEER_METRICS = {f"peer_{kind}" for kind in KINDS}

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
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=2)


def _backend(
    settings: Settings,
    backend: Backend | None,
    model: str | None,
    base_url: str | None,
    max_cost: float | None,
) -> ExtractionBackend:
    try:
        if model:
            settings.llm_model = model
        if base_url:
            settings.llm_base_url = base_url
        if max_cost is not None:
            settings.llm_max_cost_usd = max_cost
    except ValidationError as exc:
        error = exc.errors(include_url=False)[0]
        option = {"llm_model": "--model", "llm_base_url": "--base-url", "llm_max_cost_usd": "--max-cost"}
        raise _fail(
            f"{option.get(str(error['loc'][0]), error['loc'][0])} {error['input']!r}: "
            f"{error['msg'].removeprefix('Value error, ')}"
        ) from exc
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

    settings = Settings.load()
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
        raise _fail(
            f"{infile} is a folder, not a JSONL file" if infile.is_dir() else f"{infile} does not exist"
        )
    if out.exists() and out.resolve() == infile.resolve():
        raise _fail(f"--out {out} is the input file; write the results somewhere else")
    if not out.parent.is_dir():
        raise _fail(f"--out {out}: folder {out.parent} does not exist")
    chosen = _backend(Settings.load(), backend, model, base_url, max_cost)
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
            ident = row.get("id") if isinstance(row, dict) else None
            note = f"line {len(postings)} (id {ident!r}) is not a posting: {exc.errors()[0]['msg']}"
            err.print(f"[yellow]{escape(note)}[/]")
    valid = [p for p in postings if p is not None]
    with _progress() as progress:
        task = progress.add_task("extract", total=len(valid))
        results = iter(chosen.extract_batch(valid))
        progress.advance(task, len(valid))
    with out.open("w", encoding="utf-8") as handle:
        for row, posting in zip(rows, postings, strict=True):
            reason: str | None
            if posting is None:
                ident = row.get("id", "") if isinstance(row, dict) else ""
                facts = PostingFacts(id=str(ident), extractor=f"{chosen.key.extractor}:invalid-input")
                reason = "invalid input"
            else:
                facts, reason = next(results)
            record = facts.model_dump(mode="json") | ({"fallback_reason": reason} if reason else {})
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    console.print(f"wrote {len(rows)} results to {escape(str(out))}")
    if chosen.describe_usage():
        console.print(chosen.describe_usage())


@dataclass
class Scored:
    """One gold file's metrics, misses and, for peer cases, the agreement per peer."""

    metrics: dict[str, float | int]
    misses: list[dict[str, Any]]
    by_peer: dict[str, Tally] | None = None
    failures: list[str] = field(default_factory=list)  # why postings could not be extracted (scored empty)


def _scored(gold: Path, chosen: ExtractionBackend) -> Scored:
    """The metrics of a gold file. A posting the backend fails on (scored as the empty record it stores) or
    hands to the rules fallback is scored as it is, and why is kept to be reported, not passed over."""
    failures: list[str] = []

    def one(posting: PostingInput) -> PostingFacts:
        facts, reason = chosen.extract_batch([posting])[0]
        if reason is not None:
            failures.append(reason)
        return facts

    if gold.is_dir():  # recorded Ashby boards: the pay their texts state against the pay they publish
        stated = score_stated_pay(stated_pay_cases(gold), one)
        return Scored(stated.metrics(), stated.misses, failures=failures)
    rows = list(read_jsonl(gold))
    if rows and is_peer_case(rows[0]):
        peers = score_peer_cases(rows, one)
        return Scored(peers.metrics(), peers.misses, peers.by_peer, failures)
    vocabulary_file = gold.with_name("vocabulary.yaml")
    vocabulary = (
        load_vocabulary(vocabulary_file)
        if vocabulary_file.is_file()
        else {s.id: s.kind for s in load_taxonomy().skills.values()}
    )
    results = chosen.extract_batch([PostingInput.model_validate(row) for row in rows])
    answers = {facts.id: facts for facts, _ in results}
    failures += [reason for _, reason in results if reason is not None]
    report = score(rows, lambda posting: answers[posting.id], vocabulary)
    return Scored(report.metrics() | relevance_metrics(rows), report.misses, failures=failures)


def relevance_metrics(rows: list[dict[str, Any]]) -> dict[str, float | int]:
    """How the scrape's relevance filter (the default one) agrees with the labelled AI roles: of the postings
    it keeps, how many are AI roles (precision), and of the AI roles, how many it keeps (recall)."""
    kept = Counts()
    relevance = RelevanceFilter()
    for row in rows:
        posting = RawPosting(
            source="eval", board="eval", external_id=str(row["id"]), title=row.get("title") or "-",
            location=row.get("location"), description_text=row.get("description") or "",
        )  # fmt: skip
        keeps, is_ai = relevance.decide(posting)[0], bool(row["labels"]["is_ai_role"])
        kept.tp += keeps and is_ai
        kept.fp += keeps and not is_ai
        kept.fn += is_ai and not keeps
    return {"relevance_precision": round(kept.precision, 4), "relevance_recall": round(kept.recall, 4)}


def _target(name: str) -> tuple[str, Callable[[float], bool]] | None:
    if name.endswith("_n"):
        return None
    if name == "salary_invented":
        return f"<= {MAX_INVENTED}", lambda value: value <= MAX_INVENTED
    target = TARGETS.get(name) or (PEER_TARGET if name in PEER_METRICS else None)
    return None if target is None else (f">= {target}", lambda value: value >= target)


def _metrics_table(results: dict[str, Scored], backend: str) -> Table:
    """A row per metric, a column per gold file, the target last; met targets green, missed red."""
    columns = [f"{name} (n={scored.metrics['n']})" for name, scored in results.items()]
    table = Table("metric", *columns, "target", title=f"{backend} backend")
    names = dict.fromkeys(name for scored in results.values() for name in scored.metrics if name != "n")
    for name in names:
        target = _target(name)
        cells = []
        for scored in results.values():
            value = scored.metrics.get(name)
            if value is None or target is None:
                cells.append("–" if value is None else str(value))
            else:
                cells.append(f"[{'green' if target[1](value) else 'red'}]{value}[/]")
        table.add_row(name, *cells, target[0] if target else "")
    return table


def _peer_table(name: str, by_peer: dict[str, Tally]) -> Table:
    table = Table("peer project", "agreed", "counted cases", "share", title=f"{name}: counted cases per peer")
    for peer, tally in sorted(by_peer.items(), key=lambda item: item[1].share):
        table.add_row(peer, str(tally.agreed), str(tally.total), f"{tally.share:.2f}")
    return table


def _print_misses(name: str, missed: list[dict[str, Any]], shown: int) -> None:
    if missed[:shown]:
        console.print(
            f"[bold]misses in {escape(name)}[/] ({len(missed)}; the first {min(shown, len(missed))})"
        )
    for miss in missed[:shown]:
        if "errors" not in miss:  # a peer case
            console.print(f"   {escape(json.dumps(miss, ensure_ascii=False, default=str)[:300])}")
            continue
        console.print(f"[bold]{escape(str(miss['id']))}[/] {escape(str(miss['title']))}")
        for error in miss["errors"]:
            console.print(f"   {escape(json.dumps(error, ensure_ascii=False, default=str)[:300])}")


def evaluate(
    gold: Annotated[
        list[Path],
        typer.Argument(
            help="gold files: labelled postings (JSONL with `labels`) or peer cases (`kind`, `expected`)"
        ),
    ],
    backend: BackendOption = None,
    model: ModelOption = None,
    base_url: BaseUrlOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the metrics as JSON")] = False,
    misses: Annotated[int, typer.Option("--misses", help="how many misses to show per file")] = 8,
) -> None:
    """Score an extraction backend against gold files: one table, a column per file, then the misses.

    Labelled postings give skills, salary, seniority, country, remote and AI-role metrics; peer cases (other
    projects' test cases) give the share agreed with per kind and per peer, debatable cases apart.
    """
    for path in gold:
        if not path.exists():
            raise _fail(f"{path} does not exist")
    chosen = _backend(Settings.load(), backend, model, base_url, None)
    results: dict[str, Scored] = {}
    for path in gold:
        try:
            results[path.name] = _scored(path, chosen)
        except (ValueError, KeyError, TypeError) as exc:
            raise _fail(f"{path}: {exc}") from exc
    if as_json:
        found = {
            name: {"backend": chosen.key.extractor, **scored.metrics, "failed": len(scored.failures)}
            for name, scored in results.items()
        }
        console.print_json(json.dumps(found[gold[0].name] if len(gold) == 1 else found))
        return
    console.print(_metrics_table(results, chosen.key.extractor))
    for name, scored in results.items():
        if scored.failures:
            err.print(
                f"[yellow]{name}: {len(scored.failures)} postings failed or fell back, scored as stored; "
                f"first: {scored.failures[0]}[/]"
            )
    for name, scored in results.items():
        if scored.by_peer:
            console.print(_peer_table(name, scored.by_peer))
    if chosen.describe_usage():
        console.print(chosen.describe_usage())
    for name, scored in results.items():
        _print_misses(name, scored.misses, misses)
