"""Browser tests run against a live server, so they use real transactions.

Django empties the database after each of them, taking what the data migrations made
(the shipped frameworks, the Teachers group and its permissions), which every real
instance has; `_data_from_migrations` puts it back before each. tests/conftest.py runs
them after all other tests, so those always find it where the migrations left it.

(Not `serialized_rollback`: Django keeps its copy on the connection the test database
was made with, and once Playwright's event loop runs, Django hands the test another.)
"""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page

from lessons.models import Assignment
from tests.browser.helpers import REVISION
from tests.conftest import put_back_what_migrations_made


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db, migrated_frameworks) -> None:
    """Put back the frameworks and the Teachers group the last test's flush took."""
    put_back_what_migrations_made(migrated_frameworks)


@pytest.fixture
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now and fail with its report on any violation."""

    def check(page: Page) -> None:
        # Judge the page at rest: no button caught half-way through a hover transition.
        page.emulate_media(reduced_motion="reduce")
        page.mouse.move(0, 0)
        results = axe.run(page)
        assert results.violations_count == 0, results.generate_report()

    return check


@pytest.fixture
def log_in(live_server):
    def do(page: Page, username: str, password: str) -> None:
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()

    return do


@pytest.fixture
def demo(transactional_db, settings, tmp_path) -> None:
    """The demo loaded: its teacher, student1 to student6, the class, both lessons and
    the library, with the library's images in a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path
    call_command("load_demo", "--force", stdout=io.StringIO())


@pytest.fixture
def revision(demo) -> Assignment:
    """The demo's revision lesson, as set for the demo class."""
    return Assignment.objects.get(lesson__slug=REVISION)
