from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy

from coexist import admin_privacy, health, i18n, views
from lessons.views.home import home

admin.site.site_header = format_lazy(gettext_lazy("{site} administration"), site=settings.SITE_NAME)
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = gettext_lazy("Curate sources, lessons and classes")

# A request Django cannot read (too big, too many fields): JSON for an autosave.
handler400 = views.bad_request

urlpatterns = [
    path("", home, name="home"),
    # Password reset by e-mail is left out on purpose: students have no e-mail address
    # here, and teachers reset their students' passwords themselves.
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # The admin, its "view on site" redirect checked: Django's own sends any staff member
    # to any object's page, which would confirm another teacher's class exists.
    path("admin/", admin_privacy.urls(admin.site)),
    path("sources/", include("sources.urls")),
    path("", include("lessons.urls")),
    path("language/", i18n.set_language, name="set_language"),
    path("jsi18n/", i18n.CatalogueView.as_view(), name="javascript-catalog"),
    path("-/alive/", health.alive, name="alive"),
    path("-/health/", health.health, name="health"),
    # Uploaded source images, for signed-in users only. Django serves them itself so a
    # school needs no second web server; a large site can let its proxy serve MEDIA_ROOT.
    re_path(
        rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$",
        views.media,
        name="media",
    ),
]
