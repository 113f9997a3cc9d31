from __future__ import annotations

from django.urls import path

from sources import views

app_name = "sources"

urlpatterns = [
    path("", views.library, name="library"),
    path("<slug:slug>/", views.source_detail, name="detail"),
]
