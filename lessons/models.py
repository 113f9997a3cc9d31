"""Teaching: analysis frameworks, lessons built from library sources, classes and work."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass, replace

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext, pgettext_lazy

from coexist.i18n import ChoiceLabels
from sources.models import Interpretation, Source


class WorkInUse(Exception):
    """A curriculum edit would take students' work with it, so it is refused."""


@dataclass(frozen=True)
class Usage:
    """Whose work refers to a piece of curriculum: how many students, in which classes.

    Curriculum is shared but classes are private to their teachers, so `phrase` names
    no class until `seen_by` says which ones the reader teaches; it counts the rest.
    """

    students: int
    classes: tuple[tuple[int, str], ...]  # (pk, name) of each class, by name
    shown: frozenset[int] | None = None  # the classes the reader may see named

    def __bool__(self) -> bool:
        return self.students > 0

    def seen_by(self, taught: models.QuerySet) -> Usage:
        """This usage as told to someone who teaches the classes in `taught` (one query)."""
        ids = [pk for pk, _ in self.classes]
        shown = taught.filter(pk__in=ids).values_list("pk", flat=True) if ids else ()
        return replace(self, shown=frozenset(shown))

    def phrase(self) -> str:
        """“the work of 23 students in 2 classes”, and for a reader, the classes they
        teach: “… in 2 classes (10H History and 1 you do not teach)”, “… in 1 class
        (10H History)”, “… in 3 classes you do not teach”."""
        # Translators: the phrase is set inside longer messages, e.g. “Answers to this
        # prompt are kept under “origin” in the work of 23 students in 2 classes; …”.
        people = ngettext("%(count)s student", "%(count)s students", self.students) % {
            "count": self.students
        }
        total = len(self.classes)
        said = ngettext(
            "the work of %(students)s in %(count)s class",
            "the work of %(students)s in %(count)s classes",
            total,
        ) % {"students": people, "count": total}
        if self.shown is None:
            return said
        named = [name for pk, name in self.classes if pk in self.shown]
        others = total - len(named)
        if not named:
            # Translators: %(work)s is “the work of 23 students in 3 classes”.
            return _("%(work)s you do not teach") % {"work": said}
        if others:
            # Translators: %(work)s is “the work of 23 students in 2 classes”, %(classes)s
            # the names of the classes the reader teaches, %(count)s the number of others.
            return ngettext(
                "%(work)s (%(classes)s and %(count)s you do not teach)",
                "%(work)s (%(classes)s and %(count)s you do not teach)",
                others,
            ) % {"work": said, "classes": ", ".join(named), "count": others}
        return f"{said} ({', '.join(named)})"


class RefusesDeletionInUse:
    """Curriculum that students' work refers to is never deleted: `delete` raises
    `WorkInUse` with the model's `in_use_message`, naming whose work it is."""

    def delete(self, *args, **kwargs):
        if used := self.usage():
            raise WorkInUse(self.in_use_message(used))
        return super().delete(*args, **kwargs)


def usage_of(*querysets) -> Usage:
    """Students and classes behind some annotations and submissions (one query each)."""
    rows = set()
    for queryset in querysets:
        rows.update(
            queryset.order_by()
            .values_list("student_id", "assignment__classroom_id", "assignment__classroom__name")
            .distinct()
        )
    classes = {(pk, name) for _, pk, name in rows}
    return Usage(
        students=len({student for student, _, _ in rows}),
        classes=tuple(sorted(classes, key=lambda pair: (pair[1], pair[0]))),
    )


class Framework(models.Model):
    """An analysis scaffold (OPVL, SOAPSTone…) stored as data so teachers can add their own."""

    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=120, unique=True)
    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=120, unique=True)
    short_name = models.CharField(
        verbose_name=gettext_lazy("short name"),
        max_length=30,
        blank=True,
        help_text=gettext_lazy("An abbreviation students know, e.g. “OPVL”."),
    )
    description = models.TextField(
        verbose_name=gettext_lazy("description"),
        blank=True,
        max_length=2000,
        help_text=gettext_lazy("What the framework is for, shown to students."),
    )
    judgement_prompt = models.CharField(
        verbose_name=gettext_lazy("judgement prompt"),
        max_length=300,
        blank=True,
        help_text=gettext_lazy(
            "The overall question the framework leads to, e.g. “How useful is this "
            "source for the enquiry?”"
        ),
    )

    class Meta:
        verbose_name = gettext_lazy("framework")
        verbose_name_plural = gettext_lazy("frameworks")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


CORE_PROMPTS_MAX = 3  # prompts in a framework's short version


def _core_prompts_help() -> str:
    return _("The short version of the framework asks only these (at most %(max)s).") % {
        "max": CORE_PROMPTS_MAX
    }


class Prompt(RefusesDeletionInUse, models.Model):
    """One step of a framework: a heading, the questions to ask, and ways to begin."""

    framework = models.ForeignKey(
        Framework,
        verbose_name=gettext_lazy("framework"),
        on_delete=models.CASCADE,
        related_name="prompts",
    )
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)
    key = models.SlugField(
        verbose_name=gettext_lazy("key"),
        max_length=40,
        help_text=gettext_lazy("Short identifier, e.g. “origin”."),
    )
    label = models.CharField(verbose_name=gettext_lazy("label"), max_length=120)
    guiding_questions = models.TextField(
        verbose_name=gettext_lazy("guiding questions"),
        blank=True,
        max_length=2000,
        help_text=gettext_lazy("One question per line."),
    )
    sentence_starters = models.TextField(
        verbose_name=gettext_lazy("sentence starters"),
        blank=True,
        max_length=2000,
        help_text=gettext_lazy("One sentence starter per line."),
    )
    required = models.BooleanField(
        verbose_name=gettext_lazy("required"),
        default=True,
        help_text=gettext_lazy("Students must answer it before marking a source as done."),
    )
    core = models.BooleanField(
        gettext_lazy("in the short version"),
        default=False,
        help_text=lazy(_core_prompts_help, str)(),
    )

    class Meta:
        verbose_name = gettext_lazy("prompt")
        verbose_name_plural = gettext_lazy("prompts")
        ordering = ["framework_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_prompt_key"),
        ]

    def __str__(self) -> str:
        return self.label

    def usage(self) -> Usage:
        """Students who answered this prompt, in lessons that use its framework."""
        return usage_of(
            SourceAnnotation.objects.filter(
                assignment__lesson__framework=self.framework_id, responses__has_key=self.key
            )
        )

    def clean(self) -> None:
        if self.pk is None:
            return
        before = Prompt.objects.filter(pk=self.pk).values("key", "framework_id").first()
        if before is None or (before["key"], before["framework_id"]) == (
            self.key,
            self.framework_id,
        ):
            return
        old = Prompt(pk=self.pk, key=before["key"], framework_id=before["framework_id"])
        if used := old.usage():
            raise ValidationError(
                {
                    "key": _(
                        "Answers to this prompt are kept under “%(key)s” in %(work)s; changing "
                        "it would hide them. Change the label instead."
                    )
                    % {"key": before["key"], "work": used.phrase()}
                }
            )

    def in_use_message(self, used: Usage) -> str:
        return _(
            "The prompt “%(label)s” has answers in %(work)s, so it cannot be removed. Make "
            "it optional instead, or build a new framework."
        ) % {"label": self.label, "work": used.phrase()}

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.guiding_questions.splitlines() if line.strip()]

    @property
    def starter_list(self) -> list[str]:
        return [line.strip() for line in self.sentence_starters.splitlines() if line.strip()]


