"""Compile the rules extractor with mypyc (`make native`; `make install` runs it).

The rules backend is pure Python and spends half its time in the interpreter (loops over automaton
hits, candidate positions, small helpers); compiled by mypyc from the same typed sources it runs about
a third faster, with identical results. The native literal scanner (`extract/rules/_scan.c`: the
Aho-Corasick passes, their grouping and word checks, lower-casing) is built with them. The compiled
modules land beside their sources (`build_ext --inplace`) with `extract/rules/native.json`, the hash of
each source compiled;
`extract.rules._native` uses them only while those hashes match, and the pure sources otherwise.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
RULES = ROOT / "extract" / "rules"
sys.path.insert(0, str(ROOT))

from extract.rules._native import COMPILED, SCANNER, SCANNER_SOURCE, STAMP  # noqa: E402


def main() -> int:
    from mypyc.build import mypycify
    from setuptools import Extension, setup

    sources = [f"extract/rules/{name}.py" for name in COMPILED]
    scanner = Extension(
        f"extract.rules.{SCANNER}",
        [str(SCANNER_SOURCE.relative_to(ROOT))],
        extra_compile_args=["-O3", "-Wall", "-Wextra", "-Wno-missing-field-initializers"],
    )
    STAMP.unlink(missing_ok=True)  # a half-finished build must never look fresh
    setup(
        name="skillradar-native",
        packages=[],
        py_modules=[],
        ext_modules=[*mypycify(sources, opt_level="3"), scanner],
        script_args=["--quiet", "build_ext", "--inplace", "--build-temp", "build/native"],
    )
    digests = {name: hashlib.sha256((RULES / f"{name}.py").read_bytes()).hexdigest() for name in COMPILED}
    digests[SCANNER] = hashlib.sha256(SCANNER_SOURCE.read_bytes()).hexdigest()
    STAMP.write_text(json.dumps(digests, indent=1) + "\n", encoding="utf-8")
    print(f"compiled {len(COMPILED)} rules modules with mypyc and the native scanner ({SCANNER_SOURCE.name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
