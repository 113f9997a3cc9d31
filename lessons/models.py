"""Teaching: analysis frameworks, lessons built from library sources, classes and work."""

from __future__ import annotations

import string

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

from sources.models import Interpretation, Source


class Framework(models.Model):
    """An analysis scaffold (OPVL, SOAPSTone…) stored as data so teachers can add their own."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    short_name = models.CharField(
        max_length=30, blank=True, help_text="An abbreviation students know, e.g. “OPVL”."
    )
    description = models.TextField(
        blank=True, max_length=2000, help_text="What the framework is for, shown to students."
    )
    judgement_prompt = models.CharField(
        max_length=300,
        blank=True,
        help_text="The overall question the framework leads to, e.g. “How useful is this "
        "source for the enquiry?”",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    def natural_key(self) -> tuple[str]:
        return (self.slug,)


class Prompt(models.Model):
    """One step of a framework: a heading, the questions to ask, and ways to begin."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="prompts")
    order = models.PositiveSmallIntegerField(default=0)
    key = models.SlugField(max_length=40, help_text="Short identifier, e.g. “origin”.")
    label = models.CharField(max_length=120)
    guiding_questions = models.TextField(
        blank=True, max_length=2000, help_text="One question per line."
    )
    sentence_starters = models.TextField(
        blank=True, max_length=2000, help_text="One sentence starter per line."
    )
    required = models.BooleanField(
        default=True, help_text="Students must answer it before marking a source as done."
    )

    class Meta:
        ordering = ["framework", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_prompt_key"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def question_list(self) -> list[str]:
        return [line.strip() for line in self.guiding_questions.splitlines() if line.strip()]

    @property
    def starter_list(self) -> list[str]:
        return [line.strip() for line in self.sentence_starters.splitlines() if line.strip()]


class LessonQuerySet(models.QuerySet):
    def published(self) -> LessonQuerySet:
        return self.filter(published=True)


class Lesson(models.Model):
    """A research question with the sources, terms and interpretations students weigh."""

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    research_question = models.CharField(
        max_length=500,
        help_text="What students answer, e.g. “To what extent did Khrushchev's policy of "
        "peaceful coexistence alter…?”",
    )
    starter = models.TextField(
        "starter activity",
        blank=True,
        max_length=3000,
        help_text="A warm-up question or task shown before the sources.",
    )
    introduction = models.TextField(
        blank=True, max_length=5000, help_text="Background students read first."
    )
    framework = models.ForeignKey(
        Framework,
        on_delete=models.PROTECT,
        related_name="lessons",
        help_text="The scaffold students use to analyse each source.",
    )
    interpretations = models.ManyToManyField(
        Interpretation,
        blank=True,
        related_name="lessons",
        help_text="Historians' arguments students weigh in their answer.",
    )
    published = models.BooleanField(
        default=False, help_text="Only published lessons can be assigned to classes."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="lessons_created",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = LessonQuerySet.as_manager()

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("lessons:preview", args=[self.slug])

    def natural_key(self) -> tuple[str]:
        return (self.slug,)

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
    VERY_UNRELIABLE = 1, "Very unreliable"
    UNRELIABLE = 2, "Mostly unreliable"
    MIXED = 3, "Partly reliable"
    RELIABLE = 4, "Mostly reliable"
    VERY_RELIABLE = 5, "Very reliable"


class LessonSource(models.Model):
    """A library source placed in a lesson, with its label and the teacher's own judgement."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="lesson_sources")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="lesson_uses")
    order = models.PositiveSmallIntegerField(default=0)
    label = models.CharField(
        max_length=4, blank=True, help_text="Left empty, it is set from the order: A, B, C…"
    )
    section = models.CharField(
        "bibliography section",
        max_length=80,
        blank=True,
        help_text="e.g. Introductory, Primary, Print, Media and background.",
    )
    caption = models.CharField(
        max_length=500, blank=True, help_text="Optional line shown with the source in this lesson."
    )
    model_rating = models.PositiveSmallIntegerField(
        "your reliability rating",
        choices=Rating,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="Hidden from students until their work is returned.",
    )
    model_notes = models.TextField(
        "your notes on it",
        blank=True,
        max_length=3000,
        help_text="Your model judgement; hidden from students until their work is returned.",
    )

    class Meta:
        ordering = ["lesson", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "source"], name="unique_source_in_lesson"),
            models.UniqueConstraint(
                fields=["lesson", "label"],
                condition=~Q(label=""),
                name="unique_label_in_lesson",
            ),
        ]

    def __str__(self) -> str:
        return f"Source {self.label}: {self.source}" if self.label else str(self.source)

    def clean(self) -> None:
        self.label = self.label.strip().upper()
        if self.label and not self.label.isalnum():
            raise ValidationError({"label": "Use letters or numbers only, e.g. A or 3."})


class GlossaryTerm(models.Model):
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="glossary")
    term = models.CharField(max_length=100)
    definition = models.CharField(max_length=500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lesson", "order", "term"]
        constraints = [
            models.UniqueConstraint(fields=["lesson", "term"], name="unique_term_in_lesson"),
        ]

    def __str__(self) -> str:
        return self.term


class Fact(models.Model):
    """A "did you know" fact, written in the teacher's own words."""

    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="facts")
    text = models.TextField(max_length=1500)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["lesson", "order", "pk"]
        verbose_name = "“did you know” fact"

    def __str__(self) -> str:
        return self.text[:60]
