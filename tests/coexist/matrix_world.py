"""The small world the authorisation matrix asks every URL about, and how it asks.

Kept apart from the table so the table reads as a table. `run_matrix` builds the
world, signs each person in once, and sends every request inside a savepoint that is
rolled back, so a POST that deletes, rotates a code or logs out leaves the next request
the same world.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client, override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from PIL import Image

from coexist.models import User
from coexist.teacher_permissions import TEACHERS_GROUP
from lessons.models import Assignment, Classroom, CommentBankEntry, Framework, Lesson
from lessons.services import marking, work
from sources.models import Author, Source
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import (
    add_fact,
    add_glossary,
    make_assignment,
    make_classroom,
    make_text_lesson,
)
from tests.sources.factories import make_interpretation, make_theme

PEOPLE = (
    "anonymous",
    "student",  # in the class
    "other_student",  # in another teacher's class
    "teacher",  # the class's teacher, who owns its lesson
    "other_teacher",  # has a class and a lesson of their own
    "new_teacher",  # in the Teachers group, no classes yet
    "superuser",
)
METHODS = ("GET", "POST")
# Neither in the class nor teaching it: nothing they are shown may name it or its student.
OUTSIDERS = ("anonymous", "other_student", "other_teacher", "new_teacher")
SPEECH = (
    "We say to the capitalist countries: peaceful coexistence is not a truce. "
    "Peaceful coexistence is competition between two systems."
)
REPLY = "The West answered that coexistence without trust is only a pause."
UPLOAD = "sources/matrix-cartoon.png"
MISSING_PK = 987654


# --- Every URL pattern, by name -----------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    """One URL pattern: its full name (namespace:name), or its route if it has none."""

    key: str
    route: str
    name: str | None
    params: tuple[str, ...]  # its keyword arguments, from every level of the route


def url_patterns() -> list[Pattern]:
    """Every pattern the resolver knows, the admin's and included apps' among them."""

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple, params: tuple) -> Iterator:
        for entry in resolver.url_patterns:
            here = params + tuple(entry.pattern.regex.groupindex)
            if isinstance(entry, URLResolver):
                inner = namespaces + ((entry.namespace,) if entry.namespace else ())
                yield from walk(entry, prefix + str(entry.pattern), inner, here)
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = ":".join((*namespaces, entry.name)) if entry.name else None
                yield Pattern(key=name or route, route=route, name=name, params=here)

    return list(walk(get_resolver(), "", (), ()))


# --- The world ------------------------------------------------------------------------------


@dataclass
class World:
    """Everything a URL can name, all belonging to the class's teacher and student."""

    people: dict[str, User | None]
    classroom: Classroom
    assignment: Assignment
    lesson: Lesson
    source: Source
    other_label_pk: int
    highlight_id: str
    bank_entry: CommentBankEntry
    objects: dict[str, object] = field(default_factory=dict)  # admin "<app>_<model>" → object

    @property
    def student(self) -> User:
        return self.people["student"]

    @property
    def secrets(self) -> tuple[str, ...]:
        """What only the class's own people may read: its name, its code, its student."""
        return (
            self.classroom.name,
            self.classroom.join_code,
            self.classroom.display_code,
            self.student.get_full_name(),
            self.student.username,
        )


