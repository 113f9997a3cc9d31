"""Adding students from a list of names: accounts, one-time passwords and slips printed once."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coexist.models import User
from lessons.forms.classes import ROSTER_MAX_BYTES, ROSTER_MAX_NAMES
from lessons.models import Enrolment
from lessons.services.classes import new_one_time_password, username_base
from tests.factories import make_student

pytestmark = pytest.mark.django_db

ONE_TIME_PASSWORD = r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}"


def roster_url(classroom) -> str:
    return reverse("lessons:class_roster", args=[classroom.pk])


def paste(client, classroom, names: str):
    return client.post(roster_url(classroom), {"names": names})


def upload(client, classroom, content: bytes, name: str = "class.csv"):
    file = SimpleUploadedFile(name, content, content_type="text/csv")
    return client.post(roster_url(classroom), {"names": "", "file": file})


def added(classroom) -> list[tuple[str, str, str]]:
    """(username, first name, last name) of everyone the roster put in the class."""
    return list(
        classroom.enrolments.filter(route=Enrolment.Route.ROSTER)
        .order_by("student__pk")
        .values_list("student__username", "student__first_name", "student__last_name")
    )


def slips(response) -> list[tuple[str, str]]:
    """(username, password) from each slip on the page."""
    return re.findall(
        rf"<dt>Username</dt><dd><code>([^<]+)</code></dd>\s*"
        rf"<dt>Password</dt><dd><code>({ONE_TIME_PASSWORD})</code></dd>",
        response.content.decode(),
    )


# --- Names that become accounts ----------------------------------------------------------


def test_the_roster_form_explains_that_slips_are_shown_once(teacher_client, classroom):
    response = teacher_client.get(roster_url(classroom))
    page = response.content.decode()
    assert "Add students to 10H History" in page
    assert "<strong>once</strong>" in page
    assert 'enctype="multipart/form-data"' in page
    assert "no-store" in response["Cache-Control"]


def test_pasted_names_in_either_order_become_accounts_and_blank_lines_are_ignored(
    teacher_client, classroom
):
    response = paste(teacher_client, classroom, "Ada Okafor\n\n   \nHopper, Grace\r\nZoë Brontë\n")
    assert response.status_code == 200
    assert added(classroom) == [
        ("ada.okafor", "Ada", "Okafor"),
        ("grace.hopper", "Grace", "Hopper"),
        ("zoe.bronte", "Zoë", "Brontë"),
    ]
    assert "3 accounts for 10H History" in response.content.decode()


def test_a_single_word_is_a_first_name(teacher_client, classroom):
    paste(teacher_client, classroom, "Cher")
    assert added(classroom) == [("cher", "Cher", "")]


def test_every_roster_account_is_a_student_who_must_choose_a_password(teacher_client, classroom):
    paste(teacher_client, classroom, "Ada Okafor\nGrace Hopper")
    students = User.objects.filter(enrolments__classroom=classroom, enrolments__route="roster")
    assert students.count() == 2
    for student in students:
        assert student.must_change_password is True
        assert student.is_staff is False
        assert student.is_superuser is False
        assert not student.email
        assert list(student.classes_joined.all()) == [classroom]


def test_the_slips_list_each_name_username_and_a_working_password(teacher_client, classroom):
    response = paste(teacher_client, classroom, "Ada Okafor\nGrace Hopper")
    page = response.content.decode()
    assert "Print or copy these now." in page
    assert "Ada Okafor" in page
    assert "Grace Hopper" in page
    assert "<dd>http://testserver/accounts/login/</dd>" in page
    shown = slips(response)
    assert [username for username, _ in shown] == ["ada.okafor", "grace.hopper"]
    assert shown[0][1] != shown[1][1]
    for username, password in shown:
        assert User.objects.get(username=username).check_password(password)


def test_the_slips_page_is_never_cached(teacher_client, classroom):
    response = paste(teacher_client, classroom, "Ada Okafor")
    assert "no-cache" in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]


def test_the_same_name_twice_gets_numbered_usernames(teacher_client, classroom):
    paste(teacher_client, classroom, "Ada Okafor\nOkafor, Ada\nAda Okafor")
    assert [username for username, _, _ in added(classroom)] == [
        "ada.okafor",
        "ada.okafor2",
        "ada.okafor3",
    ]


def test_an_existing_username_is_never_reused(teacher_client, classroom):
    existing = make_student("Ada.Okafor")
    paste(teacher_client, classroom, "Ada Okafor")
    assert added(classroom) == [("ada.okafor2", "Ada", "Okafor")]
    existing.refresh_from_db()
    assert existing.check_password("correct-horse-battery")
    assert existing.must_change_password is False


@pytest.mark.parametrize(
    "header",
    ["first name,last name", "First Name,Last Name", "first_name,surname", "Forename,Family name"],
)
def test_a_csv_with_first_and_last_name_columns_becomes_accounts(teacher_client, classroom, header):
    response = upload(
        teacher_client, classroom, f"{header}\nAda,Okafor\n,\nGrace,Hopper\n".encode()
    )
    assert response.status_code == 200
    assert added(classroom) == [
        ("ada.okafor", "Ada", "Okafor"),
        ("grace.hopper", "Grace", "Hopper"),
    ]


def test_a_csv_with_one_name_column_becomes_accounts(teacher_client, classroom):
    content = b'Name,Tutor group\nAda Okafor,10H\n"Hopper, Grace",10H\n'
    response = upload(teacher_client, classroom, content)
    assert response.status_code == 200
    assert added(classroom) == [
        ("ada.okafor", "Ada", "Okafor"),
        ("grace.hopper", "Grace", "Hopper"),
    ]


def test_a_csv_saved_as_utf8_with_a_bom_is_read(teacher_client, classroom):
    content = "\ufefffirst name,last name\r\nZoë,Brontë\r\n".encode()
    response = upload(teacher_client, classroom, content)
    assert response.status_code == 200
    assert added(classroom) == [("zoe.bronte", "Zoë", "Brontë")]


def test_a_csv_saved_by_older_excel_in_windows_1252_is_read(teacher_client, classroom):
    response = upload(teacher_client, classroom, b"first name,last name\r\nRen\xe9e,Dupont\r\n")
    assert response.status_code == 200
    assert added(classroom) == [("renee.dupont", "Renée", "Dupont")]


# --- Lists that are refused whole ------------------------------------------------------


@pytest.fixture
def nobody_added(classroom):
    """After the test: no account was made and nobody joined the class."""
    users, enrolments = User.objects.count(), classroom.enrolments.count()
    yield
    assert User.objects.count() == users
    assert classroom.enrolments.count() == enrolments


def errors(response) -> str:
    assert response.status_code == 400
    return response.content.decode()


@pytest.mark.usefixtures("nobody_added")
@pytest.mark.parametrize(
    ("names", "problem"),
    [
        ("Ada Okafor\nR2 D2", "Line 2: “R2 D2” has characters a name cannot contain."),
        ("Ada Okafor\n\nAgent 007", "Line 3: “Agent 007” has characters a name cannot contain."),
        ("Ada Okafor\nOkafor,", "Line 2: no first name."),
        (f"Ada Okafor\n{'A' * 151} Okafor", "Line 2: the name is longer than 150 characters."),
        (f"Ada {'O' * 151}", "Line 1: the name is longer than 150 characters."),
    ],
    ids=["digits", "digits after a blank line", "no first name", "long first", "long last"],
)
def test_a_bad_pasted_line_is_named_and_nobody_is_added(teacher_client, classroom, names, problem):
    page = errors(paste(teacher_client, classroom, names))
    assert "Nobody was added. Correct these lines and try again:" in page
    assert f"<li>{problem}</li>" in page


@pytest.mark.usefixtures("nobody_added")
def test_every_bad_line_is_named_at_once(teacher_client, classroom):
    page = errors(paste(teacher_client, classroom, "R2 D2\nAda Okafor\nC3PO\nGrace Hopper"))
    assert "Line 1: “R2 D2”" in page
    assert "Line 3: “C3PO”" in page
    assert "Line 2" not in page
    assert "Line 4" not in page


@pytest.mark.usefixtures("nobody_added")
def test_html_in_a_bad_name_is_escaped_in_the_error_and_the_textarea(teacher_client, classroom):
    page = errors(paste(teacher_client, classroom, "Ada Okafor\n<b>Bold</b> Name"))
    assert "<b>Bold</b>" not in page
    assert "Line 2: “&lt;b&gt;Bold&lt;/b&gt; Name” has characters a name cannot contain." in page


@pytest.mark.usefixtures("nobody_added")
def test_pasted_names_are_kept_in_the_textarea_after_an_error(teacher_client, classroom):
    response = paste(teacher_client, classroom, "Ada Okafor\nR2 D2\nGrace Hopper")
    page = errors(response)
    textarea = re.search(r'<textarea name="names"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea is not None
    assert textarea.group(1).strip() == "Ada Okafor\nR2 D2\nGrace Hopper"


@pytest.mark.usefixtures("nobody_added")
def test_an_empty_first_name_in_a_csv_names_the_row(teacher_client, classroom):
    page = errors(upload(teacher_client, classroom, b"first name,last name\nAda,Okafor\n,Hopper\n"))
    assert "Nobody was added" in page
    assert "Line 3: no first name." in page


@pytest.mark.usefixtures("nobody_added")
def test_a_bad_name_in_a_csv_names_the_row(teacher_client, classroom):
    page = errors(upload(teacher_client, classroom, b"name\nAda Okafor\n<script>x</script>\n"))
    assert "Line 3: “&lt;script&gt;x&lt;/script&gt;”" in page
    assert "<script>x</script>" not in page


@pytest.mark.usefixtures("nobody_added")
def test_pasted_names_and_a_file_together_are_refused(teacher_client, classroom):
    file = SimpleUploadedFile("class.csv", b"name\nGrace Hopper\n", content_type="text/csv")
    response = teacher_client.post(roster_url(classroom), {"names": "Ada Okafor", "file": file})
    assert "Paste names or upload a file, not both." in errors(response)


@pytest.mark.usefixtures("nobody_added")
@pytest.mark.parametrize("names", ["", "  \n\n  "], ids=["empty", "blank lines"])
def test_no_names_and_no_file_is_refused(teacher_client, classroom, names):
    page = errors(paste(teacher_client, classroom, names))
    assert "Paste at least one name, or choose a CSV file." in page


@pytest.mark.usefixtures("nobody_added")
def test_a_file_over_the_size_limit_is_refused_unread(teacher_client, classroom):
    content = b"name\n" + b"Ada Okafor\n" * (ROSTER_MAX_BYTES // 11 + 1)
    assert len(content) > ROSTER_MAX_BYTES
    page = errors(upload(teacher_client, classroom, content))
    assert "That file is too big for a class list (the limit is 200 KB)." in page


@pytest.mark.usefixtures("nobody_added")
def test_a_binary_file_is_refused(teacher_client, classroom):
    content = "first name,last name\nAda,Okafor\n".encode("utf-16")
    assert b"\x00" in content
    page = errors(upload(teacher_client, classroom, content, name="class.xlsx"))
    assert "That file is not a CSV file." in page


@pytest.mark.usefixtures("nobody_added")
def test_a_csv_without_a_header_row_is_refused_with_its_first_row_shown(teacher_client, classroom):
    page = errors(upload(teacher_client, classroom, b"Ada,Okafor\nGrace,Hopper\n"))
    assert "The first row must name the columns" in page
    assert "This file&#x27;s first row is: Ada, Okafor." in page


@pytest.mark.usefixtures("nobody_added")
def test_a_csv_with_only_a_header_has_no_names(teacher_client, classroom):
    page = errors(upload(teacher_client, classroom, b"first name,last name\n"))
    assert "No names found." in page


@pytest.mark.usefixtures("nobody_added")
def test_more_than_the_limit_of_names_is_refused(teacher_client, classroom):
    names = "\n".join(f"Student {chr(65 + n // 26)}{chr(97 + n % 26)}" for n in range(201))
    assert ROSTER_MAX_NAMES == 200
    page = errors(paste(teacher_client, classroom, names))
    assert "That is 201 names; add at most 200 at a time." in page


def test_exactly_the_limit_of_names_is_accepted(teacher_client, classroom):
    names = "\n".join(f"Student {chr(65 + n // 26)}{chr(97 + n % 26)}" for n in range(200))
    response = paste(teacher_client, classroom, names)
    assert response.status_code == 200
    assert len(added(classroom)) == 200
    assert len(slips(response)) == 200


# --- Known problems (see the report) -----------------------------------------------------


def test_a_single_name_with_a_trailing_space_is_a_first_name(teacher_client, classroom):
    response = paste(teacher_client, classroom, "Ada Okafor\nCher \nGrace Hopper")
    assert response.status_code == 200
    assert ("cher", "Cher", "") in added(classroom)


def test_line_numbers_count_blank_lines_at_the_start(teacher_client, classroom):
    page = errors(paste(teacher_client, classroom, "\n\nAda Okafor\nR2 D2\n"))
    assert "Line 4: “R2 D2”" in page


def test_a_csv_with_old_mac_line_endings_is_read(teacher_client, classroom):
    response = upload(teacher_client, classroom, b"first name,last name\rAda,Okafor\r")
    assert response.status_code == 200
    assert added(classroom) == [("ada.okafor", "Ada", "Okafor")]


# --- Usernames and passwords -------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [
        ("Ada", "Okafor", "ada.okafor"),
        ("Zoë", "Brontë", "zoe.bronte"),
        ("Siân", "O’Neill-Ng", "sian.oneillng"),
        ("Mary Jane", "Watson", "maryjane.watson"),
        ("Cher", "", "cher"),
        ("李", "王", "li.wang"),
        ("Иван", "Петров", "ivan.petrov"),
        ("Νίκος", "Παππάς", "nikos.pappas"),
        ("’", "-", "student"),
        ("A" * 30, "B" * 30, "a" * 30 + "." + "b" * 9),
    ],
)
def test_a_username_is_folded_from_the_name(first, last, username):
    assert username_base(first, last) == username


def test_a_one_time_password_is_three_groups_of_four_without_lookalikes():
    passwords = {new_one_time_password() for _ in range(300)}
    assert len(passwords) == 300
    for password in passwords:
        assert re.fullmatch(ONE_TIME_PASSWORD, password)
    used = set("".join(passwords).replace("-", ""))
    assert not used & set("0o1il")
    assert used <= set("abcdefghjkmnpqrstuvwxyz23456789")
    assert len(used) > 20


def test_names_from_two_spreadsheet_columns_split_at_the_tab(teacher_client, classroom):
    teacher_client.post(
        reverse("lessons:class_roster", args=[classroom.pk]), {"names": "Ada\tOkafor\n"}
    )
    assert User.objects.filter(username="ada.okafor", first_name="Ada", last_name="Okafor").exists()


@pytest.mark.parametrize(
    ("first", "last", "username"),
    [("Ævar", "Ørsted", "aevar.orsted"), ("Jürgen", "Strauß", "jurgen.strauss")],
)
def test_letters_without_an_ascii_form_are_spelled_out_in_usernames(first, last, username):
    assert username_base(first, last) == username


def test_a_french_schools_export_with_semicolons_and_french_headings_becomes_accounts(
    teacher_client, classroom
):
    """Pronote and a spreadsheet set to French: "Nom;Prénom", semicolons, Windows-1252."""
    content = "Nom;Prénom;Classe\r\nDupont;Renée;2nde B\r\nMartin;Léo;2nde B\r\n".encode("cp1252")
    response = upload(teacher_client, classroom, content)
    assert response.status_code == 200
    assert [(first, last) for _user, first, last in added(classroom)] == [
        ("Renée", "Dupont"),
        ("Léo", "Martin"),
    ]


def test_a_single_french_name_column_is_split_like_an_english_one(teacher_client, classroom):
    response = upload(teacher_client, classroom, "Élève\nRenée Dupont\n".encode())
    assert response.status_code == 200
    assert [(first, last) for _user, first, last in added(classroom)] == [("Renée", "Dupont")]
