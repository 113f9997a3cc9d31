from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from coexist.env import env_bool, env_choice, env_int, env_list, env_str, require

ROOT = Path(__file__).resolve().parents[2]


def test_env_str_returns_the_value_or_the_default():
    assert env_str("NAME", environ={"NAME": " coexist "}) == "coexist"
    assert env_str("NAME", "fallback", environ={}) == "fallback"
    assert env_str("NAME", "fallback", environ={"NAME": "   "}) == "fallback"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("TRUE", True), ("1", True), ("yes", True), ("on", True)]
    + [("false", False), ("0", False), ("No", False), ("off", False)],
)
def test_env_bool_reads_the_usual_spellings(raw, expected):
    assert env_bool("DEBUG", not expected, environ={"DEBUG": raw}) is expected


def test_env_bool_uses_the_default_when_missing():
    assert env_bool("DEBUG", False, environ={}) is False
    assert env_bool("DEBUG", True, environ={}) is True


def test_env_bool_refuses_a_value_it_cannot_read_and_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match=r"DEBUG must be true or false.*'maybe'"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_env_int_reads_numbers_and_checks_bounds():
    assert env_int("N", 5, environ={"N": "12"}) == 12
    assert env_int("N", 5, environ={}) == 5
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number; got 'ten'"):
        env_int("N", 5, environ={"N": "ten"})
    with pytest.raises(ImproperlyConfigured, match="N must be at least 1; got 0"):
        env_int("N", 5, minimum=1, environ={"N": "0"})
    with pytest.raises(ImproperlyConfigured, match="N must be at most 9; got 10"):
        env_int("N", 5, maximum=9, environ={"N": "10"})


def test_env_list_splits_on_commas_and_drops_empty_items():
    assert env_list("HOSTS", environ={"HOSTS": "a.example, b.example,"}) == [
        "a.example",
        "b.example",
    ]
    assert env_list("HOSTS", ["x"], environ={}) == ["x"]


def test_env_choice_accepts_only_listed_values():
    assert env_choice("LEVEL", "INFO", ("INFO", "DEBUG"), environ={"LEVEL": "DEBUG"}) == "DEBUG"
    with pytest.raises(ImproperlyConfigured, match="LEVEL must be one of INFO, DEBUG; got 'loud'"):
        env_choice("LEVEL", "INFO", ("INFO", "DEBUG"), environ={"LEVEL": "loud"})


def test_require_names_the_missing_variable():
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set when DEBUG is off"):
        require("SECRET_KEY", None, why="when DEBUG is off")


def _start(env: dict[str, str], code: str = "print('started')") -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, as a server would at start-up."""
    clean = {key: value for key, value in os.environ.items() if key not in _SETTINGS_VARIABLES}
    program = f"import django; django.setup(); {code}"
    return subprocess.run(
        [sys.executable, "-c", program],
        env={**clean, "DJANGO_SETTINGS_MODULE": "coexist.settings", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


_SETTINGS_VARIABLES = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DATA_DIR"}
PRODUCTION = {"DEBUG": "false", "SECRET_KEY": "s" * 50, "ALLOWED_HOSTS": "coexist.school.example"}


def test_production_start_up_succeeds_with_the_required_variables():
    result = _start(PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "started" in result.stdout


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS"])
def test_production_start_up_refuses_a_missing_variable_by_name(missing):
    env = {key: value for key, value in PRODUCTION.items() if key != missing}
    result = _start(env)
    assert result.returncode != 0
    assert f"{missing} must be set when DEBUG is off" in result.stderr


def test_debug_off_is_the_default_so_a_forgotten_variable_is_not_silently_unsafe():
    result = _start({})
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_a_malformed_debug_value_stops_start_up():
    result = _start({**PRODUCTION, "DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


def test_a_short_secret_key_is_refused_in_production():
    result = _start({**PRODUCTION, "SECRET_KEY": "short"})
    assert result.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in result.stderr


def test_database_url_selects_postgresql():
    result = _start(
        {"DEBUG": "true", "DATABASE_URL": "postgres://coexist:pw@db.internal:5432/coexist"},
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['HOST'], d['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["django.db.backends.postgresql", "db.internal", "coexist"]


def test_sqlite_is_the_default_with_wal_and_a_busy_timeout(tmp_path):
    result = _start(
        {"DEBUG": "true", "DATA_DIR": str(tmp_path)},
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], "
        "c.execute('PRAGMA busy_timeout').fetchone()[0], connection.settings_dict['NAME'])",
    )
    assert result.returncode == 0, result.stderr
    journal_mode, busy_timeout, name = result.stdout.split()
    assert journal_mode == "wal"
    assert int(busy_timeout) >= 5000
    assert name == str(tmp_path / "coexist.sqlite3")


def test_every_variable_the_settings_read_is_documented_in_env_example():
    import re

    settings_source = (ROOT / "coexist" / "settings.py").read_text()
    read = set(re.findall(r'env_(?:str|bool|int|list|choice)\(\s*"([A-Z_]+)"', settings_source))
    documented = set(re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(), re.M))
    assert {"DEBUG", "SECRET_KEY", "DATABASE_URL"} <= read
    assert read - documented == set()
