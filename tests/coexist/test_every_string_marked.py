"""Every word Coexist shows is marked for translation: rendered in a pseudo-language.

While these pages render, every string that goes through gettext (Coexist's and Django's
alike) comes back in a look-alike alphabet ("Ŷǿŭř ȧƞȧŀẏşīş"), placeholders and tags kept.
What is still in plain letters afterwards was never marked, unless it is data: a word
of the world's own content (titles, texts, names, labels), a Chicago citation (printed
inside `translate="no"`, which also tells a browser's translator to leave it), or one of
the few names that are the same in every language.

Each page in the authorisation matrix's world is asked as the first person who may see
it; the admin is asked for Coexist's own models. JavaScript's strings are checked by the
French browser flow (tests/browser/test_in_french.py).
"""

from __future__ import annotations

import io
import re
from contextlib import contextmanager
from html.parser import HTMLParser
from unittest import mock

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models, transaction
from django.test import Client, override_settings
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import trans_real

from coexist.models import User
from lessons.models import Assignment, Framework, Submission
from tests.coexist.matrix_world import PEOPLE, _client_for, build_world, url_in_world, url_patterns
from tests.coexist.test_authorisation_matrix import TABLE
from tests.conftest import put_back_what_migrations_made

pytestmark = pytest.mark.django_db

PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
LOOKALIKE = "ȧƀƈḓḗƒɠħīĵķŀḿƞǿƥɋřşŧŭṽẇẋẏẑȦƁƇḒḖƑƓĦĪĴĶĿḾȠǾƤɊŘŞŦŬṼẆẊẎẐ"
TO_PSEUDO = str.maketrans(PLAIN, LOOKALIKE)
PSEUDO_LETTERS = set(LOOKALIKE)
# Kept as they are: placeholders (%(name)s, %s, {name}), tags and entities.
KEPT = re.compile(r"(%\([^)]+\)[sdfi]|%[sdfi%]|\{[^{}]*\}|<[^>]+>|&#?\w+;)")
CONTEXT = "\x04"

# The same in every language: the product, framework and exam names, the languages' own
# names in the switcher.
SAME_EVERYWHERE = {"coexist", "opvl", "ib", "gcse", "english", "français", "chicago"}
# Shown to people only as values: attribute names whose text a person reads or hears.
READ_ATTRIBUTES = {
    "title",
    "alt",
    "placeholder",
    "aria-label",
    "aria-description",
    "aria-roledescription",
}
SKIPPED_ELEMENTS = {"script", "style", "code", "kbd", "samp", "pre"}


def pseudo(text: str) -> str:
    return "".join(
        part if KEPT.fullmatch(part) else part.translate(TO_PSEUDO) for part in KEPT.split(text)
    )


def _strip_context(message: str) -> str:
    return message.split(CONTEXT, 1)[1] if CONTEXT in message else message


def _pseudo_gettext(self, message):
    return pseudo(_strip_context(message))


def _pseudo_ngettext(self, singular, plural, number):
    return pseudo(_strip_context(singular if number == 1 else plural))


@contextmanager
def pseudo_language():
    """Every string through gettext, Coexist's and Django's, in the pseudo-language."""
    with (
        mock.patch.object(trans_real.DjangoTranslation, "gettext", _pseudo_gettext),
        mock.patch.object(trans_real.DjangoTranslation, "ngettext", _pseudo_ngettext),
    ):
        yield


class VisibleText(HTMLParser):
    """The text a person reads or hears, outside `translate="no"` and code."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.skipping: list[str] = []  # open elements whose content is not checked
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if self.skipping or tag in SKIPPED_ELEMENTS or attributes.get("translate") == "no":
            if tag not in ("br", "img", "input", "meta", "link", "hr", "source", "col", "wbr"):
                self.skipping.append(tag)
            return
        if tag == "img" and "/admin/img/icon-" in (attributes.get("src") or ""):
            # Django's yes/no icons: their alt text ("True") is Django's, which it does not
            # translate; the column's heading says what they mean.
            return
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self.texts.append(value)
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.texts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if self.skipping and self.skipping[-1] == tag:
            self.skipping.pop()

    def handle_data(self, data):
        if not self.skipping:
            self.texts.append(data)


def _data_words() -> set[str]:
    """Every word of every text in the database: the world's content, not the interface."""
    words: set[str] = set()
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            for value in row:
                if value:
                    words.update(w.lower() for w in WORD.findall(str(value)))
    return words


