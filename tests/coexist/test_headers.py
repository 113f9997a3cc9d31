"""The headers every response carries: a nonce-based Content-Security-Policy with nothing
inline allowed on Coexist's own pages, a Permissions-Policy that denies powerful features,
and no cached copies of anything a signed-in person was shown."""

from __future__ import annotations

import re
from base64 import b64encode
from collections import Counter
from hashlib import sha256
from html import unescape
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse

from lessons.insight import bars
from tests.lessons.factories import make_class_assignment
from tests.sources.factories import image_bytes

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def policy(response) -> dict[str, list[str]]:
    """The Content-Security-Policy header as directive → values."""
    directives = (part.split() for part in response["Content-Security-Policy"].split(";"))
    return {words[0]: words[1:] for words in directives if words}


def nonce_of(response) -> str:
    (nonce,) = {v[7:-1] for v in policy(response)["script-src"] if v.startswith("'nonce-")}
    return nonce


def csp_hash(snippet: str) -> str:
    return f"'sha256-{b64encode(sha256(snippet.encode()).digest()).decode()}'"


@pytest.fixture
def assignment(teacher, student):
    assignment, _ = make_class_assignment(teacher, students=0, sources=2)
    assignment.classroom.enrolments.create(student=student)
    return assignment


def source_page(assignment) -> str:
    return reverse("lessons:source_work", args=[assignment.pk, "A"])


# --- Content-Security-Policy ---------------------------------------------------------------


def test_each_response_has_a_fresh_nonce_and_every_script_and_stylesheet_carries_it(
    student_client, assignment
):
    first = student_client.get(source_page(assignment))
    second = student_client.get(source_page(assignment))
    assert nonce_of(first) != nonce_of(second)
    for response in (first, second):
        html = response.content.decode()
        tags = re.findall(r"<script\b[^>]*>|<link rel=\"stylesheet\"[^>]*>", html)
        assert len(tags) >= 5  # Bootstrap's CSS and JS, ours, coexist.js and work.js
        assert all(f'nonce="{nonce_of(response)}"' in tag for tag in tags), tags


@pytest.mark.parametrize(
    "page", ["home", "login", "source", "dashboard", "review", "class", "library"]
)
def test_coexists_own_pages_allow_no_inline_script_or_style(
    client, teacher, student, assignment, page
):
    urls = {
        "home": reverse("home"),
        "login": reverse("login"),
        "source": source_page(assignment),
        "dashboard": reverse("lessons:dashboard", args=[assignment.pk]),
        "review": reverse("lessons:review", args=[assignment.pk, student.pk]),
        "class": reverse("lessons:class", args=[assignment.classroom_id]),
        "library": reverse("sources:library"),
    }
    if page == "source":
        client.force_login(student)
    elif page not in {"home", "login"}:
        client.force_login(teacher)
    response = client.get(urls[page])
    assert response.status_code == 200
    directives = policy(response)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"][0] == "'self'"
    assert directives["style-src"][0] == "'self'"
    assert "script-src-attr" not in directives and "style-src-attr" not in directives
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["object-src"] == directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == directives["form-action"] == ["'self'"]


