"""Every URL pattern × seven people × GET and POST: what each one gets, from one table.

The list of URLs comes from the resolver, not from this file, so a new URL nobody
thought about fails here with a message asking for its row, and a row whose URL is gone
fails too. The world the URLs are asked about, and how, is in `matrix_world`: every
object in a URL belongs to the class's teacher (their class, its assignment, their
student, their lesson), so everyone else is asking about someone else's.

A cell is what one person gets: a status code ("200", "404"…), "login" or
"admin-login" for a redirect to those pages, or ">name" for a redirect to the URL of
that name. POST bodies are empty (the test client does not check CSRF), so a POST a
person may make gets what that view answers to bad input.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import transaction
from django.test import override_settings

from tests.coexist.matrix_world import METHODS, PEOPLE, Results, run_matrix, url_patterns

# The answers are gathered once for the module (see `results`); the mark makes sure the
# test database is set up for it.
pytestmark = pytest.mark.django_db

# --- The notation --------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """What each of PEOPLE gets from one URL pattern, for GET and for POST."""

    get: tuple[str, ...]
    post: tuple[str, ...]

    def expected(self, method: str, person: str) -> str:
        return (self.get if method == "GET" else self.post)[PEOPLE.index(person)]


def _cells(text: str, count: int = len(PEOPLE)) -> tuple[str, ...]:
    """Cells separated by spaces; a single cell stands for all of them."""
    found = tuple(text.split())
    if len(found) == 1:
        return found * count
    if len(found) != count:
        raise ValueError(f"{text!r} has {len(found)} cells, not {count} or 1")
    return found


def row(get: str, post: str | None = None) -> Row:
    """Seven cells in PEOPLE's order for GET, and for POST (the same as GET if omitted):
    anonymous, student, other_student, teacher, other_teacher, new_teacher, superuser."""
    return Row(_cells(get), _cells(post if post is not None else get))


def admin(staff_get: str, staff_post: str | None = None) -> Row:
    """An admin page: the anonymous visitor and both students are sent to the admin's
    login; then four cells (or one for all four) for the teacher, the other teacher,
    the new teacher and the superuser."""
    outside = ("admin-login",) * 3
    post = staff_post if staff_post is not None else staff_get
    return Row(outside + _cells(staff_get, 4), outside + _cells(post, 4))


def to_change(model: str) -> Row:
    """The admin's bare /<id>/ URL redirects any staff member to the change page, which
    then decides; the redirect itself says nothing about whether the object exists."""
    return admin(f">admin:{model}_change")


# Rules for admin pages, each still written out below under every pattern's own name.
LIBRARY = admin("200")  # the shared library: every teacher curates it; an empty POST shows the form
SUPERUSER_ONLY = admin("403 403 403 200")  # accounts, groups, failed-login records
# Classes are private: another teacher's class (and its assignment) does not exist for
# them, so the admin sends them to its index as it does for a missing object.
TAUGHT_ONLY = admin("200 >admin:index >admin:index 200")
NO_ADDING = admin("403")  # failed-login records are written by logins, never by hand

SIGNED_IN = "login 200 200 200 200 200 200"
SIGNED_IN_405 = "login 405 405 405 405 405 405"
FOR_THE_CLASS_TEACHER = "login 404 404 200 404 404 200"  # others' classes do not exist
FOR_THE_STUDENT = "login 200 404 404 404 404 404"  # set for them; teachers work elsewhere

TABLE: dict[str, Row] = {
    # --- Site, accounts, health ---------------------------------------------------------
    "home": row("200", "405"),
    "login": row("200"),  # an empty POST shows the form's errors
    "logout": row("405", ">home"),  # logging out is a POST
    "password_change": row(SIGNED_IN),
    "password_change_done": row(SIGNED_IN, SIGNED_IN_405),
    "alive": row("200", "405"),
    # An empty POST names no language: a 400 that says which ones there are.
    "set_language": row("405", "400"),
    "javascript-catalog": row("200", "405"),
    "health": row("200", "405"),
    "media": row(SIGNED_IN, SIGNED_IN_405),  # source images: any signed-in user
    # --- The admin's own pages ----------------------------------------------------------------
    "admin:index": admin("200"),
    "admin:login": row(
        "200 200 200 >admin:index >admin:index >admin:index >admin:index",
        "200",  # an empty POST shows the form's errors, even to staff
    ),
    # Logging out is a POST; the admin sends anyone not staff to its index first.
    "admin:logout": row(
        ">admin:index >admin:index >admin:index 405 405 405 405",
        ">admin:index >admin:index >admin:index >home >home >home >home",
    ),
    "admin:password_change": admin("200"),
    "admin:password_change_done": admin("200", "405"),
    "admin:autocomplete": admin("200", "405"),
    "admin:jsi18n": admin("200", "405"),
    "admin:app_list": admin("200"),
    "admin/(?P<url>.*)$": admin("404"),
    # "View on site" for a class: only those who teach it are sent there; for anyone
    # else the class does not exist (issue 12, point 5).
    "admin:view_on_site": admin(">lessons:class 404 404 >lessons:class"),
    # --- Admin: groups and accounts (superuser only) -------------------------------------
    "admin:auth_group_changelist": SUPERUSER_ONLY,
    "admin:auth_group_add": SUPERUSER_ONLY,
    "admin:auth_group_history": SUPERUSER_ONLY,
    "admin:auth_group_delete": SUPERUSER_ONLY,
    "admin:auth_group_change": SUPERUSER_ONLY,
    "admin/auth/group/<path:object_id>/": to_change("auth_group"),
    "admin:coexist_user_changelist": SUPERUSER_ONLY,
    "admin:coexist_user_add": SUPERUSER_ONLY,
    "admin:coexist_user_history": SUPERUSER_ONLY,
    "admin:coexist_user_delete": SUPERUSER_ONLY,
    "admin:coexist_user_change": SUPERUSER_ONLY,
    "admin:auth_user_password_change": SUPERUSER_ONLY,
    "admin/coexist/user/<path:object_id>/": to_change("coexist_user"),
    # --- Admin: the shared source library -------------------------------------------------
    "admin:sources_author_changelist": LIBRARY,
    "admin:sources_author_add": LIBRARY,
    "admin:sources_author_history": LIBRARY,
    "admin:sources_author_simple_history": LIBRARY,
    "admin:sources_author_delete": LIBRARY,
    "admin:sources_author_change": LIBRARY,
    "admin/sources/author/<path:object_id>/": to_change("sources_author"),
    "admin:sources_theme_changelist": LIBRARY,
    "admin:sources_theme_add": LIBRARY,
    "admin:sources_theme_history": LIBRARY,
    "admin:sources_theme_delete": LIBRARY,
    "admin:sources_theme_change": LIBRARY,
    "admin/sources/theme/<path:object_id>/": to_change("sources_theme"),
    "admin:sources_source_changelist": LIBRARY,
    "admin:sources_source_add": LIBRARY,
    "admin:sources_source_history": LIBRARY,
    "admin:sources_source_simple_history": LIBRARY,
    "admin:sources_source_delete": LIBRARY,
    "admin:sources_source_change": LIBRARY,
    "admin:sources_source_import": LIBRARY,
    "admin:sources_source_process_import": admin("405", "200"),  # the import's second step
    "admin:sources_source_export": LIBRARY,
    "admin/sources/source/<path:object_id>/": to_change("sources_source"),
    "admin:sources_interpretation_changelist": LIBRARY,
    "admin:sources_interpretation_add": LIBRARY,
    "admin:sources_interpretation_history": LIBRARY,
    "admin:sources_interpretation_simple_history": LIBRARY,
    "admin:sources_interpretation_delete": LIBRARY,
    "admin:sources_interpretation_change": LIBRARY,
    "admin/sources/interpretation/<path:object_id>/": to_change("sources_interpretation"),
    "admin:lessons_framework_changelist": LIBRARY,
    "admin:lessons_framework_add": LIBRARY,
    "admin:lessons_framework_history": LIBRARY,
    "admin:lessons_framework_delete": LIBRARY,
    "admin:lessons_framework_change": LIBRARY,
    "admin/lessons/framework/<path:object_id>/": to_change("lessons_framework"),
    # Answer formats and marking schemes: shared like frameworks (issue 16).
    "admin:lessons_answerformat_changelist": LIBRARY,
    "admin:lessons_answerformat_add": LIBRARY,
    "admin:lessons_answerformat_history": LIBRARY,
    "admin:lessons_answerformat_delete": LIBRARY,
    "admin:lessons_answerformat_change": LIBRARY,
    "admin/lessons/answerformat/<path:object_id>/": to_change("lessons_answerformat"),
    "admin:lessons_markingscheme_changelist": LIBRARY,
    "admin:lessons_markingscheme_add": LIBRARY,
    "admin:lessons_markingscheme_history": LIBRARY,
    "admin:lessons_markingscheme_delete": LIBRARY,
    "admin:lessons_markingscheme_change": LIBRARY,
    "admin/lessons/markingscheme/<path:object_id>/": to_change("lessons_markingscheme"),
    "admin:lessons_criterion_changelist": LIBRARY,
    "admin:lessons_criterion_add": LIBRARY,
    "admin:lessons_criterion_history": LIBRARY,
    "admin:lessons_criterion_delete": LIBRARY,
    "admin:lessons_criterion_change": LIBRARY,
    "admin/lessons/criterion/<path:object_id>/": to_change("lessons_criterion"),
    # --- Admin: lessons (shared to read and duplicate; changed by their owner) -----------
    "admin:lessons_lesson_changelist": LIBRARY,
    "admin:lessons_lesson_add": LIBRARY,
    "admin:lessons_lesson_history": LIBRARY,
    "admin:lessons_lesson_change": admin("200", "200 403 403 200"),  # others see it read-only
    "admin:lessons_lesson_delete": admin("200 403 403 200"),
    "admin:lessons_lesson_duplicate": admin("405", ">admin:lessons_lesson_change"),
    # Adding sources from the library is changing the lesson; an empty POST ticks nothing.
    "admin:lessons_lesson_add_sources": admin("200 403 403 200", "400 403 403 400"),
    "admin:lessons_lesson_source_autocomplete": admin("200", "405"),
    # The picker on the lesson's own page: its search, as JSON, for whoever makes lessons.
    "admin:lessons_lesson_library_search": admin("200", "405"),
    "admin:sources_interpretation_work_autocomplete": admin("200", "405"),
    # Any teacher imports a pack: an empty upload is a 400, as is confirming no preview.
    "admin:lessons_lesson_import": admin("200", "400"),
    "admin:lessons_lesson_import_confirm": admin("405", "400"),
    "admin/lessons/lesson/<path:object_id>/": to_change("lessons_lesson"),
    # --- Admin: classes and assignments (private to their teachers) ----------------------
    "admin:lessons_classroom_changelist": LIBRARY,  # each teacher's list holds only theirs
    "admin:lessons_classroom_add": LIBRARY,
    "admin:lessons_classroom_history": TAUGHT_ONLY,
    "admin:lessons_classroom_delete": TAUGHT_ONLY,
    "admin:lessons_classroom_change": TAUGHT_ONLY,
    "admin/lessons/classroom/<path:object_id>/": to_change("lessons_classroom"),
    "admin:lessons_assignment_changelist": LIBRARY,
    "admin:lessons_assignment_add": LIBRARY,
    "admin:lessons_assignment_history": TAUGHT_ONLY,
    "admin:lessons_assignment_delete": TAUGHT_ONLY,
    "admin:lessons_assignment_change": TAUGHT_ONLY,
    "admin/lessons/assignment/<path:object_id>/": to_change("lessons_assignment"),
    # --- Admin: failed logins (django-axes; superuser only) ------------------------------
    "admin:axes_accessattempt_changelist": SUPERUSER_ONLY,
    "admin:axes_accessattempt_add": NO_ADDING,
    "admin:axes_accessattempt_history": SUPERUSER_ONLY,
    "admin:axes_accessattempt_delete": SUPERUSER_ONLY,
    # Every field is read-only, so an empty POST saves nothing and goes back to the list.
    "admin:axes_accessattempt_change": admin(
        "403 403 403 200", "403 403 403 >admin:axes_accessattempt_changelist"
    ),
    "admin/axes/accessattempt/<path:object_id>/": to_change("axes_accessattempt"),
    "admin:axes_accessfailurelog_changelist": SUPERUSER_ONLY,
    "admin:axes_accessfailurelog_add": NO_ADDING,
    "admin:axes_accessfailurelog_history": SUPERUSER_ONLY,
    "admin:axes_accessfailurelog_delete": SUPERUSER_ONLY,
    "admin:axes_accessfailurelog_change": admin(
        "403 403 403 200", "403 403 403 >admin:axes_accessfailurelog_changelist"
    ),
    "admin/axes/accessfailurelog/<path:object_id>/": to_change("axes_accessfailurelog"),
    # The access log is switched off (AXES_DISABLE_ACCESS_LOG), so it has no rows: these
    # ask about one that does not exist, which the admin answers before asking who.
    "admin:axes_accesslog_changelist": SUPERUSER_ONLY,
    "admin:axes_accesslog_add": NO_ADDING,
    "admin:axes_accesslog_history": admin(">admin:index"),
    "admin:axes_accesslog_delete": admin("403 403 403 >admin:index"),
    "admin:axes_accesslog_change": admin("403 403 403 >admin:index"),
    "admin/axes/accesslog/<path:object_id>/": to_change("axes_accesslog"),
    # --- The source library's own pages (teachers) ----------------------------------------
    "sources:library": row("login 403 403 200 200 200 200", SIGNED_IN_405),
    "sources:detail": row("login 404 404 200 200 200 200", SIGNED_IN_405),
    "lessons:preview": row("login 404 404 200 200 200 200", SIGNED_IN_405),
    # --- Joining a class --------------------------------------------------------------------
    # Teachers do not enrol. An empty code is a 400; the class's own student is already in.
    "lessons:join": row("200 200 200 403 403 403 403", "400 400 400 403 403 403 403"),
    "lessons:join_class": row(
        "200 >home 200 403 403 403 403",
        "400 >home >home 403 403 403 403",  # a signed-in student joins at once
    ),
    # --- A teacher's class pages ----------------------------------------------------------
    "lessons:class": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    "lessons:class_joining": row(SIGNED_IN_405, "login 404 404 400 404 404 400"),
    "lessons:class_rotate_code": row(
        SIGNED_IN_405, "login 404 404 >lessons:class 404 404 >lessons:class"
    ),
    "lessons:class_roster": row(FOR_THE_CLASS_TEACHER, "login 404 404 400 404 404 400"),
    "lessons:reset_password": row(SIGNED_IN_405, FOR_THE_CLASS_TEACHER),
    "lessons:unlock_student": row(
        SIGNED_IN_405, "login 404 404 >lessons:class 404 404 >lessons:class"
    ),
    # --- Privacy: a student's own data; a teacher's copy; erasure ---------------------------
    "lessons:my_work": row(SIGNED_IN, SIGNED_IN_405),
    "lessons:my_work_json": row(SIGNED_IN, SIGNED_IN_405),
    "lessons:student_record": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    "lessons:student_record_json": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    # An empty POST is an unconfirmed erasure: refused, nothing erased.
    "lessons:erase_student": row(FOR_THE_CLASS_TEACHER, "login 404 404 400 404 404 400"),
    # --- A student's work -------------------------------------------------------------------
    "lessons:assignment": row(FOR_THE_STUDENT, SIGNED_IN_405),
    "lessons:answer": row(FOR_THE_STUDENT, "login 400 404 404 404 404 404"),
    # Without a version the answer page is shown again with the reason (no JavaScript).
    "lessons:submit": row(FOR_THE_STUDENT, "login >lessons:answer 404 404 404 404 404"),
    # The matrix's lesson is answered in one box: its print view sends the student back.
    "lessons:answer_print": row("login >lessons:answer 404 404 404 404 404", SIGNED_IN_405),
    "lessons:bibliography": row(FOR_THE_STUDENT, SIGNED_IN_405),
    "lessons:source_work": row(FOR_THE_STUDENT, "login 400 404 404 404 404 404"),
    "lessons:highlight_add": row(SIGNED_IN_405, "login 400 404 404 404 404 404"),
    "lessons:highlight_remove": row(
        SIGNED_IN_405, "login >lessons:source_work 404 404 404 404 404"
    ),
    "lessons:link_add": row(SIGNED_IN_405, "login 400 404 404 404 404 404"),
    "lessons:link_remove": row(SIGNED_IN_405, "login >lessons:source_work 404 404 404 404 404"),
    # Source A has no image to mark, and no region of that id: back to it with the reason.
    "lessons:region_add": row(SIGNED_IN_405, "login >lessons:source_work 404 404 404 404 404"),
    "lessons:region_remove": row(SIGNED_IN_405, "login >lessons:source_work 404 404 404 404 404"),
    # Source A hides nothing, so the student is sent back to it with the reason.
    "lessons:prediction": row(SIGNED_IN_405, "login >lessons:source_work 404 404 404 404 404"),
    # --- Marking ----------------------------------------------------------------------------------
    "lessons:dashboard": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    # Source B is revealed when the teacher says.
    "lessons:reveal_to_class": row(
        SIGNED_IN_405, "login 404 404 >lessons:dashboard 404 404 >lessons:dashboard"
    ),
    # The student's answer is a draft, so it cannot be marked yet: 409.
    "lessons:review": row(FOR_THE_CLASS_TEACHER, "login 404 404 409 404 404 409"),
    "lessons:report": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    "lessons:marks_csv": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    "lessons:annotations_csv": row(FOR_THE_CLASS_TEACHER, SIGNED_IN_405),
    # Each teacher has a bank of their own; without JavaScript the page goes back home.
    "lessons:bank_add": row(SIGNED_IN_405, "login 404 404 >home >home >home >home"),
    "lessons:bank_remove": row(SIGNED_IN_405, "login 404 404 >home 404 404 404"),
}


# --- Asking everyone everything, once ------------------------------------------------------


@pytest.fixture(scope="module")
def results(django_db_setup, django_db_blocker, tmp_path_factory) -> Results:
    """Every pattern that exists, asked by every person both ways; the world is rolled
    back before any test reads the answers."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        answers = run_matrix({pattern.key for pattern in url_patterns()})
        transaction.set_rollback(True)
    return answers


