"""Liveness and readiness endpoints for load balancers and monitoring.

`alive` proves the process answers without touching anything it depends on;
`health` proves it can do real work: the database answers and the schema is current,
so a deploy that forgot `migrate` is reported instead of failing on the first page.
"""

from __future__ import annotations

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def alive(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _unapplied_migrations() -> list[str]:
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _backwards in plan]


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
