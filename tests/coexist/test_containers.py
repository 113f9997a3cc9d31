"""The container files, read since images cannot be built where the tests run.

What the image does at start-up is scripts/serve, which tests/coexist/test_serve.py runs;
so what is checked here is that the files say so, and that every variable compose hands
the app is one `.env.example` explains.
"""

from __future__ import annotations

import json
import re

import yaml
from dotenv import dotenv_values

from tests.coexist.readme import ROOT, readme_systemd_unit

ENTRY_SCRIPT = "scripts/serve"


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))


def documented() -> set[str]:
    return set(dotenv_values(ROOT / ".env.example"))


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n", " ", "\n".join(lines))
    return [
        (words[0].upper(), words[1].strip() if len(words) > 1 else "")
        for words in (line.strip().split(None, 1) for line in joined.splitlines() if line.strip())
    ]


def test_every_variable_compose_passes_is_documented_in_env_example():
    config = compose()
    app = config["services"]["app"]
    passed = set(app["environment"])
    interpolated = set(re.findall(r"\$\{(\w+)", (ROOT / "compose.yaml").read_text()))

    assert app["env_file"] == ".env"
    assert {"DATABASE_URL", "POSTGRES_PASSWORD"} <= passed | interpolated
    assert passed | interpolated <= documented()


def test_compose_runs_postgresql_16_with_named_volumes_for_the_database_and_the_images():
    config = compose()
    db, app = config["services"]["db"], config["services"]["app"]

    assert db["image"] == "postgres:16"
    assert "database:/var/lib/postgresql/data" in db["volumes"]
    assert "media:/data/media" in app["volumes"]
    assert app["environment"]["DATA_DIR"] == "/data"
    assert set(config["volumes"]) == {"database", "media"}
    assert app["depends_on"]["db"]["condition"] == "service_healthy"


def test_compose_publishes_the_app_on_this_machine_only():
    assert compose()["services"]["app"]["ports"] == ["127.0.0.1:${PORT:-8000}:8000"]


def test_the_image_is_python_slim_and_runs_the_entry_script_as_a_user_who_is_not_root():
    instructions = dockerfile_instructions()
    users = [argument for name, argument in instructions if name == "USER"]
    cmd = [argument for name, argument in instructions if name == "CMD"]

    assert instructions[0] == ("FROM", "python:3.13-slim")
    assert users and users[-1] not in {"root", "0"} and not users[-1].startswith("0:")
    names = [name for name, _ in instructions]
    assert names.index("USER") < names.index("CMD")
    assert json.loads(cmd[-1]) == ["python", ENTRY_SCRIPT]
    assert not any(name == "ENTRYPOINT" for name, _ in instructions)


def test_the_image_sets_only_documented_coexist_variables():
    environment = " ".join(
        argument for name, argument in dockerfile_instructions() if name == "ENV"
    )
    names = {name for name in re.findall(r"(\w+)=", environment)}
    coexist = {name for name in names if not name.startswith(("PYTHON", "PIP_"))}

    assert coexist == {"BIND", "DATA_DIR"}
    assert coexist <= documented()


def test_the_image_gets_no_secrets_or_local_state_from_the_checkout():
    ignored = (ROOT / ".dockerignore").read_text().split()

    assert {".env", ".venv", "data", ".git", "staticfiles"} <= set(ignored)


def test_make_serve_the_container_and_the_systemd_unit_run_one_entry_script():
    makefile = (ROOT / "Makefile").read_text()
    serve_recipe = re.search(r"^serve:.*\n((?:\t.*\n)+)", makefile, re.M).group(1)
    unit = readme_systemd_unit()

    assert f"$(PY) {ENTRY_SCRIPT}" in serve_recipe
    assert unit["ExecStart"].endswith(f"/.venv/bin/python {ENTRY_SCRIPT}")
    assert unit["RestartPreventExitStatus"] == "78"  # scripts/serve's refusal
    assert (ROOT / ENTRY_SCRIPT).stat().st_mode & 0o111
