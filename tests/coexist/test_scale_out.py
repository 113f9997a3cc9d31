"""Two app servers, one PostgreSQL, one S3 bucket: what a school group runs behind a load
balancer, for real.

The module starts a throwaway PostgreSQL (scripts/throwaway-postgres), an S3 server
(moto's, in this process), migrates and loads the demo, and starts two gunicorn servers
with DEBUG off that share both. A browser whose requests the load balancer sends to
either server is two HTTP sessions sharing one cookie jar: whatever one server set up
(a session, a saved analysis, an uploaded image, a lockout, a message) the other must
see, so nothing may live in one process's memory or on one machine's disk.

Everything runs on 127.0.0.1 and is stopped in a `finally`. `make test` runs the module
once, in its SQLite pass (tests/conftest.py, ENGINE_INDEPENDENT): it brings its own
PostgreSQL whichever database the rest of the suite uses.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import boto3
import pytest
import requests
from moto.server import ThreadedMotoServer
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "coexist-media"
PASSWORD = "coexist-demo"
STUDENT = "student6"  # has no demo work yet
LOCKED_OUT = "student5"
FAILURE_LIMIT = 3


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def inherited_environment() -> dict[str, str]:
    """This process's environment less anything that configures Coexist (or boto3)."""
    documented = set(re.findall(r"^([A-Z_0-9]+)=", (ROOT / ".env.example").read_text(), re.M))
    return {
        name: value
        for name, value in os.environ.items()
        if name not in documented and not name.startswith(("DJANGO_", "AWS_"))
    }


@dataclass
class Cluster:
    servers: list[str]
    s3: object  # a boto3 client for the bucket, to see what the servers stored
    log_dir: Path

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.log_dir.glob("*.log"))
        )


class _Started:
    """The processes and servers started so far, stopped in reverse order."""

    def __init__(self) -> None:
        self.stops: list = []

    def stop_all(self) -> None:
        for stop in reversed(self.stops):
            try:
                stop()
            except Exception as error:  # stop the rest whatever one did
                print(f"while stopping: {error!r}", file=sys.stderr)


def _start_postgres(started: _Started, log_dir: Path) -> str:
    """A throwaway PostgreSQL that lives until its script's standard input is closed."""
    process = subprocess.Popen(
        [
            str(ROOT / "scripts" / "throwaway-postgres"),
            "sh",
            "-c",
            'echo "DATABASE_URL=$DATABASE_URL"; exec cat >/dev/null',
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=_log(log_dir, "postgres"),
        text=True,
        cwd=ROOT,
    )

    def stop() -> None:
        process.stdin.close()  # `cat` ends, and the script stops PostgreSQL and deletes it
        _stop(process, timeout=30)
        process.stdout.close()

    started.stops.append(stop)
    for line in process.stdout:
        if line.startswith("DATABASE_URL="):
            return line.strip().removeprefix("DATABASE_URL=")
    raise RuntimeError("PostgreSQL did not start:\n" + (log_dir / "postgres.log").read_text())


def _start_s3(started: _Started) -> tuple[str, object]:
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    started.stops.append(server.stop)
    endpoint = f"http://127.0.0.1:{port}"
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    s3.create_bucket(Bucket=BUCKET)
    return endpoint, s3


def _environment(database_url: str, s3_endpoint: str, work: Path) -> dict[str, str]:
    """Production settings, from the environment only, as each server of a school's gets them."""
    return {
        **inherited_environment(),
        "DJANGO_SETTINGS_MODULE": "coexist.settings",
        "ENV_FILE": os.devnull,  # a developer's .env is not the school's configuration
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "false",  # plain HTTP on 127.0.0.1
        "DATABASE_URL": database_url,
        "DATA_DIR": str(work / "data"),
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_STORAGE": "s3",
        "AWS_STORAGE_BUCKET_NAME": BUCKET,
        "AWS_S3_ENDPOINT_URL": s3_endpoint,
        "AWS_S3_REGION_NAME": "us-east-1",
        "AWS_S3_ADDRESSING_STYLE": "path",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "LOGIN_FAILURE_LIMIT": str(FAILURE_LIMIT),
        "LOG_LEVEL": "WARNING",
    }


def _log(log_dir: Path, name: str) -> int:
    """A log file for a child process; the child keeps it open, this process need not."""
    return os.open(log_dir / f"{name}.log", os.O_WRONLY | os.O_CREAT | os.O_TRUNC)


def _stop(process: subprocess.Popen, *, timeout: float) -> None:
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _manage(started: _Started, env: dict[str, str], log_dir: Path, *args: str):
    log = _log(log_dir, f"manage-{args[0]}")
    try:
        process = subprocess.Popen(
            [sys.executable, "manage.py", *args], env=env, cwd=ROOT, stdout=log, stderr=log
        )
    finally:
        os.close(log)
    started.stops.append(lambda: _stop(process, timeout=0))
    return process


def _finish(process: subprocess.Popen, what: str, cluster_logs) -> None:
    if process.wait(timeout=120) != 0:
        raise RuntimeError(f"{what} failed:\n{cluster_logs()}")


def _start_app_server(started: _Started, env: dict[str, str], log_dir: Path, n: int) -> str:
    """gunicorn with the production configuration (gunicorn.conf.py), one process each."""
    port = free_port()
    log = _log(log_dir, f"server{n}")
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")],
            env={**env, "BIND": f"127.0.0.1:{port}", "WEB_WORKERS": "1", "WEB_THREADS": "2"},
            cwd=ROOT,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group, so stop() reaches the workers too
        )
    finally:
        os.close(log)

    def stop() -> None:
        process.send_signal(signal.SIGINT)  # gunicorn's quick shutdown: no keep-alive wait
        try:
            _stop(process, timeout=10)
        finally:
            # A worker can outlive its master: gunicorn's threaded worker, told to quit
            # while it is handing a request to its threads, can deadlock in its own
            # shutdown, orphaned and holding its threads.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    started.stops.append(stop)
    return f"http://127.0.0.1:{port}"


