"""The admin greets a teacher by the name the rest of the site shows them by."""

from __future__ import annotations

import re

from tests.factories import make_teacher


def user_tools(response) -> str:
    page = response.content.decode()
    return re.search(r'<div id="user-tools">(.*?)</div>', page, re.S).group(1)


def test_the_admin_greets_a_teacher_by_their_shown_name_not_their_first_or_username(
    teacher_client,
):
    tools = user_tools(teacher_client.get("/admin/"))
    assert "<strong>Ms Okafor</strong>" in tools
    assert "Ada" not in tools
    assert "ms_okafor" not in tools


def test_the_greeting_escapes_the_name_a_teacher_typed(client, db):
    client.force_login(make_teacher(display_name="<i>Mx Ito</i>"))
    tools = user_tools(client.get("/admin/lessons/lesson/"))
    assert "<strong>&lt;i&gt;Mx Ito&lt;/i&gt;</strong>" in tools
