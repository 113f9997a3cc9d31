"""Browser tests run against a live server, so they use real transactions.

Django flushes the database after each transactional test; tests/conftest.py puts back
what the data migrations made before every test that uses the database.
"""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from playwright.sync_api import Page

from lessons.models import Assignment
from tests.browser.helpers import REVISION


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
def revision(transactional_db) -> Assignment:
    """The demo loaded, and its revision lesson's assignment to the demo class."""
    call_command("load_demo", "--force", stdout=io.StringIO())
    return Assignment.objects.get(lesson__slug=REVISION)