def _wait_until_alive(url: str, deadline: float, logs) -> None:
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/-/alive/", timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer:\n{logs()}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    started = _Started()
    began = time.monotonic()
    timings: dict[str, float] = {}
    moto_log = logging.getLogger("werkzeug")  # moto's server logs every request at INFO
    level = moto_log.level
    moto_log.setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="coexist-scale-out-") as tmp:
        work = Path(tmp)
        log_dir = work / "logs"
        log_dir.mkdir()
        try:
            database_url = _start_postgres(started, log_dir)
            s3_endpoint, s3 = _start_s3(started)
            cluster = Cluster(servers=[], s3=s3, log_dir=log_dir)
            env = _environment(database_url, s3_endpoint, work)
            timings["PostgreSQL and S3 up"] = time.monotonic() - began
            static = _manage(started, env, log_dir, "collectstatic", "--no-input")
            migrate = _manage(started, env, log_dir, "migrate", "--no-input")
            _finish(migrate, "migrate", cluster.logs)
            _finish(static, "collectstatic", cluster.logs)
            timings["migrated"] = time.monotonic() - began
            # The servers start while the demo loads; they are asked nothing until it has.
            demo = _manage(started, env, log_dir, "load_demo", "--force")
            cluster.servers = [_start_app_server(started, env, log_dir, n) for n in (1, 2)]
            _finish(demo, "load_demo", cluster.logs)
            for url in cluster.servers:
                _wait_until_alive(url, time.monotonic() + 30, cluster.logs)
            timings["both servers answering"] = time.monotonic() - began
            yield cluster
        finally:
            started.stop_all()
            moto_log.setLevel(level)
            timings["stopped"] = time.monotonic() - began
            print(
                "\nscale-out cluster, seconds: "
                + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
            )


# --- A browser, as the test sees it -------------------------------------------------------


