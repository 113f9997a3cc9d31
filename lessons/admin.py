from __future__ import annotations

import json
import re
from urllib.parse import urlencode, urlsplit

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from coexist.admin import UserAdmin as CoexistUserAdmin
from coexist.admin_privacy import NamesOnlyWhatTheyMaySee, private
from coexist.models import User
from coexist.usernames import validate_new_username
from lessons import access
from lessons.admin_packs import PackImportMixin
from lessons.admin_sources import (
    SourceAutocomplete,
    SourcePickerMixin,
    append_sources,
    choice_label,
    chosen_in_order,
    picker_context,
    quoted,
)
from lessons.models import (
    CORE_PROMPTS_MAX,
    AnswerFormat,
    AnswerSection,
    Assignment,
    Classroom,
    Criterion,
    Enrolment,
    Fact,
    Framework,
    GlossaryTerm,
    Lesson,
    LessonSource,
    MarkBand,
    MarkingScheme,
    Prompt,
    ProvenancePart,
    SourceAnnotation,
    Submission,
    SubmissionVersion,
)
from lessons.packs import export_lessons
from lessons.services.curriculum import duplicate_lesson, work_counts
from lessons.views import privacy as privacy_views
from sources.models import SourceAuthor


class KeepsWorkFormSet(BaseInlineFormSet):
    """Refuses to delete a row that students' work refers to, and says whose work it is.

    The models refuse too (`delete` raises `WorkInUse`, the database PROTECTs); this
    turns the refusal into a message on the form instead of an error page. `reader` (set
    by `KeepsWorkInline`) is who reads it: only the classes they teach are named.
    """

    reader = None

    def clean(self):
        # Before Django's own check, which names the protected rows but not whose work
        # they are or what to do instead. The row as stored: a prompt's key changed in
        # the same form would otherwise hide the answers kept under the old one.
        deleting = [
            form.instance.pk
            for form in self.forms
            if self._should_delete_form(form) and form.instance.pk
        ]
        refusals = [
            stored.in_use_message(self._as_read(used))
            for stored in self.model._default_manager.filter(pk__in=deleting)
            if (used := stored.usage())
        ]
        if refusals:
            raise ValidationError(refusals)
        super().clean()

    def _as_read(self, used):
        return used.seen_by(access.classes_taught(self.reader)) if self.reader else used


class KeepsWorkInline:
    """An inline whose rows students' work may refer to (`KeepsWorkFormSet`)."""

    formset = KeepsWorkFormSet

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.reader = request.user  # a new class for each request
        return formset


class CorePromptsFormSet(KeepsWorkFormSet):
    """A framework's short version: at most CORE_PROMPTS_MAX of its prompts."""

    def clean(self):
        super().clean()
        core = [
            form.cleaned_data.get("label") or form.cleaned_data.get("key")
            for form in self.forms
            if form.cleaned_data.get("core") and not form.cleaned_data.get("DELETE")
        ]
        if len(core) > CORE_PROMPTS_MAX:
            raise ValidationError(
                ngettext(
                    "The short version can ask at most %(most)s question; "
                    "%(count)s are ticked (%(ticked)s). Untick some.",
                    "The short version can ask at most %(most)s questions; "
                    "%(count)s are ticked (%(ticked)s). Untick some.",
                    CORE_PROMPTS_MAX,
                )
                % {"most": CORE_PROMPTS_MAX, "count": len(core), "ticked": ", ".join(core)}
            )


class PromptInline(KeepsWorkInline, admin.StackedInline):
    model = Prompt
    formset = CorePromptsFormSet
    extra = 0
    fields = (
        ("order", "key", "label", "required", "core"),
        ("guiding_questions", "sentence_starters"),
    )
    prepopulated_fields = {"key": ("label",)}


