from __future__ import annotations

import gzip
import secrets

from django.conf import settings
from django.contrib import messages
from django.middleware.csp import get_nonce
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import CSP, build_policy
from django.utils.encoding import escape_uri_path
from django.utils.functional import empty
from django.utils.translation import gettext_lazy


class OneTimePasswordMiddleware:
    """Someone signed in with a password a teacher handed out must choose their own first.

    Only the password-change page, logging out and the health checks stay reachable, so a
    one-time password on a lost paper slip stops working as soon as its owner logs in.
    """

    ALLOWED = ("password_change", "password_change_done", "logout")
    MESSAGE = gettext_lazy(
        "Welcome! Choose your own password to finish signing in. "
        "Type the one from your slip as the old password."
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith("/-/"):
            # The health checks: a monitor's request must not cost a session and a user.
            return self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse(name) for name in self.ALLOWED}
            if path not in allowed:
                if request.method == "GET" and not _already_said(request):
                    messages.info(request, self.MESSAGE)
                return redirect("password_change")
        return self.get_response(request)


def _already_said(request) -> bool:
    """Two tabs redirected at once should not show the same message twice."""
    storage = messages.get_messages(request)
    queued = [str(message.message) for message in storage]
    storage.used = False  # looking must not consume them
    return str(OneTimePasswordMiddleware.MESSAGE) in queued


class PermissionsPolicyMiddleware:
    """Deny every page the camera, microphone, location and other powerful features.

    Coexist uses none of them, so neither may a script that slips in or a page framed later.
    Django has no setting for this header; the features are listed in settings.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = ", ".join(f"{name}=()" for name in settings.PERMISSIONS_POLICY_DENIED)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class PrivateCacheMiddleware:
    """No browser or proxy keeps a copy of what a signed-in person was shown.

    Pages, CSVs, reports, autosave answers and uploaded images seen signed in carry
    students' names and work; on a shared school computer or behind a school's caching
    proxy a kept copy would reach the next person. The rule is the simplest that is true:
    a response to a request with a session cookie, or one that sets it, is `private,
    no-store` unless its view chose a Cache-Control itself. WhiteNoise answers static files
    before this runs, so they keep their long cache.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        cookie = settings.SESSION_COOKIE_NAME
        has_session = cookie in request.COOKIES or cookie in response.cookies
        if has_session and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response


class AdminContentSecurityPolicyMiddleware:
    """The admin's pages get SECURE_CSP_ADMIN instead of SECURE_CSP.

    Django's own admin needs nothing inline, but the import-export pages of
    django-import-export (and django-simple-history's history list) carry a few fixed
    inline snippets; settings allow exactly those, by hash, and only on admin pages.
    Placed just inside ContentSecurityPolicyMiddleware, which keeps a header already set.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.namespaces[:1] == ["admin"]:
            response.headers.setdefault(
                str(CSP.HEADER_ENFORCE),
                build_policy(settings.SECURE_CSP_ADMIN, get_nonce(request)),
            )
        return response


class AccessLogMiddleware:
    """Hands gunicorn's access log what only Django knows: who asked, and a path safe to keep.

    gunicorn writes the one line per request (gunicorn.conf.py) from the WSGI environ, which
    is this request's META, after the response is sent, so its time is the whole request's.
    The user is an id, never a name. The path has no query string, and where a URL carries
    something a person typed that is a key (a class's join code) it is the URL pattern
    instead. First in MIDDLEWARE so that WhiteNoise's static files get a path too.
    """

    USER = "coexist.user"
    PATH = "coexist.path"
    SECRET_URL_PARTS = frozenset({"code"})

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        request.META[self.PATH] = self.loggable_path(request)
        request.META[self.USER] = self.user_id(request)
        return response

    def user_id(self, request) -> str:
        user = getattr(request, "user", None)
        if getattr(user, "_wrapped", None) is empty:
            # Never looked up (or the lookup failed, e.g. the database is down): doing it
            # here would cost a query, or raise again after the error page is made.
            return "-"
        return str(user.pk) if user is not None and user.is_authenticated else "-"

    def loggable_path(self, request) -> str:
        match = getattr(request, "resolver_match", None)
        if match is not None and self.SECRET_URL_PARTS & match.kwargs.keys():
            return f"/{match.route}"
        # Percent-encoded, so a %0A in the URL cannot start a forged log line.
        return escape_uri_path(request.path)


class CompressTextMiddleware(GZipMiddleware):
    """Django's gzip, for pages, JSON and CSV only.

    A source page with a student's highlights is 60-70 KB of HTML and a class loads it
    thirty times at once over the school's Wi-Fi; gzipped it is about a tenth. Images
    (already compressed) and backups pass through untouched. Django's middleware adds
    random bytes to each compressed response against BREACH, and CSRF tokens are masked
    per response, so a secret on a page cannot be guessed from compressed sizes.
    WhiteNoise's static files arrive already compressed and are left alone by the parent.
    """

    TEXT = ("text/", "application/json")
    # zlib's level 1 rather than Django's 6: a 64 KB source page in 0.29 ms instead of
    # 0.75, for 10.5 KB instead of 8.8. Django's middleware has no setting for the level,
    # so a whole response is compressed here; a streamed one is left to Django's.
    LEVEL = 1

    def process_response(self, request, response):
        if not response.get("Content-Type", "").startswith(self.TEXT):
            return response
        if response.streaming or len(response.content) < 200:
            return super().process_response(request, response)
        if response.has_header("Content-Encoding"):
            return response
        patch_vary_headers(response, ("Accept-Encoding",))
        if not re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")):
            return response
        compressed = gzip.compress(response.content, compresslevel=self.LEVEL, mtime=0)
        # As Django does against BREACH: a random name of random length in the gzip
        # header, so the compressed size says nothing about a secret on the page.
        padding = secrets.token_bytes(secrets.randbelow(self.max_random_bytes) + 1)
        compressed = (
            compressed[:3]
            + bytes([compressed[3] | gzip.FNAME])
            + compressed[4:10]
            + padding.replace(b"\x00", b"\x01")
            + b"\x00"
            + compressed[10:]
        )
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response.headers["Content-Length"] = str(len(compressed))
        etag = response.get("ETag")
        if etag and etag.startswith('"'):
            response.headers["ETag"] = "W/" + etag
        response.headers["Content-Encoding"] = "gzip"
        return response
