"""Usernames a classmate cannot imitate: plain ASCII, and no look-alike of one in use.

A student logs in by typing their username, often from a paper slip, and a teacher finds
them by it. So usernames are ASCII letters, digits and . _ - (a name stays in any script:
that is what `first_name` and `last_name` are for), and a new one may not look like an
existing one: “Student1”, “student1.” or “ѕtudent1” (a Cyrillic “ѕ”) next to “student1”
would let one pupil pass for another in a list of work.

Look-alikes are compared by their `skeleton`, after Unicode's own idea (UTS #39): the
same skeleton means the two can be mistaken for each other on a screen or a slip.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from confusable_homoglyphs import confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from coexist.models import User

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9._-]+")
USERNAME_HELP = gettext_lazy("What you will log in with: the letters a–z, digits and . _ - only.")
ASCII_MESSAGE = gettext_lazy(
    "Use only the letters a–z, digits, full stops, hyphens and underscores in a username, "
    "with no spaces. Your name can be written any way you like above."
)
LOOKALIKE_MESSAGE = gettext_lazy(
    "“%(username)s” looks too much like a username someone already has. Choose one that "
    "looks different, for example by adding your last name or a number."
)

# ASCII characters easily taken for one another, whatever the font: 0 and o; 1, l, I and
# a lower-case i (folded to i first). Case is folded before this.
_ASCII_LOOKALIKES = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})
# Ends that nobody reads: “student1.” and “_student1” are “student1”.
_IGNORED_ENDS = "._-"


@functools.cache
def _prototype(char: str) -> str:
    """The ASCII letter a character is confused with, if Unicode's confusables list has
    one (Cyrillic “ѕ” → “s”, Greek “ο” → “o”); otherwise the character itself."""
    if char.isascii():
        return char
    found = confusables.is_confusable(char, greedy=True, preferred_aliases=[])
    for homoglyph in found[0]["homoglyphs"] if found else ():
        glyph = homoglyph["c"]
        if len(glyph) == 1 and glyph.isascii() and glyph.isalnum():
            return glyph.lower()
    return char


def skeleton(username: str) -> str:
    """What a username looks like, for comparing: NFKC (full-width and styled letters to
    plain ones), case folded, each confusable character replaced by the ASCII letter it
    imitates, 0/o and 1/l/i made one, and dots, hyphens and underscores at either end
    dropped."""
    text = unicodedata.normalize("NFKC", username).casefold()
    text = "".join(_prototype(char) for char in text).translate(_ASCII_LOOKALIKES)
    return text.strip(_IGNORED_ENDS)


def validate_ascii_username(username: str) -> None:
    """A username someone types: ASCII letters, digits and . _ -, with a letter or digit."""
    if not USERNAME_PATTERN.fullmatch(username) or not username.strip(_IGNORED_ENDS):
        raise ValidationError(ASCII_MESSAGE, code="invalid_username")


def lookalike_of_existing(username: str, *, exclude_pk: int | None = None) -> bool:
    """Whether an account (other than `exclude_pk`) has a username this one could be
    mistaken for, the same one in another case included.

    One query for every username: there is no index on a skeleton, and a school has a
    few thousand accounts, so comparing them here takes milliseconds.
    """
    wanted = skeleton(username)
    usernames = User.objects.exclude(pk=exclude_pk).values_list("username", flat=True)
    return any(skeleton(existing) == wanted for existing in usernames.iterator())


def taken_skeletons() -> set[str]:
    """The skeletons of every username in use, for choosing many new ones at once."""
    return {skeleton(name) for name in User.objects.values_list("username", flat=True)}


def validate_new_username(username: str, *, exclude_pk: int | None = None) -> None:
    """A username someone chose: ASCII, and no look-alike of one in use."""
    validate_ascii_username(username)
    if lookalike_of_existing(username, exclude_pk=exclude_pk):
        raise ValidationError(
            LOOKALIKE_MESSAGE, code="lookalike_username", params={"username": username}
        )