@admin.register(Framework)
class FrameworkAdmin(NamesOnlyWhatTheyMaySee, admin.ModelAdmin):
    list_display = ("name", "short_name", "prompt_count")
    search_fields = ("name", "short_name")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (PromptInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(prompt_total=Count("prompts"))

    @admin.display(description=gettext_lazy("Prompts"), ordering="prompt_total")
    def prompt_count(self, framework: Framework) -> int:
        return framework.prompt_total


# --- Answer formats and marking schemes: shared curriculum, like frameworks -------------


class AnswerSectionInline(admin.StackedInline):
    model = AnswerSection
    extra = 0
    fields = (
        ("order", "key", "title"),
        "guidance",
        ("suggested_words", "word_limit", "evaluates_sources"),
    )
    prepopulated_fields = {"key": ("title",)}


@admin.register(AnswerFormat)
class AnswerFormatAdmin(NamesOnlyWhatTheyMaySee, admin.ModelAdmin):
    list_display = ("name", "word_limit", "section_count")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description", "word_limit", "counts_works_cited")
    inlines = (AnswerSectionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(section_total=Count("sections"))

    @admin.display(description=gettext_lazy("Sections"), ordering="section_total")
    def section_count(self, answer_format: AnswerFormat) -> int:
        return answer_format.section_total


class CriterionInline(KeepsWorkInline, admin.TabularInline):
    model = Criterion
    extra = 0
    fields = ("order", "key", "title", "max_mark", "bands_link")
    readonly_fields = ("bands_link",)
    verbose_name_plural = gettext_lazy(
        "criteria (a criterion's key names the marks given on it: change it only before "
        "any work is marked)"
    )

    @admin.display(description=gettext_lazy("Mark bands"))
    def bands_link(self, criterion: Criterion) -> str:
        if not criterion.pk:
            return _("Save the scheme, then describe its bands.")
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:lessons_criterion_change", args=[criterion.pk]),
            _("Edit the bands of %(criterion)s") % {"criterion": criterion.key},
        )


@admin.register(MarkingScheme)
class MarkingSchemeAdmin(NamesOnlyWhatTheyMaySee, admin.ModelAdmin):
    list_display = ("name", "criteria_list", "total_marks")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}
    fields = ("name", "slug", "description")
    inlines = (CriterionInline,)

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("criteria")

    @admin.display(description=gettext_lazy("Criteria"))
    def criteria_list(self, scheme: MarkingScheme) -> str:
        return ", ".join(f"{c.key} ({c.max_mark})" for c in scheme.criteria.all())

    @admin.display(description=gettext_lazy("Out of"))
    def total_marks(self, scheme: MarkingScheme) -> int:
        return sum(c.max_mark for c in scheme.criteria.all())


class MarkBandInline(admin.TabularInline):
    model = MarkBand
    extra = 1
    fields = ("low", "high", "descriptor")
    verbose_name_plural = gettext_lazy(
        "mark bands (the descriptor a teacher and student see for a mark)"
    )


@admin.register(Criterion)
class CriterionAdmin(NamesOnlyWhatTheyMaySee, admin.ModelAdmin):
    list_display = ("__str__", "scheme", "max_mark")
    list_filter = ("scheme",)
    list_select_related = ("scheme",)
    search_fields = ("title", "key", "scheme__name")
    fields = ("scheme", "order", "key", "title", "max_mark")
    inlines = (MarkBandInline,)


