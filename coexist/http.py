from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _


def wants_json(request: HttpRequest) -> bool:
    """Pages that autosave ask for JSON; without JavaScript the same URLs answer HTML."""
    return request.headers.get("Accept", "").startswith("application/json")


def signed_out_response() -> JsonResponse:
    """What an autosave hears when nobody is signed in: keep the text, log in, retry."""
    return JsonResponse(
        {
            "status": "signed_out",
            "message": _(
                "You have been signed out, so this was not saved. Your text is safe on "
                "this page: log in again in a new tab, then come back here and it will be saved."
            ),
            "login_url": reverse("login"),
        },
        status=401,
    )


def reverse_each(name: str, args: list, values: Iterable) -> list[str]:
    """`reverse(name, args=[*args, value])` for each of `values`, with one reverse(): a
    page listing a class or a student's marks links each row without resolving the URL
    pattern again for every one. The last argument must be the URL's last one."""
    placeholder = "0"  # fits an int or a str converter
    head, tail = reverse(name, args=[*args, placeholder]).rsplit(f"/{placeholder}/", 1)
    return [f"{head}/{quote(str(value), safe='')}/{tail}" for value in values]
