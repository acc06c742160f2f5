"""Raw layer: migrations, idempotent upserts, first/last seen, closing, failed fetches, dup groups."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scrapers.models import RawPosting
from warehouse.db import applied_migrations, connect, migrate
from warehouse.duplicates import assign_dup_groups, cluster
from warehouse.load import Decision, finish_run, load_board, start_runs
from warehouse.migrations import MIGRATIONS

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
KEEP = Decision(True, "test")
LONG_TEXT = (
    "We are hiring an engineer to build retrieval augmented generation systems with Python, PyTorch and "
    "vector databases. You will own evaluation, deployment on Kubernetes, and monitoring of LLM features "
    "used by thousands of customers across Europe and North America every single day."
)


def posting(
    ext: str,
    *,
    board: str = "acme",
    source: str = "greenhouse",
    title: str = "ML Engineer",
    company: str = "Acme",
    text: str = LONG_TEXT,
    location: str = "Berlin",
) -> RawPosting:
    return RawPosting(
        source=source,
        board=board,
        external_id=ext,
        title=title,
        company=company,
        location=location,
        description_text=text,
        fetched_at=T0,
    )


@pytest.fixture
def con(tmp_path: Path):
    connection = connect(tmp_path / "w.duckdb")
    yield connection
    connection.close()


def rows(con, sql: str, params=()):
    return con.execute(sql, list(params)).fetchall()


def test_migrations_are_recorded_and_applied_once(con):
    assert applied_migrations(con) == [step.__name__ for step in MIGRATIONS]
    assert applied_migrations(con)[:3] == ["m001_raw_layer", "m002_extractions", "m003_runs"]
    assert migrate(con) == []
    tables = {r[0] for r in rows(con, "SELECT table_name FROM information_schema.tables")}
    assert {"postings", "scrape_runs", "_migrations", "extractions", "posting_skills", "runs"} <= tables


def test_upsert_is_idempotent_and_tracks_first_and_last_seen(con):
    batch = [(posting("1"), KEEP), (posting("2"), KEEP)]
    first = load_board(con, "greenhouse", "acme", batch, complete=True, now=T0)
    assert (first.fetched, first.new, first.updated, first.closed) == (2, 2, 0, 0)
    again = load_board(con, "greenhouse", "acme", batch, complete=True, now=T0 + timedelta(days=1))
    assert (again.new, again.updated, again.closed) == (0, 0, 0)
    assert rows(con, "SELECT count(*) FROM postings") == [(2,)]
    seen = rows(con, "SELECT first_seen, last_seen FROM postings WHERE external_id = '1'")[0]
    assert seen == (T0.replace(tzinfo=None), (T0 + timedelta(days=1)).replace(tzinfo=None))


def test_changed_content_counts_as_updated_and_changes_the_hash(con):
    load_board(con, "greenhouse", "acme", [(posting("1"), KEEP)], complete=True, now=T0)
    (old_hash,) = rows(con, "SELECT content_hash FROM postings")[0]
    changed = posting("1", text=LONG_TEXT + " Now with Rust.")
    result = load_board(con, "greenhouse", "acme", [(changed, KEEP)], complete=True, now=T0)
    assert (result.new, result.updated) == (0, 1)
    (new_hash,) = rows(con, "SELECT content_hash FROM postings")[0]
    assert new_hash != old_hash


def test_missing_postings_close_only_after_a_complete_fetch_and_reopen_when_back(con):
    load_board(con, "greenhouse", "acme", [(posting("1"), KEEP), (posting("2"), KEEP)], complete=True, now=T0)
    load_board(con, "greenhouse", "other", [(posting("9", board="other"), KEEP)], complete=True, now=T0)
    partial = load_board(con, "greenhouse", "acme", [(posting("1"), KEEP)], complete=False, now=T0)
    assert partial.closed == 0
    later = T0 + timedelta(days=2)
    done = load_board(con, "greenhouse", "acme", [(posting("1"), KEEP)], complete=True, now=later)
    assert done.closed == 1
    closed = rows(con, "SELECT posting_id, closed_at FROM postings WHERE closed_at IS NOT NULL")
    assert closed == [("greenhouse:acme:2", later.replace(tzinfo=None))]
    back = load_board(
        con, "greenhouse", "acme", [(posting("1"), KEEP), (posting("2"), KEEP)], complete=True, now=later
    )
    assert back.updated == 1
    assert rows(con, "SELECT count(*) FROM postings WHERE closed_at IS NOT NULL") == [(0,)]


def test_a_posting_past_its_own_closing_date_is_stored_closed(con):
    expired = posting("old").model_copy(update={"valid_through": T0 - timedelta(days=3)})
    current = posting("new").model_copy(update={"valid_through": T0 + timedelta(days=30)})
    load_board(con, "jsonld", "acme", [(expired, KEEP), (current, KEEP)], complete=True, now=T0)
    closed = rows(con, "SELECT external_id, closed_at FROM postings ORDER BY external_id")
    assert closed == [("new", None), ("old", (T0 - timedelta(days=3)).replace(tzinfo=None))]


def test_an_empty_successful_board_closes_everything(con):
    load_board(con, "greenhouse", "acme", [(posting("1"), KEEP)], complete=True, now=T0)
    assert load_board(con, "greenhouse", "acme", [], complete=True, now=T0).closed == 1


def test_scrape_runs_record_status_and_counts(con):
    start_runs(con, "r1", [("greenhouse", "acme")])
    assert rows(con, "SELECT status FROM scrape_runs") == [("running",)]
    finish_run(con, "r1", "greenhouse", "acme", status="failed", error="[greenhouse:acme] HTTP 500")
    assert rows(con, "SELECT status, error, finished_at IS NOT NULL FROM scrape_runs") == [
        ("failed", "[greenhouse:acme] HTTP 500", True)
    ]


def test_relevance_decision_is_stored_not_dropped(con):
    load_board(
        con,
        "greenhouse",
        "acme",
        [(posting("1", title="Recruiter"), Decision(False, "title excluded"))],
        complete=True,
        now=T0,
    )
    assert rows(con, "SELECT is_relevant, relevance_reason FROM postings") == [(False, "title excluded")]


def test_cross_source_duplicates_share_a_group(con):
    load_board(con, "greenhouse", "acme", [(posting("1", company="Acme Inc."), KEEP)], complete=True, now=T0)
    copy = posting("77", source="remoteok", board="ai", company="ACME", title="ML Engineer (Remote)")
    other_text = posting(
        "78", source="remoteok", board="ai", company="Acme", text="A completely different job about sales."
    )
    load_board(con, "remoteok", "ai", [(copy, KEEP), (other_text, KEEP)], complete=True, now=T0)
    shared = assign_dup_groups(con)
    groups = dict(rows(con, "SELECT posting_id, dup_group FROM postings"))
    assert groups["remoteok:ai:77"] == groups["greenhouse:acme:1"]
    assert groups["remoteok:ai:78"] == "remoteok:ai:78"
    assert shared == 2
    assert rows(con, "SELECT count(DISTINCT dup_group) FROM postings") == [(2,)]


def test_cluster_is_transitive_and_keeps_singletons():
    groups = cluster([("b", LONG_TEXT), ("a", LONG_TEXT + " Extra."), ("c", "nothing alike at all here")])
    assert groups["a"] == groups["b"] == "a" and groups["c"] == "c"


def test_boards_loaded_together_land_as_if_loaded_one_by_one(tmp_path: Path):
    """The scrape writes the boards that are ready in one transaction; counts and closing per board
    must be what separate loads give."""
    from warehouse.load import BoardLoad, load_boards

    def seed(con):
        load_board(
            con, "greenhouse", "acme", [(posting("1"), KEEP), (posting("2"), KEEP)], complete=True, now=T0
        )
        load_board(con, "greenhouse", "beta", [(posting("7", board="beta"), KEEP)], complete=True, now=T0)

    later = T0 + timedelta(days=1)
    changed = posting("1", text=LONG_TEXT + " Now with Rust.")
    loads = [
        BoardLoad("greenhouse", "acme", [(changed, KEEP), (posting("3"), KEEP)], complete=True),  # 2 closes
        BoardLoad(
            "greenhouse", "beta", [(posting("8", board="beta"), KEEP)], complete=False
        ),  # closes nothing
        BoardLoad("greenhouse", "empty", [], complete=True),
    ]
    apart, together = connect(tmp_path / "a.duckdb"), connect(tmp_path / "b.duckdb")
    seed(apart)
    seed(together)
    one_by_one = [
        load_board(apart, b.source, b.board, b.postings, complete=b.complete, now=later) for b in loads
    ]
    assert load_boards(together, loads, now=later) == one_by_one
    assert [(c.new, c.updated, c.closed) for c in one_by_one] == [(1, 1, 1), (1, 0, 0), (0, 0, 0)]
    query = "SELECT posting_id, content_hash, first_seen, last_seen, closed_at FROM postings ORDER BY 1"
    assert rows(together, query) == rows(apart, query)


def test_a_batch_that_cannot_land_lands_nothing(con):
    from warehouse.load import BoardLoad, load_boards

    twice = [(posting("1"), KEEP)]
    with pytest.raises(ValueError, match="two boards"):
        load_boards(
            con, [BoardLoad("greenhouse", "acme", twice, True), BoardLoad("greenhouse", "x", twice, True)]
        )
    assert rows(con, "SELECT count(*) FROM postings") == [(0,)]


def _every_pair(items, threshold):
    """Duplicate groups by comparing every pair: the definition `cluster` must give, however it gets there."""
    from warehouse.duplicates import jaccard, shingles

    ids = [pid for pid, _ in items]
    samples = {pid: shingles(text) for pid, text in items}
    group = {pid: pid for pid in ids}
    changed = True
    while changed:  # smallest id of each connected component
        changed = False
        for a in ids:
            for b in ids:
                if jaccard(samples[a], samples[b]) >= threshold and group[b] < group[a]:
                    group[a], changed = group[b], True
    return group


def test_duplicate_groups_are_those_of_every_pair_compared():
    import random

    rng = random.Random(7)
    words = [f"w{i}" for i in range(40)]
    base = [" ".join(rng.choices(words, k=60)) for _ in range(6)]
    items = []
    for n in range(120):  # variants of a few texts: identical, one word changed, many changed, short ones
        text = base[n % 6].split()
        for _ in range(rng.choice([0, 0, 1, 2, 15])):
            text[rng.randrange(len(text))] = rng.choice(words)
        items.append((f"p{n:03d}", " ".join(text) if n % 17 else "short text"))
    assert cluster(items) == _every_pair(items, 0.85)


def test_a_load_groups_again_only_what_it_changed_and_gets_the_groups_of_a_full_regroup(con, tmp_path: Path):
    """Rounds of new postings, edited texts and retitled postings (to another block, or to none); each load
    groups again the blocks its changes joined or left. After every round the groups are those of a new
    warehouse that loads the same postings at once and then groups every block again."""
    import random

    from warehouse.load import BoardLoad, load_boards

    rng = random.Random(11)
    words = [f"w{i}" for i in range(30)]
    base = [" ".join(rng.choices(words, k=40)) for _ in range(3)]
    titles = ["ML Engineer", "ML Engineer (Remote)", "Data Scientist", "AI Engineer", "MLOps Engineer"]
    companies = ["Acme", "Acme Inc.", "Beta", "Gamma", "Delta", ""]
    live: dict[str, RawPosting] = {}

    def variant() -> str:
        text = rng.choice(base).split()
        for _ in range(rng.choice([0, 1, 2, 12])):
            text[rng.randrange(len(text))] = rng.choice(words)
        return " ".join(text)

    for round_no in range(16):
        for n in range(len(live), len(live) + (40 if round_no == 0 else 2)):
            live[str(n)] = posting(
                str(n), title=rng.choice(titles), company=rng.choice(companies), text=variant()
            )
        for ext in rng.sample(sorted(live), 3):  # edits of postings seen before
            old = live[ext]
            live[ext] = posting(
                ext,
                title=rng.choice([old.title, rng.choice(titles)]),
                company=rng.choice([old.company or "", rng.choice(companies)]),
                text=rng.choice([old.description_text, variant()]),
            )
        now = T0 + timedelta(days=round_no)
        load_boards(con, [BoardLoad("greenhouse", "acme", [(p, KEEP) for p in live.values()], True)], now=now)
        fresh = connect(tmp_path / f"fresh{round_no}.duckdb")
        load_board(fresh, "greenhouse", "acme", [(p, KEEP) for p in live.values()], complete=True, now=now)
        assign_dup_groups(fresh)
        query = "SELECT posting_id, dup_group FROM postings ORDER BY 1"
        assert rows(con, query) == rows(fresh, query), round_no
        fresh.close()
    assert rows(con, "SELECT count(DISTINCT dup_group) < count(*) FROM postings") == [(True,)]


def test_a_posting_retitled_out_of_its_group_leaves_the_rest_grouped_without_it(con):
    def scrape(postings, day):
        load_board(con, "greenhouse", "acme", [(p, KEEP) for p in postings], complete=True, now=day)
        return dict(rows(con, "SELECT posting_id, dup_group FROM postings"))

    same = [posting("1"), posting("2"), posting("3")]
    assert set(scrape(same, T0).values()) == {"greenhouse:acme:1"}
    groups = scrape([posting("1", title="Data Scientist"), *same[1:]], T0 + timedelta(days=1))
    assert groups == {
        "greenhouse:acme:1": "greenhouse:acme:1",
        "greenhouse:acme:2": "greenhouse:acme:2",
        "greenhouse:acme:3": "greenhouse:acme:2",
    }
    assert set(scrape(same, T0 + timedelta(days=2)).values()) == {"greenhouse:acme:1"}  # back again
    groups = scrape([posting("1", company=""), *same[1:]], T0 + timedelta(days=3))  # no company: no block
    assert (
        groups["greenhouse:acme:1"] == "greenhouse:acme:1"
        and groups["greenhouse:acme:3"] == "greenhouse:acme:2"
    )


def test_postings_stored_before_duplicate_blocks_are_grouped_with_new_ones_after_migrating(tmp_path: Path):
    import duckdb

    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as old:
        for step in MIGRATIONS[:3]:
            step(old)
        old.execute("CREATE TABLE _migrations (name VARCHAR PRIMARY KEY, applied_at TIMESTAMP NOT NULL)")
        old.executemany("INSERT INTO _migrations VALUES (?, now())", [[s.__name__] for s in MIGRATIONS[:3]])
        for ext, company in (("1", "Acme Inc."), ("2", "ACME")):
            old.execute(
                """INSERT INTO postings (posting_id, source, board, external_id, company, title, description_text,
                       is_relevant, relevance_reason, content_hash, first_seen, last_seen, dup_group)
                   VALUES (?, 'greenhouse', 'acme', ?, ?, 'ML Engineer', ?, true, 'test', 'h', now(), now(), ?)""",
                [f"greenhouse:acme:{ext}", ext, company, LONG_TEXT, f"greenhouse:acme:{ext}"],
            )
    con = connect(path)  # migrates
    # the old postings are in the new one's block, so loading it groups them all
    load_board(con, "remoteok", "ai", [(posting("9", source="remoteok", board="ai"), KEEP)], complete=True)
    assert rows(con, "SELECT DISTINCT dup_group FROM postings") == [("greenhouse:acme:1",)]
    con.close()
