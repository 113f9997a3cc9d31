"""What the README tells a school to type, read from the README itself.

Tests use these instead of their own copies, so the commands a school follows and the ones
the suite checks cannot drift apart.
"""

from __future__ import annotations

import io
import re
import subprocess
import textwrap
from pathlib import Path

from dotenv import dotenv_values

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"

# A fenced block, possibly indented under a list item: its indent, language and text.
_FENCE = re.compile(r"^( *)```(\w*)\n(.*?)^\1```", re.M | re.S)


def readme_blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return [textwrap.dedent(body) for _, lang, body in _FENCE.findall(text) if lang == language]


def heredoc(containing: str) -> tuple[str, str]:
    """The first here-document in the README's shell blocks whose body contains `containing`:
    the command line that opens it, and its body as written."""
    for block in readme_blocks("sh"):
        lines = block.splitlines()
        for start, line in enumerate(lines):
            match = re.search(r"<<\s*(['\"]?)(\w+)\1", line)
            if match:
                end = lines.index(match.group(2), start + 1)
                body = "\n".join(lines[start + 1 : end]) + "\n"
                if containing in body:
                    return line, body
    raise AssertionError(f"no here-document in README.md contains {containing!r}")


def readme_production_env_file() -> str:
    """Step 3's `.env` as the shell writes it: `$(python3 …)` run, so SECRET_KEY is a key."""
    opening, body = heredoc("DEBUG=false")
    assert "'EOF'" not in opening, "the shell must expand $(...) to generate the key"
    result = subprocess.run(
        ["bash", "-c", f"cat <<EOF\n{body}EOF\n"],
        capture_output=True,
        text=True,
        check=True,
        timeout=30,
    )
    return result.stdout


def readme_production_environment() -> dict[str, str]:
    """The variables of step 3's `.env`, read by the same parser as Coexist's entry points."""
    values = dotenv_values(stream=io.StringIO(readme_production_env_file()))
    return {name: value or "" for name, value in values.items()}


def readme_systemd_unit() -> dict[str, str]:
    """The `Key=value` lines of the README's systemd unit."""
    _, body = heredoc("ExecStart=")
    return dict(line.split("=", 1) for line in body.splitlines() if "=" in line)
