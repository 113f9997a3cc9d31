"""A teacher changes a lesson students have started; a colleague copies it to change it.

Nothing either does costs a student a word: the refusals say why and offer the way out
(retire a source, duplicate the lesson), and the students' pages show what they wrote.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect

from coexist.models import User
from coexist.teacher_permissions import TEACHERS_GROUP
from lessons.models import Assignment, Lesson, SourceAnnotation

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SLUG = "khrushchev-and-peaceful-coexistence"


def work_of_everyone() -> list[tuple]:
    return list(
        SourceAnnotation.objects.order_by("pk").values_list(
            "student__username", "lesson_source__label", "responses", "rating", "highlights"
        )
    )


def lesson_change_url(live_server) -> str:
    return f"{live_server.url}/admin/lessons/lesson/{Lesson.objects.get(slug=SLUG).pk}/change/"


def test_the_owner_is_refused_the_edits_that_would_lose_work_and_retires_a_source(
    page: Page, live_server, log_in, demo, assert_accessible, screenshot_dir
):
    before = work_of_everyone()
    log_in(page, "teacher", "coexist-demo")
    page.goto(lesson_change_url(live_server))
    expect(page.locator(".field-work_status")).to_contain_text(
        "Students have started this lesson: the work of 5 students in 1 class (10H History)"
    )

    # Another framework: refused, with the way out.
    page.locator("#id_framework").select_option(label="Origin, purpose, value, limitation (OPVL)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".field-framework .errorlist")).to_contain_text(
        "so its framework cannot change"
    )
    expect(page.locator(".field-framework .errorlist")).to_contain_text("Duplicate the lesson")
    page.screenshot(path=screenshot_dir / "admin-lesson-framework-refused.png", full_page=True)

    # Removing Source C, which students analysed: refused, "retire" offered instead.
    page.goto(lesson_change_url(live_server))
    page.locator("#id_lesson_sources-2-DELETE").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".errorlist.nonform")).to_contain_text("Source C is used in the work of")
    expect(page.locator(".errorlist.nonform")).to_contain_text("Tick “retired” instead")
    page.screenshot(path=screenshot_dir / "admin-lesson-source-delete-refused.png", full_page=True)
    assert work_of_everyone() == before

    # Retiring it is allowed.
    page.goto(lesson_change_url(live_server))
    page.locator("#id_lesson_sources-2-retired").check()
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert work_of_everyone() == before

    # The class's deletion page counts the work before anyone confirms.
    page.goto(f"{live_server.url}/admin/lessons/classroom/")
    page.get_by_role("link", name="10H History", exact=True).click()
    page.locator("a.deletelink").click()
    expect(page.locator(".work-warning")).to_contain_text(
        "This also deletes the work of 5 students: 33 source analyses, 5 answers"
    )
    page.screenshot(path=screenshot_dir / "admin-class-delete-counts.png", full_page=True)
    page.get_by_role("button", name="No, take me back").click()
    assert work_of_everyone() == before

    # The dashboard still shows Source C, marked retired.
    assignment = Assignment.objects.get(lesson__slug=SLUG)
    page.goto(f"{live_server.url}/teach/assignments/{assignment.pk}/")
    grid = page.get_by_role("table", name="Each student's stage and")
    expect(grid.locator("thead")).to_contain_text("C (retired)")
    expect(page.locator(".badge", has_text="Retired")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 375])
def test_a_retired_source_stays_read_only_for_those_who_began_it_and_leaves_the_rest(
    page: Page, live_server, log_in, demo, assert_accessible, screenshot_dir, width
):
    page.set_viewport_size({"width": width, "height": 900})
    lesson = Lesson.objects.get(slug=SLUG)
    lesson.lesson_sources.filter(label="C").update(retired=True)
    assignment = Assignment.objects.get(lesson=lesson)
    started = SourceAnnotation.objects.get(
        assignment=assignment, student__username="student1", lesson_source__label="C"
    )

    log_in(page, "student1", "coexist-demo")
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/sources/C/")
    expect(page.get_by_role("status").filter(has_text="taken this source out")).to_be_visible()
    first_prompt = page.locator("#analysis-form textarea").first
    expect(first_prompt).to_be_disabled()
    expect(first_prompt).to_have_value(next(iter(started.responses.values())))
    assert_accessible(page)
    page.screenshot(path=screenshot_dir / f"student-retired-source-{width}.png", full_page=True)

    page.context.clear_cookies()
    log_in(page, "student5", "coexist-demo")
    page.goto(f"{live_server.url}/assignments/{assignment.pk}/")
    labels = page.locator(".source-list .source-label")
    expect(labels).to_have_text(["A", "B", "D", "E", "F", "G"])
    assert_accessible(page)
    response = page.goto(f"{live_server.url}/assignments/{assignment.pk}/sources/C/")
    assert response.status == 404


def test_a_colleague_reads_the_lesson_and_duplicates_it_to_change_it(
    page: Page, live_server, log_in, demo, screenshot_dir
):
    rossi = User.objects.create_user(
        "rossi", password="coexist-demo", is_staff=True, display_name="Mr Rossi"
    )
    rossi.groups.add(Group.objects.get(name=TEACHERS_GROUP))
    log_in(page, "rossi", "coexist-demo")
    page.goto(lesson_change_url(live_server))
    expect(page.locator(".owner-note")).to_contain_text("This lesson belongs to Ms Morgan")
    expect(page.locator("#id_title")).to_have_count(0)  # read-only: no inputs
    page.screenshot(path=screenshot_dir / "admin-lesson-read-only.png", full_page=True)

    page.get_by_role("button", name="Duplicate to edit").click()
    expect(page.locator(".messagelist")).to_contain_text("a draft you own")
    copy = Lesson.objects.get(owner=rossi)
    assert copy.slug == f"{SLUG}-copy" and not copy.published
    assert list(copy.lesson_sources.values_list("label", flat=True)) == list("ABCDEFG")

    page.locator("#id_framework").select_option(label="Origin, purpose, value, limitation (OPVL)")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    copy.refresh_from_db()
    assert copy.framework.slug == "opvl"
    assert Lesson.objects.get(slug=SLUG).framework.slug != "opvl"
    page.screenshot(path=screenshot_dir / "admin-lesson-duplicate.png", full_page=True)