def build_world() -> World:
    """One lesson with two sources, a glossary term, a fact and an interpretation, set
    for the teacher's class; the student's analysis of source A with a highlight and a
    link to B, and their draft answer choosing the interpretation; the other teacher's
    own class, lesson, student and work; a teacher with no classes; a superuser; a
    comment in the teacher's bank; an uploaded image; a failed login."""
    teacher = make_teacher("matrix_teacher", first_name="Ada", last_name="Okafor")
    other_teacher = make_teacher("matrix_other_teacher", last_name="Rossi")
    new_teacher = make_teacher("matrix_new_teacher", last_name="Novak")
    superuser = make_user("matrix_superuser", is_staff=True, is_superuser=True)
    student = make_student("matrix_student", first_name="Samwise", last_name="Quokkason")
    other_student = make_student("matrix_other_student", first_name="Riley")

    interpretation = make_interpretation()
    lesson = make_text_lesson(SPEECH, REPLY, owner=teacher)
    lesson.interpretations.add(interpretation)
    add_glossary(lesson, "coexistence", "Living side by side without war.")
    add_fact(lesson, "Khrushchev visited the United States in 1959.")
    classroom = make_classroom(name="10H Quokka History", teachers=[teacher], students=[student])
    assignment = make_assignment(classroom, lesson=lesson)

    other_lesson = make_text_lesson(REPLY, owner=other_teacher)
    other_classroom = make_classroom(
        name="11R History", teachers=[other_teacher], students=[other_student]
    )
    other_assignment = make_assignment(other_classroom, lesson=other_lesson)

    source_a, source_b = lesson.lesson_sources.order_by("label")
    source_b.reveal = "teacher"  # its provenance waits for the teacher's reveal
    source_b.save(update_fields=["reveal"])
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=source_a.pk,
        version=0,
        responses={"origin": "A speech by Khrushchev."},
        prompt_keys=["origin"],
        rating=4,
        rating_reason="He said it in public.",
        done=False,
    )
    highlight = work.add_highlight(
        assignment=assignment,
        student=student,
        lesson_source_id=source_a.pk,
        start=0,
        end=6,
        quote="We say",
        note="Who is we?",
        tag="evidence",
    )
    work.set_link(
        assignment=assignment,
        student=student,
        lesson_source_id=source_a.pk,
        other_id=source_b.pk,
        relation="agrees",
        note="",
    )
    work.save_answer(
        assignment=assignment,
        student=student,
        version=0,
        answer="Coexistence changed the tone more than the aims.",
        judgement=3,
        preferred_interpretation_id=interpretation.pk,
    )
    work.save_answer(
        assignment=other_assignment,
        student=other_student,
        version=0,
        answer="It was a pause.",
        judgement=2,
    )
    bank_entry = marking.bank_comment(teacher=teacher, text="Say who made the source.")

    source = Source.objects.get(pk=source_a.source_id)
    author = Author.objects.filter(credits__source=source).first()
    theme = make_theme("Peaceful coexistence")
    source.themes.add(theme)
    _write_upload()
    # A wrong password, so the records of failed logins have a row to ask about.
    Client().post(reverse("login"), {"username": student.username, "password": "wrong"})
    return World(
        people={
            "anonymous": None,
            "student": student,
            "other_student": other_student,
            "teacher": teacher,
            "other_teacher": other_teacher,
            "new_teacher": new_teacher,
            "superuser": superuser,
        },
        classroom=classroom,
        assignment=assignment,
        lesson=lesson,
        source=source,
        other_label_pk=source_b.pk,
        highlight_id=highlight["id"],
        bank_entry=bank_entry,
        objects={
            "auth_group": Group.objects.get(name=TEACHERS_GROUP),
            "sources_author": author,
            "sources_theme": theme,
            "sources_source": source,
            "sources_interpretation": interpretation,
            "lessons_framework": Framework.objects.get(pk=lesson.framework_id),
            "lessons_lesson": lesson,
            "coexist_user": student,
            "lessons_classroom": classroom,
            "lessons_assignment": assignment,
        },
    )


def _write_upload() -> None:
    path = Path(settings.MEDIA_ROOT) / UPLOAD
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", (4, 3)).save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())


# --- Each pattern's URL in the world -----------------------------------------------------


def _history_id(obj) -> int:
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first()


def url_in_world(pattern: Pattern, world: World) -> str:
    """The pattern's URL, filled in with the world's objects: the class's teacher's class,
    assignment, student and lesson, so everyone else is asking about someone else's."""
    name, route = pattern.name, pattern.route
    if route.startswith("admin/"):
        return _admin_url(pattern, world)
    if name is None:
        raise LookupError(f"No URL recipe for the unnamed pattern {route!r}")
    classes = route.startswith("classes/")
    values = {
        "pk": world.classroom.pk if classes else world.assignment.pk,
        "student_pk": world.student.pk,
        "label": "A",
        "highlight_id": world.highlight_id,
        "other_pk": world.other_label_pk,
        "entry_pk": world.bank_entry.pk,
        "source_pk": world.other_label_pk,
        "region_id": "no-such-region",
        "code": world.classroom.join_code,
        "slug": world.source.slug if name.startswith("sources:") else world.lesson.slug,
        "path": UPLOAD,
    }
    return reverse(name, kwargs={key: values[key] for key in pattern.params})


