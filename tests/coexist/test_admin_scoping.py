"""No admin page tells a teacher anything about a class they do not teach.

Sources, interpretations, frameworks and lessons are shared, so deleting one of them can
reach other teachers' assignments and their students' answers. Those are counted (“2
assignments in classes you do not teach”), never named; a teacher's own are named as
Django names them. “View on site” answers 404 for an object the admin would not show.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from coexist.models import User
from lessons.models import Assignment, Classroom, Lesson, Prompt, Submission
from lessons.services import work
from sources.models import Interpretation, Source
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import make_assignment, make_classroom, make_lesson
from tests.lessons.test_curriculum_keeps_work import admin_form, row
from tests.sources.factories import make_interpretation

pytestmark = pytest.mark.django_db

MINE = ("10H Zephyr", "Quintessa", "qvale")  # Ms Okafor's class and her student
THEIRS = ("11R Quokka", "Rowan", "rthistle")  # Mr Rossi's
PROTECTED = "would require deleting the following protected related objects"


@dataclass
class World:
    okafor: User  # teaches 10H Zephyr
    rossi: User  # teaches 11R Quokka
    lonely: User  # teaches no class; owns the lesson both classes were set
    root: User
    lesson: Lesson
    interpretation: Interpretation
    mine: Assignment
    theirs: Assignment


def _answer(assignment, student, interpretation) -> None:
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=assignment.lesson.lesson_sources.first().pk,
        version=0,
        responses={"origin": f"Written by {student.first_name}."},
        prompt_keys=["origin"],
        rating=3,
        rating_reason="",
        done=False,
    )
    work.save_answer(
        assignment=assignment,
        student=student,
        version=0,
        judgement=3,
        answer=f"{student.first_name}'s answer.",
        cited={},
        preferred_interpretation_id=interpretation.pk,
        interpretation_reason="",
    )


@pytest.fixture
def world(db) -> World:
    okafor = make_teacher("okafor", display_name="Ms Okafor")
    rossi = make_teacher("rossi", display_name="Mr Rossi")
    lonely = make_teacher("lonely", display_name="Ms Lonely")
    quintessa = make_student(MINE[2], first_name=MINE[1], last_name="Vale")
    rowan = make_student(THEIRS[2], first_name=THEIRS[1], last_name="Thistlewood")
    mine = make_classroom(name=MINE[0], teachers=[okafor], students=[quintessa])
    theirs = make_classroom(name=THEIRS[0], teachers=[rossi], students=[rowan])
    interpretation = make_interpretation(position="Coexistence was a tactic")
    lesson = make_lesson(
        sources=2,
        published=True,
        owner=lonely,
        title="Shared lesson",
        interpretations=[interpretation],
    )
    world = World(
        okafor=okafor,
        rossi=rossi,
        lonely=lonely,
        root=make_user("root", is_staff=True, is_superuser=True),
        lesson=lesson,
        interpretation=interpretation,
        mine=make_assignment(mine, lesson),
        theirs=make_assignment(theirs, lesson),
    )
    _answer(world.mine, quintessa, interpretation)
    _answer(world.theirs, rowan, interpretation)
    return world


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def says_nothing_of(page: str, secrets: tuple[str, ...]) -> bool:
    return not any(secret in page for secret in secrets)


def admin_url(obj, view: str) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])


def deletion_pages(client: Client, obj) -> list[str]:
    """The object's delete page, its confirmation, and both steps of “delete selected”."""
    url = admin_url(obj, "delete")
    opts = obj._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    selected = {"action": "delete_selected", "_selected_action": [obj.pk]}
    pages = []
    for response in (
        client.get(url),
        client.post(url, {"post": "yes"}),
        client.post(changelist, selected),
        client.post(changelist, {**selected, "post": "yes"}),
    ):
        assert response.status_code == 200
        assert PROTECTED in text(response)
        pages.append(text(response))
    return pages


# --- Delete pages ---------------------------------------------------------------------------


def test_a_teacher_with_no_classes_sees_only_a_count_of_the_assignments_blocking_a_deletion(
    world,
):
    for page in deletion_pages(as_user(world.lonely), world.lesson):
        assert "2 assignments in classes you do not teach" in page
        assert says_nothing_of(page, MINE + THEIRS)
        assert f'href="{admin_url(world.theirs, "change")}"' not in page
        assert f'href="{admin_url(world.mine, "change")}"' not in page
    assert Lesson.objects.filter(pk=world.lesson.pk).exists()


def test_a_teacher_sees_her_own_students_answers_by_name_and_a_count_of_the_others(world):
    for page in deletion_pages(as_user(world.okafor), world.interpretation):
        assert "Submission: Quintessa" in page
        assert MINE[0] in page
        assert "1 submission in classes you do not teach" in page
        assert says_nothing_of(page, THEIRS)
    assert Interpretation.objects.filter(pk=world.interpretation.pk).exists()