class FormReader(HTMLParser):
    """The fields a browser would send for the first form whose action or id matches."""

    def __init__(self, match: str) -> None:
        super().__init__(convert_charrefs=True)
        self.match = match
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._options: list[tuple[str, bool]] = []
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and not self.done and not self.inside:
            self.inside = self.match in (attrs.get("action") or "") or self.match == attrs.get("id")
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"submit", "button", "file", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._options, self._multiple = name, [], "multiple" in attrs
        elif tag == "option" and self._select is not None:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "select" and self._select is not None:
            chosen = [value for value, selected in self._options if selected]
            if not chosen and self._options and not self._multiple:
                chosen = [self._options[0][0]]  # what a browser sends for a plain <select>
            self.fields.extend((self._select, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self.inside, self.done = False, True


def form_fields(html: str, match: str) -> dict[str, str | list[str]]:
    reader = FormReader(match)
    reader.feed(html)
    assert reader.done, f"no form matching {match!r}"
    fields: dict[str, str | list[str]] = {}
    for name, value in reader.fields:
        if name in fields:
            previous = fields[name]
            fields[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            fields[name] = value
    return fields


@dataclass
class Browser:
    """One browser behind the load balancer: one cookie jar, a session per server."""

    servers: list[str]
    sessions: list[requests.Session]

    @classmethod
    def open(cls, servers: list[str]) -> Browser:
        first = requests.Session()
        second = requests.Session()
        second.cookies = first.cookies
        return cls(servers, [first, second])

    def get(self, server: int, path: str, **kwargs) -> requests.Response:
        return self.sessions[server].get(self.servers[server] + path, timeout=10, **kwargs)

    def post(self, server: int, path: str, data, **kwargs) -> requests.Response:
        token = self.sessions[server].cookies.get("csrftoken")
        headers = {"X-CSRFToken": token, **kwargs.pop("headers", {})}
        return self.sessions[server].post(
            self.servers[server] + path,
            data=data,
            headers=headers,
            allow_redirects=False,
            timeout=10,
            **kwargs,
        )

    def log_in(self, server: int, username: str, password: str = PASSWORD) -> requests.Response:
        form = form_fields(self.get(server, "/accounts/login/").text, "/accounts/login/")
        return self.post(
            server, "/accounts/login/", {**form, "username": username, "password": password}
        )


def links(html: str, pattern: str) -> list[str]:
    return list(dict.fromkeys(re.findall(rf'href="({pattern})"', html)))


def found(pattern: str, html: str) -> str:
    match = re.search(pattern, html, re.S)
    assert match, f"{pattern!r} not in the page"
    return match.group(1)


def jpeg_from_a_camera() -> bytes:
    """A photo as a phone sends it: the camera's name in EXIF, and "turn me upright"."""
    exif = Image.Exif()
    exif[0x010F] = "Coexist Test Camera"  # Make
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to show
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(buffer, "JPEG", exif=exif, quality=95)
    return buffer.getvalue()


SOURCE_PAGE = "/assignments/{pk}/sources/{label}/"
TEXT = "A speech abroad, made in public to win over a British audience."


# --- Configuration ------------------------------------------------------------------------


def start_up(env: dict[str, str], code: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh interpreter, configured only by `env`."""
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env={
            **inherited_environment(),
            "DJANGO_SETTINGS_MODULE": "coexist.settings",
            "ENV_FILE": os.devnull,
            "DEBUG": "true",
            **env,
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_s3_media_without_a_bucket_stops_start_up_naming_the_variable():
    result = start_up({"MEDIA_STORAGE": "s3"}, "print('started')")
    assert result.returncode != 0
    assert "AWS_STORAGE_BUCKET_NAME must be set when MEDIA_STORAGE is s3" in result.stderr


def test_a_bucket_alone_selects_s3_and_pages_still_link_images_to_coexist():
    result = start_up(
        {"AWS_STORAGE_BUCKET_NAME": BUCKET, "AWS_S3_REGION_NAME": "eu-west-2"},
        "from django.core.files.storage import default_storage as s; "
        "print(s.__class__.__name__, s.bucket_name, s.default_acl, s.url('sources/a b.png'))",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["PrivateS3Storage", BUCKET, "None", "/media/sources/a%20b.png"]


# --- The shared state, made once for the module -------------------------------------------


@pytest.fixture(scope="module")
def student(cluster) -> Browser:
    """Logs in on the first server; the load balancer sends later requests anywhere."""
    browser = Browser.open(cluster.servers)
    response = browser.log_in(0, STUDENT)
    assert response.status_code == 302, response.text
    return browser


@pytest.fixture(scope="module")
def teacher(cluster) -> Browser:
    browser = Browser.open(cluster.servers)
    assert browser.log_in(0, "teacher").status_code == 302
    return browser


@pytest.fixture(scope="module")
def assignment(student) -> int:
    """The revision lesson the demo class was set, as the student's home page lists it."""
    return int(found(r'href="/assignments/(\d+)/"', student.get(1, "/").text))


@pytest.fixture(scope="module")
def autosaved(student, assignment) -> dict:
    """Source A's analysis, autosaved on the second server as the page's script does."""
    page = SOURCE_PAGE.format(pk=assignment, label="A")
    fields = form_fields(student.get(1, page).text, "analysis-form")
    assert fields["version"] == "0"
    prompts = [name for name in fields if name.startswith("response_")]
    typed = {name: f"{TEXT} ({name.removeprefix('response_')})" for name in prompts}
    data = {**fields, **typed, "rating": "3", "rating_reason": "Public, so guarded.", "done": "on"}
    response = student.post(1, page, data, headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["status"] == "saved", answer
    assert answer["version"] == 1
    return {"page": page, "typed": typed, "fields": data}


@pytest.fixture(scope="module")
def uploaded(cluster, teacher, assignment) -> dict:
    """The teacher finds the cartoon (source D) in the admin and gives it a scan, on server 1."""
    changelist = teacher.get(0, "/admin/sources/source/?q=snowman").text
    change = found(r'href="(/admin/sources/source/\d+/change/)[^"]*"', changelist)
    fields = form_fields(teacher.get(0, change).text, "source_form")
    sent = jpeg_from_a_camera()
    fields["image_alt"] = "Khrushchev, smiling, pushes over a snowman labelled Cold War"
    response = teacher.post(0, change, fields, files={"image": ("scan.jpg", sent, "image/jpeg")})
    assert response.status_code == 302, found(r'(<ul class="errorlist.*?</ul>)', response.text)
    return {"sent": sent, "change": change, "page": SOURCE_PAGE.format(pk=assignment, label="D")}


# --- The tests ------------------------------------------------------------------------------


def test_both_servers_are_healthy_on_the_shared_database_and_bucket(cluster):
    for server in cluster.servers:
        response = requests.get(f"{server}/-/health/", timeout=10)
        assert response.status_code == 200, response.text
        assert response.json()["checks"] == {"database": "ok", "migrations": "ok", "media": "ok"}
        assert response.json()["pending_migrations"] == 0


def test_a_student_who_logged_in_on_one_server_is_signed_in_on_the_other(student):
    page = student.get(1, "/")
    assert page.status_code == 200
    assert "Signed in as <strong>Finn</strong>" in page.text
    assert links(page.text, r"/assignments/\d+/"), "the demo class's lessons are listed"


def test_an_analysis_autosaved_on_one_server_is_read_back_on_the_other(student, autosaved):
    fields = form_fields(student.get(0, autosaved["page"]).text, "analysis-form")
    assert fields["version"] == "1"
    for name, typed in autosaved["typed"].items():
        assert fields[name] == typed
    assert fields["rating"] == "3"


def test_a_stale_save_on_one_server_is_refused_after_a_save_on_the_other(student, autosaved):
    stale = {**autosaved["fields"], "version": "0", "rating_reason": "From an old tab."}
    response = student.post(0, autosaved["page"], stale, headers={"Accept": "application/json"})
    assert response.status_code == 409
    assert response.json()["status"] == "conflict"


def test_a_message_set_by_one_server_is_shown_once_by_the_other(student, autosaved):
    fields = form_fields(student.get(1, autosaved["page"]).text, "analysis-form")
    response = student.post(0, autosaved["page"], fields)
    assert response.status_code == 302
    shown = student.get(1, response.headers["Location"]).text
    assert "Your analysis is saved." in shown
    assert "Your analysis is saved." not in student.get(0, autosaved["page"]).text


def test_an_image_uploaded_on_one_server_is_served_re_encoded_by_both(cluster, student, uploaded):
    page = student.get(1, uploaded["page"]).text
    address = found(r'<img src="(/media/sources/[^"]+\.jpg)"', page)
    stored = cluster.s3.get_object(Bucket=BUCKET, Key=address.removeprefix("/media/"))
    in_bucket = stored["Body"].read()
    for server in (1, 0):
        response = student.get(server, address)
        assert response.status_code == 200
        assert response.headers["Content-Type"] == "image/jpeg"
        assert response.content == in_bucket
    assert in_bucket != uploaded["sent"]
    image = Image.open(io.BytesIO(in_bucket))
    assert (image.format, image.size) == ("JPEG", (80, 120))  # turned upright
    assert not image.getexif()  # no camera, no orientation


def test_an_uploaded_image_is_not_shown_to_someone_signed_out(cluster, uploaded, student):
    address = found(r'<img src="(/media/sources/[^"]+)"', student.get(1, uploaded["page"]).text)
    response = requests.get(cluster.servers[1] + address, allow_redirects=False, timeout=10)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/accounts/login/")


def test_a_lockout_made_on_one_server_holds_on_the_other(cluster):
    browser = Browser.open(cluster.servers)
    tries = [browser.log_in(0, LOCKED_OUT, "not-the-password") for _ in range(FAILURE_LIMIT)]
    assert [response.status_code for response in tries] == [200] * (FAILURE_LIMIT - 1) + [429]
    refused = browser.log_in(1, LOCKED_OUT)
    assert refused.status_code == 429
    assert "sessionid" not in browser.sessions[1].cookies
    assert browser.log_in(1, STUDENT).status_code == 302  # the account, not the address


def test_the_teachers_dashboard_on_one_server_shows_work_saved_on_the_other(
    teacher, autosaved, assignment
):
    dashboard = teacher.get(0, f"/teach/assignments/{assignment}/").text
    row = found(r'(<a href="/teach/assignments/\d+/students/\d+/">Finn</a>.*?</tr>)', dashboard)
    assert "stage-not_started" not in row
    assert "<td>1 of " in row
    assert 'class="rating-cell rating-3"' in row
    review = teacher.get(0, found(r'href="(/teach/assignments/\d+/students/\d+/)">Finn<', row))
    for typed in autosaved["typed"].values():
        assert typed in review.text


def test_an_image_replaced_on_the_other_server_leaves_the_bucket_too(
    cluster, teacher, student, uploaded
):
    """Replacing an image deletes the old file through the storage, whichever server did it.

    Kept after the tests that look at the first image: pytest runs a file's tests in order.
    """
    before = found(r'<img src="/media/(sources/[^"]+)"', student.get(1, uploaded["page"]).text)
    fields = form_fields(teacher.get(1, uploaded["change"]).text, "source_form")
    line_art = io.BytesIO()
    Image.new("RGB", (60, 40), (0, 0, 0)).save(line_art, "PNG")
    response = teacher.post(
        1, uploaded["change"], fields, files={"image": ("drawing.png", line_art.getvalue())}
    )
    assert response.status_code == 302
    after = found(r'<img src="/media/(sources/[^"]+)"', student.get(0, uploaded["page"]).text)
    assert after.endswith(".png")
    kept = cluster.s3.list_objects_v2(Bucket=BUCKET, Prefix="sources/").get("Contents", [])
    assert [item["Key"] for item in kept] == [after]
    assert student.get(1, f"/media/{before}").status_code == 404
    assert student.get(0, f"/media/{after}").status_code == 200


def test_an_import_previewed_on_one_server_is_confirmed_on_the_other(cluster, teacher):
    """The admin keeps the uploaded file between preview and confirmation in the bucket."""
    csv = (
        "slug,title,nature,is_primary,authors,date\n"
        'kitchen-debate,The Kitchen Debate,video,1,"Nixon, Richard M.",1959-07-24\n'
    )
    preview = teacher.post(
        0,
        "/admin/sources/source/import/",
        {"resource": "0", "format": "0"},
        files={"import_file": ("sources.csv", csv.encode(), "text/csv")},
    )
    assert preview.status_code == 200
    confirm = form_fields(preview.text, "/admin/sources/source/process_import/")
    pending = f"django-import-export/{confirm['import_file_name']}"
    assert cluster.s3.head_object(Bucket=BUCKET, Key=pending)["ContentLength"] == len(csv)

    done = teacher.post(1, "/admin/sources/source/process_import/", confirm)
    assert done.status_code == 302
    assert "The Kitchen Debate" in teacher.get(0, "/admin/sources/source/?q=kitchen").text
    left = cluster.s3.list_objects_v2(Bucket=BUCKET, Prefix="django-import-export/")
    assert left.get("KeyCount") == 0
