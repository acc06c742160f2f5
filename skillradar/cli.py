"""The `skillradar` command line. Thin: it reads settings once, wires stages and reports.

Exit codes: 0 success (at least one source worked), 1 nothing worked, 2 bad usage or configuration.
"""

from __future__ import annotations

import asyncio
import json
import logging
import shutil
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import stamina
import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from extract.errors import TaxonomyError
from scrapers.base import registry
from scrapers.errors import ScrapeError
from skillradar import __version__
from skillradar.config import Settings, SettingsError
from skillradar.export_cli import export
from skillradar.extract_cli import evaluate, extract_db, extract_file
from skillradar.gap_cli import gap, skills
from skillradar.pipeline import BoardOutcome, scrape_boards
from skillradar.report_cli import build, dashboard, lifetimes, salaries
from skillradar.scrape_report import failure_line, gone_line, summary_table, table_adds_nothing
from skillradar.sources_check import check_boards, prune
from skillradar.sources_file import DEFAULT_SOURCES, load_sources, resolve_sources_path
from warehouse.db import WarehouseError, connect

app = typer.Typer(
    name="skillradar",
    help="Job-market skills intelligence for AI-engineering roles: scrape public job boards, "
    "extract skills and pay, and compare them with the published AI-engineer roadmaps.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err = Console(stderr=True)

DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="DuckDB warehouse file \\[env: SKILLRADAR_DB; default: user data dir]"),
]
SourcesOption = Annotated[
    Path | None,
    typer.Option(
        "--sources",
        help="sources file \\[env: SKILLRADAR_SOURCES; default: ./sources.toml or the shipped list]",
    ),
]


def _version(value: bool) -> None:
    if value:
        console.print(f"skillradar {__version__}")
        raise typer.Exit()


@dataclass
class _Output:
    """How much the commands say: `-v` lists every board and logs each HTTP retry."""

    verbose: bool = False


output = _Output()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool,
        typer.Option("--verbose", "-v", help="List every board in run summaries and log each HTTP retry."),
    ] = False,
) -> None:
    """Run `skillradar COMMAND --help` for each command's options."""
    output.verbose = verbose
    if verbose:
        logging.basicConfig(level=logging.INFO, format="%(name)s: %(message)s")
        stamina.instrumentation.set_on_retry_hooks([stamina.instrumentation.LoggingOnRetryHook])
    else:  # retries are counted in the run summary; a line per retry is noise in the user's terminal
        stamina.instrumentation.set_on_retry_hooks([])


def _fail_usage(message: str) -> typer.Exit:
    err.print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(code=2)


def run_scrape(
    settings: Settings, sources: Path | None, only: list[str] | None, *, quiet: bool = False
) -> int:
    """Scrape the boards of a sources file into the warehouse; return the exit code."""
    sources_path = resolve_sources_path(sources or settings.sources)
    known = set(registry())
    unknown = set(only or []) - known
    if unknown:
        raise _fail_usage(f"--only names unknown kinds {sorted(unknown)}; known: {', '.join(sorted(known))}")
    try:
        config = load_sources(sources_path, only=set(only) if only else None)
    except ScrapeError as exc:
        raise _fail_usage(str(exc)) from exc
    if not config.boards:
        raise _fail_usage(
            f"no boards to scrape in {sources_path}" + (f" for --only {','.join(only)}" if only else "")
        )
    try:
        con = connect(settings.db)
    except WarehouseError as exc:
        raise _fail_usage(str(exc)) from exc
    if not quiet:
        console.print(
            f"Scraping {len(config.boards)} boards from [bold]{escape(str(sources_path))}[/] into [bold]{escape(str(settings.db))}[/]"
        )
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=quiet,
        transient=False,
    ) as progress:
        per_kind = Counter(board.kind for board in config.boards)
        tasks = {kind: progress.add_task(kind, total=count) for kind, count in per_kind.items()}
        failures: Counter[str] = Counter()

        def done(outcome: BoardOutcome) -> None:
            kind = outcome.board.kind
            failures[kind] += outcome.status == "failed"
            note = f" [red]({failures[kind]} failed)[/]" if failures[kind] else ""
            progress.update(tasks[kind], advance=1, description=f"{kind}{note}")

        try:
            summary = asyncio.run(
                scrape_boards(
                    con,
                    config.boards,
                    relevance=config.relevance,
                    client_settings=config.client_settings(settings.client_settings()),
                    on_board_done=done,
                )
            )
        finally:
            con.close()
    if output.verbose or not table_adds_nothing(summary):
        console.print(summary_table(summary, every_board=output.verbose))
    if summary.duplicates:
        console.print(f"{summary.duplicates} postings share a duplicate group with another posting.")
    stats = summary.stats
    console.print(
        f"HTTP: {stats.requests} requests, {stats.retries} retries, {stats.not_modified} not modified (304), "
        f"{stats.bytes_read / 1e6:.1f} MB read"
    )
    if line := gone_line(summary):
        err.print(escape(line))
    if line := failure_line(summary):
        err.print(f"[yellow]{escape(line)}[/]")
    return summary.exit_code()


