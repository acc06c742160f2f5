"""What a scrape tells the user: a table of its boards and one line on its failures, counted by cause.

A scrape of the shipped sources covers a hundred boards or more; a table of every one of them buries the
few that need attention. So the table lists every board only when there are few (or with `-v`), and
otherwise the boards that did not simply work; failures are summed up by cause, and when every board
failed the same way that is said in one line ("no network: 86 of 86 boards failed to resolve their host").
"""

from __future__ import annotations

from collections import Counter

from rich.markup import escape
from rich.table import Table

from skillradar.pipeline import BoardOutcome, ScrapeSummary

ALL_BOARDS_UP_TO = 25  # a table of every board up to this many; beyond it, only the boards not ok
_STYLE = {"ok": "green", "partial": "yellow", "gone": "dim", "failed": "red"}


def summary_table(summary: ScrapeSummary, *, every_board: bool = False) -> Table:
    """The boards of a run and their counts, with a total row. User text (board names, errors) is
    escaped: a "[[source]]" in an error prints as written."""
    outcomes = summary.outcomes
    if every_board or len(outcomes) <= ALL_BOARDS_UP_TO:
        rows = outcomes
    else:
        rows = _not_ok(outcomes)[:ALL_BOARDS_UP_TO]
    table = Table(title=f"scrape {summary.run_id}", show_lines=False)
    for column in ("source", "board", "status", "fetched", "relevant", "new", "updated", "closed"):
        table.add_column(column, justify="right" if column not in {"source", "board", "status"} else "left")
    table.add_column("error", overflow="fold", max_width=60)
    for o in rows:
        c = o.counts
        table.add_row(
            escape(o.board.kind), escape(o.board.board), f"[{_STYLE[o.status]}]{o.status}[/]",
            *(str(n) for n in (c.fetched, o.relevant, c.new, c.updated, c.closed)), escape(o.error or ""),
        )  # fmt: skip
    if hidden := len(outcomes) - len(rows):
        table.add_row("", f"[dim]{hidden} more boards (skillradar -v scrape lists every one)[/]", *[""] * 7)
    totals = [sum(getattr(o.counts, f) for o in outcomes) for f in ("fetched", "new", "updated", "closed")]
    table.add_section()
    table.add_row(
        "total", f"{len(outcomes)} boards", f"{len(summary.failed)} failed", str(totals[0]),
        str(sum(o.relevant for o in outcomes)), *(str(t) for t in totals[1:]), "",
    )  # fmt: skip
    return table


def _not_ok(outcomes: list[BoardOutcome]) -> list[BoardOutcome]:
    order = {"failed": 0, "partial": 1, "gone": 2}
    return sorted((o for o in outcomes if o.status != "ok"), key=lambda o: order[o.status])


def single_cause(summary: ScrapeSummary) -> str | None:
    """The cause every board failed of, when they all failed the same way."""
    causes = {o.cause or "failed" for o in summary.failed}
    return causes.pop() if len(causes) == 1 and len(summary.failed) == len(summary.outcomes) else None


def table_adds_nothing(summary: ScrapeSummary) -> bool:
    """Many boards that all failed the same way: the one line says it all (`failure_line`)."""
    return len(summary.outcomes) > ALL_BOARDS_UP_TO and single_cause(summary) is not None


def gone_line(summary: ScrapeSummary) -> str | None:
    """Boards that no longer exist: not failures, but the sources file could drop them."""
    if not summary.gone:
        return None
    names = ", ".join(o.board.label for o in summary.gone[:5]) + (" ..." if len(summary.gone) > 5 else "")
    return f"{len(summary.gone)} boards are gone (HTTP 404/410): {names}; `skillradar sources check --prune` drops them"


def failure_line(summary: ScrapeSummary) -> str | None:
    """One line on the run's failures by cause, or None when no board failed."""
    failed = summary.failed
    if not failed:
        return None
    total = len(summary.outcomes)
    if cause := single_cause(summary):
        if cause == "host does not resolve":
            return f"no network: {total} of {total} boards failed to resolve their host"
        return f"{total} of {total} boards failed: {cause}"
    causes = Counter(o.cause or "failed" for o in failed)
    counted = ", ".join(f"{n} {cause}" for cause, n in causes.most_common())
    return f"{len(failed)} of {total} boards failed: {counted}"
