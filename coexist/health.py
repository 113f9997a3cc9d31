"""Liveness and readiness endpoints for load balancers and monitoring.

`alive` proves the process answers without touching anything it depends on;
`health` proves it can do real work: the database answers and the schema is current,
so a deploy that forgot `migrate` is reported instead of failing on the first page.
"""

from __future__ import annotations

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


@never_cache
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    checks: dict[str, str] = {}
    problems: list[str] = []
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
            unapplied = []
            checks["migrations"] = "unknown"
            problems.append(f"migrations: {error.__class__.__name__}: {error}".strip())
        else:
            checks["migrations"] = "ok" if not unapplied else "unapplied"
            if unapplied:
                problems.append(f"{len(unapplied)} unapplied migration(s): {', '.join(unapplied)}")
    else:
        checks["migrations"] = "unknown"
    status = "ok" if not problems else "error"
    body = {"status": status, "checks": checks, "problems": problems}
    return JsonResponse(body, status=200 if status == "ok" else 503)