def test_an_admin_page_allows_by_hash_exactly_the_snippets_its_add_ons_write(teacher_client):
    """django-import-export's export page: one onchange handler and two style attributes.
    If an upgrade changes them, this fails before the browser blocks them."""
    response = teacher_client.get("/admin/sources/source/export/")
    assert response.status_code == 200
    html = response.content.decode()
    handlers = {unescape(v) for v in re.findall(r'\son\w+="([^"]*)"', html)}
    styles = {unescape(v) for v in re.findall(r'\sstyle="([^"]*)"', html)}
    assert handlers == {"onSelectToggleChange(event)"}
    assert styles == {"padding: 0;", "font-weight: bold;"}
    directives = policy(response)
    assert directives["script-src-attr"] == [
        "'unsafe-hashes'",
        *(csp_hash(handler) for handler in handlers),
    ]
    assert {csp_hash(style) for style in styles} < set(directives["style-src-attr"])
    # Everything else stays as strict as on Coexist's own pages.
    assert directives["script-src"] == ["'self'", f"'nonce-{nonce_of(response)}'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_the_history_list_style_is_allowed_only_on_admin_pages(teacher_client, assignment):
    snippet = csp_hash("border-top: 0")
    admin = teacher_client.get("/admin/")
    assert snippet in policy(admin)["style-src-attr"]
    app = teacher_client.get(reverse("lessons:dashboard", args=[assignment.pk]))
    assert snippet not in app["Content-Security-Policy"]


def test_no_template_writes_an_inline_script_style_or_event_handler():
    """The policy blocks them, so one written here would silently not work."""
    found = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\sstyle=", r"<style\b", r"<script(?![^>]*\ssrc=)", r"\son[a-z]+="):
            found += [f"{path.relative_to(ROOT)}: {m}" for m in re.findall(pattern, text)]
    assert found == []


def test_no_script_writes_a_style_attribute():
    """Setting element.style is allowed; a style="…" in markup built by a script is not."""
    found = []
    for path in sorted((ROOT / "static" / "js").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        found += [f"{path.name}: {m}" for m in re.findall(r"style=|setAttribute\(\"style\"", text)]
    assert found == []


# --- The bars draw their length from a meter, not a style attribute ---------------------


def test_the_bars_are_meters_whose_values_are_the_share_of_the_largest_count():
    html = render_to_string(
        "lessons/marking/_bars.html",
        {"bars": bars(Counter({1: 4, 2: 1, 3: 3}), {1: "One", 2: "Two", 3: "Three", 4: "Four"})},
    )
    rows = re.findall(
        r'<meter class="bar" min="0" max="100" value="(\d+)" aria-hidden="true"></meter>'
        r'<span class="bar-count">(\d+)</span>',
        html,
    )
    assert rows == [("100", "4"), ("25", "1"), ("75", "3"), ("0", "0")]
    assert "style=" not in html


# --- Permissions-Policy ------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/-/alive/"])
def test_every_response_denies_camera_microphone_and_geolocation(client, url):
    response = client.get(url)
    denied = dict(item.strip().split("=") for item in response["Permissions-Policy"].split(","))
    assert {"camera", "microphone", "geolocation", "payment", "usb"} <= denied.keys()
    assert set(denied.values()) == {"()"}


# --- Cache-Control -----------------------------------------------------------------------


def assert_private(response) -> None:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives, response["Cache-Control"]


def test_a_students_page_is_not_kept_by_any_cache(student_client, assignment):
    response = student_client.get(source_page(assignment))
    assert response.status_code == 200
    assert_private(response)


def test_an_autosaved_answer_in_json_is_not_kept_by_any_cache(student_client, assignment):
    response = student_client.post(
        source_page(assignment),
        {"version": 0, "rating_reason": "A speech"},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "saved"
    assert_private(response)


def test_a_csv_of_marks_is_not_kept_by_any_cache(teacher_client, assignment):
    response = teacher_client.get(reverse("lessons:marks_csv", args=[assignment.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert_private(response)


def test_an_uploaded_image_is_not_kept_by_any_cache(student_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "sources").mkdir()
    (tmp_path / "sources" / "cartoon.png").write_bytes(image_bytes("PNG"))
    response = student_client.get("/media/sources/cartoon.png")
    assert response.status_code == 200
    assert_private(response)


def test_the_response_that_signs_someone_in_is_not_kept_by_any_cache(client, student):
    student.set_password("a-long-password")
    student.save()
    response = client.post(
        reverse("login"), {"username": student.username, "password": "a-long-password"}
    )
    assert response.status_code == 302
    assert settings.SESSION_COOKIE_NAME in response.cookies
    assert_private(response)


def test_a_cache_control_the_view_chose_is_kept(teacher_client):
    """The admin marks its pages never_cache, which is already private."""
    response = teacher_client.get("/admin/")
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_the_anonymous_home_page_needs_no_cache_control(client):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert not response.has_header("Cache-Control")


def test_static_files_from_whitenoise_keep_their_public_cache(student_client, settings, tmp_path):
    """Production puts WhiteNoise right after SecurityMiddleware: it answers before the
    private-cache rule runs, even for a signed-in student."""
    settings.STATIC_ROOT = tmp_path
    at = settings.MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1
    settings.MIDDLEWARE = [
        *settings.MIDDLEWARE[:at],
        "whitenoise.middleware.WhiteNoiseMiddleware",
        *settings.MIDDLEWARE[at:],
    ]
    settings.WHITENOISE_USE_FINDERS = True
    response = student_client.get("/static/css/coexist.css")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]


# --- HTTPS -------------------------------------------------------------------------------


def test_the_ssl_redirect_spares_the_health_checks(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/accounts/login/").status_code == 301
    assert client.get("/-/alive/").status_code == 200
