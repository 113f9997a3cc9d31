"""gunicorn.conf.py's hooks, called as gunicorn calls them (tests/coexist/test_serve.py
starts the real server)."""

from __future__ import annotations

import gc
import runpy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _walked_by_the_collector(thing) -> bool:
    return any(tracked is thing for tracked in gc.get_objects())


def test_a_worker_freezes_what_it_loaded_and_still_collects_what_requests_make():
    hooks = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    loaded = ["Django's settings, URLs and modules", []]
    assert _walked_by_the_collector(loaded)
    try:
        hooks["post_worker_init"](None)

        assert not _walked_by_the_collector(loaded)
        made_by_a_request = ["a page's context", []]
        assert _walked_by_the_collector(made_by_a_request)
    finally:
        gc.unfreeze()


def _logged_line(logger_class, environ) -> str:
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    config = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in config.settings:
            config.set(name, value)
    logger = logger_class(config)
    logger.now = lambda: "[01/Dec/2026:09:00:00 +0000]"
    response = SimpleNamespace(status="200 OK", headers=[("Content-Type", "text/html")], sent=9)
    request = SimpleNamespace(headers=[("HOST", "127.0.0.1")])
    atoms = logger.atoms_wrapper_class(
        logger.atoms(response, request, environ, timedelta(milliseconds=42))
    )
    return config.access_log_format % atoms


def test_the_access_line_is_the_one_gunicorns_own_logger_writes():
    from gunicorn.glogging import Logger

    from coexist.accesslog import AccessLog

    environ = {
        "REQUEST_METHOD": "POST",
        "RAW_URI": "/assignments/7/answer/?draft=1",
        "PATH_INFO": "/assignments/7/answer/",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "coexist.path": "/assignments/7/answer/",
        "coexist.user": "12",
    }
    line = _logged_line(AccessLog, environ)

    assert line == "[01/Dec/2026:09:00:00 +0000] POST /assignments/7/answer/ 200 42ms user=12"
    assert line == _logged_line(Logger, environ)


def test_a_request_django_never_saw_is_logged_with_dashes():
    from coexist.accesslog import AccessLog

    environ = {"REQUEST_METHOD": "GET", "RAW_URI": "/", "SERVER_PROTOCOL": "HTTP/1.1"}

    assert _logged_line(AccessLog, environ).endswith(" GET - 200 42ms user=-")


def test_each_worker_listens_on_its_own_socket_but_not_on_a_unix_socket(monkeypatch):
    monkeypatch.setenv("BIND", "0.0.0.0:8000")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["reuse_port"] is True

    # Every worker would unlink and bind the path again: only the last one would be reached.
    monkeypatch.setenv("BIND", "unix:/run/coexist/coexist.sock")
    assert runpy.run_path(str(ROOT / "gunicorn.conf.py"))["reuse_port"] is False
