"""The one place that answers "may this user see or change this object?".

Every view and every admin queryset asks here; nothing re-implements a check inline.

- Sources and frameworks are a shared library within an instance: every teacher may
  read and curate them. Lessons are shared to read, preview, assign and duplicate, but
  only their owner and co-editors change them.
- Classes are private to their teachers: a teacher sees and changes only the classes
  they teach, with those classes' enrolments, assignments and students' work. An
  administrator (superuser) sees every class, as a school's IT person must.
- Students see the classes they joined and the assignments set for them, never
  another student's work.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from coexist.models import User
from coexist.teacher_permissions import TEACHERS_GROUP
from lessons.models import Assignment, Classroom, CommentBankEntry, Enrolment, Lesson
from sources.models import Source


def is_teacher(user: User) -> bool:
    return user.is_authenticated and user.is_teacher


def can_browse_library(user: User) -> bool:
    return is_teacher(user) and user.has_perm("sources.view_source")


def visible_sources(user: User) -> QuerySet[Source]:
    return Source.objects.all() if can_browse_library(user) else Source.objects.none()


def visible_lessons(user: User) -> QuerySet[Lesson]:
    """Lessons are a shared library: every teacher sees all of them, drafts included."""
    if is_teacher(user) and user.has_perm("lessons.view_lesson"):
        return Lesson.objects.all()
    return Lesson.objects.none()


def assignable_lessons(user: User) -> QuerySet[Lesson]:
    """Only published lessons reach students."""
    return visible_lessons(user).published()


def editable_lessons(user: User) -> QuerySet[Lesson]:
    """Lessons a teacher may change: their own and those they co-edit. Administrators
    may change any. Everyone else's they may view, preview, assign and duplicate."""
    if not user.has_perm("lessons.change_lesson"):
        return Lesson.objects.none()
    if user.is_superuser:
        return Lesson.objects.all()
    return Lesson.objects.editable_by(user)


def can_edit_lesson(user: User, lesson: Lesson | None) -> bool:
    """May this user change this lesson (None: lessons in general, e.g. add one)?

    The permission comes only with the Teachers group (or being an administrator)."""
    if not user.has_perm("lessons.change_lesson"):
        return False
    return lesson is None or lesson.is_editable_by(user)


# --- Classes ---------------------------------------------------------------------------


def classes_taught(user: User) -> QuerySet[Classroom]:
    """The classes a teacher manages (archived ones included; filter with .current())."""
    if not is_teacher(user):
        return Classroom.objects.none()
    if user.is_superuser:
        return Classroom.objects.all()
    return Classroom.objects.taught_by(user)


def enrolments_taught(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(classroom__in=classes_taught(user))


def assignments_taught(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(classroom__in=classes_taught(user))


def teacher_accounts() -> QuerySet[User]:
    """Everyone who may teach a class: active staff in the Teachers group, and
    administrators (the queryset twin of `User.is_teacher`)."""
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(Q(groups__name=TEACHERS_GROUP) | Q(is_superuser=True))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


def can_join_classes(user: User) -> bool:
    """Anyone signed in who is not staff joins as a student; teachers do not enrol."""
    return user.is_authenticated and user.is_active and not user.is_staff


def classes_joined(user: User) -> QuerySet[Classroom]:
    if not can_join_classes(user):
        return Classroom.objects.none()
    return Classroom.objects.filter(enrolments__student=user)


def assignments_for_student(user: User) -> QuerySet[Assignment]:
    """What a student is set: assignments of current classes they belong to."""
    if not can_join_classes(user):
        return Assignment.objects.none()
    return Assignment.objects.current().filter(classroom__enrolments__student=user)


def students_taught(user: User) -> QuerySet[User]:
    """Students in the teacher's classes: whose passwords the teacher may reset.

    Staff accounts are never included, even if one was enrolled by mistake: a teacher
    must not be able to take over a colleague's or an administrator's account.
    """
    return (
        User.objects.filter(enrolments__classroom__in=classes_taught(user), is_staff=False)
        .exclude(is_superuser=True)
        .distinct()
    )


def comment_bank(user: User) -> QuerySet[CommentBankEntry]:
    """A teacher's own reusable marking comments; nobody else's."""
    if not is_teacher(user):
        return CommentBankEntry.objects.none()
    return CommentBankEntry.objects.filter(teacher=user)
