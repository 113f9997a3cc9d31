"""The people every test can call on, and the browser set-up.

Named people (STYLE.md): a teacher, another teacher, a student, a student elsewhere,
and an anonymous visitor (the plain `client`). `classroom` is the teacher's class with
the student in it; `other_classroom` is the other teacher's, with the other student.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core import serializers
from django.db import connection
from django.test.utils import override_settings
from django.utils import translation

from coexist.teacher_permissions import ensure_teachers_group
from lessons.models import (
    AnswerFormat,
    AnswerSection,
    Criterion,
    Framework,
    MarkBand,
    MarkingScheme,
    Prompt,
)
from tests.factories import make_student, make_teacher

# Playwright's sync API runs an event loop in the test thread; Django's ORM is still
# used synchronously from that thread, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
# A developer's .env is for their `make run`: the servers and commands tests start skip it.
os.environ["ENV_FILE"] = os.devnull

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_report_header(config) -> str:
    return f"database: {connection.vendor} ({connection.settings_dict['ENGINE']})"


# Modules whose outcome cannot depend on the database engine: escaping, headers and the
# policy a browser enforces, settings and start-up checks, citation and date formatting.
# `make test` runs them on SQLite only (`-m "not engine_independent"` on PostgreSQL), which
# keeps the two passes within the 10-minute budget; run them on PostgreSQL by naming them.
ENGINE_INDEPENDENT = {
    # Which words are marked and translated: the same whatever stores the world's content.
    "tests/coexist/test_catalogues.py",
    "tests/coexist/test_every_string_marked.py",
    "tests/coexist/test_xss_corpus.py",
    "tests/coexist/test_backup_cron.py",  # its own SQLite in a subprocess
    "tests/coexist/test_headers.py",
    "tests/coexist/test_deploy_check.py",
    "tests/coexist/test_env.py",
    "tests/coexist/test_envfile.py",
    "tests/coexist/test_containers.py",
    "tests/coexist/test_serve.py",
    "tests/coexist/test_gunicorn_conf.py",
    "tests/coexist/test_staticfiles.py",
    # Markup built by template tags: the same whatever stores the rows it is built from.
    "tests/lessons/test_assignment_source_list.py",
    "tests/lessons/test_analysis_form_markup.py",
    "tests/lessons/test_dashboard_rows_markup.py",
    # Starts its own PostgreSQL (and S3) for two app servers, whichever engine the suite uses.
    "tests/coexist/test_scale_out.py",
    "tests/coexist/test_bench.py",  # its own SQLite and server in subprocesses
    "tests/sources/test_citations.py",
    "tests/sources/test_citations_18th.py",
    "tests/sources/test_dates.py",
    "tests/browser/test_csp.py",
    "tests/browser/test_xss.py",
    "tests/lessons/test_citing.py",  # no database
    "tests/coexist/test_compression.py",  # gzip of what a view returned
    # What is kept between loads, under keys of the rows' content; each page's queries
    # are held on both engines by its own tests.
    "tests/lessons/test_dashboard_heat.py",
    "tests/lessons/test_source_page_parts.py",
    "tests/coexist/test_sessions.py",  # sessions load on every request of both passes
    # Browser tests check what a person sees and does; every view they pass through is
    # held on both engines by the view tests. They run on SQLite only, except those whose
    # subject is the database keeping work: saves, conflicts, autosave errors, a student's
    # whole flow (test_no_lost_work, test_autosave_errors, test_student_work).
    "tests/browser/test_footnoted_answer.py",
    "tests/browser/test_lesson_preview.py",
    "tests/browser/test_predict_reveal.py",
    "tests/browser/test_curriculum_changes.py",
    "tests/browser/test_image_regions.py",
    "tests/browser/test_teacher_review.py",
    "tests/browser/test_curate_sources.py",
    "tests/browser/test_login.py",
    "tests/browser/test_join_class.py",
    "tests/browser/test_privacy.py",
    "tests/browser/test_text_limits.py",
    "tests/browser/test_admin_accessible.py",
    "tests/browser/test_admin_accessible_lessons.py",
    "tests/browser/test_admin_pack_import.py",
    "tests/browser/test_lesson_admin_sources.py",
    "tests/browser/test_lesson_in_a_dozen_actions.py",
}
ROOT = Path(__file__).resolve().parent.parent


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the transactional tests (the browser tests) after all the others, as Django does.

    Each ends by emptying the database, taking what the migrations made with it (the
    shipped frameworks, the Teachers group), which every other test relies on finding.
    pytest-django sorts them last, but pytest then regroups the tests pytest-playwright
    parametrizes by browser (any test with a `page` argument), which can bring other
    tests after them; so sort again, last. tests/browser/conftest.py has each
    transactional test put back what the migrations made.

    Within each part, the files that take longest start first (LONGEST_FIRST), so that
    neither worker is left running one of them alone at the end.
    """

    items.sort(key=lambda item: (_transactional(item), _not_long(item)))