WORD = re.compile(r"[^\W\d_]+")
# Not words: addresses and paths (a join link), join codes (2CMD-U6Z5, ABCD-EFGH), a
# password hash's masked summary.
NOT_WORDS = re.compile(r"\S*/\S*|\b[A-Z0-9]{4}-[A-Z0-9]{4}\b|\w*\d\w*|\w*\*{3,}")


# A quotation or title cut short ("… the only way wh…") ends in part of a word of the data.
CUT = re.compile(r"([^\W\d_]+)…")


def _cut_data(match: re.Match, data: set[str]) -> str:
    part = match.group(1).lower()
    return "…" if any(word.startswith(part) for word in data) else match.group(0)


def unmarked_words(html: str, data: set[str]) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.texts:
        text = CUT.sub(lambda m: _cut_data(m, data), text)
        for word in WORD.findall(NOT_WORDS.sub(" ", text)):
            if len(word) < 2 or set(word) <= PSEUDO_LETTERS:
                continue
            lowered = word.lower()
            if lowered in SAME_EVERYWHERE or lowered in data:
                continue
            if not any(c in PLAIN for c in word):
                continue
            found.append(f"{word!r} in {text.strip()[:80]!r}")
    return found


def test_the_pseudo_language_keeps_placeholders_tags_and_entities():
    assert pseudo("Save") == "Şȧṽḗ"
    assert pseudo("Remove %(label)s now") == "Řḗḿǿṽḗ %(label)s ƞǿẇ"
    assert (
        pseudo("<strong>%s</strong> words &amp; {count}")
        == "<strong>%s</strong> ẇǿřḓş &amp; {count}"
    )
    found = unmarked_words(
        '<p title="Tip">Şȧṽḗ <cite translate="no">Ibid. <i>Title</i></cite> Unmarked</p>'
        "<script>var English = 1;</script>",
        data=set(),
    )
    assert found == ["'Tip' in 'Tip'", "'Unmarked' in 'Unmarked'"]


def _pages() -> list[tuple[str, str]]:
    """(pattern key, person) for every page someone may GET: the first who may see it,
    students before teachers, so a student's pages are seen as the student sees them."""
    order = ("student", "teacher", "anonymous", "superuser")
    chosen = []
    for pattern in url_patterns():
        row = TABLE.get(pattern.key)
        if row is None:
            continue
        if pattern.route.startswith("admin/") and not _coexist_admin_page(pattern.key):
            continue
        for person in order:
            if row.expected("GET", person) == "200":
                chosen.append((pattern.key, person))
                break
    return chosen


def _coexist_admin_page(key: str) -> bool:
    name = key.removeprefix("admin:")
    if name in ("index", "app_list"):
        return True
    return name.startswith(("lessons_", "sources_", "coexist_")) and name.endswith(
        ("_changelist", "_add", "_change")
    )


@pytest.fixture(scope="module")
def unmarked(django_db_setup, django_db_blocker, migrated_frameworks) -> dict[str, list[str]]:
    """Every page's unmarked words, gathered once: {"key as person": [words]}."""
    found: dict[str, list[str]] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        _put_back_what_migrations_made(migrated_frameworks)
        with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
            world = build_world()
            data = _data_words()
            patterns = {p.key: p for p in url_patterns()}
            clients = {}
            with pseudo_language():
                for key, person in _pages():
                    if person not in clients:
                        clients[person] = _client_for(world.people[person])[0]
                    url = url_in_world(patterns[key], world)
                    response = clients[person].get(url)
                    if response.status_code != 200 or response.streaming:
                        continue
                    if not response["Content-Type"].startswith("text/html"):
                        continue
                    words = unmarked_words(response.content.decode(), data)
                    if words:
                        found[f"{key} as {person} ({url})"] = words
        transaction.set_rollback(True)
    return found


def _put_back_what_migrations_made(migrated_frameworks: str) -> None:
    if not Framework.objects.exists():  # a transactional test on this worker emptied it
        put_back_what_migrations_made(migrated_frameworks)


