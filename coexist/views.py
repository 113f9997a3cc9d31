from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.static import serve


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired form in words a student understands, with the normal page chrome."""
    return render(request, "403_csrf.html", status=403)


@login_required
@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded images, for signed-in users; `serve` refuses paths outside MEDIA_ROOT."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)