class AnswerFormat(models.Model):
    """How a lesson's answer is written, as data: sections, each with its guidance and
    suggested length, and an overall word limit. A lesson without one has the single
    answer box."""

    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=80, unique=True)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=120)
    description = models.TextField(
        verbose_name=gettext_lazy("description"), blank=True, max_length=2000
    )
    word_limit = models.PositiveIntegerField(
        verbose_name=gettext_lazy("word limit"),
        null=True,
        blank=True,
        help_text=gettext_lazy("The most words in all the sections together."),
    )
    counts_works_cited = models.BooleanField(
        gettext_lazy("works cited count toward the limit"),
        default=False,
        help_text=gettext_lazy(
            "Words in citations' notes never count; those in the text always do."
        ),
    )

    class Meta:
        verbose_name = gettext_lazy("answer format")
        verbose_name_plural = gettext_lazy("answer formats")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def counting_rule(self) -> str:
        """What counts toward the limit, in words for the student."""
        if self.counts_works_cited:
            return _("Your text and the list of works cited count; the notes do not.")
        return _("Only your text counts: the notes and the list of works cited do not.")


class AnswerSection(models.Model):
    """One part of an answer format: "Identification and evaluation of sources"."""

    answer_format = models.ForeignKey(
        AnswerFormat,
        verbose_name=gettext_lazy("answer format"),
        on_delete=models.CASCADE,
        related_name="sections",
    )
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)
    key = models.SlugField(
        verbose_name=gettext_lazy("key"),
        max_length=40,
        help_text=gettext_lazy("Short identifier, e.g. “sources”."),
    )
    title = models.CharField(verbose_name=gettext_lazy("title"), max_length=200)
    guidance = models.TextField(verbose_name=gettext_lazy("guidance"), blank=True, max_length=3000)
    suggested_words = models.PositiveIntegerField(
        verbose_name=gettext_lazy("suggested words"), null=True, blank=True
    )
    word_limit = models.PositiveIntegerField(
        verbose_name=gettext_lazy("word limit"), null=True, blank=True
    )
    evaluates_sources = models.PositiveSmallIntegerField(
        gettext_lazy("sources to evaluate"),
        default=0,
        validators=[MaxValueValidator(5)],
        help_text=gettext_lazy(
            "How many of the lesson's sources the student picks to evaluate here; "
            "their own analysis of them is offered as a starting draft."
        ),
    )

    class Meta:
        verbose_name = gettext_lazy("answer section")
        verbose_name_plural = gettext_lazy("answer sections")
        ordering = ["answer_format_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["answer_format", "key"], name="unique_answer_section_key"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class MarkingScheme(models.Model):
    """Marks per criterion, each with level descriptors, e.g. IB criteria A, B and C."""

    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=80, unique=True)
    name = models.CharField(verbose_name=gettext_lazy("name"), max_length=120)
    description = models.TextField(
        verbose_name=gettext_lazy("description"), blank=True, max_length=2000
    )

    class Meta:
        verbose_name = gettext_lazy("marking scheme")
        verbose_name_plural = gettext_lazy("marking schemes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Criterion(RefusesDeletionInUse, models.Model):
    """A criterion marks are given on. Marks are kept under its key, so once work is
    marked on it the key stays, the criterion stays and its maximum does not drop below a
    mark given."""

    scheme = models.ForeignKey(
        MarkingScheme,
        verbose_name=gettext_lazy("scheme"),
        on_delete=models.CASCADE,
        related_name="criteria",
    )
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)
    key = models.CharField(
        verbose_name=gettext_lazy("key"),
        max_length=8,
        help_text=gettext_lazy("Short name, e.g. “A”."),
    )
    title = models.CharField(verbose_name=gettext_lazy("title"), max_length=200)
    max_mark = models.PositiveSmallIntegerField(
        gettext_lazy("maximum mark"), validators=[MinValueValidator(1), MaxValueValidator(100)]
    )

    class Meta:
        verbose_name = gettext_lazy("criterion")
        ordering = ["scheme_id", "order", "pk"]
        verbose_name_plural = gettext_lazy("criteria")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "key"], name="unique_criterion_key"),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.title}"

    def _marked(self, key: str, scheme_id: int):
        return Submission.objects.filter(
            assignment__lesson__marking_scheme=scheme_id, **{"criterion_marks__has_key": key}
        )

    def usage(self) -> Usage:
        """Students whose work was marked on this criterion."""
        return usage_of(self._marked(self.key, self.scheme_id))

    def in_use_message(self, used: Usage) -> str:
        return _(
            "Criterion %(key)s has marks in %(work)s, so it cannot be removed: the marks are "
            "kept under it. Build a new scheme for new criteria."
        ) % {"key": self.key, "work": used.phrase()}

    def clean(self) -> None:
        if self.pk is None:
            return
        before = Criterion.objects.filter(pk=self.pk).values("key", "scheme_id").first()
        if before is None:
            return
        marked = self._marked(before["key"], before["scheme_id"])
        if before["key"] != self.key and (used := usage_of(marked)):
            raise ValidationError(
                {
                    "key": _(
                        "Marks on this criterion are kept under “%(key)s” in %(work)s; "
                        "changing it would hide them. Change the title instead."
                    )
                    % {"key": before["key"], "work": used.phrase()}
                }
            )
        if (
            self.max_mark is not None
            and marked.filter(
                **{f"criterion_marks__{before['key']}__mark__gt": self.max_mark}
            ).exists()
        ):
            raise ValidationError(
                {"max_mark": _("Work has been given more than that on this criterion already.")}
            )


