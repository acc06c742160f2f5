"""The rules extractor's records are frozen (tests/frozen.py): any difference fails, naming the postings
and the fields that changed. A change of records made on purpose is frozen again and explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from extract import rules
from extract.peercases import score_peer_cases
from tests import frozen


def _differences(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    fields = sorted(k for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k))
    return "; ".join(f"{k}: {expected.get(k)!r} -> {actual.get(k)!r}" for k in fields)


def _report(changed: list[tuple[str, str]], total: int) -> str:
    shown = "\n".join(f"  {key}: {what}" for key, what in changed[:15])
    return (
        f"{len(changed)} of {total} records differ from the frozen ones:\n{shown}\n"
        "If the change is meant, run `.venv/bin/python -m tests.frozen freeze` and say why in the commit."
    )


def test_records_of_the_projects_own_postings_are_the_frozen_ones():
    expected = [json.loads(line) for line in frozen.FIXTURE_RECORDS.read_text(encoding="utf-8").splitlines()]
    actual = frozen.records(frozen.own_postings())
    assert [r["id"] for r in actual] == [r["id"] for r in expected], "the corpus itself changed"
    changed = [(e["id"], _differences(e, a)) for e, a in zip(expected, actual, strict=True) if e != a]
    assert not changed, _report(changed, len(expected))


def test_records_of_the_pool_and_dev_set_are_the_frozen_ones(shared: Path):
    postings = frozen.shared_postings()
    if postings is None:
        pytest.skip("pool.jsonl or dev.jsonl missing from ../shared")
    expected = frozen.read_hashes()
    keys = [key for key, _ in postings]
    assert keys == list(expected), "the pool or dev set itself changed"
    actual = frozen.records([posting for _, posting in postings])
    kept: dict[str, dict[str, Any]] = {}
    if frozen.SHARED_RECORDS.is_file():  # the full frozen records, when this clone froze them
        for line in frozen.SHARED_RECORDS.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            kept[record.pop("key")] = record
    changed = [
        (
            key,
            _differences(kept[key], record)
            if key in kept
            else f"hash {expected[key]} -> {frozen.digest(record)}",
        )
        for key, record in zip(keys, actual, strict=True)
        if frozen.digest(record) != expected[key]
    ]
    assert not changed, _report(changed, len(keys))


def test_every_peer_case_agreed_with_is_still_agreed_with(shared: Path):
    """Other projects' counted test cases that the rules agreed with when the records were last frozen: none
    may be lost. (How many are agreed with is an eval figure: `make eval`.)"""
    cases = frozen.peer_cases()
    if cases is None:
        pytest.skip("no peer cases in ../shared")
    expected = frozen.PEER_AGREEING.read_text(encoding="utf-8").split()
    lost = sorted(set(expected) - set(score_peer_cases(cases, rules.extract).agreeing))
    assert not lost, f"{len(lost)} peer cases no longer agreed with: {lost[:20]}"


def test_every_stated_pay_read_is_still_read(shared: Path):
    """The recorded Ashby postings whose text states the pay their employer published, and whose range the
    rules read exactly when the records were last frozen: none may be lost (`make eval` reports the share)."""
    if not frozen.ASHBY.is_dir():
        pytest.skip("no recorded Ashby boards in ../shared")
    expected = frozen.STATED_PAY_READ.read_text(encoding="utf-8").split()
    lost = sorted(set(expected) - set(frozen.stated_pay_read()))
    assert not lost, f"{len(lost)} postings' stated pay no longer read: {lost[:20]}"
