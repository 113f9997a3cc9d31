from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from lessons.models import Fact, Framework, GlossaryTerm, Lesson, LessonSource, Prompt
from lessons.packs import export_lessons


class PromptInline(admin.StackedInline):
    model = Prompt
    extra = 0
    fields = (("order", "key", "label", "required"), ("guiding_questions", "sentence_starters"))
    prepopulated_fields = {"key": ("label",)}


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "prompt_count")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PromptInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(prompt_total=Count("prompts"))

    @admin.display(description="Prompts", ordering="prompt_total")
    def prompt_count(self, framework: Framework) -> int:
        return framework.prompt_total


class LessonSourceInline(admin.TabularInline):
    model = LessonSource
    autocomplete_fields = ("source",)
    fields = ("order", "label", "source", "section", "caption", "model_rating", "model_notes")
    extra = 1
    verbose_name = "source in this lesson"
    verbose_name_plural = "sources in this lesson (labels A, B, C… are filled in from the order)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("source")


class GlossaryInline(admin.TabularInline):
    model = GlossaryTerm
    fields = ("order", "term", "definition")
    extra = 1
    verbose_name_plural = "glossary (new words)"


class FactInline(admin.TabularInline):
    model = Fact
    fields = ("order", "text")
    extra = 1
    verbose_name_plural = "“did you know” facts"


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ("title", "framework", "source_count", "published", "preview_link")
    list_filter = ("published", "framework")
    search_fields = ("title", "research_question")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("interpretations",)
    readonly_fields = ("preview_link",)
    fields = (
        "title",
        "slug",
        "research_question",
        "framework",
        "starter",
        "introduction",
        "interpretations",
        "published",
        "preview_link",
    )
    inlines = (LessonSourceInline, GlossaryInline, FactInline)
    actions = ("download_pack",)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework")
            .annotate(source_total=Count("lesson_sources"))
        )

    @admin.display(description="Sources", ordering="source_total")
    def source_count(self, lesson: Lesson) -> int:
        return lesson.source_total

    @admin.display(description="Preview")
    def preview_link(self, lesson: Lesson) -> str:
        if not lesson.pk:
            return "Save the lesson to preview it."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview as a student</a>',
            reverse("lessons:preview", args=[lesson.slug]),
        )

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.assign_labels()

    @admin.action(description="Download the selected lessons as a lesson pack")
    def download_pack(self, request, queryset):
        pack = export_lessons(queryset)
        response = HttpResponse(
            json.dumps(pack, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        name = queryset.first().slug if queryset.count() == 1 else "lessons"
        response["Content-Disposition"] = f'attachment; filename="{name}-pack.json"'
        return response
