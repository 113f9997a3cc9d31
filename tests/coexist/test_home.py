from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse


def test_an_anonymous_visitor_learns_what_coexist_is_and_how_to_log_in(client, db):
    html = client.get(reverse("home")).content.decode()
    assert "history classes analyse sources together" in html
    assert f'href="{reverse("login")}"' in html
    assert "Signed in as" not in html


def test_a_student_is_greeted_as_a_student_without_admin_links(student_client):
    html = student_client.get(reverse("home")).content.decode()
    assert "Hello, Sam" in html
    assert "You are not in a class yet" in html
    assert f'href="{reverse("lessons:join")}"' in html
    assert reverse("admin:index") not in html


def test_a_teacher_is_greeted_as_a_teacher_with_a_way_into_the_admin(teacher_client):
    html = teacher_client.get(reverse("home")).content.decode()
    assert "Signed in as <strong>Ms Okafor</strong>" in html
    assert "Teacher</span>" in html
    assert f'href="{reverse("admin:index")}"' in html


def test_the_home_page_has_a_skip_link_and_one_main_landmark(client, db):
    html = client.get(reverse("home")).content.decode()
    assert '<a class="visually-hidden-focusable skip-link" href="#main">' in html
    assert len(re.findall(r"<main\b", html)) == 1
    assert '<html lang="en-GB">' in html


def test_a_users_name_is_escaped_in_the_header(client, db):
    from tests.factories import make_student

    client.force_login(make_student("mallory", display_name="<script>alert(1)</script>"))
    html = client.get(reverse("home")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_home_page_refuses_post(client, db):
    assert client.post(reverse("home")).status_code == 405


class _Urls(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in {"href", "src", "action", "srcset", "poster", "data"} and value:
                self.urls.append(value)


def _external(html: str) -> list[str]:
    parser = _Urls()
    parser.feed(html)
    return [url for url in parser.urls if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", url, re.I)]


@pytest.mark.parametrize(
    "who",
    ["anonymous", "student", "teacher"],
)
@pytest.mark.parametrize(
    "url",
    ["/", "/accounts/login/", "/accounts/password/change/", "/no-such-page/"],
)
def test_no_rendered_page_refers_to_another_host(client, teacher, student, who, url):
    if who != "anonymous":
        client.force_login(teacher if who == "teacher" else student)
    response = client.get(url, follow=True)
    html = response.content.decode()
    assert "<html" in html
    assert _external(html) == []


def test_the_external_url_detector_catches_cdn_links():
    html = '<link href="https://cdn.example/b.css"><script src="//cdn.example/x.js"></script>'
    assert _external(html + '<a href="/local/">x</a>') == [
        "https://cdn.example/b.css",
        "//cdn.example/x.js",
    ]
