"""The answer's counter names the limit the box itself carries, which is the model's."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Submission

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]


def test_the_answer_counter_names_the_models_limit(page: Page, live_server, log_in, revision):
    log_in(page, "student6", "coexist-demo")
    expect(page.get_by_role("heading", name="Hello, Finn")).to_be_visible()
    page.goto(f"{live_server.url}/assignments/{revision.pk}/answer/")
    limit = Submission._meta.get_field("answer").max_length
    box = page.get_by_label("Your answer", exact=True)
    expect(box).to_have_attribute("maxlength", str(limit))
    box.fill("Coexistence was competition.")
    expect(page.locator("[data-word-count]")).to_have_text(f"3 words · 28 of {limit:,} characters")