def test_an_administrator_sees_everything_a_deletion_touches(world):
    for page in deletion_pages(as_user(world.root), world.lesson):
        assert f'<a href="{admin_url(world.mine, "change")}">' in page
        assert f'<a href="{admin_url(world.theirs, "change")}">' in page
        assert MINE[0] in page and THEIRS[0] in page
        assert "you do not teach" not in page


def test_deleting_her_own_class_names_what_it_takes(world):
    page = text(as_user(world.okafor).get(admin_url(world.mine.classroom, "delete")))
    assert "Are you sure" in page
    assert MINE[0] in page and MINE[1] in page
    assert says_nothing_of(page, THEIRS)


def test_what_a_deletion_would_take_is_counted_when_it_belongs_to_other_classes(world):
    """A cascade, not a block: deleting another teacher's student (an administrator's
    page; here as a teacher would see it) lists their enrolment and work as counts."""
    from django.contrib import admin

    from coexist.admin_privacy import deleted_objects

    request = Client().get("/").wsgi_request
    request.user = world.okafor
    rowan = User.objects.get(username=THEIRS[2])
    to_delete, model_count, _, protected = deleted_objects(
        User.objects.filter(pk=rowan.pk), request, admin.site
    )
    flat = str(to_delete)
    assert "1 enrolment in classes you do not teach" in flat
    assert "1 source annotation in classes you do not teach" in flat
    assert "1 submission in classes you do not teach" in flat
    assert says_nothing_of(flat, (THEIRS[0],))
    assert model_count["submissions"] == 1
    assert protected == []


def test_a_chosen_interpretation_refused_on_its_source_page_names_only_her_own_students(
    world,
):
    client = as_user(world.okafor)
    url, data = admin_form(client, world.interpretation.work)
    data[row(data, "interpretations", world.interpretation) + "DELETE"] = "on"
    page = text(client.post(url, data))
    assert "cannot be removed" in page
    assert "Quintessa" in page
    assert "1 submission in classes you do not teach" in page
    assert says_nothing_of(page, THEIRS)
    assert Interpretation.objects.filter(pk=world.interpretation.pk).exists()


# --- Work in use, on curriculum pages ----------------------------------------------------


def test_the_lesson_page_counts_classes_its_reader_does_not_teach(world):
    page = text(as_user(world.lonely).get(admin_url(world.lesson, "change")))
    assert "the work of 2 students in 2 classes you do not teach" in page
    assert says_nothing_of(page, MINE + THEIRS)
    page = text(as_user(world.okafor).get(admin_url(world.lesson, "change")))
    assert f"the work of 2 students in 2 classes ({MINE[0]} and 1 you do not teach)" in page
    assert says_nothing_of(page, THEIRS)


def test_an_answered_prompt_refused_on_the_framework_page_names_only_her_classes(world):
    client = as_user(world.okafor)
    url, data = admin_form(client, world.lesson.framework)
    origin = Prompt.objects.get(framework=world.lesson.framework, key="origin")
    data[row(data, "prompts", origin) + "DELETE"] = "on"
    page = text(client.post(url, data))
    assert f"has answers in the work of 2 students in 2 classes ({MINE[0]} and 1 you" in page
    assert says_nothing_of(page, THEIRS)
    assert Prompt.objects.filter(pk=origin.pk).exists()


# --- View on site ----------------------------------------------------------------------------


def view_on_site(obj) -> str:
    content_type = ContentType.objects.get_for_model(obj)
    return f"/admin/r/{content_type.pk}/{obj.pk}/"


def test_view_on_site_redirects_a_teacher_to_her_own_class(world):
    response = as_user(world.okafor).get(view_on_site(world.mine.classroom))
    assert response.status_code == 302
    assert response["Location"].endswith(world.mine.classroom.get_absolute_url())


def test_view_on_site_is_a_404_for_another_teachers_class_as_for_none_at_all(world):
    client = as_user(world.okafor)
    theirs = client.get(view_on_site(world.theirs.classroom))
    content_type = ContentType.objects.get_for_model(Classroom)
    missing = client.get(f"/admin/r/{content_type.pk}/999999/")
    assert theirs.status_code == missing.status_code == 404

    def without_nonce(response) -> str:
        """The page without what changes on every response: a nonce and a CSRF token."""
        return re.sub(r'(nonce|value)="[^"]*"', "", response.content.decode())

    assert without_nonce(theirs) == without_nonce(missing)


