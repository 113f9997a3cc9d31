"""`make test` runs the suite twice; this proves each pass used the database it claims."""

from __future__ import annotations

import os

import pytest
from django.db import connection


def test_the_suite_runs_on_the_database_make_test_asked_for(db):
    expected = os.environ.get("COEXIST_EXPECT_DB")
    if not expected:
        pytest.skip("COEXIST_EXPECT_DB is set by `make test` for each pass")
    assert connection.vendor == expected
    with connection.cursor() as cursor:
        if expected == "postgresql":
            cursor.execute("SELECT version()")
            assert cursor.fetchone()[0].startswith("PostgreSQL")
        else:
            cursor.execute("SELECT sqlite_version()")
            assert cursor.fetchone()[0].count(".") == 2