def _observed_row(results: Results, key: str) -> str:
    get, post = (
        " ".join(results.answers[(key, method, person)].cell for person in PEOPLE)
        for method in METHODS
    )
    return f'    "{key}": row("{get}", "{post}"),'


def test_every_url_pattern_has_a_row_in_the_table(results):
    missing = [p.key for p in results.patterns if p.key not in TABLE]
    assert not missing, (
        "These URL patterns have no row in TABLE in tests/coexist/test_authorisation_matrix.py. "
        "Add one for each, saying what every person should get. This is what they get "
        "now; check every cell before you paste it:\n"
        + "\n".join(_observed_row(results, key) for key in missing)
    )


def test_every_row_in_the_table_is_a_url_pattern(results):
    existing = {p.key for p in results.patterns}
    stale = [key for key in TABLE if key not in existing]
    assert not stale, (
        "These rows of TABLE in tests/coexist/test_authorisation_matrix.py name URL "
        f"patterns that no longer exist; remove or rename them: {stale}"
    )


def test_no_url_answers_anyone_with_a_server_error(results):
    errors = [
        f"{method} {answer.url} as {person}: {answer.cell} {answer.error}"
        for (key, method, person), answer in results.answers.items()
        if answer.cell.startswith("5")
    ]
    assert not errors, "\n".join(errors)


