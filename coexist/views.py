from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_GET
from django.views.static import serve

from coexist.http import signed_out_response, wants_json
from coexist.media import SERVED_TYPES


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


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Django's 400 page, in JSON for a page's autosave so it can say what happened.

    A body over DATA_UPLOAD_MAX_MEMORY_SIZE, or with too many fields, is a 413 that says
    so: the page keeps the text and the student can shorten it.
    """
    if isinstance(exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)):
        status = 413
        limit = filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        message = (
            "Not saved: this is more than the server takes in one go "
            f"({limit}, {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS:,} fields). "
            "Your text is still on this page; shorten it and it will save."
        )
    else:
        status = 400
        message = "Not saved: the server could not read what this page sent. Reload the page."
    if wants_json(request):
        return JsonResponse({"status": "bad_request", "message": message}, status=status)
    return render(request, "400.html", status=status)


@login_required
@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded images, for signed-in users; `serve` refuses paths outside MEDIA_ROOT.

    Only the types uploads are re-encoded to are served, each with its own Content-Type
    (and `nosniff`, from SecurityMiddleware), whatever the file's name would suggest to
    `mimetypes`; any other file in MEDIA_ROOT is a 404, so it can never reach a browser
    as a page or a script.
    """
    content_type = SERVED_TYPES.get(PurePosixPath(path).suffix.removeprefix("."))
    if content_type is None:
        raise Http404("Only uploaded images are served here.")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    if response.status_code == 200:
        response["Content-Type"] = content_type
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own page, which also retires a one-time password from a teacher's slip."""

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)
