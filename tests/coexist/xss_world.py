"""The world the XSS corpus is typed into: every field a student or teacher can type,
and every page that shows one.

One world is built; each round writes a new batch of payloads into every field (as
many as fit its limit) and renders every page again. A first round writes a plain
probe into each field instead, which finds the pages that show it: that is how the
test knows a payload was shown, not merely absent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from itertools import count

from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coexist.models import User
from lessons.models import (
    HIGHLIGHTS_MAX,
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    Assignment,
    Classroom,
    CommentBankEntry,
    Fact,
    Framework,
    GlossaryTerm,
    Lesson,
    LessonSource,
    Prompt,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from sources.models import Author, Interpretation, Nature, Provenance, Source, Theme
from sources.text import anchor_text
from tests.coexist.xss import MARKER, Payload
from tests.factories import make_student, make_teacher, make_user
from tests.lessons.factories import make_classroom
from tests.sources.factories import make_author, make_source

_numbers = count(1)
COPIES = 3  # lesson sources, glossary terms, facts, themes: each copy takes other payloads


@dataclass
class World:
    student: User
    classmates: list[User]  # in the class too, without work: their names are copies
    other_student: User
    teacher: User
    other_teacher: User
    superuser: User
    framework: Framework
    prompts: list[Prompt]
    lesson: Lesson
    lesson_sources: list[LessonSource]
    sources: list[Source]
    authors: list[Author]
    themes: list[Theme]
    interpretations: list[Interpretation]
    glossary: list[GlossaryTerm]
    facts: list[Fact]
    classroom: Classroom
    assignment: Assignment
    annotations: list[SourceAnnotation]
    submission: Submission
    version: SubmissionVersion
    bank: CommentBankEntry
    clients: dict[str, Client] = field(default_factory=dict)


def build_world() -> World:
    """A teacher's own framework and lesson of three sources (a journal article, a
    government document, a film) with a glossary term, a fact and an interpretation;
    their class with one student whose analyses, highlights, links, answer, an earlier
    version and feedback all exist; a comment in the teacher's bank; another teacher;
    a student of another class; a superuser."""
    teacher = make_teacher("xss_teacher", first_name="Ada", last_name="Okafor")
    other_teacher = make_teacher("xss_other_teacher", last_name="Rossi")
    superuser = make_user("xss_superuser", is_staff=True, is_superuser=True)
    student = make_student("xss_student", first_name="Sam", last_name="Patel")
    other_student = make_student("xss_other_student", first_name="Riley")
    make_classroom(name="11R History", teachers=[other_teacher], students=[other_student])

    framework = Framework.objects.create(name="Probe framework", slug="probe", short_name="PF")
    prompts = [
        Prompt.objects.create(framework=framework, order=i, key=key, label=key.title())
        for i, key in enumerate(("origin", "purpose"))
    ]
    themes = [Theme.objects.create(name=f"Theme {i}", slug=f"theme-{i}") for i in range(COPIES)]
    authors = [make_author(), make_author(), make_author()]
    natures = (Nature.JOURNAL_ARTICLE, Nature.GOVERNMENT_DOCUMENT, Nature.VIDEO)
    sources = [
        make_source(authors=[author], nature=nature, text="Probe text.", themes=themes)
        for author, nature in zip(authors, natures, strict=True)
    ]
    historian = make_author()
    work = make_source(authors=[historian], nature=Nature.BOOK_CHAPTER, is_primary=False)
    interpretations = [
        Interpretation.objects.create(
            historian=historian,
            work=work,
            question="Why?",
            position=f"Because {i}",
            summary="Probe.",
            stance="mixed",
        )
        for i in range(2)
    ]
    interpretation = interpretations[0]
    sources.append(work)
    authors.append(historian)
    lesson = Lesson.objects.create(
        title="Probe lesson",
        slug="probe-lesson",
        research_question="To what extent?",
        framework=framework,
        owner=teacher,
        published=True,
    )
    lesson.interpretations.add(*interpretations)
    lesson_sources = [
        LessonSource.objects.create(lesson=lesson, source=source, order=i)
        for i, source in enumerate(sources[:3])
    ]
    lesson.assign_labels()
    for lesson_source in lesson_sources:
        lesson_source.refresh_from_db()
    glossary = [
        GlossaryTerm.objects.create(lesson=lesson, term=f"term{i}", definition="Probe.", order=i)
        for i in range(COPIES)
    ]
    facts = [Fact.objects.create(lesson=lesson, text="Probe.", order=i) for i in range(COPIES)]
    classmates = [make_student(f"xss_classmate{i}") for i in (1, 2)]
    classroom = make_classroom(
        name="10H History", teachers=[teacher], students=[student, *classmates]
    )
    now = timezone.now()
    assignment = Assignment.objects.create(
        classroom=classroom,
        lesson=lesson,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    annotations = [
        SourceAnnotation.objects.create(
            assignment=assignment, student=student, lesson_source=ls, rating=3
        )
        for ls in lesson_sources
    ]
    submission = Submission.objects.create(
        assignment=assignment,
        student=student,
        judgement=3,
        preferred_interpretation=interpretation,
        cited={str(lesson_sources[0].pk): "supports", str(lesson_sources[1].pk): "challenges"},
        mark=7,
        mark_out_of=10,
        feedback_by=teacher,
    )
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=1,
        judgement=2,
        preferred_interpretation=interpretation,
        submitted_at=now - timedelta(hours=2),
        returned_at=now - timedelta(hours=1),
        mark=5,
        mark_out_of=10,
    )
    bank = CommentBankEntry.objects.create(teacher=teacher, text="Probe comment.")
    world = World(
        student=student,
        classmates=classmates,
        other_student=other_student,
        teacher=teacher,
        other_teacher=other_teacher,
        superuser=superuser,
        framework=framework,
        prompts=prompts,
        lesson=lesson,
        lesson_sources=lesson_sources,
        sources=sources,
        authors=authors,
        themes=themes,
        interpretations=interpretations,
        glossary=glossary,
        facts=facts,
        classroom=classroom,
        assignment=assignment,
        annotations=annotations,
        submission=submission,
        version=version,
        bank=bank,
    )
    for name in ("student", "other_student", "teacher", "other_teacher", "superuser"):
        client = Client(raise_request_exception=False)
        client.force_login(getattr(world, name))
        world.clients[name] = client
    return world


# --- Fields ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """Something a person types: its limit, what it accepts, and how many objects in the
    world hold it (each copy takes different payloads, so fewer rounds are needed)."""

    name: str
    limit: int
    accepts: Callable[[str], bool]
    text: bool  # several paragraphs allowed, so payloads are joined by blank lines
    copies: int = 1


def _model_field(
    name: str, model: type[Model], attr: str, *, copies: int = 1, limit: int | None = None
) -> Field:
    """A model field: accepts what the model's own validation accepts (URLs, e-mail
    addresses), up to its length."""
    model_field = model._meta.get_field(attr)
    length = limit or model_field.max_length or 20000

    def accepts(value: str) -> bool:
        if len(value) > length:
            return False
        try:
            model_field.clean(value, None)
        except ValidationError:
            return False
        return True

    text = model_field.get_internal_type() == "TextField"
    return Field(name, length, accepts, text, copies)


def _json_part(name: str, limit: int, copies: int) -> Field:
    return Field(name, limit, lambda value: len(value) <= limit, True, copies)


M = _model_field
SOURCES = 4  # the lesson's three and the interpretation's work
CLASS_SIZE = 3  # the student and two classmates
PROVENANCE = (
    "place",
    "occasion",
    "context",
    "audience",
    "medium",
    "classification",
    "container_title",
    "volume",
    "issue",
    "pages",
    "edition",
    "publisher",
    "publication_place",
    "archive",
    "identifier",
    "duration",
    "url",
    "doi",
    "short_title",
    "note",
)
FIELDS: list[Field] = [
    # Typed by students (names at /join/)
    M("student.first_name", User, "first_name", copies=CLASS_SIZE),
    M("student.last_name", User, "last_name", copies=CLASS_SIZE),
    _json_part("annotation.response", RESPONSE_MAX_LENGTH, copies=COPIES * 2),  # × prompts
    M("annotation.rating_reason", SourceAnnotation, "rating_reason", copies=COPIES),
    _json_part("highlight.note", NOTE_MAX_LENGTH, copies=COPIES),
    _json_part("link.note", NOTE_MAX_LENGTH, copies=COPIES * 2),  # to each other source
    M("submission.answer", Submission, "answer"),
    M("submission.interpretation_reason", Submission, "interpretation_reason"),
    M("version.answer", SubmissionVersion, "answer", limit=20000),
    M("version.interpretation_reason", SubmissionVersion, "interpretation_reason", limit=3000),
    # Typed by teachers about their class and its students
    M("teacher.first_name", User, "first_name"),
    M("teacher.last_name", User, "last_name"),
    M("teacher.display_name", User, "display_name"),
    M("student.display_name", User, "display_name", copies=CLASS_SIZE),
    M("student.email", User, "email"),  # shown in the admin, for the one student
    M("classroom.name", Classroom, "name"),
    M("submission.feedback", Submission, "feedback"),
    M("version.feedback", SubmissionVersion, "feedback", limit=10000),
    M("annotation.teacher_comment", SourceAnnotation, "teacher_comment", copies=COPIES),
    M("bank.text", CommentBankEntry, "text"),
    # Typed by teachers into their lessons and the shared library
    M("lesson.title", Lesson, "title"),
    M("lesson.research_question", Lesson, "research_question"),
    M("lesson.starter", Lesson, "starter"),
    M("lesson.introduction", Lesson, "introduction"),
    M("lesson_source.section", LessonSource, "section", copies=COPIES),
    M("lesson_source.caption", LessonSource, "caption", copies=COPIES),
    M("lesson_source.model_notes", LessonSource, "model_notes", copies=COPIES),
    M("glossary.term", GlossaryTerm, "term", copies=COPIES),
    M("glossary.definition", GlossaryTerm, "definition", copies=COPIES),
    M("fact.text", Fact, "text", copies=COPIES),
    M("framework.name", Framework, "name"),
    M("framework.short_name", Framework, "short_name"),
    M("framework.description", Framework, "description"),
    M("framework.judgement_prompt", Framework, "judgement_prompt"),
    M("prompt.label", Prompt, "label", copies=2),
    M("prompt.guiding_questions", Prompt, "guiding_questions", copies=2),
    M("prompt.sentence_starters", Prompt, "sentence_starters", copies=2),
    M("theme.name", Theme, "name", copies=COPIES),
    M("author.given_names", Author, "given_names", copies=SOURCES),
    M("author.family_name", Author, "family_name", copies=SOURCES),
    M("author.description", Author, "description", copies=SOURCES),
    M("source.title", Source, "title", copies=SOURCES),
    M("source.summary", Source, "summary", copies=SOURCES),
    M("source.text", Source, "text", copies=SOURCES),
    M("source.image_alt", Source, "image_alt", copies=SOURCES),
    M("source.media_url", Source, "media_url", copies=SOURCES),
    *[M(f"provenance.{attr}", Provenance, attr, copies=SOURCES) for attr in PROVENANCE],
    M("interpretation.question", Interpretation, "question", copies=2),
    M("interpretation.position", Interpretation, "position", copies=2),
    M("interpretation.summary", Interpretation, "summary", copies=2),
    M("interpretation.quotation", Interpretation, "quotation"),  # admin only
    M("interpretation.quotation_locator", Interpretation, "quotation_locator"),  # admin only
]
FIELD_NAMES = [f.name for f in FIELDS]
assert len(set(FIELD_NAMES)) == len(FIELD_NAMES)


def batches(field: Field, payloads: list[Payload]) -> list[list[Payload]]:
    """The payloads this field accepts, packed into as few values as fit its limit
    (longest first, each into the first value with room)."""
    joiner = 2 if field.text else 1
    packed: list[tuple[int, list[Payload]]] = []
    accepted = [p for p in payloads if field.accepts(p.text.strip())]
    for payload in sorted(accepted, key=lambda p: -len(p.text.strip())):
        size = len(payload.text.strip())
        for index, (used, batch) in enumerate(packed):
            if used + joiner + size <= field.limit:
                packed[index] = (used + joiner + size, [*batch, payload])
                break
        else:
            packed.append((size, [payload]))
    return [batch for _used, batch in packed]


def value_of(field: Field, batch: list[Payload]) -> str:
    return ("\n\n" if field.text else " ").join(p.text.strip() for p in batch)


def probe_value(field: Field, copy: int) -> str:
    """A harmless word unique to this field and copy, in a form the field accepts."""
    word = f"probe{FIELD_NAMES.index(field.name):03d}c{copy}"
    for value in (word, f"https://probe.example/{word}", f"{word}@probe.example"):
        if field.accepts(value):
            return value
    raise AssertionError(f"{field.name} accepts no probe")


# --- Writing a round -------------------------------------------------------------------------


def _update(obj: Model, **values) -> None:
    if values:
        type(obj)._default_manager.filter(pk=obj.pk).update(**values)


def _save_with_history(obj: Model, **values) -> None:
    """Tracked models are saved, so their history pages have a version holding the text."""
    obj.refresh_from_db()
    for name, value in values.items():
        setattr(obj, name, value)
    obj.save()


def _fields(values: dict[str, list[str]], prefix: str, copy: int = 0) -> dict[str, str]:
    """{attribute: value} for the fields under `prefix` ("lesson.") that this copy holds."""
    return {
        name.removeprefix(prefix): copies[copy]
        for name, copies in values.items()
        if name.startswith(prefix) and copy < len(copies)
    }


def write_round(world: World, values: dict[str, list[str]], *, returned: bool) -> None:
    """Put these values in their fields, one per copy. `returned`: the answer is marked
    and returned (the student sees feedback and the teacher's model notes, and their pages
    are read-only); otherwise it is a draft the student is still writing."""
    for i, student in enumerate([world.student, *world.classmates]):
        _update(student, **_fields(values, "student.", i))
    _update(world.teacher, **_fields(values, "teacher."))
    _update(world.classroom, **_fields(values, "classroom."))
    _update(world.bank, **_fields(values, "bank."))
    _update(world.lesson, **_fields(values, "lesson."))
    _update(world.framework, **_fields(values, "framework."))
    for i, interpretation in enumerate(world.interpretations):
        _save_with_history(interpretation, **_fields(values, "interpretation.", i))
    for i, lesson_source in enumerate(world.lesson_sources):
        _update(lesson_source, **_fields(values, "lesson_source.", i), model_rating=4)
    for i, prompt in enumerate(world.prompts):
        _update(prompt, **_fields(values, "prompt.", i))
    for kind, objects in (("glossary.", world.glossary), ("fact.", world.facts)):
        for i, obj in enumerate(objects):
            _update(obj, **_fields(values, kind, i))
    for i, theme in enumerate(world.themes):
        _update(theme, **_fields(values, "theme.", i))
    for i, (author, source) in enumerate(zip(world.authors, world.sources, strict=True)):
        _save_with_history(author, **_fields(values, "author.", i))
        _save_with_history(source, **_fields(values, "source.", i))
        _save_with_history(
            Provenance.objects.get(source=source), **_fields(values, "provenance.", i)
        )
    _write_work(world, values, returned=returned)
    _log_admin_actions(world)


def _write_work(world: World, values: dict[str, list[str]], *, returned: bool) -> None:
    prompts = len(world.prompts)
    others = [ls.pk for ls in world.lesson_sources]
    for i, (annotation, lesson_source) in enumerate(
        zip(world.annotations, world.lesson_sources, strict=True)
    ):
        text = anchor_text(values["source.text"][i])
        responses = values["annotation.response"][i * prompts : (i + 1) * prompts]
        link_notes = values["link.note"][i * 2 : i * 2 + 2]
        _update(
            annotation,
            responses={p.key: r for p, r in zip(world.prompts, responses, strict=True)},
            rating_reason=values["annotation.rating_reason"][i],
            teacher_comment=values["annotation.teacher_comment"][i],
            highlights=list(_highlights(text, values["highlight.note"][i])),
            links=[
                {"source": other, "relation": "agrees", "note": note}
                for other, note in zip(
                    [o for o in others if o != lesson_source.pk], link_notes, strict=True
                )
            ],
        )
    _update(world.submission, **_fields(values, "submission."))
    _update(world.version, **_fields(values, "version."))
    set_state(world, returned=returned)


def set_state(world: World, *, returned: bool) -> None:
    """The answer as a draft the student is still writing (their pages are forms), or
    marked and returned (read-only, with feedback and the teacher's model notes)."""
    now = timezone.now() if returned else None
    done = SourceAnnotation.Status.DONE if returned else SourceAnnotation.Status.IN_PROGRESS
    SourceAnnotation.objects.filter(pk__in=[a.pk for a in world.annotations]).update(status=done)
    _update(
        world.submission,
        status=Submission.Status.RETURNED if returned else Submission.Status.DRAFT,
        submitted_at=now,
        returned_at=now,
        feedback_at=now,
        returned_by=world.teacher if returned else None,
    )


def _highlights(text: str, note: str) -> Iterator[dict]:
    """Highlights over the source's text as a student's selection makes them: the first
    words, and a stretch of text around each payload marker, each with the note."""
    spans = [(0, min(len(text), 40))]
    for match in MARKER.finditer(text):
        spans.append((max(0, match.start() - 30), min(len(text), match.end() + 30)))
    for i, (start, end) in enumerate(sorted(set(spans))[:HIGHLIGHTS_MAX]):
        quote = text[start:end]
        if quote.strip() and len(quote) <= QUOTE_MAX_LENGTH:
            yield {
                "id": f"h{i:03d}",
                "start": start,
                "end": end,
                "quote": quote,
                "note": note,
                "tag": "evidence",
            }


def _log_admin_actions(world: World) -> None:
    """The admin index lists recent actions by the names objects had then."""
    for obj in (world.classroom, world.lesson, world.sources[0], world.student):
        obj.refresh_from_db()
        LogEntry.objects.log_actions(
            user_id=world.superuser.pk,
            queryset=[obj],
            action_flag=CHANGE,
            change_message=[{"changed": {"fields": ["Name"]}}],
            single_object=True,
        )


# --- Pages ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    name: str
    person: str
    url: Callable[[World], str]
    kind: str = "html"  # html, json or csv
    method: str = "GET"
    data: Callable[[World], dict] | None = None
    draft_only: bool = False  # e.g. the submit confirmation exists only for a draft

    @property
    def by_state(self) -> bool:
        """Shows the work differently once it is returned."""
        return self.person == "student" or self.name in STATEFUL_TEACHER_PAGES


def _admin(model: str, action: str, obj: Callable[[World], Model] | None = None):
    def url(world: World) -> str:
        name = f"admin:{model}_{action}"
        return reverse(name, args=[obj(world).pk]) if obj else reverse(name)

    return url


def _a(name: str, *args: Callable[[World], object]):
    return lambda world: reverse(name, args=[arg(world) for arg in args])


ASSIGNMENT = lambda w: w.assignment.pk  # noqa: E731
CLASS = lambda w: w.classroom.pk  # noqa: E731
STUDENT = lambda w: w.student.pk  # noqa: E731
SOURCE_EXPORT_COLUMNS = ("slug", "title", "authors", "summary", "text", "image_alt", "media_url")

STATEFUL_TEACHER_PAGES = {
    "dashboard",
    "review",
    "report",
    "marks CSV",
    "annotations CSV",
    "student record",
    "student record (JSON)",
}
PAGES: list[Page] = [
    # The student
    Page("student home", "student", _a("home")),
    Page("assignment", "student", _a("lessons:assignment", ASSIGNMENT)),
    *[
        Page(
            f"source {label}",
            "student",
            _a("lessons:source_work", ASSIGNMENT, lambda w, x=label: x),
        )
        for label in "ABC"
    ],
    Page("answer", "student", _a("lessons:answer", ASSIGNMENT)),
    Page("submit confirmation", "student", _a("lessons:submit", ASSIGNMENT), draft_only=True),
    Page("bibliography", "student", _a("lessons:bibliography", ASSIGNMENT)),
    Page("my work", "student", _a("lessons:my_work")),
    Page("my work (JSON)", "student", _a("lessons:my_work_json"), kind="json"),
    Page(
        "join confirmation",
        "other_student",
        lambda w: reverse("lessons:join_class", args=[w.classroom.join_code]),
    ),
    # The teacher
    Page("teacher home", "teacher", _a("home")),
    Page("class", "teacher", _a("lessons:class", CLASS)),
    Page("roster form", "teacher", _a("lessons:class_roster", CLASS)),
    Page("dashboard", "teacher", _a("lessons:dashboard", ASSIGNMENT)),
    Page("review", "teacher", _a("lessons:review", ASSIGNMENT, STUDENT)),
    Page("report", "teacher", _a("lessons:report", ASSIGNMENT, STUDENT)),
    Page("marks CSV", "teacher", _a("lessons:marks_csv", ASSIGNMENT), kind="csv"),
    Page("annotations CSV", "teacher", _a("lessons:annotations_csv", ASSIGNMENT), kind="csv"),
    Page("student record", "teacher", _a("lessons:student_record", CLASS, STUDENT)),
    Page(
        "student record (JSON)",
        "teacher",
        _a("lessons:student_record_json", CLASS, STUDENT),
        kind="json",
    ),
    Page("erase confirmation", "teacher", _a("lessons:erase_student", CLASS, STUDENT)),
    Page("lesson preview", "teacher", lambda w: reverse("lessons:preview", args=[w.lesson.slug])),
    Page("source library", "teacher", _a("sources:library")),
    Page("source detail", "teacher", lambda w: reverse("sources:detail", args=[w.sources[0].slug])),
    # The admin, as the superuser (whose own name is not under test), but for the lesson
    # as its owner and as another teacher, who sees it read-only.
    Page("admin index", "superuser", _a("admin:index")),
    Page("admin lessons", "superuser", _admin("lessons_lesson", "changelist")),
    Page("admin lesson", "teacher", _admin("lessons_lesson", "change", lambda w: w.lesson)),
    Page(
        "admin lesson, read-only",
        "other_teacher",
        _admin("lessons_lesson", "change", lambda w: w.lesson),
    ),
    Page(
        "admin lesson delete", "superuser", _admin("lessons_lesson", "delete", lambda w: w.lesson)
    ),
    Page("admin frameworks", "superuser", _admin("lessons_framework", "changelist")),
    Page(
        "admin framework", "superuser", _admin("lessons_framework", "change", lambda w: w.framework)
    ),
    Page("admin classes", "superuser", _admin("lessons_classroom", "changelist")),
    Page("admin class", "superuser", _admin("lessons_classroom", "change", lambda w: w.classroom)),
    Page(
        "admin class delete",
        "superuser",
        _admin("lessons_classroom", "delete", lambda w: w.classroom),
    ),
    Page("admin assignments", "superuser", _admin("lessons_assignment", "changelist")),
    Page(
        "admin assignment",
        "superuser",
        _admin("lessons_assignment", "change", lambda w: w.assignment),
    ),
    Page("admin sources", "superuser", _admin("sources_source", "changelist")),
    Page("admin source", "superuser", _admin("sources_source", "change", lambda w: w.sources[0])),
    Page(
        "admin source history",
        "superuser",
        _admin("sources_source", "history", lambda w: w.sources[0]),
    ),
    Page(
        "admin source, earlier version",
        "superuser",
        lambda w: reverse(
            "admin:sources_source_simple_history",
            args=[w.sources[0].pk, w.sources[0].history.latest().history_id],
        ),
    ),
    Page(
        "admin source export (CSV)",
        "superuser",
        _admin("sources_source", "export"),
        kind="csv",
        method="POST",
        data=lambda w: {
            "resource": "0",
            "format": "0",
            **{f"sourceresource_{c}": "on" for c in SOURCE_EXPORT_COLUMNS},
        },
    ),
    Page(
        "admin source export (HTML)",
        "superuser",
        _admin("sources_source", "export"),
        method="POST",
        data=lambda w: {
            "resource": "0",
            "format": "3",
            **{f"sourceresource_{c}": "on" for c in SOURCE_EXPORT_COLUMNS},
        },
    ),
    Page("admin authors", "superuser", _admin("sources_author", "changelist")),
    Page("admin author", "superuser", _admin("sources_author", "change", lambda w: w.authors[0])),
    Page("admin interpretations", "superuser", _admin("sources_interpretation", "changelist")),
    Page(
        "admin interpretation",
        "superuser",
        _admin("sources_interpretation", "change", lambda w: w.interpretations[0]),
    ),
    Page("admin themes", "superuser", _admin("sources_theme", "changelist")),
    Page(
        "admin autocomplete (JSON)",
        "superuser",
        lambda w: (
            reverse("admin:autocomplete")
            + "?app_label=lessons&model_name=lesson&field_name=interpretations"
        ),
        kind="json",
    ),
    Page("admin users", "superuser", _admin("coexist_user", "changelist")),
    Page("admin user", "superuser", _admin("coexist_user", "change", lambda w: w.student)),
    Page("admin user delete", "superuser", _admin("coexist_user", "delete", lambda w: w.student)),
]
PAGE_NAMES = [p.name for p in PAGES]
assert len(set(PAGE_NAMES)) == len(PAGE_NAMES)


@dataclass
class Rendered:
    page: Page
    status: int
    body: str
    content_type: str


def render_pages(world: World, *, returned: bool, only: set[str] | None = None) -> list[Rendered]:
    """Every page (or those named in `only`) as its person sees it now."""
    rendered = []
    for page in PAGES:
        if (page.draft_only and returned) or (only is not None and page.name not in only):
            continue
        client = world.clients[page.person]
        url = page.url(world)
        if page.method == "POST":
            response = client.post(url, page.data(world) if page.data else {})
        else:
            response = client.get(url)
        body = (
            b"".join(response.streaming_content) if response.streaming else response.content
        ).decode("utf-8", errors="replace")
        rendered.append(
            Rendered(page, response.status_code, body, response.get("Content-Type", ""))
        )
    return rendered