class MarkBand(models.Model):
    """A level of a criterion: the marks it spans and what work in it does."""

    criterion = models.ForeignKey(
        Criterion,
        verbose_name=gettext_lazy("criterion"),
        on_delete=models.CASCADE,
        related_name="bands",
    )
    low = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("low"))
    high = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("high"))
    descriptor = models.TextField(verbose_name=gettext_lazy("descriptor"), max_length=2000)

    class Meta:
        verbose_name = gettext_lazy("mark band")
        verbose_name_plural = gettext_lazy("mark bands")
        ordering = ["criterion_id", "low", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(low__lte=models.F("high")), name="band_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.low}–{self.high}" if self.low != self.high else str(self.low)

    def clean(self) -> None:
        if self.low is not None and self.high is not None and self.low > self.high:
            raise ValidationError({"high": _("The top of a band cannot be below its bottom.")})
        if self.criterion_id and self.high is not None and self.high > self.criterion.max_mark:
            raise ValidationError(
                {
                    "high": _("The criterion's maximum is %(max)s.")
                    % {"max": self.criterion.max_mark}
                }
            )


class LessonQuerySet(models.QuerySet):
    def published(self) -> LessonQuerySet:
        return self.filter(published=True)

    def editable_by(self, user) -> LessonQuerySet:
        """Lessons this teacher owns or co-edits (the rule of `Lesson.is_editable_by`)."""
        return self.filter(Q(owner=user) | Q(co_editors=user)).distinct()


class Lesson(models.Model):
    """A research question with the sources, terms and interpretations students weigh."""

    title = models.CharField(verbose_name=gettext_lazy("title"), max_length=200)
    slug = models.SlugField(verbose_name=gettext_lazy("slug"), max_length=200, unique=True)
    research_question = models.CharField(
        verbose_name=gettext_lazy("research question"),
        max_length=500,
        help_text=gettext_lazy(
            "What students answer, e.g. “To what extent did Khrushchev's policy of "
            "peaceful coexistence alter…?”"
        ),
    )
    starter = models.TextField(
        gettext_lazy("starter activity"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy("A warm-up question or task shown before the sources."),
    )
    introduction = models.TextField(
        verbose_name=gettext_lazy("introduction"),
        blank=True,
        max_length=5000,
        help_text=gettext_lazy("Background students read first."),
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=gettext_lazy("framework"),
        on_delete=models.PROTECT,
        related_name="lessons",
        help_text=gettext_lazy("The scaffold students use to analyse each source."),
    )
    interpretations = models.ManyToManyField(
        Interpretation,
        verbose_name=gettext_lazy("interpretations"),
        blank=True,
        related_name="lessons",
        help_text=gettext_lazy("Historians' arguments students weigh in their answer."),
    )
    answer_format = models.ForeignKey(
        AnswerFormat,
        verbose_name=gettext_lazy("answer format"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        help_text=gettext_lazy(
            "Sections the answer is written in, e.g. the IB Historical Investigation. "
            "Left empty, students write one answer with the “to what extent” scale."
        ),
    )
    marking_scheme = models.ForeignKey(
        MarkingScheme,
        verbose_name=gettext_lazy("marking scheme"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="lessons",
        help_text=gettext_lazy("Criteria the answer is marked on. Left empty, it gets one mark."),
    )
    published = models.BooleanField(
        verbose_name=gettext_lazy("published"),
        default=False,
        help_text=gettext_lazy("Only published lessons can be assigned to classes."),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("owner"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons_owned",
        help_text=gettext_lazy(
            "Who may change this lesson (with its co-editors). Everyone else may view, "
            "preview, assign and duplicate it."
        ),
    )
    co_editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("co editors"),
        blank=True,
        related_name="lessons_co_edited",
        help_text=gettext_lazy("Colleagues who may change this lesson too."),
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"), auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("lesson")
        verbose_name_plural = gettext_lazy("lessons")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:preview", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

    def is_editable_by(self, user) -> bool:
        """Only the owner and co-editors change a lesson; administrators may change any.
        A lesson nobody owns (an old import) is changed by administrators only."""
        if user.is_superuser or self.pk is None:
            return True
        if not user.is_authenticated:
            return False
        return self.owner_id == user.pk or self.co_editors.filter(pk=user.pk).exists()

    def usage(self) -> Usage:
        """Whose work this lesson holds, in every class it is set for."""
        return usage_of(
            SourceAnnotation.objects.filter(assignment__lesson=self),
            Submission.objects.filter(assignment__lesson=self),
        )

    def clean(self) -> None:
        if self.pk is None:
            return
        before = (
            Lesson.objects.filter(pk=self.pk).values("framework_id", "answer_format_id").first()
        )
        if before is None:
            return
        changed = [
            name
            for name in ("framework", "answer_format")
            if before[f"{name}_id"] != getattr(self, f"{name}_id")
        ]
        if changed and (used := self.usage()):
            errors = {}
            if "framework" in changed:
                errors["framework"] = _(
                    "Students have started this lesson — %(work)s — so its framework cannot "
                    "change: their answers follow its prompts. Duplicate the lesson to use "
                    "another framework."
                ) % {"work": used.phrase()}
            if "answer_format" in changed:
                errors["answer_format"] = _(
                    "Students have started this lesson — %(work)s — so the way its answer is "
                    "written cannot change: their answers follow its sections. Duplicate the "
                    "lesson to use another format."
                ) % {"work": used.phrase()}
            raise ValidationError(errors)

    def check_interpretations_kept(self, interpretations) -> None:
        """An interpretation a student chose stays in the lesson: the answer form offers
        only the lesson's, so leaving it out would drop their choice at their next save."""
        if self.pk is None:
            return
        chosen = Submission.objects.filter(
            assignment__lesson=self, preferred_interpretation__in=self.interpretations.all()
        ).exclude(preferred_interpretation__in=[i.pk for i in interpretations])
        if used := usage_of(chosen):
            dropped = Interpretation.objects.filter(
                pk__in=chosen.values("preferred_interpretation")
            ).select_related("historian")
            # Translators: an interpretation's name in quotation marks, in a list.
            names = ", ".join(pgettext("quoted name", "“%(name)s”") % {"name": i} for i in dropped)
            raise ValidationError(
                ngettext(
                    "Students chose %(names)s as the most convincing interpretation (%(work)s), "
                    "so it stays in this lesson. Duplicate the lesson to offer other "
                    "interpretations.",
                    "Students chose %(names)s as the most convincing interpretation (%(work)s), "
                    "so it stays in this lesson. Duplicate the lesson to offer other "
                    "interpretations.",
                    len(dropped),
                )
                % {"names": names, "work": used.phrase()}
            )

    def assign_labels(self) -> None:
        """Give every unlabelled source the next free letter, in lesson order."""
        lesson_sources = list(self.lesson_sources.order_by("order", "pk"))
        used = {ls.label for ls in lesson_sources if ls.label}
        letters = (source_label(i) for i in range(len(lesson_sources) + len(used) + 1))
        for lesson_source in lesson_sources:
            if lesson_source.label:
                continue
            label = next(letter for letter in letters if letter not in used)
            used.add(label)
            lesson_source.label = label
            lesson_source.save(update_fields=["label"])


def source_label(index: int) -> str:
    """A, B, … Z, then AA, AB…: the labels textbooks use."""
    letters = string.ascii_uppercase
    label = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        label = letters[remainder] + label
    return label


class Rating(models.IntegerChoices):
    VERY_UNRELIABLE = 1, gettext_lazy("Very unreliable")
    UNRELIABLE = 2, gettext_lazy("Mostly unreliable")
    MIXED = 3, gettext_lazy("Partly reliable")
    RELIABLE = 4, gettext_lazy("Mostly reliable")
    VERY_RELIABLE = 5, gettext_lazy("Very reliable")


class LessonSourceQuerySet(models.QuerySet):
    def for_student(self, assignment, student, *, also=()) -> LessonSourceQuerySet:
        """What a student sees: the lesson's current sources, and retired ones they
        started or (`also`) cited, in one query."""
        return self.seen_by(
            lesson=assignment.lesson_id, assignment=assignment, student=student, also=also
        )

    def seen_by(self, *, lesson, assignment, student, also=()) -> LessonSourceQuerySet:
        """`for_student`, given rows or their ids (a query prepared once per process)."""
        started = SourceAnnotation.objects.filter(
            lesson_source=OuterRef("pk"), assignment=assignment, student=student
        )
        return self.filter(lesson=lesson).filter(
            Q(retired=False) | Q(Exists(started)) | Q(pk__in=list(also))
        )


class ProvenancePart(models.TextChoices):
    """Parts of a source's provenance a teacher may hold back until a student has
    finished analysing it: the ones that tend to answer the questions for them."""

    PLACE = "place", pgettext_lazy("provenance part", "Where")
    OCCASION = "occasion", pgettext_lazy("provenance part", "Occasion")
    CONTEXT = "context", gettext_lazy("Why and in what circumstances")
    AUDIENCE = "audience", pgettext_lazy("provenance part", "For whom")


class Reveal(models.TextChoices):
    """When a student sees who made a source and what it is taken to mean."""

    AT_ONCE = "at_once", gettext_lazy("Show everything at once")
    PREDICT = "predict", gettext_lazy("Predict the provenance first")
    INTERPRET = "interpret", gettext_lazy("Interpret first")
    TEACHER = "teacher", gettext_lazy("Reveal when I say")


def region_percent(region: dict) -> dict:
    """A stored region (fractions of the image) in percentages, for SVG and for words;
    a damaged one is clamped inside the image rather than drawn off it."""

    def part(name: str) -> float:
        try:
            return min(max(float(region.get(name, 0)), 0.0), 1.0) * 100
        except (TypeError, ValueError):
            return 0.0

    x, y = part("x"), part("y")
    return {
        "id": str(region.get("id", "")),
        "x": round(x, 2),
        "y": round(y, 2),
        "w": round(min(part("w"), 100 - x), 2),
        "h": round(min(part("h"), 100 - y), 2),
        "tag": str(region.get("tag", "")),
        "note": str(region.get("note", "")),
    }


def prompts_for(prompts, *, short: bool) -> list:
    """The framework's prompts a student answers: all of them, or in the short version
    only its core ones (all of them again if the framework marks none as core)."""
    prompts = list(prompts)
    if short:
        core = [prompt for prompt in prompts if prompt.core]
        if core:
            return core
    return prompts


@dataclass(frozen=True)
class Hidden:
    """What a student may not see yet of one source: its provenance (who made it, when,
    why and for whom, and so its citation) and its interpretation."""

    provenance: bool = False
    interpretation: bool = False

    def __bool__(self) -> bool:
        return self.provenance or self.interpretation


class LessonSource(RefusesDeletionInUse, ChoiceLabels, models.Model):
    """A library source placed in a lesson, with its label and the teacher's own judgement."""

    lesson = models.ForeignKey(
        Lesson,
        verbose_name=gettext_lazy("lesson"),
        on_delete=models.CASCADE,
        related_name="lesson_sources",
    )
    source = models.ForeignKey(
        Source,
        verbose_name=gettext_lazy("source"),
        on_delete=models.PROTECT,
        related_name="lesson_uses",
    )
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)
    label = models.CharField(
        verbose_name=gettext_lazy("label"),
        max_length=4,
        blank=True,
        help_text=gettext_lazy("Left empty, it is set from the order: A, B, C…"),
    )
    section = models.CharField(
        gettext_lazy("bibliography section"),
        max_length=80,
        blank=True,
        help_text=gettext_lazy("e.g. Introductory, Primary, Print, Media and background."),
    )
    caption = models.CharField(
        verbose_name=gettext_lazy("caption"),
        max_length=500,
        blank=True,
        help_text=gettext_lazy("Optional line shown with the source in this lesson."),
    )
    model_rating = models.PositiveSmallIntegerField(
        gettext_lazy("your reliability rating"),
        choices=Rating,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=gettext_lazy("Hidden from students until their work is returned."),
    )
    model_notes = models.TextField(
        gettext_lazy("your notes on it"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy(
            "Your model judgement; hidden from students until their work is returned."
        ),
    )
    retired = models.BooleanField(
        verbose_name=gettext_lazy("retired"),
        default=False,
        help_text=gettext_lazy(
            "Take the source out of the lesson without losing work: students who have "
            "not started it no longer see it; those who have keep it, read-only."
        ),
    )
    reveal = models.CharField(
        gettext_lazy("when students see who made it"),
        max_length=10,
        choices=Reveal,
        default=Reveal.AT_ONCE,
        help_text=gettext_lazy(
            "Predict first: who made it, when, why and for whom stay hidden until the "
            "student writes their own guess. Interpret first: your interpretation below stays "
            "hidden until they write their own reading. Reveal when I say: both stay hidden "
            "until you reveal them to the class from the dashboard."
        ),
    )
    held_back = models.JSONField(
        gettext_lazy("provenance shown only after the analysis"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "Parts of the provenance students see once they mark their analysis "
            "finished, so it informs without answering for them."
        ),
    )
    short = models.BooleanField(
        gettext_lazy("short version of the framework"),
        default=False,
        help_text=gettext_lazy(
            "Ask only the framework's core questions about this source (for a "
            "one-line quotation, say), whatever the assignment asks for the others."
        ),
    )
    interpretation = models.TextField(
        gettext_lazy("interpretation for students"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy(
            "What the source means, in your words (for a cartoon: what it shows and "
            "why). Shown with the source, or after the student's own reading (Interpret first)."
        ),
    )

    objects = LessonSourceQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("lesson source")
        verbose_name_plural = gettext_lazy("lesson sources")
        ordering = ["lesson_id", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "source"], name="unique_source_in_lesson"),
            models.UniqueConstraint(
                fields=["lesson", "label"],
                condition=~Q(label=""),
                name="unique_label_in_lesson",
            ),
        ]

    def __str__(self) -> str:
        if not self.label:
            return str(self.source)
        return _("Source %(label)s: %(title)s") % {"label": self.label, "title": self.source}

    @property
    def name(self) -> str:
        return _("Source %(label)s") % {"label": self.label} if self.label else _("This source")

    def hidden_from(self, *, committed: bool, class_revealed: bool) -> Hidden:
        """What a student may not see yet of this source.

        Predicting and interpreting end when the student commits their own words
        (`committed`: their analysis has `revealed_at`); "reveal when I say" ends when the
        teacher reveals the source to the class (`class_revealed`), whatever the student
        wrote.
        """
        if self.reveal == Reveal.PREDICT:
            return Hidden(provenance=not committed)
        if self.reveal == Reveal.INTERPRET:
            return Hidden(interpretation=not committed and bool(self.interpretation))
        if self.reveal == Reveal.TEACHER:
            return Hidden(provenance=not class_revealed, interpretation=not class_revealed)
        return Hidden()

    def usage(self) -> Usage:
        """Students whose work refers to this source: an analysis of it, a citation of
        it in an answer, or a link to it from another source."""
        linking = [
            annotation.pk
            for annotation in SourceAnnotation.objects.filter(
                assignment__lesson=self.lesson_id
            ).exclude(links=[])
            if any(link.get("source") == self.pk for link in annotation.links)
        ]
        return usage_of(
            SourceAnnotation.objects.filter(Q(lesson_source=self) | Q(pk__in=linking)),
            Submission.objects.filter(
                assignment__lesson=self.lesson_id, cited__has_key=str(self.pk)
            ),
        )

    def clean(self) -> None:
        self.label = self.label.strip().upper()
        if self.label and not self.label.isalnum():
            raise ValidationError({"label": _("Use letters or numbers only, e.g. A or 3.")})
        if self.pk is None:
            return
        before = LessonSource.objects.filter(pk=self.pk).values("label", "source_id").first()
        if before is None:
            return
        errors = {}
        if before["label"] and before["label"] != self.label:
            errors["label"] = _(
                "Students have started this lesson, so Source %(label)s keeps its letter: "
                "answers and the research question name it."
            ) % {"label": before["label"]}
        if before["source_id"] != self.source_id:
            errors["source"] = _(
                "Students have started this lesson, so Source %(label)s cannot become another "
                "source. Add the new one as a further source instead."
            ) % {"label": before["label"]}
        if errors and (used := self.lesson.usage()):
            holds = _("The lesson holds %(work)s.") % {"work": used.phrase()}
            raise ValidationError(
                {field: f"{message} {holds}" for field, message in errors.items()}
            )

    def in_use_message(self, used: Usage) -> str:
        # Translators: %(source)s is “Source B”; “retired” names the tick box.
        return _(
            "%(source)s is used in %(work)s, so it cannot be removed. Tick “retired” instead: "
            "students who started it keep it, read-only, and nobody else sees it."
        ) % {"source": self.name, "work": used.phrase()}


class GlossaryTerm(models.Model):
    lesson = models.ForeignKey(
        Lesson,
        verbose_name=gettext_lazy("lesson"),
        on_delete=models.CASCADE,
        related_name="glossary",
    )
    term = models.CharField(verbose_name=gettext_lazy("term"), max_length=100)
    definition = models.CharField(verbose_name=gettext_lazy("definition"), max_length=500)
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)

    class Meta:
        verbose_name = gettext_lazy("glossary term")
        verbose_name_plural = gettext_lazy("glossary terms")
        ordering = ["lesson_id", "order", "term"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "term"], name="unique_term_in_lesson"),
        ]

    def __str__(self) -> str:
        return self.term


class Fact(models.Model):
    """A "did you know" fact, written in the teacher's own words."""

    lesson = models.ForeignKey(
        Lesson, verbose_name=gettext_lazy("lesson"), on_delete=models.CASCADE, related_name="facts"
    )
    text = models.TextField(verbose_name=gettext_lazy("text"), max_length=1500)
    order = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("order"), default=0)

    class Meta:
        verbose_name_plural = gettext_lazy("“did you know” facts")
        ordering = ["lesson_id", "order", "pk"]
        verbose_name = gettext_lazy("“did you know” fact")

    def __str__(self) -> str:
        return self.text[:60]


