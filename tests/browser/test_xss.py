"""The worst of the XSS corpus, seeded into a class's work and loaded in Chromium: the
student's source page (its highlights' notes carry payloads), the answer page, the
teacher's dashboard and review page, and the admin's source form. Then a highlight is
added through the page, whose script inserts the server's HTML fragment.

Any alert, confirm or prompt fails the test, and so does any element of the live DOM
with an event handler attribute, a script that is not Coexist's or Django's own, a
javascript: URL, a page error, or a script or handler the Content-Security-Policy had
to block (it would have run without the policy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from playwright.sync_api import Page, expect

from lessons.models import GlossaryTerm, LessonSource, Submission
from lessons.services import work
from sources.models import Provenance
from sources.text import anchor_text
from tests.coexist.xss import PAYLOADS
from tests.factories import PASSWORD, make_student, make_teacher, make_user
from tests.lessons.factories import make_assignment, make_classroom, make_text_lesson

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

WORST = {
    p.marker: p.text.strip()
    for p in PAYLOADS
    if p.marker
    in {
        "xss01",  # script tag
        "xss06",  # img onerror
        "xss08",  # svg onload
        "xss11",  # autofocus onfocus
        "xss12",  # details ontoggle
        "xss16",  # javascript: link
        "xss20",  # iframe javascript:
        "xss33",  # attribute breakout, then script
        "xss34",  # single-quote breakout, then img
        "xss38",  # closing textarea
        "xss40",  # closing script
        "xss45",  # noscript mXSS
        "xss46",  # math mXSS
        "xss66",  # Markdown strong around HTML
        "xss67",  # Markdown quote around a script
    }
}
HOSTILE = " ".join(WORST.values())

WATCH = """
window.xssSeen = {dialogs: [], blocked: []};
document.addEventListener("securitypolicyviolation", (event) => {
  window.xssSeen.blocked.push(`${event.effectiveDirective}: ${event.sample || event.blockedURI}`);
});
"""
# What the live DOM holds that a payload could have put there.
INJECTED = """() => {
  const found = [];
  const ownScript = (src) => src.startsWith(location.origin + "/static/")
      || src.startsWith(location.origin + "/admin/jsi18n/")
      || src.startsWith(location.origin + "/jsi18n/?");
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const value = attr.value.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
      if (attr.name.startsWith("on")) found.push(`${el.tagName} ${attr.name}=${attr.value}`);
      if (["href", "src", "action", "formaction", "xlink:href", "data"].includes(attr.name)
          && (value.startsWith("javascript:") || value.startsWith("data:text/html")))
        found.push(`${el.tagName} ${attr.name}=${attr.value}`);
    }
  }
  for (const script of document.scripts) {
    if (script.type === "application/json") continue;
    if (!script.src || !ownScript(script.src))
      found.push(`SCRIPT ${script.src || script.textContent.slice(0, 80)}`);
  }
  for (const tag of ["iframe", "object", "embed", "base", "math", "meta[http-equiv]"])
    for (const el of document.querySelectorAll(tag)) found.push(el.outerHTML.slice(0, 80));
  return found;
}"""


@pytest.fixture
def hostile_class(transactional_db, settings, tmp_path):
    """A class whose lesson, glossary, source provenance and student's work all carry
    the worst payloads: the student's analysis, highlights with payload notes, a link
    with a payload note and a draft answer."""
    settings.MEDIA_ROOT = tmp_path
    teacher = make_teacher("xss_teacher", first_name="Ada", last_name="Okafor")
    make_user("xss_admin", is_staff=True, is_superuser=True)
    student = make_student("xss_student", first_name="Sam", last_name="Patel")
    text = "\n\n".join(["Peaceful coexistence is competition.", *WORST.values()])
    lesson = make_text_lesson(text, "A plain reply.", title="Coexistence", owner=teacher)
    classroom = make_classroom(name="10H History", teachers=[teacher], students=[student])
    assignment = make_assignment(classroom, lesson=lesson)
    source_a, source_b = LessonSource.objects.filter(lesson=lesson).order_by("label")
    GlossaryTerm.objects.create(lesson=lesson, term="coexistence", definition=HOSTILE[:500])
    Provenance.objects.filter(source=source_a.source).update(
        place=WORST["xss33"], audience=WORST["xss34"], note=WORST["xss38"]
    )
    LessonSource.objects.filter(pk=source_a.pk).update(caption=WORST["xss06"])
    anchored = anchor_text(text)
    for note in WORST.values():
        quote = "Peaceful coexistence"
        at = anchored.index(quote)
        work.add_highlight(
            assignment=assignment,
            student=student,
            lesson_source_id=source_a.pk,
            start=at,
            end=at + len(quote),
            quote=quote,
            note=note,
            tag="evidence",
        )
    work.set_link(
        assignment=assignment,
        student=student,
        lesson_source_id=source_a.pk,
        other_id=source_b.pk,
        relation="agrees",
        note=HOSTILE[:1000],
    )
    work.save_analysis(
        assignment=assignment,
        student=student,
        lesson_source_id=source_a.pk,
        version=0,
        responses={"origin": HOSTILE, "purpose": WORST["xss40"]},
        prompt_keys=["origin", "purpose", "value", "limitation"],
        rating=2,
        rating_reason=WORST["xss38"],
        done=False,
    )
    work.save_answer(
        assignment=assignment,
        student=student,
        version=0,
        answer=HOSTILE,
        judgement=3,
        interpretation_reason=WORST["xss01"],
    )
    return assignment


@dataclass
class Watched:
    """A page, with every dialog it opened (each dismissed) and every error it logged."""

    page: Page
    dialogs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def assert_nothing_ran(self) -> None:
        page = self.page
        page.wait_for_load_state("networkidle")
        # Let onerror, onload, ontoggle and autofocus handlers have their chance.
        page.wait_for_timeout(300)
        blocked = page.evaluate("window.xssSeen.blocked")
        assert self.dialogs == [], f"a dialog opened on {page.url}: {self.dialogs}"
        assert blocked == [], f"the CSP had to block script on {page.url}: {blocked}"
        assert self.errors == [], f"errors on {page.url}: {self.errors}"
        assert page.evaluate(INJECTED) == [], f"injected into {page.url}"


@pytest.fixture
def watched(page: Page) -> Watched:
    watched = Watched(page)
    page.add_init_script(WATCH)
    page.on("dialog", lambda dialog: _dialog(watched, dialog))
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("console", lambda message: _console(watched, message))
    return watched


def _dialog(watched: Watched, dialog) -> None:
    # Leaving a page with a save pending asks first (beforeunload): that one is the app's.
    if dialog.type != "beforeunload":
        watched.dialogs.append(f"{dialog.type}: {dialog.message}")
    dialog.dismiss()


def _console(watched: Watched, message) -> None:
    if message.type == "error" and "Content Security Policy" in message.text:
        watched.errors.append(message.text)


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_attached()


def test_the_worst_payloads_run_nowhere_for_the_student_teacher_or_admin(
    watched: Watched, live_server, hostile_class
):
    page, assignment = watched.page, hostile_class
    base = f"{live_server.url}/assignments/{assignment.pk}"
    log_in(page, live_server, "xss_student")
    for path in ("/sources/A/", "/answer/", "/", "/bibliography/"):
        page.goto(base + path)
        watched.assert_nothing_ran()
    page.goto(base + "/sources/A/")
    expect(page.locator("mark.hl").first).to_be_visible()
    expect(page.get_by_text(WORST["xss06"]).first).to_be_attached()

    # A highlight added through the page: its script inserts the server's fragment.
    page.get_by_label("Words to highlight").fill("competition")
    page.get_by_label("Your note").fill(WORST["xss08"] + " " + WORST["xss40"])
    page.get_by_role("button", name="Add highlight").click()
    expect(page.locator(".highlight-list")).to_contain_text("xss08")
    watched.assert_nothing_ran()
    assert Submission.objects.get(student__username="xss_student").answer == HOSTILE

    page.context.clear_cookies()
    log_in(page, live_server, "xss_teacher")
    student = Submission.objects.get(assignment=assignment).student_id
    for path in ("/", f"/students/{student}/", f"/students/{student}/report/"):
        page.goto(f"{live_server.url}/teach/assignments/{assignment.pk}{path}")
        watched.assert_nothing_ran()
    expect(page.get_by_text("xss40").first).to_be_attached()

    page.context.clear_cookies()
    log_in(page, live_server, "xss_admin")
    source = assignment.lesson.lesson_sources.get(label="A").source
    for path in (f"sources/source/{source.pk}/change/", "sources/source/", "lessons/lesson/"):
        page.goto(f"{live_server.url}/admin/{path}")
        watched.assert_nothing_ran()
