"""`make bench` (python -m bench): every benchmark, each as a ratio against a baseline measured in the same
run, written to bench/RESULTS.md with the machine, the date and the command. Never part of `make test`."""

from __future__ import annotations

import contextlib
import io
import os
import platform
import sys
from datetime import UTC, datetime
from pathlib import Path

from bench import extraction, marts, scrape

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def main() -> int:
    lines = []
    for module in (extraction, scrape, marts):
        captured = io.StringIO()
        with contextlib.redirect_stdout(captured):
            module.main()
        output = captured.getvalue().strip()
        print(output, flush=True)
        lines += [f"- {line}" for line in output.splitlines() if not line.startswith("machine:")]
    machine = (
        f"{platform.machine()}, {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )
    RESULTS.write_text(
        "# Benchmark results\n\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}.\n"
        f"Command: `make bench` (`{sys.executable} -m bench`), "
        f"BENCH_POSTINGS={os.environ.get('BENCH_POSTINGS', '1000000')}.\n\n" + "\n".join(lines) + "\n",
        encoding="utf-8",
    )
    print(f"written to {RESULTS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
