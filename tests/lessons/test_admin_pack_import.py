"""Importing a lesson pack in the admin: upload, preview (the import rolled back),
confirm (the import committed, if it still does what the preview showed)."""

from __future__ import annotations

import json
import re

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from lessons.admin_packs import MAX_PACK_BYTES, SESSION_KEY
from lessons.models import Lesson
from lessons.packs import export_lessons
from sources.models import Author, Source
from tests.factories import make_student, make_user
from tests.lessons.factories import make_lesson
from tests.sources.factories import make_source

pytestmark = pytest.mark.django_db

UPLOAD = reverse("admin:lessons_lesson_import")
CONFIRM = reverse("admin:lessons_lesson_import_confirm")
CHANGELIST = reverse("admin:lessons_lesson_changelist")


def _pack(*, keep_first_source: bool = False) -> dict:
    """A pack of one three-source lesson on OPVL (a framework every instance has), made
    here and then taken away again: the lesson and its sources (but for the first, when
    kept) with their authors."""
    lesson = make_lesson(sources=3, slug="the-thaw", title="The <b>thaw</b>")
    pack = json.loads(json.dumps(export_lessons([lesson]), default=str))
    sources = [ls.source for ls in lesson.lesson_sources.order_by("order")]
    lesson.delete()
    for source in sources[1:] if keep_first_source else sources:
        authors = list(source.authors.all())
        source.delete()
        for author in authors:
            author.delete()
    return pack


def _upload(client, pack: object, name: str = "pack.json"):
    content = pack if isinstance(pack, bytes) else json.dumps(pack).encode()
    return client.post(UPLOAD, {"pack": SimpleUploadedFile(name, content, "application/json")})


def _counts(response) -> dict[str, list[str]]:
    """The preview's table: kind → [new, changed, reused, skipped]."""
    rows = re.findall(
        r'<tr><th scope="row">([^<]+)</th>((?:<td>\d+</td>){4})</tr>', response.content.decode()
    )
    return {kind: re.findall(r"\d+", cells) for kind, cells in rows}


def test_the_lesson_list_offers_the_import(teacher_client):
    page = teacher_client.get(CHANGELIST).content.decode()
    assert f'<a href="{UPLOAD}">Import a lesson pack…</a>' in page
    form = teacher_client.get(UPLOAD).content.decode()
    assert 'enctype="multipart/form-data"' in form and 'name="pack"' in form


def test_the_preview_counts_what_will_be_created_reused_and_skipped(teacher_client):
    pack = _pack(keep_first_source=True)
    response = _upload(teacher_client, pack)
    assert response.status_code == 200
    counts = _counts(response)
    assert counts["Sources"] == ["2", "0", "1", "0"]  # two new, one already here as it is
    assert counts["Frameworks"] == ["0", "0", "0", "1"]  # OPVL is here: never overwritten
    assert counts["Lessons"] == ["1", "0", "0", "0"]
    page = response.content.decode()
    assert "“The &lt;b&gt;thaw&lt;/b&gt;” (the-thaw):\n    new, and yours" in page
    assert "never overwritten" in page
    # The preview was the import, rolled back.
    assert not Lesson.objects.filter(slug="the-thaw").exists()
    assert Source.objects.count() == 1


def test_confirming_imports_the_pack_as_the_teachers_own(teacher_client, teacher):
    _upload(teacher_client, _pack())
    token = teacher_client.session[SESSION_KEY]["token"]
    response = teacher_client.post(CONFIRM, {"token": token}, follow=True)
    assert response.redirect_chain == [(CHANGELIST, 302)]
    lesson = Lesson.objects.get(slug="the-thaw")
    assert lesson.owner == teacher
    assert lesson.lesson_sources.count() == 3
    message = "Imported “pack.json”. New lessons, yours to change: “The &lt;b&gt;thaw&lt;/b&gt;”."
    assert message in response.content.decode()
    assert LogEntry.objects.get(object_id=str(lesson.pk)).change_message.startswith("Imported")
    # The token is spent: confirming again imports nothing twice.
    again = teacher_client.post(CONFIRM, {"token": token})
    assert again.status_code == 400
    assert "That preview is out of date" in again.content.decode()


def _broken_record(pack: dict) -> None:
    pack["lessons"][0]["research_question"] = ""


def _duplicate_slug(pack: dict) -> None:
    pack["sources"].append(dict(pack["sources"][0], title="Another source"))


def _unknown_framework(pack: dict) -> None:
    pack["lessons"][0]["framework"] = "no-such-framework"


