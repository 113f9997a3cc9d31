"""The production environment the README documents passes Django's deployment checks.

The environment is read from the README itself (the `.env` of "Run it for a school", step
3), so the two cannot drift apart; DATABASE_URL is left out, which selects SQLite in a
temporary DATA_DIR.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.coexist.readme import ROOT, readme_production_environment


def deploy_check(environment: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """`manage.py check --deploy --fail-level WARNING` with only these variables set."""
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DATA_DIR": str(tmp_path / "data"),
        "ENV_FILE": os.devnull,
        **environment,
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def production() -> dict[str, str]:
    environment = readme_production_environment()
    assert len(environment["SECRET_KEY"]) >= 50, "the README's command generates the key"
    environment.pop("DATABASE_URL")
    return environment


def test_the_readme_documents_a_production_environment(production):
    assert production["DEBUG"] == "false"
    assert {"ALLOWED_HOSTS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"} <= production.keys()


def test_the_documented_production_environment_passes_the_deployment_checks(production, tmp_path):
    result = deploy_check(production, tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_hsts_the_deployment_checks_fail(production, tmp_path):
    del production["SECURE_HSTS_SECONDS"]
    result = deploy_check(production, tmp_path)
    assert result.returncode != 0
    assert "security.W004" in result.stderr


def test_hsts_without_subdomains_and_preload_fails_the_deployment_checks(production, tmp_path):
    del production["SECURE_HSTS_INCLUDE_SUBDOMAINS"], production["SECURE_HSTS_PRELOAD"]
    result = deploy_check(production, tmp_path)
    assert result.returncode != 0
    assert "security.W005" in result.stderr and "security.W021" in result.stderr