class EditedByLessonOwners:
    """Changed by whoever may change the lesson (`obj`), seen by every teacher."""

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and access.can_edit_lesson(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and access.can_edit_lesson(
            request.user, obj
        )


class LessonPartInline(EditedByLessonOwners):
    """A part of a lesson, added only where the lesson may be changed."""

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and access.can_edit_lesson(
            request.user, obj
        )


# What a lesson source's row folds away under "More settings for Source C".
LESSON_SOURCE_MORE = (
    "model_rating",
    "model_notes",
    "reveal",
    "short",
    "held_back",
    "interpretation",
)


class LessonSourceForm(forms.ModelForm):
    held_back = forms.MultipleChoiceField(
        label=LessonSource._meta.get_field("held_back").verbose_name,
        help_text=LessonSource._meta.get_field("held_back").help_text,
        choices=ProvenancePart.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = LessonSource
        fields = ("held_back",)  # the inline's `fieldsets` add the rest

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("source")
        widget = getattr(field, "widget", None)
        widget = getattr(widget, "widget", widget)  # inside the admin's add/change links
        if isinstance(widget, SourceAutocomplete) and self.instance.source_id:
            source = self.instance.source  # loaded with the inline's rows
            widget.known = {str(source.pk): choice_label(source)}

    @property
    def more_settings_have_errors(self) -> bool:
        """Unfold "More settings" when what it hides was refused."""
        return any(name in self.errors for name in LESSON_SOURCE_MORE)


class LessonSourceInline(KeepsWorkInline, LessonPartInline, admin.StackedInline):
    """A lesson's sources, one compact row each (templates/admin/lessons/lesson/
    lessonsource_inline.html): what students see first, the teacher's own judgement
    and the reveal settings folded, and up/down buttons beside drag to reorder."""

    model = LessonSource
    form = LessonSourceForm
    template = "admin/lessons/lesson/lessonsource_inline.html"
    autocomplete_fields = ("source",)
    # The template places each: the first in the row, the second folded, the third in
    # the row's heading.
    fieldsets = (
        (None, {"fields": ("label", "source", "section", "caption")}),
        (gettext_lazy("More settings"), {"fields": LESSON_SOURCE_MORE}),
        (gettext_lazy("Place in the lesson"), {"fields": ("order", "retired")}),
    )
    extra = 1
    verbose_name = gettext_lazy("source in this lesson")
    verbose_name_plural = gettext_lazy(
        "sources in this lesson (labels A, B, C… are filled in from the order)"
    )

    class Media:
        js = ("js/admin-lesson-sources.js",)
        css = {"all": ("css/admin-lesson.css",)}

    def get_queryset(self, request):
        # Each row's source with its authors and year, for its label: two queries in all.
        return (
            super()
            .get_queryset(request)
            .select_related("source__provenance")
            .prefetch_related(
                Prefetch(
                    "source__credits",
                    queryset=SourceAuthor.objects.select_related("author").order_by("order", "pk"),
                )
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "source":
            kwargs["widget"] = SourceAutocomplete(
                db_field, self.admin_site, attrs={"data-width": "100%"}, using=kwargs.get("using")
            )
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "source":
            field.label_from_instance = choice_label
        return field


class GlossaryInline(LessonPartInline, admin.TabularInline):
    model = GlossaryTerm
    fields = ("order", "term", "definition")
    extra = 1
    verbose_name_plural = gettext_lazy("glossary (new words)")


class FactInline(LessonPartInline, admin.TabularInline):
    model = Fact
    fields = ("order", "text")
    extra = 1
    verbose_name_plural = gettext_lazy("“did you know” facts")


# The lesson page's "Publish and set for a class" button: saves, publishes, and goes on to
# the assignment page with the lesson chosen, which comes back here after saving.
SET_FOR_A_CLASS = "_setforclass"


class LessonForm(forms.ModelForm):
    class Meta:
        model = Lesson
        fields = ("interpretations",)  # the admin adds the rest of its own `fields`

    def clean_interpretations(self):
        """An interpretation a student chose stays in the lesson, or their choice would
        fall out of the answer form at their next save."""
        chosen = self.cleaned_data["interpretations"]
        self.instance.check_interpretations_kept(chosen)
        return chosen


@admin.register(Lesson)
class LessonAdmin(
    PackImportMixin,
    SourcePickerMixin,
    NamesOnlyWhatTheyMaySee,
    EditedByLessonOwners,
    admin.ModelAdmin,
):
    form = LessonForm
    list_display = ("title", "framework", "source_count", "owner", "published", "preview_link")
    list_filter = ("published", "framework")
    search_fields = ("title", "research_question")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("interpretations",)
    filter_horizontal = ("co_editors",)
    readonly_fields = ("preview_link", "work_status")
    fields = (
        "title",
        "slug",
        "research_question",
        "framework",
        "answer_format",
        "marking_scheme",
        "starter",
        "introduction",
        "interpretations",
        "published",
        "owner",
        "co_editors",
        "preview_link",
        "work_status",
    )
    inlines = (LessonSourceInline, GlossaryInline, FactInline)
    actions = ("download_pack", "duplicate_lessons")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("framework", "owner")
            .annotate(source_total=Count("lesson_sources"))
        )

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        # Only an administrator hands a lesson to another owner.
        return fields if request.user.is_superuser else (*fields, "owner")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "co_editors":
            kwargs["queryset"] = access.teacher_accounts()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "owner":
            kwargs["queryset"] = access.teacher_accounts()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=gettext_lazy("Students' work"))
    def work_status(self, lesson: Lesson) -> str:
        if not lesson.pk:
            return _("None yet.")
        used = lesson.usage()
        if reader := getattr(lesson, "reader", None):
            used = used.seen_by(access.classes_taught(reader))
        if not used:
            return _("No student has started this lesson: everything can still change.")
        return _(
            "Students have started this lesson: %(work)s. Its framework, its "
            "sources and their letters are locked so their work keeps its meaning; retire a "
            "source to take it out, or duplicate the lesson to change more."
        ) % {"work": used.phrase()}

    def get_urls(self):
        duplicate = self.admin_site.admin_view(require_POST(self.duplicate_view))
        return [
            path("<path:object_id>/duplicate/", duplicate, name="lessons_lesson_duplicate"),
            *super().get_urls(),
        ]

    def duplicate_view(self, request, object_id):
        """POST: a new draft copy of the lesson, owned by whoever asked for it."""
        if not self.has_view_permission(request) or not self.has_add_permission(request):
            raise PermissionDenied
        lesson = self.get_object(request, unquote(object_id))
        if lesson is None:
            raise Http404("No such lesson")
        copy = duplicate_lesson(lesson=lesson, owner=request.user)
        self.message_user(
            request,
            _("Made “%(title)s”, a draft you own. Change it here, then publish it.")
            % {"title": copy.title},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:lessons_lesson_change", args=[copy.pk]))

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            obj.reader = request.user  # `work_status` names only the classes they teach
        context["can_duplicate"] = obj is not None and self.has_add_permission(request)
        context["can_edit_lesson"] = obj is None or access.can_edit_lesson(request.user, obj)
        context["picker"] = picker_context(obj)
        context["can_set_for_class"] = request.user.has_perm("lessons.add_assignment")
        return super().render_change_form(request, context, add, change, form_url, obj)

    @admin.action(description=gettext_lazy("Duplicate the selected lessons (as drafts you own)"))
    def duplicate_lessons(self, request, queryset):
        if not self.has_add_permission(request):
            raise PermissionDenied
        copies = [duplicate_lesson(lesson=lesson, owner=request.user) for lesson in queryset]
        self.message_user(
            request,
            _("Made drafts you own: %(titles)s.")
            % {"titles": ", ".join(quoted(copy.title) for copy in copies)},
            messages.SUCCESS,
        )

    @admin.display(description=gettext_lazy("Sources"), ordering="source_total")
    def source_count(self, lesson: Lesson) -> int:
        return lesson.source_total

    @admin.display(description=gettext_lazy("Preview"))
    def preview_link(self, lesson: Lesson) -> str:
        if not lesson.pk:
            return _("Save the lesson to preview it.")
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">{}</a>',
            reverse("lessons:preview", args=[lesson.slug]),
            _("Preview as a student"),
        )

    def get_changeform_initial_data(self, request):
        """A new lesson starts with the framework of the teacher's last lesson (OPVL for
        their first), so the usual case is one choice fewer."""
        initial = super().get_changeform_initial_data(request)
        if "framework" not in initial:
            last = (
                Lesson.objects.filter(owner=request.user)
                .order_by("-created_at")
                .values_list("framework_id", flat=True)
                .first()
            )
            initial["framework"] = last or Framework.objects.filter(slug="opvl").first()
        return initial

    def save_model(self, request, obj, form, change):
        if not change and not obj.owner_id:
            obj.owner = request.user
        if SET_FOR_A_CLASS in request.POST:
            obj.published = True  # the button says so: "Publish and set for a class"
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.assign_labels()
        # The library picker on this page: the sources ticked, after the lesson's own.
        if ticked := request.POST.getlist("add_sources"):
            sources, missing = chosen_in_order(request.user, ticked)
            added = append_sources(lesson=form.instance, sources=sources)
            self._say_what_was_added(request, added, len(sources))
            if missing:
                messages.warning(
                    request,
                    ngettext(
                        # Translators: the English says "they" for one source too.
                        "%(count)s of the ticked sources could not be added: they are no "
                        "longer in the library.",
                        "%(count)s of the ticked sources could not be added: they are no "
                        "longer in the library.",
                        missing,
                    )
                    % {"count": missing},
                )

    def response_add(self, request, obj, post_url_continue=None):
        if SET_FOR_A_CLASS in request.POST and request.user.has_perm("lessons.add_assignment"):
            return self._set_for_a_class(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if SET_FOR_A_CLASS in request.POST and request.user.has_perm("lessons.add_assignment"):
            return self._set_for_a_class(request, obj)
        return super().response_change(request, obj)

    def _set_for_a_class(self, request, lesson: Lesson) -> HttpResponse:
        """Saved and published: on to setting it for a class, then back to this lesson."""
        title = lesson.title
        self.message_user(
            request,
            _("“%(title)s” is saved and published. Now choose the class.") % {"title": title},
            messages.SUCCESS,
        )
        back = reverse("admin:lessons_lesson_change", args=[lesson.pk])
        query = urlencode({"lesson": lesson.pk, "next": back})
        return HttpResponseRedirect(f"{reverse('admin:lessons_assignment_add')}?{query}")

    @admin.action(description=gettext_lazy("Download the selected lessons as a lesson pack"))
    def download_pack(self, request, queryset):
        pack = export_lessons(queryset)
        response = HttpResponse(
            json.dumps(pack, ensure_ascii=False, indent=2, default=str),
            content_type="application/json; charset=utf-8",
        )
        name = queryset.first().slug if queryset.count() == 1 else "lessons"
        response["Content-Disposition"] = f'attachment; filename="{name}-pack.json"'
        return response


# --- Deleting what holds students' work ----------------------------------------------


class StatesWorkOnDelete:
    """Deleting one of these deletes students' work: the confirmation counts it first.

    `work_of` names the `work_counts` argument these objects are: "classrooms",
    "assignments" or "students".
    """

    work_of = ""
    delete_confirmation_template = "admin/delete_with_work.html"
    delete_selected_confirmation_template = "admin/delete_selected_with_work.html"

    def delete_view(self, request, object_id, extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        extra = {**(extra_context or {}), "work_of": self.work_of}
        if obj is not None:
            extra["work"] = work_counts(**{self.work_of: [obj]})
        return super().delete_view(request, object_id, extra)

    # Listed in `actions` under Django's own name, so it replaces the site-wide action.
    @admin.action(permissions=["delete"], description=django_delete_selected.short_description)
    def delete_selected(self, request, queryset):
        response = django_delete_selected(self, request, queryset)
        if isinstance(response, TemplateResponse):
            response.context_data["work"] = work_counts(**{self.work_of: queryset})
            response.context_data["work_of"] = self.work_of
        return response


admin.site.unregister(User)


class NewAccountForm(AdminUserCreationForm):
    """A new account's username: ASCII, and no look-alike of one in use (coexist.usernames)."""

    def clean_username(self):
        username = super().clean_username()
        if username is not None:  # None: Django has already said it is taken
            validate_new_username(username, exclude_pk=None)
        return username


class AccountForm(UserChangeForm):
    """A username changed here follows the same rule; one left alone is not checked."""

    def clean_username(self):
        username = self.cleaned_data["username"]
        if "username" in self.changed_data:
            validate_new_username(username, exclude_pk=self.instance.pk)
        return username


@admin.register(User)
class UserAdmin(NamesOnlyWhatTheyMaySee, StatesWorkOnDelete, CoexistUserAdmin):
    work_of = "students"
    add_form = NewAccountForm
    form = AccountForm
    actions = ("delete_selected", "erase_students")

    def has_erase_permission(self, request) -> bool:
        """Erasing a student everywhere is an administrator's; teachers erase their own
        students from the class page, under the rule in `lessons.services.privacy`."""
        return request.user.is_superuser

    @admin.action(
        permissions=["erase"],
        description=gettext_lazy("Erase selected students and all their data"),
    )
    def erase_students(self, request, queryset):
        return privacy_views.admin_erase(self, request, queryset)


# --- Classes ---------------------------------------------------------------------------


class EnrolmentInline(admin.TabularInline):
    """Who is in the class. Students arrive by code or roster; here they can only leave."""

    model = Enrolment
    fields = ("student", "student_username", "route", "joined_at")
    readonly_fields = ("student", "student_username", "route", "joined_at")
    extra = 0
    can_delete = True
    verbose_name_plural = gettext_lazy(
        "students (remove a student with the delete box; their work is kept and comes "
        "back if they rejoin)"
    )

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return access.enrolments_taught(request.user).select_related("student")

    @admin.display(description=gettext_lazy("Username"))
    def student_username(self, enrolment: Enrolment) -> str:
        return enrolment.student.username


class AssignmentInline(KeepsWorkInline, admin.TabularInline):
    model = Assignment
    # A started assignment is deleted from its own page, whose confirmation counts the work.
    fields = ("lesson", "opens_at", "due_at", "late_work_accepted", "class_comparison")
    extra = 0
    verbose_name_plural = gettext_lazy("lessons set for this class")

    def get_queryset(self, request):
        return access.assignments_taught(request.user).select_related("lesson")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "lesson":
            kwargs["queryset"] = access.assignable_lessons(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Classroom)
class ClassroomAdmin(NamesOnlyWhatTheyMaySee, StatesWorkOnDelete, admin.ModelAdmin):
    work_of = "classrooms"
    list_display = ("name", "code", "joining_open", "student_count", "archived", "class_page")
    list_filter = ("archived", "joining_open")
    search_fields = ("name",)
    fields = ("name", "teachers", "joining_open", "archived", "code", "class_page")
    readonly_fields = ("code", "class_page")
    filter_horizontal = ("teachers",)
    inlines = (AssignmentInline, EnrolmentInline)
    actions = ("rotate_codes", "close_joining", "open_joining", "delete_selected")

    def get_queryset(self, request):
        # A GROUP BY drops Meta.ordering, and the autocomplete paginates: order explicitly.
        return (
            access.classes_taught(request.user)
            .annotate(student_total=Count("enrolments"))
            .order_by(*Classroom._meta.ordering)
        )

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

    @admin.display(description=gettext_lazy("Join code"))
    def code(self, classroom: Classroom) -> str:
        return classroom.display_code if classroom.pk else _("Made when you save.")

    @admin.display(description=gettext_lazy("Students"), ordering="student_total")
    def student_count(self, classroom: Classroom) -> int:
        return classroom.student_total

    @admin.display(description=gettext_lazy("Class page"))
    def class_page(self, classroom: Classroom) -> str:
        if not classroom.pk:
            return _("Save the class to open its page.")
        return format_html(
            '<a href="{}">{}</a>', classroom.get_absolute_url(), _("Codes, roster and passwords")
        )

    @admin.action(description=gettext_lazy("Give the selected classes new join codes"))
    def rotate_codes(self, request, queryset):
        for classroom in queryset:
            classroom.rotate_join_code()
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                # Translators: the English says "classes" for one class too.
                "New codes for %(count)s classes; the old ones no longer work.",
                "New codes for %(count)s classes; the old ones no longer work.",
                count,
            )
            % {"count": count},
        )

    @admin.action(description=gettext_lazy("Close joining for the selected classes"))
    def close_joining(self, request, queryset):
        queryset.update(joining_open=False)

    @admin.action(description=gettext_lazy("Open joining for the selected classes"))
    def open_joining(self, request, queryset):
        queryset.update(joining_open=True)


class AssignmentForm(forms.ModelForm):
    def clean(self):
        data = super().clean()
        classroom, chosen = data.get("classroom"), data.get("short_for")
        if classroom is not None and chosen:
            enrolled = set(
                classroom.enrolments.filter(student__in=chosen).values_list("student_id", flat=True)
            )
            outside = [student.shown_name for student in chosen if student.pk not in enrolled]
            if outside:
                self.add_error(
                    "short_for",
                    _(
                        "Only students of %(class)s can be given the short version; "
                        "not in it: %(names)s."
                    )
                    % {"class": classroom.name, "names": ", ".join(outside)},
                )
        return data


@admin.register(Assignment)
class AssignmentAdmin(NamesOnlyWhatTheyMaySee, StatesWorkOnDelete, admin.ModelAdmin):
    work_of = "assignments"
    actions = ("delete_selected",)
    list_display = ("lesson", "classroom", "opens_at", "due_at", "late_work_accepted")
    list_filter = ("late_work_accepted",)
    list_select_related = ("lesson", "classroom")
    search_fields = ("lesson__title", "classroom__name")
    form = AssignmentForm
    fields = (
        "classroom",
        "lesson",
        "opens_at",
        "due_at",
        "late_work_accepted",
        "class_comparison",
        "short_version",
        "short_for",
    )
    filter_horizontal = ("short_for",)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "short_for":
            # Only the user's own students are ever listed; the form keeps to the class.
            kwargs["queryset"] = access.students_taught(request.user).order_by(
                "last_name", "first_name", "username"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return access.assignments_taught(request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "classroom":
            kwargs["queryset"] = access.classes_taught(request.user).current()
        elif db_field.name == "lesson":
            kwargs["queryset"] = access.assignable_lessons(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # From lesson to class and back: "Set a lesson" on a class page and "Set for a class" on
    # a lesson open this page with `?classroom=` or `?lesson=` and `next`; a plain save
    # goes back there, the other save buttons do what the admin's do.

    def return_to(self, request) -> str | None:
        """The page to go back to after saving: `next`, from the link that opened the page
        and then from the form's hidden field, if it is on this site (the admin's default
        otherwise, as for any address that is not)."""
        url = request.POST.get("next") or request.GET.get("next")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return None

    def set_from(self, request) -> dict:
        """The class or lesson this page was opened from, if the user may set lessons for
        it or set it, and a "Back to …" naming it. Another teacher's class is not named."""
        chosen = {
            name: request.GET[name]
            for name in ("classroom", "lesson")
            if re.fullmatch(r"[0-9]{1,9}", request.GET.get(name, ""))
        }
        classroom = lesson = None
        if "classroom" in chosen:
            classroom = (
                access.classes_taught(request.user).current().filter(pk=chosen["classroom"]).first()
            )
        if "lesson" in chosen:
            lesson = access.assignable_lessons(request.user).filter(pk=chosen["lesson"]).first()
        back = self.return_to(request)
        back_label = _("Back to the page you came from")
        if back is not None:
            back_path = urlsplit(back).path
            if classroom is not None and back_path == classroom.get_absolute_url():
                back_label = _("Back to %(class)s") % {"class": classroom.name}
            elif lesson is not None and back_path == reverse(
                "admin:lessons_lesson_change", args=[lesson.pk]
            ):
                back_label = _("Back to the lesson “%(title)s”") % {"title": lesson.title}
        return {
            "set_for_classroom": classroom,
            "set_lesson": lesson,
            "return_to": back,
            "return_label": back_label,
        }

    def get_changeform_initial_data(self, request):
        """A teacher with one current class sets the lesson for it without choosing."""
        initial = super().get_changeform_initial_data(request)
        if "classroom" not in initial:
            only = list(
                access.classes_taught(request.user).current().values_list("pk", flat=True)[:2]
            )
            if len(only) == 1:
                initial["classroom"] = only[0]
        return initial

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if add:
            context.update(self.set_from(request))
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request, obj, post_url_continue=None):
        back = self.return_to(request)
        other_button = ("_continue", "_addanother", "_popup")
        if back is None or any(key in request.POST for key in other_button):
            return super().response_add(request, obj, post_url_continue)
        self.message_user(request, self.set_message(obj), messages.SUCCESS)
        return HttpResponseRedirect(back)

    @staticmethod
    def set_message(assignment: Assignment) -> str:
        """“Set for 10H History, open 1 Dec, due 8 Dec: “The thaw”.”, on the page the
        teacher goes back to, which may not show the lesson or the dates."""
        values = {
            "class": assignment.classroom.name,
            "opens": date_format(localtime(assignment.opens_at), "j M"),
            "title": assignment.lesson.title,
        }
        if assignment.due_at:
            values["due"] = date_format(localtime(assignment.due_at), "j M")
            return _("Set for %(class)s, open %(opens)s, due %(due)s: “%(title)s”.") % values
        return _("Set for %(class)s, open %(opens)s, no deadline: “%(title)s”.") % values


# --- What admin pages may name ----------------------------------------------------------
# A class, and everything of it, is named on an admin page (a delete page's list of what
# goes with an object, say) only to its teachers; others see a count (coexist.admin_privacy).

# Translators: after a count of rows, "2 assignments in classes you do not teach".
_IN_CLASSES = gettext_lazy("in classes you do not teach")
# Translators: after a count of classes, "2 classes you do not teach".
private(Classroom, visible_to=access.classes_taught, outside=gettext_lazy("you do not teach"))
private(Enrolment, visible_to=access.enrolments_taught, outside=_IN_CLASSES)
private(Assignment, visible_to=access.assignments_taught, outside=_IN_CLASSES)
private(
    SourceAnnotation,
    visible_to=lambda user: SourceAnnotation.objects.filter(
        assignment__in=access.assignments_taught(user)
    ),
    outside=_IN_CLASSES,
)
private(
    Submission,
    visible_to=lambda user: Submission.objects.filter(
        assignment__in=access.assignments_taught(user)
    ),
    outside=_IN_CLASSES,
)
private(
    SubmissionVersion,
    visible_to=lambda user: SubmissionVersion.objects.filter(
        submission__assignment__in=access.assignments_taught(user)
    ),
    outside=_IN_CLASSES,
)