@pytest.mark.parametrize(
    ("spoil", "named"),
    [
        (_broken_record, "Lesson “the-thaw”: research_question: This field cannot be blank."),
        (_duplicate_slug, "Source “{first_source}” is in this pack twice"),
        (_unknown_framework, "Lesson “the-thaw”: no framework “no-such-framework”"),
    ],
)
def test_a_bad_pack_is_refused_naming_the_record_and_nothing_is_imported(
    teacher_client, spoil, named
):
    pack = _pack()
    spoil(pack)
    response = _upload(teacher_client, pack)
    assert response.status_code == 400
    page = response.content.decode()
    assert named.format(first_source=pack["sources"][0]["slug"]) in page
    assert "“pack.json” cannot be imported." in page
    assert not Source.objects.exists() and not Author.objects.exists()
    assert SESSION_KEY not in teacher_client.session


def test_a_pack_may_not_change_another_teachers_lesson(teacher_client, other_teacher):
    pack = _pack()
    theirs = make_lesson(slug="the-thaw", title="Theirs", owner=other_teacher)
    response = _upload(teacher_client, pack)
    assert response.status_code == 400
    assert "Lesson “the-thaw”: a lesson with this slug is already here, belonging to Mr Rossi" in (
        response.content.decode()
    )
    theirs.refresh_from_db()
    assert theirs.title == "Theirs" and not Source.objects.exists()


@pytest.mark.parametrize(
    ("content", "name", "says"),
    [
        (b"{not json", "pack.json", "“pack.json” is not JSON (line 1, column 2"),
        (b"\xff\xfe\x00", "pack.json", "“pack.json” is not a text file"),
        (b" " * (MAX_PACK_BYTES + 1), "big.json", "“big.json” is 2.0\xa0MB; a lesson pack"),
        (b'{"format": "zip"}', "pack.json", "This is not a Coexist pack"),
        (
            b'{"format": "coexist-pack", "version": 1, "lessons": [{"slug": "l", '
            b'"framework": "opvl", "title": "T", "research_question": "Q", "sources": ["x"]}]}',
            "pack.json",
            "A record in this pack is not in the shape Coexist writes",
        ),
        (None, "", "Choose a lesson pack (a .json file) to upload."),
    ],
    ids=["not-json", "not-text", "too-big", "not-a-pack", "wrong-shape", "no-file"],
)
def test_an_upload_that_is_not_a_pack_is_refused_clearly(teacher_client, content, name, says):
    if content is None:
        response = teacher_client.post(UPLOAD, {})
    else:
        response = _upload(teacher_client, content, name)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_stale_or_unknown_token_imports_nothing(teacher_client):
    _upload(teacher_client, _pack())
    response = teacher_client.post(CONFIRM, {"token": "forged"})
    assert response.status_code == 400
    assert "That preview is out of date" in response.content.decode()
    assert not Lesson.objects.exists()


def test_a_library_changed_since_the_preview_is_previewed_again(teacher_client):
    pack = _pack()
    _upload(teacher_client, pack)
    token = teacher_client.session[SESSION_KEY]["token"]
    # Meanwhile someone adds one of the pack's sources by hand, with other words.
    make_source(slug=pack["sources"][0]["slug"], text="Different words.")
    response = teacher_client.post(CONFIRM, {"token": token})
    assert response.status_code == 409
    assert "Something here changed since your preview" in response.content.decode()
    assert _counts(response)["Sources"] == ["2", "1", "0", "0"]
    assert not Lesson.objects.exists()
    assert teacher_client.session[SESSION_KEY]["token"] != token  # confirm this one anew


def test_confirm_is_a_post(teacher_client):
    assert teacher_client.get(CONFIRM).status_code == 405


@pytest.mark.parametrize("url", [UPLOAD, CONFIRM])
def test_students_and_visitors_are_sent_to_the_admin_login(client, url):
    assert client.post(url)["Location"].startswith(reverse("admin:login"))
    client.force_login(make_student())
    assert client.post(url)["Location"].startswith(reverse("admin:login"))


@pytest.mark.parametrize("url", [UPLOAD, CONFIRM])
def test_staff_who_may_not_add_lessons_may_not_import(client, url):
    staff = make_user(is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_lesson"))
    client.force_login(staff)
    assert client.get(UPLOAD).status_code == 403
    assert client.post(url).status_code == 403


def test_the_previews_queries_do_not_grow_with_the_library(teacher_client):
    pack = _pack()

    def preview_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert _upload(teacher_client, pack).status_code == 200
        return len(queries)

    few = preview_queries()
    for _ in range(30):
        make_lesson(sources=1)
    assert preview_queries() == few
    # A few per record of the pack (each is looked up, validated and saved, then rolled
    # back), plus the page's own: 129 on SQLite for this three-source pack.
    assert few <= 150, few
