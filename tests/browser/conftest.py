"""Browser tests run against a live server, so they use real transactions.

Django flushes the database after each transactional test, which also wipes what the
data migrations created on every real instance (the shipped frameworks, the Teachers
group and its permissions); `_data_from_migrations` puts it back before each test.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.apps import apps as django_apps
from django.db import connection
from playwright.sync_api import Page

from coexist.teacher_permissions import ensure_teachers_group


@pytest.fixture(autouse=True)
def _data_from_migrations(transactional_db):
    frameworks = importlib.import_module("lessons.migrations.0002_frameworks")
    frameworks.load_frameworks(django_apps, SimpleNamespace(connection=connection))
    ensure_teachers_group()


@pytest.fixture
def axe():
    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Run axe-core on the page as it is now and fail with its report on any violation."""

    def check(page: Page) -> None:
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
