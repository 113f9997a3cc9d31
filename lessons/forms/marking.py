"""The teacher's marking form and the comment bank."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from lessons.forms.fields import LimitedText, limited_text, max_length_of
from lessons.models import CommentBankEntry, SourceAnnotation, Submission
from lessons.services.marking import CRITERION_COMMENT_LIMIT, band_for, criteria_total


class FeedbackForm(forms.Form):
    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    feedback = limited_text(
        gettext_lazy("Overall comment"), max_length_of(Submission, "feedback"), rows=6
    )
    mark = forms.IntegerField(
        label=gettext_lazy("Mark"),
        required=False,
        min_value=0,
        max_value=1000,
        error_messages={"invalid": gettext_lazy("Give the mark as a whole number, e.g. 7.")},
    )
    mark_out_of = forms.IntegerField(
        label=gettext_lazy("out of"),
        required=False,
        min_value=1,
        max_value=1000,
        error_messages={"invalid": gettext_lazy("Give the maximum as a whole number, e.g. 10.")},
    )
    action = forms.ChoiceField(
        choices=[
            ("save", gettext_lazy("Save feedback")),
            ("return", gettext_lazy("Return to the student")),
            ("revise", gettext_lazy("Return and ask for a revision")),
        ]
    )

    def __init__(self, *args, annotations=(), criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.annotations = list(annotations)
        for annotation in self.annotations:
            self.fields[f"comment_{annotation.pk}"] = limited_text(
                _("Comment on source %(label)s") % {"label": annotation.lesson_source.label},
                max_length_of(SourceAnnotation, "teacher_comment"),
                rows=2,
            )
        # Marked on criteria: a mark and a comment for each, and the total is theirs.
        self.criteria = list(criteria)
        if self.criteria:
            del self.fields["mark"], self.fields["mark_out_of"]
        for criterion in self.criteria:
            names = {"key": criterion.key, "max_mark": criterion.max_mark}
            whole = (
                _("Criterion %(key)s: give the mark as a whole number from 0 to %(max_mark)s.")
                % names
            )
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=_("Criterion %(key)s mark, out of %(max_mark)s") % names,
                required=False,
                min_value=0,
                max_value=criterion.max_mark,
                error_messages={
                    "invalid": whole,
                    "min_value": _("Criterion %(key)s: the mark cannot be below 0.") % names,
                    "max_value": _(
                        "Criterion %(key)s is out of %(max_mark)s: the mark cannot be more "
                        "than %(max_mark)s."
                    )
                    % names,
                },
            )
            self.fields[f"criterion_{criterion.pk}_comment"] = limited_text(
                _("Comment on criterion %(key)s") % names, CRITERION_COMMENT_LIMIT, rows=2
            )

    def criterion_rows(self) -> list[dict]:
        """Each criterion with its two bound fields and its bands, the band the mark
        (as typed, or as saved) falls in marked: what the marking form lays out."""
        rows = []
        for criterion in self.criteria:
            field = self[f"criterion_{criterion.pk}"]
            value = field.value()
            mark = _typed_mark(value)
            bands = list(criterion.bands.all())
            reached = band_for(bands, mark)
            rows.append(
                {
                    "criterion": criterion,
                    "field": field,
                    "comment": self[f"criterion_{criterion.pk}_comment"],
                    "bands": [{"band": b, "reached": b is reached} for b in bands],
                }
            )
        return rows

    @property
    def criteria_total(self) -> int | None:
        """The marks as typed (or saved) added up, for the page; the save adds up the
        cleaned marks itself."""
        marks = {}
        for criterion in self.criteria:
            mark = _typed_mark(self[f"criterion_{criterion.pk}"].value())
            if mark is not None:
                marks[criterion.key] = {"mark": mark}
        return criteria_total(self.criteria, marks)[0]

    @property
    def criteria_out_of(self) -> int:
        return criteria_total(self.criteria, {})[1]

    def criterion_marks(self) -> dict[str, dict] | None:
        """{criterion key: {"mark", "comment"}} for those marked or commented on; None
        when the lesson has a single mark."""
        if not self.criteria:
            return None
        marks = {}
        for criterion in self.criteria:
            mark = self.cleaned_data.get(f"criterion_{criterion.pk}")
            comment = self.cleaned_data.get(f"criterion_{criterion.pk}_comment", "")
            if mark is not None or comment.strip():
                marks[criterion.key] = {"mark": mark, "comment": comment}
        return marks

    def clean(self):
        data = super().clean()
        if self.criteria:
            if self.errors:
                return data
            marks = self.criterion_marks()
            data["mark"], data["mark_out_of"] = criteria_total(self.criteria, marks)
            if data["mark"] is None:
                data["mark_out_of"] = None
            missing = [c.key for c in self.criteria if (marks.get(c.key) or {}).get("mark") is None]
            returning = data.get("action") in ("return", "revise")
            if returning and data["mark"] is not None and missing:
                keys = missing[0]
                for key in missing[1:]:
                    keys = _("%(first)s and %(second)s") % {"first": keys, "second": key}
                raise forms.ValidationError(
                    ngettext(
                        "Give a mark on criterion %(keys)s too before returning the work, or "
                        "leave every criterion unmarked.",
                        "Give a mark on criteria %(keys)s too before returning the work, or "
                        "leave every criterion unmarked.",
                        len(missing),
                    )
                    % {"keys": keys}
                )
            return data
        mark, out_of = data.get("mark"), data.get("mark_out_of")
        if mark is not None and out_of is not None and mark > out_of:
            self.add_error(
                "mark",
                _("The mark cannot be more than the maximum (%(out_of)s).") % {"out_of": out_of},
            )
        if mark is not None and out_of is None:
            self.add_error("mark_out_of", _("Say what the mark is out of."))
        return data

    def source_comments(self) -> dict[int, str]:
        return {a.pk: self.cleaned_data.get(f"comment_{a.pk}", "") for a in self.annotations}

    def comment_field(self, annotation):
        return self[f"comment_{annotation.pk}"]


def _typed_mark(value) -> int | None:
    """A mark box's value as a whole number of marks, or None if it is not one."""
    if isinstance(value, int):
        return value
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


class BankCommentForm(forms.Form):
    text = LimitedText(
        label=gettext_lazy("New comment for your bank"),
        limit=max_length_of(CommentBankEntry, "text"),
        error_messages={"required": gettext_lazy("Type the comment to keep.")},
    )
