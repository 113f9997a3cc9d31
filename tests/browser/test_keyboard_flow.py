"""A student does the whole lesson by keyboard alone: log in, open the lesson and Source A,
answer a prompt, rate the source, link it to another, highlight words by typing them, go on
to the next source, write the answer, give a judgement and submit. At every stop the focus
is somewhere (never the page itself), is seen (a ring of at least 2 px, 3:1 against what
is around it) and is not under anything else on the screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from lessons.models import Submission
from tests.browser.helpers import SAVED, annotation, status

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    # Keys and focus rings do not depend on the database engine; the saves they make are
    # held on both engines by test_student_work and test_no_lost_work.
    pytest.mark.engine_independent,
]

# Tab presses each step may take, measured when this was written (in brackets) with a
# little room: a step that needs more has put something new in the student's way.
MOST_TABS = {
    "log in": 1,  # [0] the login page puts the focus on the username
    "lesson": 8,  # [6] past the header's links to the lesson
    "Source A": 9,  # [7] past the lesson's opening to the first source
    "skip link": 2,  # [2] the second skip link
    "first prompt": 3,  # [3] from the skip link's target: two folds, then the box
    "rating": 8,  # [7] the other two prompts of the short version
    "link": 5,  # [4] why, finished, Save, then the link form
    "highlight": 8,  # [7] from the new link past its Remove to the highlight form
    "next source": 10,  # [9] past the highlight form to the pager
    "skip to the pager": 4,  # [3] the third skip link
    "answer": 4,  # [3] from the pager: "← Source A", "all sources", then "your answer"
    "judgement": 9,  # [8] the answer page's header, then the scale
    "answer text": 2,  # [1] the answer box
    "submit": 13,  # [11] past the sources it cites to "Submit to your teacher…"
    "confirm": 9,  # [8] "Yes, submit it"
}
FROM_SKIP_LINK_TO_PROMPT = 5

# What is focused, how it is seen, and whether something else covers it. For a button
# radio (.btn-check) the ring is on its label, which is what is seen.
FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {body: true};
  const shown = el.matches(".btn-check") ? document.querySelector(`label[for="${el.id}"]`) : el;
  const style = getComputedStyle(shown);
  const rgb = (text) => (text.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => {
    const c = [r, g, b].map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * c[0] + 0.7152 * c[1] + 0.0722 * c[2];
  };
  const behind = (node) => {
    for (; node; node = node.parentElement) {
      const bg = rgb(getComputedStyle(node).backgroundColor);
      if (bg.length === 3 || (bg.length === 4 && bg[3] > 0.5)) return bg;
    }
    return [255, 255, 255];
  };
  const inset = parseFloat(style.outlineOffset) < 0;
  const ring = rgb(style.outlineColor);
  const around = behind(inset ? shown : shown.parentElement);
  const [hi, lo] = [lum(ring), lum(around)].sort((a, b) => b - a);
  const box = shown.getBoundingClientRect();
  const left = Math.max(box.left, 0), right = Math.min(box.right, innerWidth);
  const top = Math.max(box.top, 0), bottom = Math.min(box.bottom, innerHeight);
  const hit = right > left && bottom > top
    ? document.elementFromPoint((left + right) / 2, (top + bottom) / 2) : null;
  const name = (el.getAttribute("aria-label") || el.textContent || el.name || "").trim();
  return {
    body: false,
    what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} ${name.slice(0, 40)}`,
    outline: style.outlineStyle === "none" ? 0 : parseFloat(style.outlineWidth),
    shadow: style.boxShadow !== "none",
    contrast: (hi + 0.05) / (lo + 0.05),
    hit: hit ? hit.outerHTML.slice(0, 80) : null,
    onScreen: Boolean(hit)
      && (shown.contains(hit) || hit.contains(shown) || (el !== shown && el.contains(hit))),
  };
}"""


def check_focus(page: Page) -> dict:
    focus = page.evaluate(FOCUS)
    assert not focus["body"], "the focus fell to the page itself"
    assert focus["outline"] >= 2 or focus["shadow"], f"no focus ring on {focus['what']}"
    if focus["outline"] >= 2:
        assert focus["contrast"] >= 3, f"faint focus ring on {focus['what']}: {focus}"
    assert focus["onScreen"], f"{focus['what']} is focused but covered or off the screen: {focus}"
    return focus


