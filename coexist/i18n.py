"""Which language Coexist speaks to whom, and how a person changes it.

Django does the translating (gettext catalogues in locale/, its own for the admin); this
module only decides the language of a request and remembers a person's choice:

1. the choice of the person signed in: kept on their account (`User.language`), copied
   into the session when they log in and when they change it, so it follows them to any
   computer without a query per request;
2. the choice made on this browser by the footer's switcher (Django's language cookie),
   for visitors who are not signed in;
3. the browser's Accept-Language;
4. LANGUAGE_CODE.

Lesson content is data and stays in the language the teacher wrote it in.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_str
from django.utils.hashable import make_hashable
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import trans_real
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog

SESSION_KEY = "coexist_language"


def supported(code: str | None) -> str | None:
    """The LANGUAGES code for `code` (exactly one of them), or None."""
    if not code:
        return None
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else None


class LanguageMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware, with the signed-in person's own choice first."""

    def process_request(self, request: HttpRequest) -> None:
        if request.path_info.startswith("/-/"):
            # The health checks say nothing in words: a monitor's request costs no session.
            translation.activate(settings.LANGUAGE_CODE)
            request.LANGUAGE_CODE = settings.LANGUAGE_CODE
            return
        session = getattr(request, "session", None)
        # A visitor without a session cookie costs nothing here: an empty session is not read.
        chosen = supported(session.get(SESSION_KEY)) if session is not None else None
        language = chosen or translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


@receiver(user_logged_in, dispatch_uid="coexist.i18n.remember_language")
def use_saved_language(sender, request, user, **kwargs) -> None:
    """Logging in brings back the language the person chose last time, on any computer."""
    language = supported(getattr(user, "language", ""))
    if request is not None and language:
        request.session[SESSION_KEY] = language
        translation.activate(language)
        request.LANGUAGE_CODE = language


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The footer's switcher: remember the choice and go back to the page it was made on."""
    language = supported(request.POST.get("language"))
    if language is None:
        names = ", ".join(code for code, _name in settings.LANGUAGES)
        return HttpResponseBadRequest(
            _("Choose one of the languages offered (%(codes)s).") % {"codes": names},
            content_type="text/plain; charset=utf-8",
        )
    destination = request.POST.get("next") or request.headers.get("referer") or ""
    if not url_has_allowed_host_and_scheme(
        destination, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        destination = reverse("home")
    response = HttpResponseRedirect(destination)
    if request.user.is_authenticated:
        request.session[SESSION_KEY] = language
        if request.user.language != language:
            request.user.language = language
            request.user.save(update_fields=["language"])
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


@cache
def catalogue_version() -> str:
    """Changes when a compiled JavaScript catalogue does, so browsers may keep it a day."""
    digest = hashlib.sha256()
    for path in settings.LOCALE_PATHS:
        for mo in sorted(Path(path).glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(mo.read_bytes())
    return digest.hexdigest()[:12]


class CatalogueView(JavaScriptCatalog):
    """Coexist's strings for its scripts (gettext, ngettext, interpolate), in the page's
    language. The page asks for it with the language and the catalogue's version in the
    query, so the browser can keep each for a day without ever using a stale one."""

    packages = ["coexist"]

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=86400"
        return response


def context(request: HttpRequest) -> dict[str, object]:
    """The switcher's languages and the query that keeps the catalogue's URL current."""
    current = translation.get_language()
    language, _dash, region = current.partition("-")
    return {
        # BCP 47 as written in HTML: "en-GB", "fr".
        "HTML_LANG": f"{language}-{region.upper()}" if region else language,
        # Each language named as its own speakers name it (settings.LANGUAGES), untranslated.
        "LANGUAGE_CHOICES": [(code, name, code == current) for code, name in settings.LANGUAGES],
        "JS_CATALOGUE_QUERY": f"l={current}&v={catalogue_version()}",
    }


@cache
def _labels(field) -> dict:
    return {make_hashable(value): label for value, label in field.flatchoices}


class ChoiceLabels:
    """`get_<field>_display()` at the cost of one translation, not one per choice.

    Django's own builds a dict of every choice's label on each call, hashing each label;
    a translated (lazy) label is translated to be hashed, so a field of twenty choices cost
    twenty lookups per call. Here the labels are indexed by value once per field, and only
    the one shown is translated, in the language of the moment. Put it before
    models.Model in a model's bases.
    """

    def _get_FIELD_display(self, field):  # noqa: N802 (Django's name)
        value = getattr(self, field.attname)
        return force_str(_labels(field).get(make_hashable(value), value), strings_only=True)


# --- Looking a string up once per process -------------------------------------------------

_looked_up = trans_real.DjangoTranslation.gettext
REMEMBERED_MOST = 20_000  # strings per language; the code marks about 1,600


def _remembered_gettext(self, message: str) -> str:
    """DjangoTranslation.gettext, remembered per language.

    A string missing from a catalogue (every English string: English is the source) is
    looked for in each of the dozen catalogues and fallbacks Django chains for a language,
    evaluating a plural formula at each: 27 µs a lookup, about 60 lookups a page. The
    catalogues do not change while a process runs (Django makes new translation objects
    when they are reloaded), so the answer is kept on the object."""
    remembered = self.__dict__.get("_coexist_remembered")
    if remembered is None:
        remembered = self.__dict__["_coexist_remembered"] = {}
    try:
        return remembered[message]
    except KeyError:
        pass
    found = _looked_up(self, message)
    if len(remembered) < REMEMBERED_MOST:
        remembered[message] = found
    return found


def remember_translations() -> None:
    """Called once, from CoexistConfig.ready."""
    trans_real.DjangoTranslation.gettext = _remembered_gettext