@app.command()
def scrape(
    db: DbOption = None,
    sources: SourcesOption = None,
    only: Annotated[
        list[str] | None,
        typer.Option("--only", help="scrape only this kind of source (repeatable), e.g. --only hn"),
    ] = None,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="skip the on-disk HTTP cache")] = False,
) -> None:
    """Collect postings from every board in the sources file into the DuckDB warehouse.

    A failing board is reported and recorded in scrape_runs; it never stops the others.
    Exit 0 when at least one board worked, 1 when all failed, 2 on bad usage.
    """
    settings = Settings.load()
    if db is not None:
        settings.db = db
    if no_cache:
        settings.http_cache = False
    raise typer.Exit(code=run_scrape(settings, sources, only))


sources_app = typer.Typer(
    help="The kinds of source, and a check of the boards of a sources file.", invoke_without_command=True
)
app.add_typer(sources_app, name="sources")


@sources_app.callback()
def sources(ctx: typer.Context) -> None:
    """List the kinds of source skillradar can scrape (`skillradar sources check` checks the boards)."""
    if ctx.invoked_subcommand is not None:
        return
    table = Table("kind", "default base URL", "options", "what")
    for kind, source in registry().items():
        table.add_row(
            kind, source.default_base_url or "(page URLs from the sources file)", ", ".join(source.options),
            source.description,
        )  # fmt: skip
    console.print(table)


@sources_app.command("check")
def sources_check(
    sources: SourcesOption = None,
    prune_to: Annotated[
        Path | None,
        typer.Option("--prune", help="write the sources file without the gone boards to this path"),
    ] = None,
) -> None:
    """Fetch each board of the sources file once (nothing is stored) and say whether it is ok, partial (some
    items unreadable), empty, gone (404/410), moved (redirected elsewhere) or failing, with its postings and
    AI-relevant ones."""
    settings = Settings.load()
    path = resolve_sources_path(sources or settings.sources)
    try:
        config = load_sources(path)
    except ScrapeError as exc:
        raise _fail_usage(str(exc)) from exc
    with Progress(
        TextColumn("checking boards"), BarColumn(), MofNCompleteColumn(), console=console, transient=True
    ) as progress:
        task = progress.add_task("check", total=len(config.boards))
        checks = asyncio.run(
            check_boards(
                config.boards, config.relevance, config.client_settings(settings.client_settings()),
                on_done=lambda _: progress.advance(task),
            )
        )  # fmt: skip
    table = Table("kind", "board", "status", "postings", "AI roles", "note", title=f"boards of {path}")
    style = {
        "ok": "green",
        "partial": "yellow",
        "empty": "yellow",
        "gone": "dim",
        "moved": "yellow",
        "failing": "red",
    }
    for check in checks:
        table.add_row(
            escape(check.board.kind), escape(check.board.board), f"[{style[check.status]}]{check.status}[/]",
            str(check.postings), str(check.relevant), escape(check.note),
        )  # fmt: skip
    console.print(table)
    counts = Counter(check.status for check in checks)
    console.print(", ".join(f"{n} {status}" for status, n in counts.most_common()))
    if prune_to is not None:
        gone = {(c.board.kind, c.board.board) for c in checks if c.status == "gone"}
        defaults = {kind: s.default_board for kind, s in registry().items() if s.default_board}
        prune_to.write_text(prune(path.read_text(encoding="utf-8"), gone, defaults), encoding="utf-8")
        console.print(f"wrote {escape(str(prune_to))} without {len(gone)} gone boards")


