"""Frozen records of the rules extractor: what it gives today, kept so that any change to what it gives is
seen, reviewed and recorded on purpose.

Two corpora:
- the project's own postings (every source fixture in tests/fixtures parsed by its source, the demo's
  synthetic Greenhouse, Lever and Ashby boards, and a few hand-written postings): their full records are
  committed in `fixture-records.jsonl`, so a clone without ../shared still guards behaviour;
- the counted cases of other projects' test suites (../shared/eval/peercases) that the rules agree with: their
  ids in `peer-agreeing.txt`, so that no case agreed with today is lost;
- the recorded Ashby boards' postings whose stated pay the rules read exactly (`stated-pay-read.txt`);
- the real postings of ../shared (pool.jsonl and eval/dev.jsonl), which may not be copied into the
  repository: one hash per record is committed in `shared-records.sha256`, and the full records are
  written beside it to `shared-records.jsonl` (git-ignored) so that a difference can be shown.

A record is compared without its `version` (the rules' version changes with every edit of a rule, a
record only when what it says changes). To accept a change of records on purpose:

    .venv/bin/python -m tests.frozen freeze

and say in the commit which records changed and why (`git diff tests/golden`).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from extract import rules
from extract.peercases import score_peer_cases
from extract.schema import PostingFacts, PostingInput
from extract.statedpay import cases as stated_pay_cases
from extract.statedpay import score_stated_pay
from scrapers.base import ParseContext, get_source
from scrapers.models import RawPosting
from skillradar import demo_data

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "tests" / "golden"
FIXTURES = ROOT / "tests" / "fixtures"
SHARED = ROOT.parent / "shared"
FIXTURE_RECORDS = HERE / "fixture-records.jsonl"
SHARED_HASHES = HERE / "shared-records.sha256"
SHARED_RECORDS = HERE / "shared-records.jsonl"  # git-ignored: records of postings that may not be copied
PEER_CASES = SHARED / "eval" / "peercases" / "cases.jsonl"
PEER_AGREEING = HERE / "peer-agreeing.txt"  # the counted peer cases the rules agree with
ASHBY = SHARED / "data" / "ashby-2025-10"
STATED_PAY_READ = HERE / "stated-pay-read.txt"  # the Ashby postings whose stated pay the rules read exactly
FETCHED_AT = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def canonical(facts: PostingFacts) -> dict[str, Any]:
    """A record as compared: everything the extractor says about the posting, without its version."""
    record = facts.model_dump(mode="json")
    record.pop("version")
    return record


def digest(record: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(record, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:20]


def _as_input(raw: RawPosting) -> PostingInput:
    return PostingInput(
        id=raw.posting_id, source=raw.source, url=raw.url, title=raw.title, company=raw.company,
        location=raw.location, description=raw.description_text, posted_at=raw.posted_at or raw.fetched_at,
        pay_min=raw.pay_min, pay_max=raw.pay_max, pay_currency=raw.pay_currency, pay_period=raw.pay_period,
        pay_text=raw.pay_text, remote_hint=raw.remote_hint,
    )  # fmt: skip


def _fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def _parsed_fixtures() -> Iterator[RawPosting]:
    """Every source fixture, parsed by its source as a scrape would."""
    ctx = ParseContext(board="acme", fetched_at=FETCHED_AT, company="Acme")
    greenhouse = _fixture("greenhouse_jobs.json")
    greenhouse["pay"] = {"4001": _fixture("greenhouse_pay.json")}
    smartrecruiters = _fixture("smartrecruiters_list.json")
    smartrecruiters["details"] = {"7440001": _fixture("smartrecruiters_detail.json")}
    payloads: list[tuple[str, Any]] = [
        ("greenhouse", greenhouse),
        ("lever", _fixture("lever_postings.json")),
        ("ashby", _fixture("ashby_board.json")),
        ("smartrecruiters", smartrecruiters),
        ("recruitee", _fixture("recruitee_offers.json")),
        ("workable", _fixture("workable_account.json")),
        ("remoteok", _fixture("remoteok_api.json")),
        ("remotive", _fixture("remotive_jobs.json")),
        (
            "arbeitnow",
            {"data": _fixture("arbeitnow_page1.json")["data"] + _fixture("arbeitnow_page2.json")["data"]},
        ),
        ("himalayas", _fixture("himalayas_jobs.json")),
        (
            "jsonld",
            [{"url": "https://acme.example/careers", "html": (FIXTURES / "jsonld_page.html").read_text()}],
        ),
    ]
    for kind, payload in payloads:
        yield from get_source(kind).parse(payload, ctx)


def _demo_boards() -> Iterator[RawPosting]:
    """The demo's synthetic boards of the kinds whose files are their API's payloads as served."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        demo_data.generate(root, seed=7, now=FETCHED_AT)
        for kind in ("greenhouse", "lever", "ashby"):
            for path in sorted((root / kind).glob("*.json")):
                ctx = ParseContext(board=path.stem, fetched_at=FETCHED_AT, company=path.stem)
                yield from get_source(kind).parse(json.loads(path.read_text(encoding="utf-8")), ctx)


