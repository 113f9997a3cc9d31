from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.urls import reverse


def wants_json(request: HttpRequest) -> bool:
    """Pages that autosave ask for JSON; without JavaScript the same URLs answer HTML."""
    return request.headers.get("Accept", "").startswith("application/json")


def signed_out_response() -> JsonResponse:
    """What an autosave hears when nobody is signed in: keep the text, log in, retry."""
    return JsonResponse(
        {
            "status": "signed_out",
            "message": "You have been signed out, so this was not saved. Your text is safe on "
            "this page: log in again in a new tab, then come back here and it will be saved.",
            "login_url": reverse("login"),
        },
        status=401,
    )
