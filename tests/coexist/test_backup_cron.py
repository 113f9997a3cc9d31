"""The README's nightly backup line, run as cron would run it (`\\%` read as `%`), against a
Coexist on SQLite in a temporary folder: it writes tonight's archive and deletes only
archives older than two weeks, and only after the backup succeeded."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.coexist.readme import ROOT, heredoc
from tests.coexist.test_backup import _environment

DAY = 24 * 60 * 60


def readme_cron_command() -> str:
    """The command of the README's cron line: after five time fields and the user."""
    _, body = heredoc("manage.py backup")
    line = next(line for line in body.splitlines() if "manage.py backup" in line)
    fields = line.split(maxsplit=6)
    assert fields[5] == "coexist", line
    return fields[6]


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    data_dir = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=_environment(data_dir),
        check=True,
        timeout=300,
    )
    return data_dir


def _backups(folder: Path) -> Path:
    """A backup folder holding an archive 20 days old, one 3 days old and an unrelated file
    20 days old."""
    old = time.time() - 20 * DAY
    for name, when in (
        ("coexist-2026-01-01.tar.gz", old),
        ("coexist-recent.tar.gz", time.time() - 3 * DAY),
        ("notes.txt", old),
    ):
        (folder / name).write_bytes(b"kept?")
        os.utime(folder / name, (when, when))
    return folder


def _run_as_cron(command: str, backups: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    command = command.replace("/srv/coexist", str(ROOT))
    command = command.replace("/var/backups/coexist", str(backups)).replace("\\%", "%")
    venv_python = Path(sys.executable)
    command = re.sub(r"\.venv/bin/python", str(venv_python), command)
    return subprocess.run(
        ["bash", "-c", command], env=env, capture_output=True, text=True, timeout=300
    )


def test_the_nightly_line_writes_tonights_archive_and_deletes_only_the_old_ones(site, tmp_path):
    backups = _backups(tmp_path)
    done = _run_as_cron(readme_cron_command(), backups, _environment(site))
    assert done.returncode == 0, done.stderr
    tonight = backups / f"coexist-{datetime.date.today():%Y-%m-%d}.tar.gz"
    assert tonight.stat().st_size > 0
    assert sorted(path.name for path in backups.iterdir()) == sorted(
        [tonight.name, "coexist-recent.tar.gz", "notes.txt"]
    )


def test_a_failed_backup_deletes_nothing(site, tmp_path):
    backups = _backups(tmp_path)
    broken = _environment(site) | {"DATABASE_URL": "postgres://nobody@127.0.0.1:9/none"}
    done = _run_as_cron(readme_cron_command(), backups, broken)
    assert done.returncode != 0
    assert sorted(path.name for path in backups.iterdir()) == [
        "coexist-2026-01-01.tar.gz",
        "coexist-recent.tar.gz",
        "notes.txt",
    ]