# The slowest files, slowest first (seconds on the development machine): started first,
# they run while the other worker takes the many short files.
LONGEST_FIRST = (
    "tests/coexist/test_xss_corpus.py",  # 60
    "tests/coexist/test_bench.py",  # 34
    "tests/coexist/test_backup.py",  # 30
    "tests/coexist/test_authorisation_matrix.py",  # 25 (50 on PostgreSQL)
    "tests/coexist/test_scale_out.py",  # 25
    "tests/coexist/test_serve.py",  # 15
    "tests/browser/test_student_work.py",  # 40
    "tests/browser/test_no_lost_work.py",  # 35
    "tests/browser/test_predict_reveal.py",  # 25
    "tests/browser/test_admin_accessible.py",  # 21
    "tests/browser/test_admin_accessible_lessons.py",  # 17
)


def _not_long(item: pytest.Item) -> int:
    path = item.path.relative_to(ROOT).as_posix()
    return LONGEST_FIRST.index(path) if path in LONGEST_FIRST else len(LONGEST_FIRST)


def _transactional(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marked as collected, before `-m` selects."""
    if item.path.relative_to(ROOT).as_posix() in ENGINE_INDEPENDENT:
        item.add_marker(pytest.mark.engine_independent)


FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _each_test_starts_in_the_default_language():
    """A request leaves its language active in the thread (Django's middleware activates,
    nothing deactivates): after a French page, a test on the same worker that builds a
    form or a message outside a request would find French."""
    yield
    translation.deactivate()


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing_for_worlds():
    """The worlds built once per module (the XSS corpus, the demo's pages) hash their
    accounts' passwords quickly too: Django's own hasher took half a second each."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        yield


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="session")
def migrated_frameworks(django_db_setup, django_db_blocker) -> str:
    """The frameworks and prompts, answer formats and marking schemes the migrations
    made, as JSON, read before any flush."""
    with django_db_blocker.unblock():
        return serializers.serialize(
            "json",
            [
                row
                for model in (
                    Framework,
                    Prompt,
                    AnswerFormat,
                    AnswerSection,
                    MarkingScheme,
                    Criterion,
                    MarkBand,
                )
                for row in model.objects.all()
            ],
        )


@pytest.fixture(autouse=True)
def _data_from_migrations_after_a_flush(request):
    """A test that ran with real transactions empties the database when it ends, taking
    the frameworks and the Teachers group the migrations made. Such tests run last
    (above), but under pytest-xdist a worker can still be handed another module after
    one; then put them back, inside this test's transaction, so it finds what every real
    instance has. Costs one query per database test; browser tests do it themselves."""
    marker = request.node.get_closest_marker("django_db")
    wants_db = "db" in request.fixturenames or marker is not None
    if not wants_db or _transactional(request.node):
        return
    migrated = request.getfixturevalue("migrated_frameworks")
    request.getfixturevalue("db")
    if not Framework.objects.exists():
        put_back_what_migrations_made(migrated)


def put_back_what_migrations_made(migrated: str) -> None:
    """The frameworks, formats and schemes (`migrated_frameworks`) and the Teachers group,
    saved again after a flush took them."""
    for row in serializers.deserialize("json", migrated):
        row.save()
    ensure_teachers_group()


@pytest.fixture(autouse=True)
def _media_of_its_own(settings, tmp_path_factory):
    """Every test stores uploads (and the demo's cartoon) in a folder of its own, never in
    the checkout's ./data/media; a test that needs to look at them sets its own."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def teacher(db):
    return make_teacher("ms_okafor", first_name="Ada", last_name="Okafor", display_name="Ms Okafor")


@pytest.fixture
def other_teacher(db):
    return make_teacher("mr_rossi", display_name="Mr Rossi")


@pytest.fixture
def student(db):
    return make_student("sam", first_name="Sam")


@pytest.fixture
def other_student(db):
    return make_student("riley", first_name="Riley")


@pytest.fixture
def classroom(teacher, student):
    from tests.lessons.factories import make_classroom

    return make_classroom(name="10H History", teachers=[teacher], students=[student])


@pytest.fixture
def other_classroom(other_teacher, other_student):
    from tests.lessons.factories import make_classroom

    return make_classroom(name="11R History", teachers=[other_teacher], students=[other_student])


@pytest.fixture
def teacher_client(client, teacher):
    client.force_login(teacher)
    return client


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def chromium_executable() -> str:
    path = os.environ.get("COEXIST_CHROMIUM") or shutil.which("chromium")
    path = path or shutil.which("chromium-browser")
    if not path:
        pytest.fail("Chromium is not installed; `make test` installs Debian's package.")
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": chromium_executable(),
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    path = ARTIFACTS / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path
