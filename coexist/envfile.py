"""The `.env` file beside manage.py: read by every entry point, written once for development.

Settings read only environment variables (coexist/settings.py). The entry points, and
nothing else, copy `.env` into the environment first: manage.py, coexist/wsgi.py,
coexist/asgi.py, gunicorn.conf.py and scripts/serve. A variable already in the real
environment wins over the file. ENV_FILE names another file (ENV_FILE=/dev/null: none).
The test suite imports the settings directly, so a developer's `.env` never reaches it, and
the processes the tests start get ENV_FILE=/dev/null.

`make run` calls `python -m coexist.envfile` so that a checkout has development settings
(DEBUG on, its own random SECRET_KEY) from the first run on, and every command the README
shows works in it without exporting anything.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from dotenv import dotenv_values, load_dotenv

from coexist.env import env_str

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"

DEVELOPMENT_HEADER = """\
# Written by `make run` for development in this checkout; never use it on a real server.
# Every command here reads this file; a variable set in the environment wins over it.
# .env.example describes every variable Coexist reads.
"""


def env_file() -> Path:
    """The file to read: ENV_FILE if set (relative to the current directory), else `.env`."""
    named = env_str("ENV_FILE")
    if named is None:
        return ENV_FILE
    path = Path(named)
    if not path.exists():
        raise ImproperlyConfigured(f"ENV_FILE names a file that does not exist: {named!r}.")
    return path


def load_env_file() -> bool:
    """Copy the file's variables into os.environ, below the real environment.

    A missing `.env` is fine (a server configured by its environment has none); a missing
    ENV_FILE is a mistake worth stopping for, since what it held would silently be absent.
    """
    return load_dotenv(env_file(), override=False, encoding="utf-8")


def write_development_env_file(path: Path = ENV_FILE) -> bool:
    """Create a development `.env` readable by its owner only; never replace one.

    Returns False when the file exists. O_EXCL makes "never overwrite" hold even if two
    `make run`s race: the second finds the first one's file.
    """
    text = f"{DEVELOPMENT_HEADER}DEBUG=true\nSECRET_KEY={secrets.token_urlsafe(50)}\n"
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    os.fchmod(descriptor, 0o600)  # whatever the umask
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    return True


def main() -> int:
    """`make run`'s first step: a development `.env` unless the checkout has one."""
    if env_str("ENV_FILE") is not None:
        return 0  # every command reads the file ENV_FILE names instead
    if write_development_env_file(ENV_FILE):
        print(f"Wrote {ENV_FILE.name}: development settings (DEBUG=true, a new SECRET_KEY).")
    elif "DEBUG" not in dotenv_values(ENV_FILE) and "DEBUG" not in os.environ:
        print(
            f"Note: {ENV_FILE.name} does not set DEBUG, so it is off as on a real server; "
            "add DEBUG=true to it for development.",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