# --- Classes, enrolments and assignments ---------------------------------------------

# Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L): 31**8 is about
# 8.5e11 codes, so guessing one is hopeless at the rate `/join/` allows.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 8


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a student typed, as stored: capitals, without spaces or hyphens."""
    return "".join(typed.split()).replace("-", "").upper()


def format_join_code(code: str) -> str:
    """ABCD-2345: two halves are easier to read aloud and copy from a board."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}" if code else ""


class ClassroomQuerySet(models.QuerySet):
    def current(self) -> ClassroomQuerySet:
        return self.filter(archived=False)

    def taught_by(self, user) -> ClassroomQuerySet:
        return self.filter(teachers=user)


class Classroom(models.Model):
    """A teaching group. Students join with its code; its teachers see their work."""

    name = models.CharField(
        verbose_name=gettext_lazy("name"),
        max_length=120,
        help_text=gettext_lazy("e.g. “10H History” or “IB HL, Year 2”."),
    )
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("teachers"),
        related_name="classes_taught",
        help_text=gettext_lazy("Everyone who teaches this class sees and marks its work."),
    )
    students = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("students"),
        through="Enrolment",
        related_name="classes_joined",
        blank=True,
    )
    join_code = models.CharField(
        verbose_name=gettext_lazy("join code"),
        max_length=JOIN_CODE_LENGTH,
        unique=True,
        default=new_join_code,
        editable=False,
        help_text=gettext_lazy("What students type at /join/. Rotate it if it leaks."),
    )
    joining_open = models.BooleanField(
        gettext_lazy("students may join with the code"),
        default=True,
        help_text=gettext_lazy("Close joining once everyone is in; the code then stops working."),
    )
    archived = models.BooleanField(
        verbose_name=gettext_lazy("archived"),
        default=False,
        help_text=gettext_lazy("Archived classes leave everyone's home page; nothing is deleted."),
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)

    objects = ClassroomQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("classroom")
        verbose_name_plural = gettext_lazy("classrooms")
        ordering = ["archived", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("lessons:class", args=[self.pk])

    @property
    def display_code(self) -> str:
        return format_join_code(self.join_code)

    @property
    def accepts_joiners(self) -> bool:
        return self.joining_open and not self.archived

    def rotate_join_code(self) -> str:
        """Give the class a fresh code; the old one stops working at once."""
        while True:
            code = new_join_code()
            if not Classroom.objects.filter(join_code=code).exists():
                break
        self.join_code = code
        self.save(update_fields=["join_code"])
        return code


class Enrolment(ChoiceLabels, models.Model):
    class Route(models.TextChoices):
        CODE = "code", gettext_lazy("Joined with the class code")
        ROSTER = "roster", gettext_lazy("Added from a roster")

    classroom = models.ForeignKey(
        Classroom,
        verbose_name=gettext_lazy("classroom"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("student"),
        on_delete=models.CASCADE,
        related_name="enrolments",
    )
    route = models.CharField(
        verbose_name=gettext_lazy("route"),
        max_length=10,
        choices=Route,
        default=Route.CODE,
        editable=False,
    )
    joined_at = models.DateTimeField(verbose_name=gettext_lazy("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = gettext_lazy("enrolment")
        verbose_name_plural = gettext_lazy("enrolments")
        ordering = [
            "classroom_id",
            "student__last_name",
            "student__first_name",
            "student__username",
        ]
        constraints = [
            models.UniqueConstraint(fields=["classroom", "student"], name="unique_enrolment"),
        ]

    def __str__(self) -> str:
        return _("%(student)s in %(class)s") % {"student": self.student, "class": self.classroom}


class AssignmentQuerySet(models.QuerySet):
    def current(self) -> AssignmentQuerySet:
        return self.filter(classroom__archived=False)


class Assignment(models.Model):
    """A lesson set for a class, with when it opens, when it is due and the late policy."""

    class State(models.TextChoices):
        NOT_OPEN = "not_open", pgettext_lazy("assignment state", "Not open yet")
        OPEN = "open", pgettext_lazy("assignment state", "Open")
        LATE = "late", gettext_lazy("Past due, late work accepted")
        CLOSED = "closed", pgettext_lazy("assignment state", "Closed")

    lesson = models.ForeignKey(
        Lesson,
        verbose_name=gettext_lazy("lesson"),
        on_delete=models.PROTECT,
        related_name="assignments",
    )
    classroom = models.ForeignKey(
        Classroom,
        verbose_name=gettext_lazy("classroom"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    opens_at = models.DateTimeField(
        pgettext_lazy("assignment", "opens"),
        default=timezone.now,
        help_text=gettext_lazy("Students can start work from this moment."),
    )
    due_at = models.DateTimeField(
        pgettext_lazy("assignment", "due"),
        null=True,
        blank=True,
        help_text=gettext_lazy("Leave empty: no deadline."),
    )
    late_work_accepted = models.BooleanField(
        verbose_name=gettext_lazy("late work accepted"),
        default=True,
        help_text=gettext_lazy("Students may still save and submit after the due date."),
    )
    short_version = models.BooleanField(
        gettext_lazy("short version of the framework for everyone"),
        default=False,
        help_text=gettext_lazy(
            "Students answer only the framework's core questions on every source."
        ),
    )
    short_for = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="short_assignments",
        verbose_name=gettext_lazy("short version for these students"),
        help_text=gettext_lazy(
            "Students of the class who answer only the core questions, while the "
            "others answer them all."
        ),
    )
    class_comparison = models.BooleanField(
        gettext_lazy("students see the class's ratings once they finish a source"),
        default=False,
        help_text=gettext_lazy(
            "After a student marks a source finished, they see how many classmates "
            "who also finished it gave each rating (no names, and only once three have). "
            "Nothing about classmates is shown before."
        ),
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("assignment")
        verbose_name_plural = gettext_lazy("assignments")
        ordering = ["classroom", "due_at", "opens_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "classroom"], name="unique_assignment"),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True) | Q(due_at__gt=models.F("opens_at")),
                name="due_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return _("%(lesson)s for %(class)s") % {"lesson": self.lesson, "class": self.classroom}

    def clean(self) -> None:
        if self.due_at and self.opens_at and self.due_at <= self.opens_at:
            raise ValidationError({"due_at": _("The due date must come after the opening date.")})
        if self.pk is not None:
            self._check_work_stays()
        if self.lesson_id and not self.lesson.published:
            raise ValidationError(
                {
                    "lesson": _(
                        "Publish this lesson before assigning it: students would see a draft."
                    )
                }
            )

    def _check_work_stays(self) -> None:
        """Students' work belongs to this lesson in this class: moving the assignment to
        another of either would hide it."""
        before = Assignment.objects.filter(pk=self.pk).values("lesson_id", "classroom_id").first()
        if before is None:
            return
        moved = []
        if before["lesson_id"] != self.lesson_id:
            moved.append("lesson")
        if before["classroom_id"] != self.classroom_id:
            moved.append("classroom")
        if moved and (used := self.usage()):
            messages = {
                "lesson": _(
                    "Students have started this assignment — %(work)s — so its lesson cannot "
                    "change: their work belongs to it. Set the other lesson as a new "
                    "assignment instead."
                ),
                "classroom": _(
                    "Students have started this assignment — %(work)s — so its class cannot "
                    "change: their work belongs to it. Set the other class as a new "
                    "assignment instead."
                ),
            }
            raise ValidationError(
                {field: messages[field] % {"work": used.phrase()} for field in moved}
            )

    def usage(self) -> Usage:
        return usage_of(
            SourceAnnotation.objects.filter(assignment=self),
            Submission.objects.filter(assignment=self),
        )

    def in_use_message(self, used: Usage) -> str:
        """Why a tick on the class's page does not delete this assignment: that deletion
        has no confirmation, and the assignment's own delete page counts the work first."""
        return _(
            "“%(lesson)s” holds %(work)s, so it is not deleted from the class's page. To keep "
            "the work, leave it set; to delete the work with it, delete the assignment from "
            "the assignments list, which counts what goes first."
        ) % {"lesson": self.lesson, "work": used.phrase()}

    def state(self, now=None) -> Assignment.State:
        now = now or timezone.now()
        if now < self.opens_at:
            return self.State.NOT_OPEN
        if self.due_at is None or now <= self.due_at:
            return self.State.OPEN
        return self.State.LATE if self.late_work_accepted else self.State.CLOSED

    @property
    def current_state(self) -> Assignment.State:
        return self.state()

    def accepts_work(self, now=None) -> bool:
        return self.state(now) in (self.State.OPEN, self.State.LATE)


# --- Students' work ----------------------------------------------------------------------


class ClassReveal(models.Model):
    """A teacher revealed a "reveal when I say" source to one class's assignment."""

    assignment = models.ForeignKey(
        Assignment,
        verbose_name=gettext_lazy("assignment"),
        on_delete=models.CASCADE,
        related_name="reveals",
    )
    lesson_source = models.ForeignKey(
        LessonSource,
        verbose_name=gettext_lazy("lesson source"),
        on_delete=models.CASCADE,
        related_name="class_reveals",
    )
    revealed_at = models.DateTimeField(
        verbose_name=gettext_lazy("revealed at"), default=timezone.now
    )
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("revealed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = gettext_lazy("class reveal")
        verbose_name_plural = gettext_lazy("class reveals")
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "lesson_source"], name="one_reveal_per_source"
            )
        ]

    def __str__(self) -> str:
        return _("%(source)s revealed to %(assignment)s") % {
            "source": self.lesson_source,
            "assignment": self.assignment,
        }


class HighlightTag(models.TextChoices):
    EVIDENCE = "evidence", pgettext_lazy("highlight tag", "Evidence")
    CLAIM = "claim", pgettext_lazy("highlight tag", "Claim")
    BIAS = "bias", pgettext_lazy("highlight tag", "Bias")
    TONE = "tone", pgettext_lazy("highlight tag", "Tone")
    CONTEXT = "context", pgettext_lazy("highlight tag", "Context")
    QUESTION = "question", pgettext_lazy("highlight tag", "Question")


class Relation(models.TextChoices):
    """How a source stands to another: corroboration, in the student's judgement."""

    AGREES = "agrees", gettext_lazy("Agrees with")
    CONTRADICTS = "contradicts", gettext_lazy("Contradicts")
    QUALIFIES = "qualifies", gettext_lazy("Qualifies")


class CitationRole(models.TextChoices):
    SUPPORTS = "supports", gettext_lazy("Supports my answer")
    CHALLENGES = "challenges", gettext_lazy("Challenges my answer")


# Limits on what SourceAnnotation's JSON fields hold, which have no max_length to carry
# them; forms, services and pages read them from here.
RESPONSE_MAX_LENGTH = 5000  # one prompt's response in `responses`
QUOTE_MAX_LENGTH = 2000  # a highlight's quote
NOTE_MAX_LENGTH = 1000  # a highlight's or a link's note
HIGHLIGHTS_MAX = 100  # highlights on one source
REGIONS_MAX = 30  # marked regions on one image
SECTION_MAX_LENGTH = 15000  # one section of an answer in sections (about 2,400 words)


class SourceAnnotation(ChoiceLabels, models.Model):
    """One student's analysis of one source in one assignment, saved as one document.

    Prompt responses, highlights and links live on this row so that a save is one
    UPDATE and `version` guards all of it: a tab holding an older copy is caught
    instead of silently overwriting newer work.

    - `responses`: {prompt key: text}
    - `highlights`: [{"id", "quote", "start", "end", "note", "tag"}], offsets into the
      source's text with whitespace collapsed; the quote anchors it if the text changes
    - `links`: [{"source": lesson source id, "relation", "note"}]
    """

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", pgettext_lazy("analysis status", "In progress")
        DONE = "done", pgettext_lazy("analysis status", "Done")

    assignment = models.ForeignKey(
        "Assignment",
        verbose_name=gettext_lazy("assignment"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("student"),
        on_delete=models.CASCADE,
        related_name="annotations",
    )
    # PROTECT: curriculum edits never take students' work with them (see lessons.protection).
    lesson_source = models.ForeignKey(
        LessonSource,
        verbose_name=gettext_lazy("lesson source"),
        on_delete=models.PROTECT,
        related_name="annotations",
    )
    responses = models.JSONField(verbose_name=gettext_lazy("responses"), default=dict, blank=True)
    rating = models.PositiveSmallIntegerField(
        gettext_lazy("reliability rating"),
        choices=Rating,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_reason = models.TextField(gettext_lazy("why this rating"), blank=True, max_length=3000)
    highlights = models.JSONField(verbose_name=gettext_lazy("highlights"), default=list, blank=True)
    links = models.JSONField(verbose_name=gettext_lazy("links"), default=list, blank=True)
    status = models.CharField(
        verbose_name=gettext_lazy("status"),
        max_length=12,
        choices=Status,
        default=Status.IN_PROGRESS,
    )
    teacher_comment = models.TextField(
        verbose_name=gettext_lazy("teacher comment"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy("The teacher's comment on this source, when marking."),
    )
    regions = models.JSONField(
        verbose_name=gettext_lazy("regions"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "Marked parts of an image source: [{id, x, y, w, h, tag, note}], each "
            "a fraction of the image's width or height, so they fit it at any size."
        ),
    )
    prediction = models.TextField(
        gettext_lazy("prediction or own reading"),
        blank=True,
        max_length=3000,
        help_text=gettext_lazy(
            "What the student wrote before the provenance or interpretation was revealed."
        ),
    )
    revealed_at = models.DateTimeField(
        verbose_name=gettext_lazy("revealed at"),
        null=True,
        blank=True,
        help_text=gettext_lazy(
            "When the student committed their prediction and saw what was hidden; "
            "the prediction cannot change after it."
        ),
    )
    version = models.PositiveIntegerField(verbose_name=gettext_lazy("version"), default=1)
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"), auto_now=True)

    class Meta:
        verbose_name = gettext_lazy("source annotation")
        verbose_name_plural = gettext_lazy("source annotations")
        ordering = ["assignment_id", "student_id", "lesson_source__order", "lesson_source_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student", "lesson_source"], name="one_annotation_per_source"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="annotation_rating_on_scale",
            ),
        ]

    def __str__(self) -> str:
        # Translators: a student's analysis of a source, as the admin names it.
        return _("%(student)s on %(source)s") % {
            "student": self.student,
            "source": self.lesson_source,
        }

    def earlier_answers(self, prompts) -> list[tuple[str, str]]:
        """Answers to prompts the lesson's framework no longer has, kept and shown
        read-only: (the prompt's key in words, the answer)."""
        current = {prompt.key for prompt in prompts}
        return [
            (key.replace("-", " ").replace("_", " ").capitalize(), text)
            for key, text in self.responses.items()
            if key not in current and str(text).strip()
        ]

    def resolved_links(self, lesson_sources: dict[int, LessonSource]) -> list[dict]:
        """The links with the other source and the relation in words, for a page.

        A link to a source since taken out of the lesson is left out.
        """
        resolved = []
        for link in self.links:
            other = lesson_sources.get(link.get("source"))
            if other is None:
                continue
            relation = link.get("relation")
            label = Relation(relation).label if relation in Relation.values else ""
            resolved.append({**link, "other": other, "relation_label": label})
        return resolved


class Extent(models.IntegerChoices):
    """The "to what extent" scale, each step with words so colour is never needed."""

    NOT_AT_ALL = 1, gettext_lazy("Not at all")
    SMALL = 2, gettext_lazy("To a small extent")
    SOME = 3, gettext_lazy("To some extent")
    LARGE = 4, gettext_lazy("To a large extent")
    COMPLETELY = 5, gettext_lazy("Completely")


class SubmissionQuerySet(models.QuerySet):
    def unlocked(self) -> SubmissionQuerySet:
        """Drafts, and returned answers the teacher asked to have revised: the rule of
        `Submission.lock_reason`, in SQL, for a guarded UPDATE."""
        return self.filter(Q(status="draft") | Q(status="returned", revision_allowed=True))


class Submission(ChoiceLabels, models.Model):
    """A student's answer to the research question: one per student per assignment.

    `cited` maps a lesson source's id (as a string) to its CitationRole. Draft →
    submitted → returned; a returned answer with `revision_allowed` opens for editing
    again.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("answer status", "Draft")
        SUBMITTED = "submitted", pgettext_lazy("answer status", "Submitted")
        RETURNED = "returned", pgettext_lazy("answer status", "Returned")

    assignment = models.ForeignKey(
        "Assignment",
        verbose_name=gettext_lazy("assignment"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    student = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("student"),
        on_delete=models.CASCADE,
        related_name="submissions",
    )
    judgement = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("judgement"),
        choices=Extent,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    answer = models.TextField(verbose_name=gettext_lazy("answer"), blank=True, max_length=20000)
    sections = models.JSONField(
        verbose_name=gettext_lazy("sections"),
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            "For a lesson whose answer is in sections: {section key: text}, the text "
            "holding citations as markers such as [@C, 12]."
        ),
    )
    evaluated = models.JSONField(
        verbose_name=gettext_lazy("evaluated"),
        default=list,
        blank=True,
        help_text=gettext_lazy(
            "The lesson sources (ids) the student chose to evaluate in their answer."
        ),
    )
    cited = models.JSONField(verbose_name=gettext_lazy("cited"), default=dict, blank=True)
    preferred_interpretation = models.ForeignKey(
        Interpretation,
        verbose_name=gettext_lazy("preferred interpretation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    interpretation_reason = models.TextField(
        verbose_name=gettext_lazy("interpretation reason"), blank=True, max_length=3000
    )
    status = models.CharField(
        verbose_name=gettext_lazy("status"), max_length=10, choices=Status, default=Status.DRAFT
    )
    version = models.PositiveIntegerField(verbose_name=gettext_lazy("version"), default=1)
    submitted_at = models.DateTimeField(
        verbose_name=gettext_lazy("submitted at"), null=True, blank=True
    )
    # The teacher's side, filled in when the work is returned.
    feedback = models.TextField(verbose_name=gettext_lazy("feedback"), blank=True, max_length=10000)
    mark = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("mark"), null=True, blank=True
    )
    mark_out_of = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("mark out of"), null=True, blank=True
    )
    criterion_marks = models.JSONField(
        verbose_name=gettext_lazy("criterion marks"),
        default=dict,
        blank=True,
        help_text=gettext_lazy(
            "Marks on the lesson's marking scheme: {criterion key: {mark, comment}}; "
            "`mark` holds their total."
        ),
    )
    revision_allowed = models.BooleanField(
        verbose_name=gettext_lazy("revision allowed"), default=False
    )
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("feedback by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=gettext_lazy(
            "Who last saved feedback, so a colleague marking at once can be told."
        ),
    )
    feedback_at = models.DateTimeField(
        verbose_name=gettext_lazy("feedback at"), null=True, blank=True
    )
    returned_at = models.DateTimeField(
        verbose_name=gettext_lazy("returned at"), null=True, blank=True
    )
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("returned by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(verbose_name=gettext_lazy("updated at"), auto_now=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("submission")
        verbose_name_plural = gettext_lazy("submissions")
        ordering = ["assignment_id", "student_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "student"], name="one_submission_per_student"
            ),
            models.CheckConstraint(
                condition=Q(judgement__isnull=True) | Q(judgement__gte=1, judgement__lte=5),
                name="judgement_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(mark__isnull=True)
                | Q(mark_out_of__isnull=True)
                | Q(mark__lte=models.F("mark_out_of")),
                name="mark_within_maximum",
            ),
        ]

    def __str__(self) -> str:
        return _("%(student)s's answer for %(assignment)s") % {
            "student": self.student,
            "assignment": self.assignment,
        }

    @classmethod
    def lock_reason(cls, status: str | None, revision_allowed: bool | None) -> str:
        """Why the student may not change their work, or "" when they may: before any
        answer exists, for a draft, and for an answer returned with a revision asked for.

        The one editing rule: pages read it to show work read-only, saves to refuse.
        Takes the status rather than a row so a page can ask from its own query.
        """
        if status in (None, cls.Status.DRAFT):
            return ""
        if status == cls.Status.RETURNED and revision_allowed:
            return ""
        if status == cls.Status.SUBMITTED:
            return _(
                "You have submitted this work, so it cannot be changed until your teacher "
                "returns it."
            )
        return _("Your teacher has returned this work without asking for a revision.")


class FailedJoin(models.Model):
    """A wrong class code, kept for a few minutes so guessing codes can be slowed down.

    Counted per address and per browser session separately (lessons.services.classes),
    and only keyed hashes are stored: neither the address nor the session key itself.
    """

    client = models.CharField(
        verbose_name=gettext_lazy("client"),
        max_length=64,
        db_index=True,
        help_text=gettext_lazy("A hash of the address."),
    )
    session = models.CharField(
        verbose_name=gettext_lazy("session"),
        max_length=64,
        db_index=True,
        blank=True,
        help_text=gettext_lazy("A hash of the session key."),
    )
    # Translators: when the wrong code was tried (a date and time).
    at = models.DateTimeField(verbose_name=gettext_lazy("at"), db_index=True)

    class Meta:
        verbose_name = gettext_lazy("failed join")
        verbose_name_plural = gettext_lazy("failed joins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return _("Wrong code at %(time)s") % {"time": f"{self.at:%Y-%m-%d %H:%M}"}


class SubmissionVersion(ChoiceLabels, models.Model):
    """A submitted answer as it stood when it was returned, kept when a revision follows.

    The teacher sees every earlier version and the feedback it got; the student's live
    Submission row carries only the current one.
    """

    submission = models.ForeignKey(
        Submission,
        verbose_name=gettext_lazy("submission"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveSmallIntegerField(verbose_name=gettext_lazy("number"))
    judgement = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("judgement"), choices=Extent, null=True, blank=True
    )
    answer = models.TextField(verbose_name=gettext_lazy("answer"), blank=True)
    sections = models.JSONField(verbose_name=gettext_lazy("sections"), default=dict, blank=True)
    evaluated = models.JSONField(verbose_name=gettext_lazy("evaluated"), default=list, blank=True)
    cited = models.JSONField(verbose_name=gettext_lazy("cited"), default=dict, blank=True)
    preferred_interpretation = models.ForeignKey(
        Interpretation,
        verbose_name=gettext_lazy("preferred interpretation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    interpretation_reason = models.TextField(
        verbose_name=gettext_lazy("interpretation reason"), blank=True
    )
    submitted_at = models.DateTimeField(
        verbose_name=gettext_lazy("submitted at"), null=True, blank=True
    )
    feedback = models.TextField(verbose_name=gettext_lazy("feedback"), blank=True)
    mark = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("mark"), null=True, blank=True
    )
    mark_out_of = models.PositiveSmallIntegerField(
        verbose_name=gettext_lazy("mark out of"), null=True, blank=True
    )
    criterion_marks = models.JSONField(
        verbose_name=gettext_lazy("criterion marks"), default=dict, blank=True
    )
    returned_at = models.DateTimeField(
        verbose_name=gettext_lazy("returned at"), null=True, blank=True
    )

    class Meta:
        verbose_name = gettext_lazy("submission version")
        verbose_name_plural = gettext_lazy("submission versions")
        ordering = ["submission_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="one_version_number"),
        ]

    def __str__(self) -> str:
        return _("Version %(number)s of %(submission)s") % {
            "number": self.number,
            "submission": self.submission,
        }


class CommentBankEntry(models.Model):
    """A comment a teacher reuses when marking, e.g. “Say who made the source and why.”"""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=gettext_lazy("teacher"),
        on_delete=models.CASCADE,
        related_name="comment_bank",
    )
    text = models.CharField(verbose_name=gettext_lazy("text"), max_length=500)
    created_at = models.DateTimeField(verbose_name=gettext_lazy("created at"), auto_now_add=True)

    class Meta:
        ordering = ["teacher_id", "text"]
        verbose_name = gettext_lazy("comment bank entry")
        verbose_name_plural = gettext_lazy("comment bank")
        constraints = [
            models.UniqueConstraint(fields=["teacher", "text"], name="unique_bank_comment"),
        ]

    def __str__(self) -> str:
        return self.text
