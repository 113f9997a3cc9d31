"""Joining a class: the code, and the sign-up for a new student."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from coexist.models import User
from coexist.usernames import USERNAME_HELP, validate_new_username
from lessons.forms.fields import clean_name, max_length_of
from lessons.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, normalise_join_code

CODE_HELP = gettext_lazy("8 letters and numbers, like ABCD-2345. Spaces and dashes do not matter.")


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Class code"),
        max_length=40,
        help_text=CODE_HELP,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        code = normalise_join_code(self.cleaned_data["code"])
        lookalikes = sorted(set(code) & set("0O1IL"))
        if lookalikes:
            raise ValidationError(
                gettext_lazy(
                    "Class codes never contain %(chars)s, so that no two characters look alike. "
                    "Check the code with your teacher."
                ),
                params={"chars": ", ".join(lookalikes)},
            )
        if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
            raise ValidationError(
                gettext_lazy(
                    "That is not a class code. Codes are 8 letters and numbers, like ABCD-2345. "
                    "Spaces and dashes do not matter."
                )
            )
        return code


class StudentSignupForm(UserCreationForm):
    """A student's own account: a name, a username and a password. No e-mail, no birth date."""

    first_name = forms.CharField(
        label=gettext_lazy("First name"), max_length=max_length_of(User, "first_name")
    )
    last_name = forms.CharField(
        label=gettext_lazy("Last name"),
        max_length=max_length_of(User, "last_name"),
        required=False,
        help_text=gettext_lazy("So your teacher knows who you are."),
    )

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("first_name", "last_name", "username")
        help_texts = {"username": USERNAME_HELP}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(autocapitalize="none", spellcheck="false")
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["last_name"].widget.attrs.update(autocomplete="family-name")

    def clean_username(self) -> str:
        """ASCII, and no look-alike of a username in use (“Student1”, “student1.” or a
        Cyrillic “ѕtudent1” next to “student1”): see `coexist.usernames`."""
        username = super().clean_username()
        if username is not None:  # None: Django has already said the username is taken
            validate_new_username(username)
        return username

    def clean_first_name(self) -> str:
        return clean_name(self.cleaned_data["first_name"])

    def clean_last_name(self) -> str:
        value = self.cleaned_data["last_name"]
        return clean_name(value) if value.strip() else ""
