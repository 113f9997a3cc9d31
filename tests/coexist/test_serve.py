"""`make serve` with the README's production settings, as a school's server runs it.

One server for the module: `make serve` in this checkout with a fresh DATA_DIR and
STATIC_ROOT, the README's `.env` (step 3) with SQLite in place of PostgreSQL, and no `.env`
file of the checkout's. Requests come as Caddy sends them: HTTPS as far as Coexist can tell,
the site's host name, the client's address appended to X-Forwarded-For. The refusals start
no server: scripts/serve stops before it gets that far.
"""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import brotli
import pytest

from tests.coexist.readme import ROOT, readme_production_environment

ADMIN = "head-of-history"
PASSWORD = "a long pass phrase for the test"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_environment(tmp: Path) -> dict[str, str]:
    environment = readme_production_environment()
    del environment["DATABASE_URL"]  # SQLite in DATA_DIR
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "ENV_FILE": os.devnull,
        **environment,
        "DATA_DIR": str(tmp / "data"),
        "STATIC_ROOT": str(tmp / "static"),
    }


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode()


@dataclass
class Visitor:
    """A browser behind the README's Caddy, keeping its cookies as a browser would."""

    port: int
    host: str
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, **headers) -> Response:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {
            "Host": self.host,
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": "192.0.2.44",
            **{name.replace("_", "-"): value for name, value in headers.items()},
        }
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        try:
            connection.request(method, path, body=body, headers=sent)
            answer = connection.getresponse()
            response = Response(answer.status, answer.headers, answer.read())
        finally:
            connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **headers) -> Response:
        return self.request("GET", path, **headers)

    def post(self, path: str, data: dict[str, str]) -> Response:
        return self.request(
            "POST",
            path,
            body=urlencode(data).encode(),
            Content_Type="application/x-www-form-urlencoded",
            Origin=f"https://{self.host}",
            Referer=f"https://{self.host}{path}",
        )


@dataclass
class Served:
    port: int
    host: str
    tmp: Path
    environment: dict[str, str]
    stdout: Path
    stderr: Path

    def visitor(self) -> Visitor:
        return Visitor(self.port, self.host)

    def access_lines(self, containing: str, *, timeout: float = 10) -> list[str]:
        """Access-log lines with `containing`; gunicorn writes each just after responding."""
        deadline = time.monotonic() + timeout
        while True:
            lines = [line for line in self.stdout.read_text().splitlines() if containing in line]
            if lines or time.monotonic() > deadline:
                return lines
            time.sleep(0.05)


def wait_until_alive(process: subprocess.Popen, port: int, stderr: Path) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"make serve exited with {process.returncode}:\n{stderr.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"make serve did not listen within 120 s:\n{stderr.read_text()}")


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Served:
    tmp = tmp_path_factory.mktemp("serve")
    port = free_port()
    environment = {
        **production_environment(tmp),
        "PORT": str(port),
        # One process is enough to test; the defaults are for a school's two cores.
        "WEB_WORKERS": "1",
        "WEB_THREADS": "4",
    }
    stdout, stderr = tmp / "stdout.log", tmp / "stderr.log"
    # The checkout is installed already; --old-file keeps make from reinstalling if
    # pyproject.toml is newer than the last install, which is `make venv`'s job, not this test's.
    command = ["make", "--no-print-directory", "--old-file=.venv/.installed", "serve"]
    with stdout.open("wb") as out, stderr.open("wb") as err:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=out, stderr=err, start_new_session=True
        )
    try:
        wait_until_alive(process, port, stderr)
        host = environment["ALLOWED_HOSTS"].split(",")[0]
        yield Served(port, host, tmp, environment, stdout, stderr)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(scope="module")
def admin_id(served) -> int:
    """A superuser made as the README's step 5 does, without the questions."""
    subprocess.run(
        [sys.executable, "manage.py", "createsuperuser", "--no-input", "--username", ADMIN]
        + ["--email", "head@school.example"],
        cwd=ROOT,
        env={**served.environment, "DJANGO_SUPERUSER_PASSWORD": PASSWORD},
        check=True,
        capture_output=True,
        timeout=60,
    )
    with sqlite3.connect(served.tmp / "data" / "coexist.sqlite3") as database:
        [(pk,)] = database.execute("SELECT id FROM coexist_user WHERE username = ?", [ADMIN])
    return pk


@pytest.fixture(scope="module")
def signed_in(served, admin_id) -> Visitor:
    visitor = served.visitor()
    login = visitor.get("/accounts/login/")
    # The login form's token (the footer's language switcher carries another).
    token = re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text)[0]
    response = visitor.post(
        "/accounts/login/",
        {"username": ADMIN, "password": PASSWORD, "csrfmiddlewaretoken": token},
    )
    assert response.status == 302, response.text
    return visitor


def test_make_serve_checks_then_migrates_then_collects_then_serves(served):
    out = served.stdout.read_text()

    checked = out.index("System check identified no issues")
    migrated = out.index("Applying coexist.0001_initial")
    collected = out.index("static files copied")
    assert checked < migrated < collected
    assert f"Listening at: http://127.0.0.1:{served.port}" in served.stderr.read_text()


