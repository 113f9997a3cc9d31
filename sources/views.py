from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from sources.access import can_browse_library, visible_sources
from sources.models import Interpretation, Nature, Source


def _get_source_for_user(request: HttpRequest, slug: str) -> Source:
    """Fetch a source the user may see, with everything its page shows, or 404."""
    source = (
        visible_sources(request.user)
        .with_citation_data()
        .prefetch_related(
            Prefetch(
                "interpretations",
                queryset=Interpretation.objects.select_related("historian").order_by(
                    "question", "position"
                ),
            )
        )
        .filter(slug=slug)
        .first()
    )
    if source is None:
        raise Http404("No such source")
    return source


@login_required
@require_GET
def source_detail(request: HttpRequest, slug: str) -> HttpResponse:
    source = _get_source_for_user(request, slug)
    return render(request, "sources/source_detail.html", {"source": source})


@login_required
@require_GET
def library(request: HttpRequest) -> HttpResponse:
    if not can_browse_library(request.user):
        raise PermissionDenied("The source library is for teachers.")
    sources = visible_sources(request.user).with_citation_data()
    nature = request.GET.get("nature", "")
    if nature in Nature.values:
        sources = sources.filter(nature=nature)
    sources = sources.order_by("provenance__date_sort", "title")
    return render(
        request,
        "sources/library.html",
        {"sources": sources, "natures": Nature.choices, "nature": nature},
    )