def _admin_url(pattern: Pattern, world: World) -> str:
    name, route = pattern.name, pattern.route
    if name is None:
        if route == "admin/(?P<url>.*)$":
            return "/admin/no-such-page/"
        # admin/<app>/<model>/<path:object_id>/ redirects to the change page.
        _admin, app, model, *_ = route.split("/")
        obj = _admin_object(f"{app}_{model}", world)
        return f"/admin/{app}/{model}/{obj.pk if obj is not None else MISSING_PK}/"
    short = name.removeprefix("admin:")
    if short == "view_on_site":
        content_type = ContentType.objects.get_for_model(Classroom)
        return reverse(name, args=[content_type.pk, world.classroom.pk])
    if short == "app_list":
        return reverse(name, kwargs={"app_label": "lessons"})
    if short == "autocomplete":
        query = "app_label=lessons&model_name=lesson&field_name=interpretations"
        return f"{reverse(name)}?{query}"
    if short == "lessons_lesson_source_autocomplete":
        query = "app_label=lessons&model_name=lessonsource&field_name=source"
        return f"{reverse(name)}?{query}"
    if short == "sources_interpretation_work_autocomplete":
        query = "app_label=sources&model_name=interpretation&field_name=work"
        return f"{reverse(name)}?{query}"
    if short == "auth_user_password_change":
        return reverse(name, args=[world.student.pk])
    for kind in ("_simple_history", "_duplicate", "_add_sources", "_history", "_delete", "_change"):
        if short.endswith(kind) and (model_key := short.removesuffix(kind)) in _admin_models():
            obj = _admin_object(model_key, world)
            if kind == "_simple_history":
                return reverse(name, args=[obj.pk, _history_id(obj)])
            # A model with no rows at all (a log that is switched off) is asked about a
            # row that does not exist.
            return reverse(name, args=[obj.pk if obj is not None else MISSING_PK])
    return reverse(name)


def _admin_models() -> dict:
    """The admin's models by "<app>_<model>", the prefix of their URL names."""
    return {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}


def _admin_object(key: str, world: World):
    """The world's object for an admin model; for a model the world does not name (a
    third-party app's), the first row there is, if any."""
    if key in world.objects:
        return world.objects[key]
    return _admin_models()[key]._default_manager.order_by("pk").first()


# --- Asking -----------------------------------------------------------------------------------


def outcome(response) -> str:
    """The cell the table would hold for this response."""
    if response.status_code not in (301, 302, 303, 307, 308):
        return str(response.status_code)
    path = urlsplit(response["Location"]).path
    if path == reverse("login"):
        return "login"
    if path == reverse("admin:login"):
        return "admin-login"
    try:
        return ">" + resolve(path).view_name
    except Resolver404:
        return ">" + path


@dataclass
class Answer:
    url: str
    cell: str
    error: str = ""
    leaked: tuple[str, ...] = ()  # the class's secrets in what an outsider was shown


@dataclass
class Results:
    patterns: list[Pattern]
    answers: dict[tuple[str, str, str], Answer]  # (pattern key, method, person)
    seconds: float
    requests: int


def run_matrix(keys_to_ask: set[str]) -> Results:
    """Build the world and ask every pattern in `keys_to_ask` as every person, both ways.

    Must run inside an atomic block the caller rolls back.
    """
    patterns = url_patterns()
    with override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    ):
        world = build_world()
        clients = {person: _client_for(user) for person, user in world.people.items()}
        answers = {}
        started = time.perf_counter()
        for pattern in patterns:
            if pattern.key not in keys_to_ask:
                continue
            url = url_in_world(pattern, world)
            for person, (client, cookies) in clients.items():
                secrets = world.secrets if person in OUTSIDERS else ()
                for method in METHODS:
                    answer = _ask(client, cookies, method, url, secrets)
                    answers[(pattern.key, method, person)] = answer
        seconds = time.perf_counter() - started
    return Results(patterns, answers, seconds, len(answers))


def _client_for(user: User | None) -> tuple[Client, SimpleCookie]:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client, SimpleCookie(client.cookies)


def _ask(client: Client, cookies: SimpleCookie, method: str, url: str, secrets=()) -> Answer:
    # Each person starts every request from their own fresh sign-in: a logout or a
    # message left by the previous request must not leak into this one.
    client.cookies = SimpleCookie(cookies)
    savepoint = transaction.savepoint_create()
    try:
        response = client.get(url) if method == "GET" else client.post(url)
    finally:
        transaction.savepoint_rollback(savepoint)
    error = ""
    if response.status_code >= 500 and getattr(response, "exc_info", None):
        error = repr(response.exc_info[1])
    body = "" if response.streaming else response.content.decode(errors="replace")
    leaked = tuple(secret for secret in secrets if secret and secret in body)
    return Answer(url=url, cell=outcome(response), error=error, leaked=leaked)