def test_the_health_check_answers_200_with_every_migration_applied(served):
    response = served.visitor().get("/-/health/")

    assert response.status == 200
    assert json.loads(response.body)["status"] == "ok"


def test_fingerprinted_static_files_are_compressed_and_cached_for_ten_years(served):
    page = served.visitor().get("/accounts/login/")
    [url] = re.findall(r'href="(/static/css/coexist\.[0-9a-f]{12}\.css)"', page.text)
    original = (served.tmp / "static" / url.removeprefix("/static/")).read_bytes()

    as_brotli = served.visitor().get(url, Accept_Encoding="gzip, deflate, br")
    as_gzip = served.visitor().get(url, Accept_Encoding="gzip")

    assert as_brotli.status == as_gzip.status == 200
    for response in (as_brotli, as_gzip):
        assert "max-age=315360000" in response.headers["Cache-Control"]
        assert "immutable" in response.headers["Cache-Control"]
        assert "Accept-Encoding" in response.headers["Vary"]
    assert as_brotli.headers["Content-Encoding"] == "br"
    assert brotli.decompress(as_brotli.body) == original
    assert as_gzip.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(as_gzip.body) == original


def test_a_static_file_by_its_plain_name_is_not_cached_for_long(served):
    response = served.visitor().get("/static/css/coexist.css")

    assert response.status == 200
    assert "immutable" not in response.headers["Cache-Control"]


def test_the_access_log_has_one_line_per_request_with_the_user_id_and_no_query(
    served, admin_id, signed_in
):
    assert signed_in.get("/admin/?q=words+a+teacher+typed").status == 200

    [line] = served.access_lines("GET /admin/ ")
    assert re.search(rf"\] GET /admin/ 200 \d+ms user={admin_id}$", line), line
    [line] = served.access_lines("POST /accounts/login/ ")
    assert re.search(rf"\] POST /accounts/login/ 302 \d+ms user={admin_id}$", line), line
    log = served.stdout.read_text()
    assert "words" not in log and "typed" not in log
    assert ADMIN not in log


def test_an_error_is_one_access_line_and_a_traceback_on_stderr(served, signed_in):
    with sqlite3.connect(served.tmp / "data" / "coexist.sqlite3") as database:
        database.execute("ALTER TABLE sources_source RENAME TO sources_source_away")
    try:
        response = signed_in.get("/sources/")
    finally:
        with sqlite3.connect(served.tmp / "data" / "coexist.sqlite3") as database:
            database.execute("ALTER TABLE sources_source_away RENAME TO sources_source")

    assert response.status == 500
    [line] = served.access_lines("GET /sources/ ")
    assert re.search(r" 500 \d+ms user=\d+$", line), line
    errors = served.stderr.read_text()
    assert "[ERROR] django.request: Internal Server Error: /sources/" in errors
    assert "Traceback (most recent call last)" in errors
    assert "no such table: sources_source" in errors


def test_the_access_log_shows_an_anonymous_visitor_as_a_dash(served):
    served.visitor().get("/-/alive/?probe=1")

    lines = served.access_lines("GET /-/alive/ ")
    assert lines and all(re.search(r" 200 \d+ms user=-$", line) for line in lines), lines


def test_the_access_log_never_keeps_a_class_join_code(served):
    served.visitor().get("/join/QWERTY23/")

    assert served.access_lines("GET /join/<str:code>/ ")
    assert "QWERTY23" not in served.stdout.read_text()


# --- Refusals: no server -----------------------------------------------------------------


def serve_directly(environment: dict[str, str]) -> subprocess.CompletedProcess:
    """scripts/serve as the container and the systemd unit run it."""
    return subprocess.run(
        [sys.executable, "scripts/serve"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"DEBUG": "true"}, "DEBUG is on (set in the environment)"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set when DEBUG is off"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set when DEBUG is off"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be at least 32 characters"),
        ({"WEB_WORKERS": "lots"}, "WEB_WORKERS must be a whole number"),
    ],
)
def test_serve_refuses_to_start_naming_the_variable_before_touching_anything(
    tmp_path, change, message
):
    result = serve_directly({**production_environment(tmp_path), **change})

    assert result.returncode == os.EX_CONFIG
    assert result.stderr.startswith(f"Coexist will not start: {message}"), result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "static").exists()


def test_serve_says_when_debug_came_from_the_env_file(tmp_path):
    env_file = tmp_path / "coexist.env"
    env_file.write_text("DEBUG=on\n")
    environment = production_environment(tmp_path)
    del environment["DEBUG"]

    result = serve_directly({**environment, "ENV_FILE": str(env_file)})

    assert result.returncode == os.EX_CONFIG
    assert f"DEBUG is on (set in {env_file})" in result.stderr


def test_make_serve_passes_the_refusal_on(tmp_path):
    result = subprocess.run(
        ["make", "--no-print-directory", "--old-file=.venv/.installed", "serve"],
        cwd=ROOT,
        env={**production_environment(tmp_path), "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert "Coexist will not start: DEBUG is on" in result.stderr