def _hand_written() -> list[PostingInput]:
    """Postings unlike the fixtures: a lower case of another length, no description, pay in many forms."""
    bodies = [
        ("Senior ML Engineer", "Remote (US only)", "Requirements:\n- 5+ years Python, PyTorch\n- RAG and LangChain\n"
         "Salary: $180k-$220k per year"),
        ("AI Engineer", "Berlin, Germany", "Nice to have: Rust, Go. Hybrid in Berlin, Germany. 70.000 € - 85.000 € brutto"),
        ("Data Scientist", "İstanbul, Türkiye", "İstanbul office. Python and SQL; Kubernetes is a plus. Maaş: 900.000 TRY"),
        ("Staff LLM Engineer", None, ""),
        ("MLOps Lead", "Remote - Europe", "Fully remote (EU). Contract, €600/day. Spark, Airflow, dbt and Snowflake."),
        ("Intern", "Bengaluru", "Internship for students in Bangalore. 12 LPA. TensorFlow and Keras."),
        ("Machine Learning Engineer", "Toronto, ON", "Pay: $95 - $120 per hour. ex-Google CTO founded us. R and Go."),
        ("Research Scientist II", "London", "£90,000 - £120,000 + bonus. We raised $40M in funding. JAX, CUDA."),
    ]  # fmt: skip
    return [
        PostingInput(id=f"hand-{i}", title=title, location=location, description=body, posted_at=FETCHED_AT)
        for i, (title, location, body) in enumerate(bodies)
    ]


def own_postings() -> list[PostingInput]:
    """The project's own postings, in a fixed order."""
    parsed = [_as_input(raw) for raw in [*_parsed_fixtures(), *_demo_boards()]]
    return parsed + _hand_written()


def shared_postings() -> list[tuple[str, PostingInput]] | None:
    """(key, posting) of every pool and dev-set posting, or None when ../shared is absent."""
    files = {"pool": SHARED / "data" / "pool.jsonl", "dev": SHARED / "eval" / "dev.jsonl"}
    if not all(path.is_file() for path in files.values()):
        return None
    found = []
    for name, path in files.items():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                posting = PostingInput.model_validate(json.loads(line))
                found.append((f"{name}:{posting.id}", posting))
    return found


def records(postings: list[PostingInput]) -> list[dict[str, Any]]:
    return [canonical(facts) for facts in rules.extract_many(postings)]


def read_hashes() -> dict[str, str]:
    lines = SHARED_HASHES.read_text(encoding="utf-8").splitlines()
    return dict(line.split("\t") for line in lines if line and not line.startswith("#"))


def peer_cases() -> list[dict[str, Any]] | None:
    """Other projects' test cases (../shared/eval/peercases), or None when absent."""
    if not PEER_CASES.is_file():
        return None
    return [json.loads(line) for line in PEER_CASES.read_text(encoding="utf-8").splitlines() if line.strip()]


def stated_pay_read() -> list[str]:
    """Ids of the recorded Ashby postings whose stated pay the rules read exactly (`extract.statedpay`)."""
    found = list(stated_pay_cases(ASHBY))
    missed = {miss["id"] for miss in score_stated_pay(found, rules.extract).misses}
    return [case.posting.id for case in found if case.posting.id not in missed]


def freeze() -> None:
    own = records(own_postings())
    FIXTURE_RECORDS.write_text(
        "".join(json.dumps(r, sort_keys=True, ensure_ascii=False) + "\n" for r in own), encoding="utf-8"
    )
    print(f"{len(own)} records of the project's own postings -> {FIXTURE_RECORDS.relative_to(ROOT)}")
    shared, cases = shared_postings(), peer_cases()
    if shared is None or cases is None:
        print(
            "../shared is absent: the hashes of its records and the peer cases agreed with are left as they are"
        )
        return
    agreeing = score_peer_cases(cases, rules.extract).agreeing
    PEER_AGREEING.write_text("".join(f"{case}\n" for case in agreeing), encoding="utf-8")
    print(f"{len(agreeing)} counted peer cases agreed with -> {PEER_AGREEING.relative_to(ROOT)}")
    read = stated_pay_read()
    STATED_PAY_READ.write_text("".join(f"{case}\n" for case in read), encoding="utf-8")
    print(f"{len(read)} postings' stated pay read exactly -> {STATED_PAY_READ.relative_to(ROOT)}")
    keyed = list(zip([key for key, _ in shared], records([p for _, p in shared]), strict=True))
    SHARED_HASHES.write_text(
        "# key\tsha256 of the record without its version (tests/frozen.py)\n"
        + "".join(f"{key}\t{digest(record)}\n" for key, record in keyed),
        encoding="utf-8",
    )
    SHARED_RECORDS.write_text(
        "".join(
            json.dumps({"key": key, **record}, sort_keys=True, ensure_ascii=False) + "\n"
            for key, record in keyed
        ),
        encoding="utf-8",
    )
    print(f"{len(keyed)} records of ../shared -> {SHARED_HASHES.relative_to(ROOT)} (+ {SHARED_RECORDS.name})")


if __name__ == "__main__":
    if sys.argv[1:] != ["freeze"]:
        sys.exit("usage: python -m tests.frozen freeze")
    freeze()
