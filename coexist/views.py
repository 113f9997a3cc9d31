from __future__ import annotations

import posixpath
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.storage import default_storage
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotModified,
    JsonResponse,
)
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from django.views.static import was_modified_since

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
                "message": _(
                    "Your page's security token has changed (did you log in again in "
                    "another tab?). Your text is kept here; saving again will use the new token."
                ),
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
        fields = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        message = ngettext(
            "Not saved: this is more than the server takes in one go "
            "(%(limit)s, %(fields)s field). "
            "Your text is still on this page; shorten it and it will save.",
            "Not saved: this is more than the server takes in one go "
            "(%(limit)s, %(fields)s fields). "
            "Your text is still on this page; shorten it and it will save.",
            fields,
        ) % {"limit": limit, "fields": number_format(fields, force_grouping=True)}
    else:
        status = 400
        message = _("Not saved: the server could not read what this page sent. Reload the page.")
    if wants_json(request):
        return JsonResponse({"status": "bad_request", "message": message}, status=status)
    return render(request, "400.html", status=status)


@login_required
@require_GET
def media(request: HttpRequest, path: str) -> HttpResponse:
    """Uploaded images, for signed-in users, read through the storage (MEDIA_ROOT or S3).

    Only the types uploads are re-encoded to are served, each with its own Content-Type
    (and `nosniff`, from SecurityMiddleware), whatever the file's name would suggest to
    `mimetypes`; any other stored file is a 404, so it can never reach a browser as a page
    or a script. Only a name as the storage gives it out is looked up: nothing with `..`,
    `.`, a leading slash or a control character, so no path leads outside the uploads.
    """
    content_type = SERVED_TYPES.get(PurePosixPath(path).suffix.removeprefix("."))
    canonical = posixpath.normpath(path) == path and not path.startswith(("/", ".."))
    if content_type is None or not canonical or not path.isprintable():
        raise Http404("Only uploaded images are served here.")
    try:
        modified = default_storage.get_modified_time(path).timestamp()
        if not was_modified_since(request.headers.get("If-Modified-Since"), modified):
            return HttpResponseNotModified()
        stored = default_storage.open(path, "rb")
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise Http404("No such upload.") from None
    response = FileResponse(stored, content_type=content_type)
    response["Last-Modified"] = http_date(modified)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own page, which also retires a one-time password from a teacher's slip."""

    def form_valid(self, form):
        form.user.must_change_password = False
        return super().form_valid(form)
