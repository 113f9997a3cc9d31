"""Forms for students' work. Each limit is read from the model, so a message, a box's
maxlength and the page's counter name the same number."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext_lazy

from lessons.forms.fields import LimitedText, limited_text, max_length_of
from lessons.models import (
    NOTE_MAX_LENGTH,
    QUOTE_MAX_LENGTH,
    RESPONSE_MAX_LENGTH,
    SECTION_MAX_LENGTH,
    CitationRole,
    Extent,
    HighlightTag,
    Rating,
    Relation,
    SourceAnnotation,
    Submission,
)
from sources.citations import plain
from sources.text import find_quote


class AnalysisForm(forms.Form):
    """The framework prompts, the rating and its reason. One field per prompt, by key.

    "Finished" is a claim about the work, not part of it: an analysis that is not
    complete yet is still saved, and only the claim is refused (`done_refused` says
    why), so ticking the box early never costs the student what they typed.
    """

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    rating = forms.TypedChoiceField(
        label=pgettext_lazy("reliability rating", "Rating"),
        choices=[("", gettext_lazy("Not rated yet")), *Rating.choices],
        coerce=int,
        empty_value=None,
        required=False,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a rating from 1 (very unreliable) to 5 (very reliable)."
            )
        },
    )
    rating_reason = limited_text(
        gettext_lazy("Why?"), max_length_of(SourceAnnotation, "rating_reason"), rows=4
    )
    done = forms.BooleanField(
        label=gettext_lazy("I have finished analysing this source"), required=False
    )

    def __init__(self, *args, prompts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.prompts = list(prompts)
        self.done_refused = ""
        for prompt in self.prompts:
            self.fields[f"response_{prompt.key}"] = limited_text(prompt.label, RESPONSE_MAX_LENGTH)

    def prompt_fields(self) -> list:
        """(prompt, bound field) pairs, in the framework's order, for the template."""
        return [(prompt, self[f"response_{prompt.key}"]) for prompt in self.prompts]

    def responses(self) -> dict[str, str]:
        return {
            prompt.key: self.cleaned_data[f"response_{prompt.key}"]
            for prompt in self.prompts
            if self.cleaned_data.get(f"response_{prompt.key}", "").strip()
        }

    def clean(self):
        data = super().clean()
        self.done_refused = ""
        if data.get("done"):
            self.done_refused = self.unfinished(data)
            if self.done_refused:
                data["done"] = False
        return data

    def unfinished(self, data: dict) -> str:
        """Why this analysis cannot be called finished yet, or "" when it can."""
        missing = [
            prompt.label
            for prompt in self.prompts
            if prompt.required and not (data.get(f"response_{prompt.key}") or "").strip()
        ]
        unrated = not data.get("rating")
        if missing and unrated:
            return _(
                "Not marked finished yet: answer every required prompt first: %(prompts)s; "
                "and give the source a reliability rating."
            ) % {"prompts": ", ".join(missing)}
        if missing:
            return _(
                "Not marked finished yet: answer every required prompt first: %(prompts)s."
            ) % {"prompts": ", ".join(missing)}
        if unrated:
            return _("Not marked finished yet: give the source a reliability rating first.")
        return ""

    @staticmethod
    def initial_for(annotation: SourceAnnotation | None, prompts) -> dict:
        if annotation is None:
            return {"version": 0}
        initial = {
            "version": annotation.version,
            "rating": annotation.rating,
            "rating_reason": annotation.rating_reason,
            "done": annotation.status == SourceAnnotation.Status.DONE,
        }
        for prompt in prompts:
            initial[f"response_{prompt.key}"] = annotation.responses.get(prompt.key, "")
        return initial


