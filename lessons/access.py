"""The one place that answers "may this user see or change this lesson, class or
piece of work?". Every view and every admin queryset of `lessons` asks here.

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

from django.db.models import QuerySet

# The roles these rules build on, re-exported so `lessons` asks one module.
from coexist.access import can_join_classes as can_join_classes
from coexist.access import is_teacher as is_teacher
from coexist.access import teacher_accounts as teacher_accounts
from coexist.models import User
from lessons.models import Assignment, Classroom, CommentBankEntry, Enrolment, Lesson


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
    if teaches_every_class(user):
        return Classroom.objects.all()
    return Classroom.objects.taught_by(user)


def teaches_every_class(user: User) -> bool:
    """An administrator who teaches sees every class; other teachers, their own."""
    return user.is_superuser and is_teacher(user)


def enrolments_taught(user: User) -> QuerySet[Enrolment]:
    return Enrolment.objects.filter(classroom__in=classes_taught(user))


def assignments_taught(user: User) -> QuerySet[Assignment]:
    return Assignment.objects.filter(classroom__in=classes_taught(user))


def assignments_taught_by(teacher) -> QuerySet[Assignment]:
    """`assignments_taught` for a teacher who is not an administrator, given as the user
    or their id (a query prepared once per process); the caller has asked `is_teacher`."""
    return Assignment.objects.filter(classroom__in=Classroom.objects.taught_by(teacher))


def classes_joined(user: User) -> QuerySet[Classroom]:
    if not can_join_classes(user):
        return Classroom.objects.none()
    return Classroom.objects.filter(enrolments__student=user)


def assignments_for_student(user: User) -> QuerySet[Assignment]:
    """What a student is set: assignments of current classes they belong to."""
    if not can_join_classes(user):
        return Assignment.objects.none()
    return assignments_set_for(user)


def assignments_set_for(student) -> QuerySet[Assignment]:
    """`assignments_for_student`, given the student or their id (a query prepared once
    per process); the caller has asked `can_join_classes`."""
    return Assignment.objects.current().filter(classroom__enrolments__student=student)


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


def students_in_class(user: User, classroom: Classroom) -> QuerySet[User]:
    """The students of one class the user teaches: who a class page's actions may touch."""
    return students_taught(user).filter(enrolments__classroom=classroom)


def comment_bank(user: User) -> QuerySet[CommentBankEntry]:
    """A teacher's own reusable marking comments; nobody else's."""
    if not is_teacher(user):
        return CommentBankEntry.objects.none()
    return CommentBankEntry.objects.filter(teacher=user)
