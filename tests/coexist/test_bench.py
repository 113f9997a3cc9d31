"""`make bench` runs from start to end and says what it measured in the promised form.

A benchmark, not a test of speed: this runs it for a few seconds and checks only what it
did — every phase ran without an error, all 30 answers were handed in, the server was
stopped — never how fast. The figures are in docs/performance.md.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent.parent
LAST_LINE = re.compile(
    r"bench: mix (\d+) req/s · alive (\d+) req/s · mix/alive (\d+\.\d\d) · "
    r"dashboard/source p50 (\d+\.\d\d) · burst p95 (\d+) ms, (\d+)/30 submitted, (\d+) errors"
)
ENDPOINTS = (
    "alive",
    "assignment page",
    "source page",
    "analysis autosave",
    "answer autosave",
    "dashboard (serial)",
    "source page (serial)",
    "submit burst",
    "student mix",
)


def test_a_short_bench_runs_every_phase_and_ends_with_the_summary_line():
    env = {
        **os.environ,
        "WARM_SECONDS": "1",
        "ALIVE_SECONDS": "1",
        "MIX_SECONDS": "2",
        "SERIAL_REQUESTS": "2",
        "WEB_WORKERS": "1",
    }
    env.pop("DATABASE_URL", None)
    before = set(psutil.pids())
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "bench")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    summary = LAST_LINE.fullmatch(lines[-1])
    assert summary, lines[-1]
    submitted, errors = int(summary[6]), int(summary[7])
    assert (submitted, errors) == (30, 0), result.stdout
    table = "\n".join(lines)
    for endpoint in ENDPOINTS:
        assert re.search(rf"^{re.escape(endpoint)}\s+[1-9]\d*\s", table, re.M), endpoint
    assert "Worker memory after the run:" in table
    assert "load generator" in table
    # Nothing it started is left running. (A browser this test worker keeps open for the
    # browser tests may start helper processes of its own at any moment: not the bench's.)
    left = [
        p
        for p in psutil.Process().children(recursive=True)
        if p.pid not in before
        and p.is_running()
        and p.status() != psutil.STATUS_ZOMBIE
        and "chrom" not in p.name().lower()
    ]
    assert not left, [p.cmdline() for p in left]
