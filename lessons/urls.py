from __future__ import annotations

from django.urls import path

from lessons import student_views, teacher_views, views

app_name = "lessons"

urlpatterns = [
    path("lessons/<slug:slug>/preview/", views.lesson_preview, name="preview"),
    path("join/", views.join, name="join"),
    path("join/<str:code>/", views.join_class, name="join_class"),
    path("classes/<int:pk>/", views.class_detail, name="class"),
    path("classes/<int:pk>/joining/", views.class_joining, name="class_joining"),
    path("classes/<int:pk>/new-code/", views.class_rotate_code, name="class_rotate_code"),
    path("classes/<int:pk>/roster/", views.class_roster, name="class_roster"),
    path("assignments/<int:pk>/", student_views.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/answer/", student_views.answer, name="answer"),
    path("assignments/<int:pk>/answer/submit/", student_views.answer_submit, name="submit"),
    path("assignments/<int:pk>/bibliography/", student_views.bibliography, name="bibliography"),
    path(
        "assignments/<int:pk>/sources/<str:label>/",
        student_views.source_work,
        name="source_work",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/highlights/",
        student_views.highlight_add,
        name="highlight_add",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/highlights/<str:highlight_id>/remove/",
        student_views.highlight_remove,
        name="highlight_remove",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/links/",
        student_views.link_add,
        name="link_add",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/links/<int:other_pk>/remove/",
        student_views.link_remove,
        name="link_remove",
    ),
    path("teach/assignments/<int:pk>/", teacher_views.dashboard, name="dashboard"),
    path(
        "teach/assignments/<int:pk>/students/<int:student_pk>/",
        teacher_views.review,
        name="review",
    ),
    path(
        "teach/assignments/<int:pk>/students/<int:student_pk>/report/",
        teacher_views.report,
        name="report",
    ),
    path("teach/assignments/<int:pk>/marks.csv", teacher_views.marks_csv, name="marks_csv"),
    path(
        "teach/assignments/<int:pk>/annotations.csv",
        teacher_views.annotations_csv,
        name="annotations_csv",
    ),
    path("teach/comment-bank/", teacher_views.comment_bank_add, name="bank_add"),
    path(
        "teach/comment-bank/<int:entry_pk>/remove/",
        teacher_views.comment_bank_remove,
        name="bank_remove",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/new-password/",
        views.reset_student_password,
        name="reset_password",
    ),
]
