"""Helpers of the browser tests: Debian's Chromium driven by Playwright against a dashboard started the way
`skillradar dashboard` starts it. Importing this module skips the importing test module when either is
missing (CI installs both)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from skillradar.report_cli import dashboard_command
from tests.conftest import free_port, serving

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
if not Path(CHROMIUM).exists():
    pytest.skip("Debian's chromium is not installed (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync",
]  # fmt: skip


@contextmanager
def running_dashboard(db: Path) -> Iterator[str]:
    """A fresh dashboard server on the snapshot of `db`, started as `skillradar dashboard` starts it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with serving(dashboard_command(db, port), f"{url}/_stcore/health", "the dashboard"):
        yield url
