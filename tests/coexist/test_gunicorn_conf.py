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
