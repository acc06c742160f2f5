"""Ready-to-paste schedules for the nightly run: cron, systemd (service + timer), GitHub Actions."""

from __future__ import annotations

import shlex
from pathlib import Path

WORKFLOW = """\
# .github/workflows/skillradar-nightly.yml — the nightly skillradar run on GitHub Actions.
name: skillradar nightly
on:
  schedule:
    - cron: "37 3 * * *"   # 03:37 UTC: off the hour, when schedulers are least crowded
  workflow_dispatch: {{}}
concurrency:
  group: skillradar-nightly   # never two runs at once
  cancel-in-progress: false
jobs:
  run:
    runs-on: ubuntu-latest
    timeout-minutes: 60
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.11"
      - name: Restore the warehouse
        uses: actions/cache/restore@v4
        with:
          path: data/
          key: skillradar-db-${{{{ github.run_id }}}}
          restore-keys: skillradar-db-
      - run: make install
      - name: Run
        env:
          SKILLRADAR_DB: data/skillradar.duckdb
          SKILLRADAR_CONTACT: ${{{{ vars.SKILLRADAR_CONTACT }}}}
          SKILLRADAR_LLM_API_KEY: ${{{{ secrets.SKILLRADAR_LLM_API_KEY }}}}
        run: .venv/bin/skillradar run{sources} || test $? -eq 3   # 3 = partial: keep the data
      - name: Keep the warehouse for tomorrow
        if: always()
        uses: actions/cache/save@v4
        with:
          path: data/
          key: skillradar-db-${{{{ github.run_id }}}}
      - uses: actions/upload-artifact@v4
        with:
          name: skillradar-snapshot
          path: data/skillradar.snapshot.duckdb
          retention-days: 14
"""


def cron(project: Path, db: Path, sources: Path) -> str:
    command = (
        f"mkdir -p {shlex.quote(str(db.parent))} && cd {shlex.quote(str(project))} && SKILLRADAR_DB={shlex.quote(str(db))} "
        f".venv/bin/skillradar run --sources {shlex.quote(str(sources))} >> {shlex.quote(str(db.parent / 'nightly.log'))} 2>&1"
    )
    return (
        "# crontab -e, then add (03:37 every night; the run takes a lock beside the warehouse, so a slow night\n"
        "# never overlaps the next; exit 3 means some sources failed and the rest landed):\n"
        f"37 3 * * * {command}\n"
    )


def systemd(project: Path, db: Path, sources: Path) -> str:
    return f"""\
# ~/.config/systemd/user/skillradar.service
[Unit]
Description=skillradar nightly scrape, extract, build and publish
Wants=network-online.target
After=network-online.target

[Service]
Type=oneshot
WorkingDirectory={project}
Environment=SKILLRADAR_DB={db}
ExecStart={project}/.venv/bin/skillradar run --sources {sources}
# exit 3 is a partial run (some sources failed): the data that landed is kept
SuccessExitStatus=3

# ~/.config/systemd/user/skillradar.timer
[Unit]
Description=Run skillradar every night

[Timer]
OnCalendar=*-*-* 03:37:00
RandomizedDelaySec=10m
Persistent=true

[Install]
WantedBy=timers.target

# then: systemctl --user daemon-reload && systemctl --user enable --now skillradar.timer
"""


def github(sources: Path | None) -> str:
    """The workflow; `sources`: a sources file inside the repository (relative to it), or None for the
    one `skillradar run` finds itself (./sources.toml if the repository has one, else the shipped list)."""
    return WORKFLOW.format(sources=f" --sources {shlex.quote(str(sources))}" if sources else "")
