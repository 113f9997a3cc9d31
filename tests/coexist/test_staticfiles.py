"""The production static files' storage: WhiteNoise's, each address remembered."""

from __future__ import annotations

import json

import pytest

from coexist.staticfiles import StaticFilesStorage


@pytest.fixture
def storage(tmp_path, settings):
    settings.DEBUG = False
    settings.STATIC_URL = "/static/"
    manifest = {"paths": {"css/coexist.css": "css/coexist.1a2b3c.css"}, "version": "1.1"}
    (tmp_path / "staticfiles.json").write_text(json.dumps(manifest))
    return StaticFilesStorage(location=tmp_path, base_url="/static/")


def test_a_file_has_its_fingerprinted_address(storage):
    assert storage.url("css/coexist.css") == "/static/css/coexist.1a2b3c.css"


def test_the_address_is_worked_out_once(storage, monkeypatch):
    storage.url("css/coexist.css")
    monkeypatch.setattr(storage, "stored_name", lambda name: pytest.fail("looked up again"))

    assert storage.url("css/coexist.css") == "/static/css/coexist.1a2b3c.css"


def test_a_file_missing_from_the_manifest_is_still_an_error_every_time(storage):
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("js/not-collected.js")