@pytest.mark.parametrize("who", ["okafor", "lonely", "rossi"])
def test_view_on_site_works_for_shared_curriculum(world, who):
    response = as_user(getattr(world, who)).get(view_on_site(world.lesson))
    assert response.status_code == 302
    assert response["Location"].endswith(world.lesson.get_absolute_url())


@pytest.mark.parametrize(
    "address",
    [
        lambda w: view_on_site(Submission.objects.filter(assignment=w.mine).get()),
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(Classroom).pk}/not-a-number/",
        lambda w: "/admin/r/999999/1/",
        lambda w: f"/admin/r/{ContentType.objects.get_for_model(User).pk}/{w.okafor.pk}/",
    ],
    ids=["a model without an admin", "a malformed id", "no such content type", "a user"],
)
def test_view_on_site_is_a_404_for_anything_the_admin_would_not_show(world, address):
    assert as_user(world.okafor).get(address(world)).status_code == 404


def test_view_on_site_sends_anyone_not_staff_to_the_admin_login(world):
    address = view_on_site(world.mine.classroom)
    for client in (Client(), as_user(User.objects.get(username=MINE[2]))):
        response = client.get(address)
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_view_on_site_shows_an_administrator_any_class(world):
    response = as_user(world.root).get(view_on_site(world.theirs.classroom))
    assert response.status_code == 302


# --- Every other admin page a teacher with no classes can open ---------------------------


def pages_for(world: World) -> list[str]:
    lesson, interpretation = world.lesson, world.interpretation
    source = Source.objects.filter(lesson_uses__lesson=lesson).first()
    pages = ["/admin/", "/admin/sources/source/export/", "/admin/sources/source/import/"]
    for model in ("lessons/lesson", "lessons/framework", "lessons/classroom", "lessons/assignment"):
        pages.append(f"/admin/{model}/")
    for model in ("sources/source", "sources/interpretation", "sources/author"):
        pages.append(f"/admin/{model}/")
    for obj in (lesson, interpretation, source, lesson.framework):
        pages += [admin_url(obj, "change"), admin_url(obj, "history"), admin_url(obj, "delete")]
    for obj in (world.mine.classroom, world.theirs.classroom, world.mine, world.theirs):
        pages += [admin_url(obj, "change"), admin_url(obj, "history"), admin_url(obj, "delete")]
    classroom = "app_label=lessons&model_name=assignment&field_name=classroom"
    pages += [
        f"/admin/autocomplete/?{classroom}&term=",
        f"/admin/autocomplete/?{classroom}&term=Quokka",
        "/admin/autocomplete/?app_label=lessons&model_name=lesson&field_name=interpretations&term=",
    ]
    return pages


def test_no_admin_page_shows_a_teacher_with_no_classes_any_class_or_its_students(world):
    client = as_user(world.lonely)
    for address in pages_for(world):
        response = client.get(address, follow=True)
        assert response.status_code in (200, 403, 404), (address, response.status_code)
        assert says_nothing_of(text(response), MINE + THEIRS), address


def test_no_admin_page_shows_a_teacher_another_teachers_class_or_its_students(world):
    client = as_user(world.okafor)
    seen_her_class = False
    for address in pages_for(world):
        response = client.get(address, follow=True)
        page = text(response)
        assert says_nothing_of(page, THEIRS), address
        seen_her_class |= MINE[0] in page
    assert seen_her_class, "her own class is shown to her, so the check above can fail"


def test_class_autocomplete_offers_only_her_own_classes(world):
    query = "app_label=lessons&model_name=assignment&field_name=classroom&term="
    results = as_user(world.okafor).get(f"/admin/autocomplete/?{query}").json()["results"]
    assert [result["text"] for result in results] == [MINE[0]]


# --- Cost ------------------------------------------------------------------------------------


# The session and the user; the lesson; her own and her group's permissions; what the
# deletion reaches (the lesson's interpretations, co-editors, sources, the analyses of
# those sources (protected), the sources' reveals to classes, glossary, facts,
# assignments (protected)); her groups (is
# she a teacher?); which of those analyses and which assignments she may see named, one
# query each whatever their number; each of the lesson's two sources, for its name.
DELETE_PAGE_QUERIES = 18


def test_the_delete_page_costs_the_same_for_one_other_class_or_many(
    world, django_assert_num_queries
):
    client = as_user(world.lonely)
    with django_assert_num_queries(DELETE_PAGE_QUERIES):
        page = text(client.get(admin_url(world.lesson, "delete")))
    assert "2 assignments in classes you do not teach" in page
    for number in range(8):
        other = make_classroom(name=f"Other class {number}", teachers=[world.rossi])
        make_assignment(other, world.lesson)
    with django_assert_num_queries(DELETE_PAGE_QUERIES):
        page = text(client.get(admin_url(world.lesson, "delete")))
    assert "10 assignments in classes you do not teach" in page
