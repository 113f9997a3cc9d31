from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from django.views.static import serve

from coexist.http import signed_out_response, wants_json


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """Explain an expired form in words a student understands, with the normal page chrome.

    An autosave from a page gets JSON instead, so the page can keep the text, fetch the
    new token from its cookie and try again.
    """
    if wants_json(request) and not request.user.is_authenticated:
        # Cookies gone altogether (an expired or cleared session): logging in again
        # restores both the session and the token.
        return signed_out_response()
    if wants_json(request):
        return JsonResponse(
            {
                "status": "csrf",
                "message": "Your page's security token has changed (did you log in again in "
                "another tab?). Your text is kept here; saving again will use the new token.",
            },
            status=403,
        )
    return render(request, "403_csrf.html", status=403)


@login_required
@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded images, for signed-in users; `serve` refuses paths outside MEDIA_ROOT."""
    return serve(request, path, document_root=settings.MEDIA_ROOT)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own page, which also retires a one-time password from a teacher's slip."""

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)
