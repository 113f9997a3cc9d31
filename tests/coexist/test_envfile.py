"""The `.env` file: `make run` writes a development one once, and every entry point reads it.

These start manage.py as a reader of the README would, with a clean environment; ENV_FILE
points it at a temporary file instead of the checkout's own `.env`, which is a developer's.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values

from coexist import envfile
from tests.coexist.readme import ROOT


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    """`python manage.py ARGS` with nothing set but PATH, HOME and `env`."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/"), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_development_env_file_turns_debug_on_with_a_random_key_for_its_owner_only(tmp_path):
    first, second = tmp_path / "one.env", tmp_path / "two.env"

    assert envfile.write_development_env_file(first) is True
    assert envfile.write_development_env_file(second) is True

    values = dotenv_values(first)
    assert values["DEBUG"] == "true"
    assert len(values["SECRET_KEY"]) >= 50
    assert values["SECRET_KEY"] != dotenv_values(second)["SECRET_KEY"]
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_an_existing_env_file_is_never_replaced(tmp_path):
    path = tmp_path / ".env"
    path.write_text("SECRET_KEY=the-school-chose-this\n")

    assert envfile.write_development_env_file(path) is False
    assert path.read_text() == "SECRET_KEY=the-school-chose-this\n"


def test_make_runs_first_step_writes_the_file_once_and_names_it(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("ENV_FILE")
    monkeypatch.setattr(envfile, "ENV_FILE", tmp_path / ".env")

    assert envfile.main() == 0
    written = (tmp_path / ".env").read_text()
    assert "Wrote .env: development settings" in capsys.readouterr().out
    assert envfile.main() == 0
    assert (tmp_path / ".env").read_text() == written
    assert capsys.readouterr().out == ""


def test_make_run_points_out_an_existing_env_file_that_leaves_debug_off(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.delenv("ENV_FILE")
    monkeypatch.delenv("DEBUG", raising=False)
    monkeypatch.setattr(envfile, "ENV_FILE", tmp_path / ".env")
    (tmp_path / ".env").write_text("SITE_NAME=History\n")

    assert envfile.main() == 0
    assert "does not set DEBUG" in capsys.readouterr().err


def test_after_make_run_manage_py_works_with_nothing_exported(tmp_path):
    """The issue's newcomer: no SECRET_KEY, no DEBUG in the shell, only the written file."""
    path = tmp_path / ".env"
    envfile.write_development_env_file(path)
    (tmp_path / "data").mkdir()

    result = manage({"ENV_FILE": str(path), "DATA_DIR": str(tmp_path / "data")}, "check")

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_manage_py_reads_the_env_file_and_the_environment_wins_over_it(tmp_path):
    path = tmp_path / ".env"
    path.write_text(
        "DEBUG=true\nSITE_NAME=Set in the file\nTIME_ZONE=Europe/Paris\n"
        f"DATA_DIR={tmp_path / 'data'}\n"
    )
    show = "from django.conf import settings; print(settings.SITE_NAME, settings.TIME_ZONE)"

    result = manage(
        {"ENV_FILE": str(path), "SITE_NAME": "Set in the shell"},
        "shell",
        "--no-imports",
        "-c",
        show,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Set in the shell Europe/Paris"


def test_env_file_naming_a_missing_file_stops_start_up_with_its_name(tmp_path, monkeypatch):
    monkeypatch.setenv("ENV_FILE", str(tmp_path / "coexist.env"))

    with pytest.raises(ImproperlyConfigured, match=r"ENV_FILE names a file that does not exist"):
        envfile.load_env_file()


def test_without_env_file_the_checkouts_own_env_is_read(monkeypatch):
    monkeypatch.delenv("ENV_FILE")

    assert envfile.env_file() == ROOT / ".env"
