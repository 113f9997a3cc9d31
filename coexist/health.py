"""Liveness and readiness endpoints for load balancers and monitoring.

`alive` proves the process answers without touching anything it depends on;
`health` proves it can do real work: the database answers, the schema is current (so a
deploy that forgot `migrate` is reported instead of failing on the first page), and the
storage for uploaded images (MEDIA_ROOT or an S3 bucket) answers.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as NoAnswer

from django.core.files.storage import default_storage
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def alive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _unapplied_migrations() -> list[str]:
    """Every migration the code has and the database lacks, in the order migrate runs them.

    Asking migrate's plan for the leaf nodes is not enough: it skips a gap below an
    applied leaf (a migration recorded out of order, or its record deleted).
    """
    loader = MigrationLoader(connection)
    applied = loader.applied_migrations
    order = [
        node for leaf in loader.graph.leaf_nodes() for node in loader.graph.forwards_plan(leaf)
    ]
    missing = dict.fromkeys(node for node in order if node not in applied)
    return [f"{app_label}.{name}" for app_label, name in missing]


MEDIA_TIMEOUT = 3.0
# One long-lived thread asks the storage, so a storage that hangs (a dead S3 endpoint, a
# stuck network mount) turns the health check into a 503 within MEDIA_TIMEOUT seconds
# instead of holding its worker until the storage gives up; the thread also keeps its
# connection (boto3 keeps one per thread).
_media_prober = ThreadPoolExecutor(max_workers=1, thread_name_prefix="health-media")


def _media_problem() -> str | None:
    """Why uploaded images cannot be reached now, or None when the storage answers.

    Listing the top of the uploads is one cheap request that fails when it should: for a
    bucket that does not exist or credentials that may not read it (looking up one
    missing file would answer "not there" for both). A MEDIA_ROOT not made yet is a new
    site with nothing uploaded; the first upload makes it.
    """
    probe = _media_prober.submit(default_storage.listdir, "")
    try:
        probe.result(timeout=MEDIA_TIMEOUT)
    except NoAnswer:
        return f"media storage: no answer within {MEDIA_TIMEOUT:g} s"
    except FileNotFoundError:
        return None
    except Exception as error:  # whatever the storage raises is what is wrong with it
        return f"media storage: {error.__class__.__name__}: {error}".strip()
    return None


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    problems: list[str] = []
    pending: int | None = None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except DatabaseError as error:
        checks["database"] = "unreachable"
        problems.append(f"database: {error.__class__.__name__}: {error}".strip())
    if checks["database"] == "ok":
        try:
            unapplied = _unapplied_migrations()
        except DatabaseError as error:
            checks["migrations"] = "unknown"
            problems.append(f"migrations: {error.__class__.__name__}: {error}".strip())
        else:
            pending = len(unapplied)
            checks["migrations"] = "ok" if not unapplied else "unapplied"
            if unapplied:
                problems.append(f"{len(unapplied)} unapplied migration(s): {', '.join(unapplied)}")
    else:
        checks["migrations"] = "unknown"
    media_problem = _media_problem()
    checks["media"] = "unreachable" if media_problem else "ok"
    if media_problem:
        problems.append(media_problem)
    status = "ok" if not problems else "error"
    body = {
        "status": status,
        "checks": checks,
        "pending_migrations": pending,
        "problems": problems,
    }
    return JsonResponse(body, status=200 if status == "ok" else 503)
