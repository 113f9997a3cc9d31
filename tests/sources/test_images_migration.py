"""The upgrade migration, applied for real: its own module because it needs real
transactions, which empty the database afterwards; tests/conftest.py runs such tests last
and, under pytest-xdist, a module stays on one worker."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from sources.models import Source
from tests.sources.factories import make_source
from tests.sources.test_images import CAMERA_MAKE, photo_with_gps, store_as_before, stored_files


@pytest.mark.django_db(transaction=True)
def test_the_migration_upgrades_a_schools_images_when_it_is_applied(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    source = make_source(title="Summit photo", slug="summit-photo", image_alt="A summit")
    store_as_before(tmp_path, source, "sources/summit-photo.jpg", photo_with_gps())
    output = io.StringIO()
    call_command("migrate", "sources", "0002", stdout=output, verbosity=0)
    try:
        call_command("migrate", "sources", stdout=output, verbosity=0)
    finally:
        call_command("migrate", stdout=output, verbosity=0)
    name = Source.objects.get().image.name
    assert name != "sources/summit-photo.jpg" and name.endswith(".jpg")
    assert stored_files(tmp_path) == [Path(name).name]
    assert CAMERA_MAKE.encode() not in (tmp_path / name).read_bytes()
