from __future__ import annotations

from django.urls import path

from lessons.views import classes, curriculum, exports, joining, marking, privacy, student

app_name = "lessons"

urlpatterns = [
    path("lessons/<slug:slug>/preview/", curriculum.lesson_preview, name="preview"),
    path("join/", joining.join, name="join"),
    path("join/<str:code>/", joining.join_class, name="join_class"),
    path("classes/<int:pk>/", classes.class_detail, name="class"),
    path("classes/<int:pk>/joining/", classes.class_joining, name="class_joining"),
    path("classes/<int:pk>/new-code/", classes.class_rotate_code, name="class_rotate_code"),
    path("classes/<int:pk>/roster/", classes.class_roster, name="class_roster"),
    path("assignments/<int:pk>/", student.assignment_detail, name="assignment"),
    path("assignments/<int:pk>/answer/", student.answer, name="answer"),
    path("assignments/<int:pk>/answer/submit/", student.answer_submit, name="submit"),
    path("assignments/<int:pk>/answer/print/", student.answer_print, name="answer_print"),
    path("assignments/<int:pk>/bibliography/", student.bibliography, name="bibliography"),
    path(
        "assignments/<int:pk>/sources/<str:label>/",
        student.source_work,
        name="source_work",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/prediction/",
        student.prediction,
        name="prediction",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/highlights/",
        student.highlight_add,
        name="highlight_add",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/highlights/<str:highlight_id>/remove/",
        student.highlight_remove,
        name="highlight_remove",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/regions/",
        student.region_add,
        name="region_add",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/regions/<str:region_id>/remove/",
        student.region_remove,
        name="region_remove",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/links/",
        student.link_add,
        name="link_add",
    ),
    path(
        "assignments/<int:pk>/sources/<str:label>/links/<int:other_pk>/remove/",
        student.link_remove,
        name="link_remove",
    ),
    path("teach/assignments/<int:pk>/", marking.dashboard, name="dashboard"),
    path(
        "teach/assignments/<int:pk>/sources/<int:source_pk>/reveal/",
        marking.reveal_to_class,
        name="reveal_to_class",
    ),
    path(
        "teach/assignments/<int:pk>/students/<int:student_pk>/",
        marking.review,
        name="review",
    ),
    path(
        "teach/assignments/<int:pk>/students/<int:student_pk>/report/",
        marking.report,
        name="report",
    ),
    path("teach/assignments/<int:pk>/marks.csv", exports.marks_csv, name="marks_csv"),
    path(
        "teach/assignments/<int:pk>/annotations.csv",
        exports.annotations_csv,
        name="annotations_csv",
    ),
    path("teach/comment-bank/", marking.comment_bank_add, name="bank_add"),
    path(
        "teach/comment-bank/<int:entry_pk>/remove/",
        marking.comment_bank_remove,
        name="bank_remove",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/new-password/",
        classes.reset_student_password,
        name="reset_password",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/unlock/",
        classes.unlock_student,
        name="unlock_student",
    ),
    path("my-work/", privacy.my_work, name="my_work"),
    path("my-work.json", privacy.my_work_json, name="my_work_json"),
    path(
        "classes/<int:pk>/students/<int:student_pk>/",
        privacy.student_record,
        name="student_record",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/work.json",
        privacy.student_record_json,
        name="student_record_json",
    ),
    path(
        "classes/<int:pk>/students/<int:student_pk>/erase/",
        privacy.erase_student,
        name="erase_student",
    ),
]
