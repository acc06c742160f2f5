"""Which build of the rules runs: the mypyc-compiled modules and the native literal scanner (`_scan.c`),
all built by `make native`, when they were built from exactly the sources beside them, else the
pure-Python sources (whose literal passes run on ahocorasick-rs).

A compiled module next to its source wins the import, so one built from an older source would run
old rules without a word. The build records the hash of each source it compiled (`native.json`); if
any differs, or SKILLRADAR_NATIVE=0 is set, every rules module is loaded from its `.py` file instead.
Either way the results are the same (tests/test_extract_native.py); only the speed differs, about 2x, so
the reason the sources run is kept (`WHY_PURE`) and reported by `extract` and `run`.

The compiled modules' constants are declared `Final`: mypyc keeps a final module-level name in a C
static, while any other global costs a dictionary lookup at every read (2.4% of an extraction).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import sys
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
STAMP = HERE / "native.json"
# In import order: each module's imports of the others are already loaded.
COMPILED = ("patterns", "anchored", "skills", "salary", "location", "seniority", "role", "facts")
# The native literal scanner (`_scan.c`), built with them and used only by the compiled build: the
# sources keep the ahocorasick-rs path, so the comparison of the two builds checks one against the other.
SCANNER = "_scan"
SCANNER_SOURCE = HERE / "_scan.c"
SCAN: Any = None  # the `_scan` module while the compiled build runs (`patterns.Literals` reads it)
WHY_PURE: str | None = None  # why the sources run instead (`rules.BUILD` says it to the user)
ASKED_FOR = "SKILLRADAR_NATIVE=0"  # WHY_PURE when the user chose the sources


def stale() -> str | None:
    """Why the compiled build cannot run, or None when every compiled module exists and was built from
    the source now beside it."""
    try:
        digests = json.loads(STAMP.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "no compiled build here"
    sources = {name: HERE / f"{name}.py" for name in COMPILED} | {SCANNER: SCANNER_SOURCE}
    for name, source in sources.items():
        if not any((HERE / f"{name}{suffix}").is_file() for suffix in EXTENSION_SUFFIXES):
            return f"the compiled build lacks {name}"
        if digests.get(name) != hashlib.sha256(source.read_bytes()).hexdigest():
            return f"{source.name} changed since the compiled build"
    return None


def fresh() -> bool:
    return stale() is None


def choose() -> bool:
    """Load the pure-Python modules unless the compiled ones are wanted and fresh; True if compiled.
    Sets WHY_PURE to the reason when the sources run."""
    global SCAN, WHY_PURE
    WHY_PURE = ASKED_FOR if os.environ.get("SKILLRADAR_NATIVE", "1") == "0" else stale()
    if WHY_PURE is None:
        try:
            SCAN = importlib.import_module(f"{__package__}.{SCANNER}")
            for name in COMPILED:
                importlib.import_module(f"{__package__}.{name}")
            return True
        except ImportError as exc:  # the build's shared library is missing (a copied tree): the sources
            WHY_PURE = f"the compiled build did not load ({exc})"
            SCAN = None
            for name in COMPILED:
                sys.modules.pop(f"{__package__}.{name}", None)
    package = sys.modules[__package__]
    for name in COMPILED:
        qualified = f"{__package__}.{name}"
        if qualified in sys.modules:
            continue
        spec = importlib.util.spec_from_file_location(qualified, HERE / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[qualified] = module
        spec.loader.exec_module(module)
        setattr(package, name, module)
    return False


NATIVE = choose()