class HighlightForm(forms.Form):
    """A passage: the quoted words anchor it; offsets from the page, when given, pick
    which occurrence was meant."""

    quote = LimitedText(
        label=gettext_lazy("Words to highlight"),
        limit=QUOTE_MAX_LENGTH,
        help_text=gettext_lazy("Select words in the source, or type or paste them here exactly."),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": gettext_lazy(
                "Select some words in the source, or type them here, to highlight them."
            ),
        },
    )
    start = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    tag = forms.ChoiceField(
        label=gettext_lazy("Tag"), choices=HighlightTag.choices, initial=HighlightTag.EVIDENCE
    )
    note = limited_text(gettext_lazy("Your note"), NOTE_MAX_LENGTH, rows=2)

    def __init__(self, *args, text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.text = text

    def clean_quote(self) -> str:
        quote = " ".join(self.cleaned_data["quote"].split())
        if not quote:
            raise ValidationError(
                _("Select some words in the source, or type them here, to highlight them.")
            )
        if find_quote(self.text, quote) is None:
            raise ValidationError(
                _(
                    "Those words are not in this source. Check them letter by letter, "
                    "or select them in the text instead."
                )
            )
        return quote

    def anchor(self) -> tuple[int, int, str]:
        """Start, end and the source's own words for the occurrence nearest the hint."""
        start, end = find_quote(
            self.text, self.cleaned_data["quote"], self.cleaned_data.get("start")
        )
        return start, end, self.text[start:end]


class LinkForm(forms.Form):
    other = forms.TypedChoiceField(label=gettext_lazy("Source"), coerce=int)
    relation = forms.ChoiceField(label=gettext_lazy("This source…"), choices=Relation.choices)
    note = limited_text(gettext_lazy("How?"), NOTE_MAX_LENGTH, rows=2)

    def __init__(self, *args, others=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["other"].choices = [("", _("Choose a source…"))] + [
            (
                ls.pk,
                _("Source %(label)s: %(title)s")
                % {"label": ls.label, "title": plain(ls.source.display_title)},
            )
            for ls in others
        ]
        self.fields["other"].error_messages["invalid_choice"] = _(
            "Choose another source from this lesson."
        )


class AnswerForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    judgement = forms.TypedChoiceField(
        label=gettext_lazy("Your judgement"),
        choices=Extent.choices,
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose a step on the scale, from “Not at all” to “Completely”."
            )
        },
    )
    answer = limited_text(gettext_lazy("Your answer"), max_length_of(Submission, "answer"), rows=16)
    preferred_interpretation = forms.TypedChoiceField(
        label=gettext_lazy("The historian you find most convincing"),
        coerce=int,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": gettext_lazy(
                "Choose one of the interpretations listed for this lesson."
            )
        },
    )
    interpretation_reason = limited_text(
        gettext_lazy("Why?"), max_length_of(Submission, "interpretation_reason"), rows=4
    )

    def __init__(self, *args, lesson_sources=(), interpretations=(), section_rows=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.lesson_sources = list(lesson_sources)
        self.fields["preferred_interpretation"].choices = [
            (i.pk, f"{i.historian.name}: {i.position}") for i in interpretations
        ]
        self.section_rows = list(section_rows)
        if self.section_rows:
            # An answer in sections: citations are in its text, not in a table.
            del self.fields["answer"]
            for row in self.section_rows:
                self.fields[f"section_{row.key}"] = limited_text(
                    row.title, SECTION_MAX_LENGTH, rows=14 if row.suggested_words else 8
                )
            self.evaluates = sum(row.evaluates_sources for row in self.section_rows)
            if self.evaluates:
                self.fields["evaluated"] = forms.TypedMultipleChoiceField(
                    label=_("Sources you evaluate"),
                    coerce=int,
                    required=False,
                    choices=[
                        (ls.pk, _("Source %(label)s") % {"label": ls.label})
                        for ls in self.lesson_sources
                    ],
                    widget=forms.CheckboxSelectMultiple,
                    error_messages={
                        "invalid_choice": _("Choose sources from this lesson to evaluate.")
                    },
                )
            return
        for ls in self.lesson_sources:
            self.fields[f"cite_{ls.pk}"] = forms.ChoiceField(
                label=_("Source %(label)s") % {"label": ls.label},
                required=False,
                choices=[("", _("Not cited")), *CitationRole.choices],
                error_messages={
                    "invalid_choice": _(
                        "Say whether the source supports or challenges your answer."
                    )
                },
            )

    def clean_evaluated(self) -> list[int]:
        chosen = list(dict.fromkeys(self.cleaned_data.get("evaluated") or []))
        if len(chosen) > self.evaluates:
            raise ValidationError(
                ngettext(
                    "Choose at most %(limit)s source to evaluate; you chose %(chosen)s.",
                    "Choose at most %(limit)s sources to evaluate; you chose %(chosen)s.",
                    self.evaluates,
                )
                % {"limit": self.evaluates, "chosen": len(chosen)}
            )
        return chosen

    def section_fields(self) -> list:
        return [(row, self[f"section_{row.key}"]) for row in self.section_rows]

    def sections(self) -> dict[str, str]:
        return {
            row.key: self.cleaned_data.get(f"section_{row.key}") or "" for row in self.section_rows
        }

    def citation_fields(self) -> list:
        return [(ls, self[f"cite_{ls.pk}"]) for ls in self.lesson_sources]

    def cited(self) -> dict[str, str]:
        return {
            str(ls.pk): self.cleaned_data[f"cite_{ls.pk}"]
            for ls in self.lesson_sources
            if self.cleaned_data.get(f"cite_{ls.pk}")
        }


class PredictionForm(forms.Form):
    """A student's own words before what is hidden is revealed: who made the source, when
    and why (predict first), or what it means (interpret first)."""

    prediction = LimitedText(
        label=gettext_lazy("Your prediction"),
        limit=max_length_of(SourceAnnotation, "prediction"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": gettext_lazy("Write your prediction first, in your own words.")
        },
    )

    def clean_prediction(self) -> str:
        prediction = self.cleaned_data["prediction"]
        if not prediction.strip():
            raise ValidationError(_("Write your prediction first, in your own words."), "required")
        return prediction


class RegionForm(forms.Form):
    """A rectangle of an image, in percentages of its width and height, so that it fits
    the image at any size; typed, or drawn on the image by work.js."""

    x = forms.DecimalField(
        label=gettext_lazy("From the left (%)"), min_value=0, max_value=100, decimal_places=2
    )
    y = forms.DecimalField(
        label=gettext_lazy("From the top (%)"), min_value=0, max_value=100, decimal_places=2
    )
    w = forms.DecimalField(
        label=gettext_lazy("Width (%)"), min_value=0, max_value=100, decimal_places=2
    )
    h = forms.DecimalField(
        label=gettext_lazy("Height (%)"), min_value=0, max_value=100, decimal_places=2
    )
    tag = forms.ChoiceField(
        label=gettext_lazy("Tag"), choices=HighlightTag.choices, initial=HighlightTag.EVIDENCE
    )
    note = limited_text(gettext_lazy("Your note"), NOTE_MAX_LENGTH, rows=2)

    MINIMUM = 1  # percent: smaller is a slip of the mouse, not a region

    def clean(self):
        data = super().clean()
        if any(data.get(name) is None for name in ("x", "y", "w", "h")):
            return data
        if data["w"] < self.MINIMUM or data["h"] < self.MINIMUM:
            raise ValidationError(
                _("The region is too small to see: make it at least %(minimum)s%% wide and high.")
                % {"minimum": self.MINIMUM},
                code="too_small",
            )
        if data["x"] + data["w"] > 100 or data["y"] + data["h"] > 100:
            raise ValidationError(
                _("The region goes past the edge of the image: keep it inside."), code="outside"
            )
        return data

    def fractions(self) -> dict:
        return {name: float(self.cleaned_data[name]) / 100 for name in ("x", "y", "w", "h")}
