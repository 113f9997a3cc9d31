from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse


class OneTimePasswordMiddleware:
    """Someone signed in with a password a teacher handed out must choose their own first.

    Only the password-change page, logging out and the health checks stay reachable, so a
    one-time password on a lost paper slip stops working as soon as its owner logs in.
    """

    ALLOWED = ("password_change", "password_change_done", "logout")
    MESSAGE = (
        "Welcome! Choose your own password to finish signing in. "
        "Type the one from your slip as the old password."
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            path = request.path_info
            if path not in allowed and not path.startswith("/-/"):
                if request.method == "GET" and not _already_said(request):
                    messages.info(request, self.MESSAGE)
                return redirect("password_change")
        return self.get_response(request)


def _already_said(request) -> bool:
    """Two tabs redirected at once should not show the same message twice."""
    storage = messages.get_messages(request)
    queued = [message.message for message in storage]
    storage.used = False  # looking must not consume them
    return OneTimePasswordMiddleware.MESSAGE in queued
