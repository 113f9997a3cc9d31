from __future__ import annotations

import json

from django.contrib import admin
from django.db.models import Count
from django.http import HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from coexist import access
from lessons.models import (
    Assignment,
    Classroom,
    Enrolment,
    Fact,
    Framework,
    GlossaryTerm,
    Lesson,
    LessonSource,
    Prompt,
)
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


# --- Classes ---------------------------------------------------------------------------


class EnrolmentInline(admin.TabularInline):
    """Who is in the class. Students arrive by code or roster; here they can only leave."""

    model = Enrolment
    fields = ("student", "student_username", "route", "joined_at")
    readonly_fields = ("student", "student_username", "route", "joined_at")
    extra = 0
    can_delete = True
    verbose_name_plural = "students (remove a student with the delete box)"

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return access.enrolments_taught(request.user).select_related("student")

    @admin.display(description="Username")
    def student_username(self, enrolment: Enrolment) -> str:
        return enrolment.student.username


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ("lesson", "opens_at", "due_at", "late_work_accepted")
    extra = 0
    verbose_name_plural = "lessons set for this class"

    def get_queryset(self, request):
        return access.assignments_taught(request.user).select_related("lesson")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lesson":
            kwargs["queryset"] = access.assignable_lessons(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Classroom)
class ClassroomAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "joining_open", "student_count", "archived", "class_page")
    list_filter = ("archived", "joining_open")
    search_fields = ("name",)
    fields = ("name", "teachers", "joining_open", "archived", "code", "class_page")
    readonly_fields = ("code", "class_page")
    filter_horizontal = ("teachers",)
    inlines = (AssignmentInline, EnrolmentInline)
    actions = ("rotate_codes", "close_joining", "open_joining")

    def get_queryset(self, request):
        return access.classes_taught(request.user).annotate(student_total=Count("enrolments"))

    def get_changeform_initial_data(self, request):
        return {"teachers": [request.user.pk], **super().get_changeform_initial_data(request)}

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "teachers":
            kwargs["queryset"] = access.teacher_accounts()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if not request.user.is_superuser:
            # A teacher who removed themselves would lose the class at once.
            form.instance.teachers.add(request.user)

    @admin.display(description="Join code")
    def code(self, classroom: Classroom) -> str:
        return classroom.display_code if classroom.pk else "Made when you save."

    @admin.display(description="Students", ordering="student_total")
    def student_count(self, classroom: Classroom) -> int:
        return classroom.student_total

    @admin.display(description="Class page")
    def class_page(self, classroom: Classroom) -> str:
        if not classroom.pk:
            return "Save the class to open its page."
        return format_html(
            '<a href="{}">Codes, roster and passwords</a>', classroom.get_absolute_url()
        )

    @admin.action(description="Give the selected classes new join codes")
    def rotate_codes(self, request, queryset):
        for classroom in queryset:
            classroom.rotate_join_code()
        self.message_user(
            request, f"New codes for {queryset.count()} classes; the old ones no longer work."
        )

    @admin.action(description="Close joining for the selected classes")
    def close_joining(self, request, queryset):
        queryset.update(joining_open=False)

    @admin.action(description="Open joining for the selected classes")
    def open_joining(self, request, queryset):
        queryset.update(joining_open=True)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("lesson", "classroom", "opens_at", "due_at", "late_work_accepted")
    list_filter = ("late_work_accepted",)
    list_select_related = ("lesson", "classroom")
    search_fields = ("lesson__title", "classroom__name")
    fields = ("classroom", "lesson", "opens_at", "due_at", "late_work_accepted")

    def get_queryset(self, request):
        return access.assignments_taught(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = access.classes_taught(request.user).current()
        elif db_field.name == "lesson":
            kwargs["queryset"] = access.assignable_lessons(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)