def test_every_person_gets_what_the_table_says_from_every_url(results):
    wrong = [
        f"{key:45} {method:4} {person:13} expected {TABLE[key].expected(method, person):12} "
        f"got {answer.cell:12} {answer.url}"
        for (key, method, person), answer in results.answers.items()
        if key in TABLE and answer.cell != TABLE[key].expected(method, person)
    ]
    assert not wrong, "\n" + "\n".join(wrong)


# Whoever holds the class's code may see the class's name on the way in.
KNOWS_THE_CODE = {"lessons:join_class"}


def test_no_page_names_the_class_its_code_or_its_student_to_anyone_outside_it(results):
    """Not in a page, a redirect, a message or a CSV: another teacher, a teacher with no
    classes, a student of another class and a visitor learn nothing of the class."""
    leaks = [
        f"{method} {answer.url} as {person}: {', '.join(answer.leaked)}"
        for (key, method, person), answer in results.answers.items()
        if answer.leaked and key not in KNOWS_THE_CODE
    ]
    assert not leaks, "\n".join(leaks)


def test_no_two_url_patterns_share_a_row(results):
    """Two unnamed patterns with one route, or a name used twice, would share a row and
    the second would go unchecked."""
    keys = [p.key for p in results.patterns]
    assert sorted(k for k in keys if keys.count(k) > 1) == []
    assert len(results.answers) == len(keys) * len(METHODS) * len(PEOPLE)