def _demo_pages() -> list[tuple[str, str]]:
    """(person, URL) for the demo's pages: answers in sections with citations, criteria
    marking, returned work, predictions and reveals, which the matrix's world lacks."""
    student = User.objects.get(username="student1")
    pages = [("student1", "/"), ("student1", reverse("lessons:my_work")), ("teacher", "/")]
    for assignment in Assignment.objects.filter(classroom__enrolments__student=student):
        pk = assignment.pk
        pages += [
            ("student1", reverse("lessons:assignment", args=[pk])),
            ("student1", reverse("lessons:answer", args=[pk])),
            ("student1", reverse("lessons:bibliography", args=[pk])),
            ("teacher", reverse("lessons:dashboard", args=[pk])),
            ("teacher", reverse("lessons:class", args=[assignment.classroom_id])),
        ]
        if assignment.lesson.answer_format_id:  # the print view is for answers in sections
            pages.append(("student1", reverse("lessons:answer_print", args=[pk])))
        pages += [
            ("student1", reverse("lessons:source_work", args=[pk, label]))
            for label in assignment.lesson.lesson_sources.values_list("label", flat=True)
        ]
        for student_pk in Submission.objects.filter(assignment=assignment).values_list(
            "student_id", flat=True
        ):
            pages += [
                ("teacher", reverse("lessons:review", args=[pk, student_pk])),
                ("teacher", reverse("lessons:report", args=[pk, student_pk])),
            ]
    return pages


JSON = "application/json"


def _refusals() -> list[tuple[str, dict]]:
    """Saves the demo's student1 makes that are refused: words not in the source (made of
    words of the data, as the form shows them again), a link to a source not in the
    lesson, an answer saved over a newer one."""
    student = User.objects.get(username="student1")
    found = []
    for assignment in Assignment.objects.filter(classroom__enrolments__student=student):
        pk = assignment.pk
        found += [
            (
                reverse("lessons:highlight_add", args=[pk, "A"]),
                {"quote": "coexistence coexistence coexistence", "tag": "evidence"},
            ),
            (reverse("lessons:link_add", args=[pk, "A"]), {"relation": "agrees", "other": "0"}),
            (reverse("lessons:answer", args=[pk]), {"version": "0", "answer": "Older words."}),
        ]
    return found


@pytest.fixture(scope="module")
def unmarked_in_the_demo(
    django_db_setup, django_db_blocker, migrated_frameworks, tmp_path_factory
) -> tuple[int, dict[str, list[str]]]:
    """The demo's pages as its teacher and student1 see them, in the pseudo-language."""
    found: dict[str, list[str]] = {}
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        _put_back_what_migrations_made(migrated_frameworks)
        call_command("load_demo", "--force", stdout=io.StringIO())
        data = _data_words()
        pages = _demo_pages()
        clients = {}
        for name in ("student1", "teacher"):
            clients[name] = Client()
            clients[name].force_login(User.objects.get(username=name))
        with pseudo_language():
            for person, url in pages:
                response = clients[person].get(url)
                assert response.status_code == 200, (person, url, response.status_code)
                words = unmarked_words(response.content.decode(), data)
                if words:
                    found[f"{url} as {person}"] = words
            # What a refused save says, to the script (JSON) and without it (the next page).
            for url, form in _refusals():
                pages.append(("student1", url))
                as_json = clients["student1"].post(url, form, headers={"accept": JSON})
                message = as_json.json().get("message", "")
                assert as_json.status_code >= 400 and message, (url, as_json.status_code)
                words = unmarked_words(f"<p>{escape(message)}</p>", data)
                followed = clients["student1"].post(url, form, follow=True)
                words += unmarked_words(followed.content.decode(), data)
                if words:
                    found[f"POST {url} as student1"] = words
        transaction.set_rollback(True)
    return len(pages), found


def test_every_string_on_the_demos_pages_is_marked_for_translation(unmarked_in_the_demo):
    asked, unmarked = unmarked_in_the_demo
    assert asked > 30
    report = "\n".join(
        f"{page}:\n    " + "\n    ".join(words[:15]) for page, words in unmarked.items()
    )
    assert not unmarked, f"Unmarked words on {len(unmarked)} demo pages:\n{report}"


def test_pages_were_asked(unmarked):
    pages = _pages()
    assert len(pages) > 60, pages
    assert {person for _key, person in pages} >= {"student", "teacher", "anonymous"}
    assert set(PEOPLE) >= {person for _key, person in pages}


def test_every_string_shown_on_a_page_is_marked_for_translation(unmarked):
    report = "\n".join(
        f"{page}:\n    " + "\n    ".join(words[:15]) for page, words in unmarked.items()
    )
    assert not unmarked, f"Unmarked words on {len(unmarked)} pages:\n{report}"