class Keyboard:
    """One student's keyboard: Tab until something is focused, counting and checking."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.counts: dict[str, int] = {}

    def tab_to(self, step: str, is_it: str, *, most: int | None = None) -> None:
        """Press Tab until the focused element matches the CSS selector `is_it`."""
        limit = most if most is not None else MOST_TABS[step]
        if self.page.evaluate("(s) => document.activeElement.matches(s)", is_it):
            self.counts[step] = 0  # there already (the login page focuses the username)
            check_focus(self.page)
            print(f"{step}: 0 Tabs")
            return
        for presses in range(1, limit + 1):
            self.page.keyboard.press("Tab")
            check_focus(self.page)
            if self.page.evaluate("(s) => document.activeElement.matches(s)", is_it):
                self.counts[step] = presses
                print(f"{step}: {presses} Tab{'s' if presses > 1 else ''}")
                return
        raise AssertionError(f"{step}: not reached in {limit} Tabs ({is_it})")

    def press(self, key: str) -> None:
        self.page.keyboard.press(key)
        check_focus(self.page)

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        check_focus(self.page)


def test_a_student_does_the_whole_lesson_by_keyboard_with_the_focus_always_seen(
    page: Page, live_server, revision, screenshot_dir
):
    keys = Keyboard(page)
    page.set_viewport_size({"width": 1280, "height": 800})
    # Bootstrap scrolls smoothly: the focus is judged where the scroll ends, not on its way.
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"{live_server.url}/accounts/login/")
    keys.tab_to("log in", "#id_username")
    keys.type("student6")
    keys.press("Tab")
    keys.type("coexist-demo")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Hello, Finn")).to_be_visible()

    keys.tab_to("lesson", f"a[href$='/assignments/{revision.pk}/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(revision.lesson.title)
    keys.tab_to("Source A", "a[href$='/sources/A/']")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/sources/A/$"))

    # Two skip links; the second jumps over the source to "Your analysis".
    keys.tab_to("skip link", "a.skip-link[href='#analysis-heading']")
    keys.press("Enter")
    expect(page.locator("#analysis-heading")).to_be_focused()
    keys.tab_to("first prompt", "textarea[name^='prompt'], .prompt textarea")
    total = keys.counts["skip link"] + keys.counts["first prompt"]
    assert total <= FROM_SKIP_LINK_TO_PROMPT, f"{total} Tabs from the top to the first prompt"
    keys.type("Khrushchev's own words, in public.")

    # The five steps: Tab reaches the group, the arrow keys choose within it.
    keys.tab_to("rating", "input[name=rating]")
    keys.press("ArrowDown")
    keys.press("ArrowDown")
    expect(page.get_by_label(re.compile(r"^3 Partly reliable"))).to_be_checked()
    page.screenshot(path=screenshot_dir / "keyboard-rating-focus.png")
    expect(status(page)).to_have_text(SAVED, timeout=10_000)

    # A link to Source B: the relation stays "agrees with"; the arrow key picks B.
    keys.tab_to("link", "#id_relation")
    keys.press("Tab")
    keys.press("ArrowDown")
    expect(page.locator("#id_other option:checked")).to_have_text(re.compile("^Source B"))
    keys.press("Tab")
    keys.type("Both say argue, do not fight.")
    keys.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".link-list")).to_contain_text("Source B")
    expect(page.locator("#links li").first).to_be_focused()
    check_focus(page)
    expect(page.locator("#marks-announcer")).to_have_text("Link saved.")

    # A highlight by typing the words: the form is the way in for a keyboard.
    keys.tab_to("highlight", "#id_quote")
    # Words not in the source: refused, and the focus goes to the message saying so.
    keys.type("There is only one way in")
    keys.press("Tab")
    keys.press("Tab")
    keys.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("[data-form-message]")).to_be_focused()
    check_focus(page)
    keys.press("Tab")
    expect(page.locator("#id_quote")).to_be_focused()
    keys.press("ControlOrMeta+a")
    keys.type("There is only one way out")
    keys.press("Tab")
    keys.press("ArrowDown")  # the second tag
    keys.press("Tab")
    keys.type("He is blunt about the rivalry.")
    keys.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("mark.hl")).to_have_text("There is only one way out")
    expect(page.locator("#highlights li").first).to_be_focused()
    check_focus(page)
    expect(page.locator("#marks-announcer")).to_have_text(re.compile("^Highlighted"))

    keys.tab_to("next source", "a[rel=next]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile("/sources/B/$"))
    # The third skip link jumps over Source B's page to its pager.
    keys.tab_to("skip to the pager", "a.skip-link[href='#source-pager']")
    page.keyboard.press("Enter")
    keys.tab_to("answer", "a[href$='/answer/']")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Your answer", level=1)).to_be_visible()

    keys.tab_to("judgement", "input[name=judgement]")
    for _ in range(2):
        keys.press("ArrowRight")
    expect(page.get_by_label("To some extent")).to_be_checked()
    page.screenshot(path=screenshot_dir / "keyboard-judgement-focus.png")
    keys.tab_to("answer text", "#id_answer")
    keys.type(
        "Khrushchev changed the tone more than the aims: Source A calls for argument, not war."
    )
    expect(status(page)).to_have_text(SAVED, timeout=10_000)
    keys.tab_to("submit", "a[data-submit-link]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Submit your answer?")).to_be_visible()
    keys.tab_to("confirm", "button[type=submit]:not(.btn-outline-light)")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Submitted. Your teacher can now read")).to_be_visible()

    print("Tabs per step:", keys.counts)
    submission = Submission.objects.get(assignment=revision, student__username="student6")
    assert submission.status == Submission.Status.SUBMITTED and submission.judgement == 3
    a = annotation(revision, "A")
    assert a.rating == 3 and a.links[0]["relation"] == "agrees"
    assert [h["quote"] for h in a.highlights] == ["There is only one way out"]