@app.command()
def replay(
    directory: Annotated[
        Path, typer.Argument(help="directory laid out as the APIs' paths", exists=True, file_okay=False)
    ],
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="port on 127.0.0.1 (0 picks a free one)")
    ] = 8765,
) -> None:
    """Serve recorded API responses on 127.0.0.1 so scrapes can run offline through the real client."""
    from skillradar.replay import ReplayServer

    try:
        server = ReplayServer(directory, port)
    except OSError as exc:
        raise _fail_usage(f"cannot listen on 127.0.0.1:{port}: {exc}") from exc
    console.print(f"Replaying [bold]{escape(str(directory))}[/] at [bold]{server.url}[/] (Ctrl-C to stop)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        console.print("stopped")


@app.command()
def demo(
    db: Annotated[Path, typer.Option("--db", help="demo warehouse file")] = Path(".demo/skillradar.duckdb"),
    workdir: Annotated[Path, typer.Option("--workdir", help="where the synthetic boards are written")] = Path(
        ".demo"
    ),
    seed: Annotated[int, typer.Option(help="random seed of the synthetic boards")] = 7,
    serve: Annotated[
        bool, typer.Option("--serve", help="then launch the dashboard on the demo snapshot")
    ] = False,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="dashboard port on 127.0.0.1")] = 8501,
) -> None:
    """Generate ~30 synthetic boards, replay them on 127.0.0.1, scrape, extract, build and publish them.

    With --serve, the dashboard then runs on the demo snapshot (Ctrl-C to stop)."""
    from skillradar.demo_data import generate, sources_toml
    from skillradar.replay import ReplayServer

    replay_dir = workdir / "replay"
    if replay_dir.exists():
        shutil.rmtree(replay_dir)
    boards = generate(replay_dir, seed=seed)
    with ReplayServer(replay_dir) as server:
        sources_path = workdir / "sources.toml"
        sources_path.write_text(sources_toml(boards, server.url), encoding="utf-8")
        settings = Settings(
            db=db,
            cache_dir=Path(tempfile.mkdtemp(prefix="skillradar-demo-cache-")),
            per_host_rate=50.0,
            per_host_concurrency=8,
        )
        console.print(f"Synthetic boards: {len(boards)} in {escape(str(replay_dir))}, served at {server.url}")
        code = run_scrape(settings, sources_path, None)
    from skillradar.backends import rules_backend
    from skillradar.pipeline import extract_postings
    from warehouse.marts import build_marts
    from warehouse.publish import publish

    backend = rules_backend()
    con = connect(db)
    try:
        summary = extract_postings(con, backend.extract_batch, backend.key)
        counts = build_marts(con, backend.key.extractor)
        snapshot = publish(con, db)
    finally:
        con.close()
    console.print(f"Extracted {summary.stored} postings with the rules backend.")
    console.print(
        f"Marts over {counts['base_postings']} relevant postings published to [bold]{escape(str(snapshot))}[/]."
    )
    if code != 0 or not serve:
        raise typer.Exit(code=code)
    dashboard(db=db, port=port)


@app.command()
def run(
    db: DbOption = None,
    sources: SourcesOption = None,
    backend: Annotated[
        str | None, typer.Option("--backend", help="rules | llm | hybrid [env: SKILLRADAR_BACKEND]")
    ] = None,
) -> None:
    """The nightly job: scrape -> extract -> build -> publish, under a lock, with a JSON run summary.

    Exit 0 when every source worked, 3 when some failed (the rest landed), 1 when nothing worked or
    another run holds the lock. The summary is printed and stored in the `runs` table.
    """
    from skillradar.backends import Backend
    from skillradar.nightly import RunLocked, run_nightly

    settings = Settings.load()
    path = db or settings.db
    try:
        chosen = Backend(backend or settings.backend)
    except ValueError as exc:
        raise _fail_usage(
            f"unknown backend {backend or settings.backend!r}; choose rules, llm or hybrid"
        ) from exc
    sources_path = resolve_sources_path(sources or settings.sources)
    try:
        config = load_sources(sources_path)
    except ScrapeError as exc:
        raise _fail_usage(str(exc)) from exc
    if not config.boards:
        raise _fail_usage(f"no boards to scrape in {sources_path}")
    try:
        summary = run_nightly(settings, config, path, chosen)
    except RunLocked as exc:
        err.print(f"[yellow]{escape(str(exc))}; not starting a second run.[/]")
        raise typer.Exit(code=1) from exc
    except WarehouseError as exc:  # a damaged file, or one another program holds
        err.print(f"[bold red]error:[/] {escape(str(exc).splitlines()[0])}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    print(json.dumps(summary, default=str, indent=1))
    raise typer.Exit(code=int(summary.get("exit_code", 1)))


@app.command()
def schedule(
    kind: Annotated[str, typer.Argument(help="cron | systemd | github")],
    db: DbOption = None,
    sources: SourcesOption = None,
) -> None:
    """Print a ready nightly setup: a crontab line, a systemd service + timer, or a GitHub Actions workflow."""
    from skillradar import schedule as schedules

    settings = Settings.load()
    project = Path.cwd().resolve()
    path = (db or settings.db).resolve()
    sources_path = resolve_sources_path(sources or settings.sources).resolve()
    if kind == "cron":
        print(schedules.cron(project, path, sources_path), end="")
    elif kind == "systemd":
        print(schedules.systemd(project, path, sources_path), end="")
    elif kind == "github":
        inside = sources_path.is_relative_to(project) and sources_path != DEFAULT_SOURCES.resolve()
        print(schedules.github(sources_path.relative_to(project) if inside else None), end="")
    else:
        raise _fail_usage(f"unknown schedule {kind!r}; choose cron, systemd or github")


app.command("extract")(extract_db)
app.command("build")(build)
app.command("salaries")(salaries)
app.command("gap")(gap)
app.command("skills")(skills)
app.command("export")(export)
app.command("lifetimes")(lifetimes)
app.command("dashboard")(dashboard)
app.command("extract-file")(extract_file)
app.command("eval")(evaluate)


def main() -> None:
    try:
        app()
    except (
        TaxonomyError,
        SettingsError,
    ) as exc:  # a data file a user edited, or a setting, does not validate
        err.print(f"[bold red]error:[/] {escape(str(exc))}", soft_wrap=True)
        raise SystemExit(2) from exc


if __name__ == "__main__":
    main()
