"""The teacher's marking form and the comment bank."""

from __future__ import annotations

from django import forms

from lessons.forms.fields import LimitedText, limited_text, max_length_of
from lessons.models import CommentBankEntry, SourceAnnotation, Submission


class FeedbackForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    feedback = limited_text("Overall comment", max_length_of(Submission, "feedback"), rows=6)
    mark = forms.IntegerField(
        label="Mark",
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={"invalid": "Give the mark as a whole number, e.g. 7."},
    )
    mark_out_of = forms.IntegerField(
        label="out of",
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={"invalid": "Give the maximum as a whole number, e.g. 10."},
    )
    action = forms.ChoiceField(
        choices=[
            ("save", "Save feedback"),
            ("return", "Return to the student"),
            ("revise", "Return and ask for a revision"),
        ]
    )

    def __init__(self, *args, annotations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.annotations = list(annotations)
        for annotation in self.annotations:
            self.fields[f"comment_{annotation.pk}"] = limited_text(
                f"Comment on source {annotation.lesson_source.label}",
                max_length_of(SourceAnnotation, "teacher_comment"),
                rows=2,
            )

    def clean(self):
        data = super().clean()
        mark, out_of = data.get("mark"), data.get("mark_out_of")
        if mark is not None and out_of is not None and mark > out_of:
            self.add_error("mark", f"The mark cannot be more than the maximum ({out_of}).")
        if mark is not None and out_of is None:
            self.add_error("mark_out_of", "Say what the mark is out of.")
        return data

    def source_comments(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"comment_{a.pk}", "") for a in self.annotations}

    def comment_field(self, annotation):
        return self[f"comment_{annotation.pk}"]


class BankCommentForm(forms.Form):
    text = LimitedText(
        label="New comment for your bank",
        limit=max_length_of(CommentBankEntry, "text"),
        error_messages={"required": "Type the comment to keep."},
    )
