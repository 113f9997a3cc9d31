from __future__ import annotations

from django.urls import path

from lessons import views

app_name = "lessons"

urlpatterns = [
    path("lessons/<slug:slug>/preview/", views.lesson_preview, name="preview"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_class, name="join_class"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/joining/", views.class_joining, name="class_joining"),
    path("classes/<int:pk>/new-code/", views.class_rotate_code, name="class_rotate_code"),
    path("classes/<int:pk>/roster/", views.class_roster, name="class_roster"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/new-password/",
        views.reset_student_password,
        name="reset_password",
    ),
]
