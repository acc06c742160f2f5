"""The mypyc-compiled rules (`make native`) must extract exactly what the sources extract, in batches
(`rules.extract_many`) exactly what they extract posting by posting, and a build older than its sources
must never run (`extract/rules/_native.py`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract import rules
from extract.rules import _native

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
built = pytest.mark.skipif(not _native.fresh(), reason="rules not compiled here (run `make native`)")

DUMP = """
import json, sys
from extract import rules
from extract.schema import PostingInput
from skillradar.backends import rules_build_warning
print(json.dumps({"native": rules.NATIVE, "file": rules.skills.__file__, "scanner": rules._native.SCAN is not None,
                  "build": rules.BUILD, "warning": rules_build_warning()}))
rows = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
postings = [PostingInput.model_validate(row.get("posting", row)) for row in rows]
together = sys.argv[2:] == ["many"]
for facts in rules.extract_many(postings) if together else map(rules.extract, postings):
    print(facts.model_dump_json())
"""


def run_rules(native: str, data: Path, cwd: Path = ROOT, *, many: bool = False) -> list[str]:
    env = {**os.environ, "SKILLRADAR_NATIVE": native, "PYTHONPATH": str(cwd)}
    command = [sys.executable, "-c", DUMP, str(data), *(["many"] if many else [])]
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=True)
    return done.stdout.splitlines()


def test_the_build_in_use_is_the_fresh_compiled_one_or_the_sources():
    expected = os.environ.get("SKILLRADAR_NATIVE", "1") != "0" and _native.fresh()
    assert expected == rules.NATIVE
    suffix = Path(rules.skills.__file__).suffix
    assert (suffix == ".so") == rules.NATIVE


@built
@pytest.mark.shared
@pytest.mark.parametrize("data", ["eval/dev.jsonl", "data/pool.jsonl"])
def test_compiled_rules_extract_exactly_what_the_sources_extract(data):
    path = SHARED / data
    if not path.is_file():
        pytest.skip(f"../shared/{data} is absent")
    compiled, pure = run_rules("1", path), run_rules("0", path)
    assert json.loads(compiled[0])["native"] is True
    assert json.loads(compiled[0])["scanner"] is True  # so the scanner is checked against ahocorasick-rs
    assert json.loads(pure[0])["native"] is False
    assert json.loads(pure[0])["scanner"] is False
    assert len(compiled) == len(pure) > 100
    differing = [i for i, (a, b) in enumerate(zip(compiled[1:], pure[1:], strict=True)) if a != b]
    assert differing == []


@pytest.mark.shared
@pytest.mark.parametrize("data", ["eval/dev.jsonl", "data/pool.jsonl"])
def test_postings_extracted_together_get_what_each_gets_alone(data):
    """`extract_many` runs each rule over a batch before the next and leans on caches sized for a
    batch; on real postings (the build in use), every record is the one `extract` gives alone."""
    path = SHARED / data
    if not path.is_file():
        pytest.skip(f"../shared/{data} is absent")
    native = "1" if rules.NATIVE else "0"
    alone, together = run_rules(native, path), run_rules(native, path, many=True)
    assert len(alone) == len(together) > 100
    differing = [i for i, (a, b) in enumerate(zip(alone[1:], together[1:], strict=True)) if a != b]
    assert differing == []


@built
@pytest.mark.parametrize("edited", ["skills.py", "_scan.c"])
def test_a_build_older_than_its_sources_is_not_used(tmp_path, edited):
    """A copied tree with the build: used as is, native scanner included; after a source changes (a
    rules module or the scanner's C), the Python sources run instead, on ahocorasick-rs."""
    shutil.copytree(ROOT / "extract", tmp_path / "extract", ignore=shutil.ignore_patterns("__pycache__"))
    for library in ROOT.glob("*__mypyc*.so"):
        shutil.copy2(library, tmp_path)
    data = tmp_path / "one.jsonl"
    data.write_text(json.dumps({"id": "x", "title": "ML Engineer", "description": "PyTorch and SQL."}) + "\n")
    status = json.loads(run_rules("1", data, cwd=tmp_path)[0])
    assert status["native"] is True
    assert status["scanner"] is True
    assert status["file"].endswith(".so")
    assert (status["build"], status["warning"]) == ("compiled", None)
    # Asked for the sources: they run, and nobody is warned about what they chose.
    status = json.loads(run_rules("0", data, cwd=tmp_path)[0])
    assert (status["native"], status["build"], status["warning"]) == (
        False,
        "pure Python (SKILLRADAR_NATIVE=0)",
        None,
    )
    source = tmp_path / "extract" / "rules" / edited
    comment = "# edited after the build" if edited.endswith(".py") else "/* edited after the build */"
    source.write_text(source.read_text(encoding="utf-8") + f"\n{comment}\n", encoding="utf-8")
    status = json.loads(run_rules("1", data, cwd=tmp_path)[0])
    assert status["native"] is False
    assert status["scanner"] is False
    assert status["file"].endswith("skills.py")
    # Not asked for: the run summary says why the slower build ran, and `extract` / `run` warn.
    assert status["build"] == f"pure Python ({edited} changed since the compiled build)"
    assert edited in status["warning"] and "make native" in status["warning"]
