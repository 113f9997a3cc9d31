"""The source page's analysis form, built by tags (`analysis_tags`) rather than template
loops: every word the framework, the student or the lesson wrote is escaped exactly once,
what the student saved or chose is shown back, and the page's words are in its language.

Most tests render the tags alone, with prompts that are never saved; the page's own tests
below check the tags are what the page uses.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe

from lessons.forms.work import AnalysisForm, HighlightForm, LinkForm
from lessons.models import RESPONSE_MAX_LENGTH, Framework, Prompt, Rating, SourceAnnotation
from tests.lessons.factories import make_assignment, make_text_lesson

NASTY = """<script>alert("x")</script> & 'it'"""
NASTY_ONCE = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;it&#x27;"
BREAK_OUT = "</textarea><script>alert(1)</script> & more"


@pytest.fixture(autouse=True)
def _in_english():
    """A page asked in French before leaves French active in the thread."""
    with translation.override("en-gb"):
        yield


def prompt(key: str = "origin", **fields) -> Prompt:
    fields.setdefault("label", key.capitalize())
    return Prompt(key=key, **fields)


def render(source: str, **context) -> str:
    return Template("{% load analysis_tags %}" + source).render(Context(context))


def prompts_html(*prompts: Prompt, data: dict | None = None, initial=None) -> str:
    form = AnalysisForm(data, initial=initial, prompts=prompts)
    return render("{% prompt_fields form %}", form=form)


def test_a_prompts_label_questions_and_starters_are_escaped_exactly_once():
    html = prompts_html(
        prompt(label=f"Label {NASTY}", guiding_questions=f"Ask {NASTY}", sentence_starters=NASTY)
    )
    assert "<script>" not in html and "&amp;lt;" not in html
    assert f">Label {NASTY_ONCE}</label>" in html
    assert f"<li>Ask {NASTY_ONCE}</li>" in html
    assert f'data-starter="{NASTY_ONCE}" data-target="id_response_origin">{NASTY_ONCE}…' in html


def test_what_a_student_typed_is_escaped_once_and_stays_inside_its_box():
    html = prompts_html(prompt(), initial={"response_origin": BREAK_OUT + " &amp;"})
    box = re.search(r'<textarea name="response_origin"[^>]*>(.*?)</textarea>', html, re.S)
    assert box.group(1) == (
        "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more &amp;amp;"
    )
    assert html.count("</textarea>") == 1


def test_a_safe_error_message_is_not_escaped_again():
    form = AnalysisForm({"version": "0", "response_origin": ""}, prompts=[prompt()])
    form.add_error("response_origin", mark_safe("Say <em>who</em> made it."))
    html = render("{% prompt_fields form %}", form=form)
    assert '<div class="invalid-feedback d-block">Say <em>who</em> made it.</div>' in html


def test_questions_describe_the_box_and_starters_point_at_it():
    html = prompts_html(
        prompt(guiding_questions="Who?\n\n  When?  \n", sentence_starters="It shows"),
        prompt("purpose"),
    )
    assert '<ul class="guiding-questions mb-1" id="id_response_origin-questions">' in html
    assert "<li>Who?</li><li>When?</li></ul>" in html
    assert 'aria-describedby="id_response_origin-questions"' in html
    assert 'data-starter="It shows" data-target="id_response_origin">It shows…' in html
    purpose = html.split('<div class="prompt mb-3">')[2]
    assert ">Purpose</label>" in purpose
    assert "aria-describedby" not in purpose and "Questions to ask" not in purpose
    assert "Sentence starters" not in purpose


def test_each_box_has_the_models_limit():
    html = prompts_html(prompt())
    assert f'rows="4" maxlength="{RESPONSE_MAX_LENGTH}"\n' in html


def test_optional_prompts_say_so_and_required_ones_do_not():
    html = prompts_html(prompt("origin"), prompt("purpose", required=False))
    assert ">Origin</label>" in html
    assert '>Purpose <span class="fw-normal text-muted-strong">(optional)</span></label>' in html
    assert html.count("(optional)") == 1


def test_a_box_with_errors_is_marked_invalid_and_says_why():
    too_long = "x" * (RESPONSE_MAX_LENGTH + 1)
    data = {"version": "0", "response_origin": too_long, "response_purpose": "Fine"}
    html = prompts_html(prompt("origin"), prompt("purpose"), data=data)
    assert html.count("is-invalid") == 1
    assert 'name="response_origin" id="id_response_origin"' in html
    assert re.search(r'class="form-control is-invalid">x+</textarea>', html)
    assert re.search(r'<div class="invalid-feedback d-block">[^<]+</div>\n\s+</div>', html)
    assert 'class="form-control">Fine</textarea>' in html


def rating_html(data: dict | None = None, initial: dict | None = None) -> str:
    form = AnalysisForm(data, initial=initial, prompts=[])
    return render("{% rating_options ratings form.rating %}", form=form, ratings=Rating.choices)


def test_the_saved_rating_is_checked_and_no_other():
    html = rating_html(initial={"rating": Rating.RELIABLE})
    assert html.count(" checked") == 1
    assert 'type="radio" name="rating" id="rating-4" value="4" checked>' in html
    assert '<span class="rating-number">4</span> Mostly reliable</label>' in html


def test_a_rating_sent_back_with_errors_stays_checked():
    assert 'id="rating-2" value="2" checked>' in rating_html(data={"version": "x", "rating": "2"})


def test_no_rating_is_checked_before_one_is_given():
    assert " checked" not in rating_html(initial={"rating": None})
    assert len(re.findall('type="radio"', rating_html())) == len(Rating.choices)


def link_form(data: dict | None = None) -> LinkForm:
    title = "A &lt;script&gt; speech &amp; &quot;more&quot;"  # HTML, as a source keeps it
    other = SimpleNamespace(pk=7, label="B", source=SimpleNamespace(display_title=title))
    return LinkForm(data, others=[other])


def test_the_link_forms_lists_keep_what_was_chosen_and_escape_the_titles():
    form = link_form({"other": "7", "relation": "contradicts"})
    html = render("{% choice_options form.relation lower=True %}", form=form)
    assert '<option value="contradicts" selected>contradicts</option>' in html
    assert '<option value="agrees">agrees with</option>' in html
    html = render("{% choice_options form.other %}", form=form)
    assert html == (
        '<option value="">Choose a source…</option>'
        '<option value="7" selected>Source B: A &lt;script&gt; speech &amp; &quot;more&quot;'
        "</option>"
    )


def test_an_unchosen_link_selects_nothing_and_the_highlight_tag_starts_on_evidence():
    assert "selected" not in render("{% choice_options form.other %}", form=link_form())
    html = render("{% choice_options form.tag %}", form=HighlightForm())
    assert html.count("selected") == 1
    assert '<option value="evidence" selected>Evidence</option>' in html
    chosen = render("{% choice_options form.tag %}", form=HighlightForm({"tag": "bias"}))
    assert '<option value="bias" selected>Bias</option>' in chosen
    assert '<option value="evidence">Evidence</option>' in chosen


def test_the_forms_words_are_in_french_on_a_french_page():
    with translation.override("fr"):
        html = prompts_html(
            prompt(required=False, guiding_questions="Qui ?", sentence_starters="Elle montre")
        )
        ratings = rating_html()
        relations = render("{% choice_options form.relation lower=True %}", form=link_form())
        tags = render("{% choice_options form.tag %}", form=HighlightForm())
    assert "(facultatif)" in html and "Questions à se poser" in html
    assert "Débuts de phrase" in html
    assert "optional" not in html and "Questions to ask" not in html
    assert "Très peu fiable" in ratings and "Very unreliable" not in ratings
    assert ">contredit</option>" in relations
    assert '<option value="evidence" selected>Preuve</option>' in tags


@pytest.fixture
def careful_page(classroom, student_client):
    framework = Framework.objects.create(name="Careful", slug="careful")
    Prompt.objects.create(
        framework=framework,
        key="origin",
        label=f"Origin {NASTY}",
        guiding_questions=f"Who {NASTY}?",
        sentence_starters=NASTY,
    )
    Prompt.objects.create(framework=framework, key="purpose", label="Purpose", required=False)
    lesson = make_text_lesson("We shall bury you.", "A second speech.", framework="careful")
    assignment = make_assignment(classroom, lesson=lesson)
    return student_client, reverse("lessons:source_work", args=[assignment.pk, "A"])


@pytest.mark.django_db
def test_the_source_page_shows_the_saved_analysis_escaped_and_its_rating_checked(careful_page):
    client, url = careful_page
    saved = {"version": "0", "rating": "3", "rating_reason": "", "response_purpose": ""}
    response = client.post(url, {**saved, "response_origin": BREAK_OUT})
    assert response.status_code == 302
    assert SourceAnnotation.objects.get().responses == {"origin": BREAK_OUT}
    html = client.get(url).content.decode()
    assert "<script>alert" not in html
    assert f">Origin {NASTY_ONCE}</label>" in html
    assert f"<li>Who {NASTY_ONCE}?</li>" in html
    assert ">&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>" in html
    assert 'id="rating-3" value="3" checked>' in html and html.count('" checked>') == 1
    assert '>Purpose <span class="fw-normal text-muted-strong">(optional)</span>' in html


@pytest.mark.django_db
def test_the_source_page_sent_back_with_errors_marks_them(careful_page):
    client, url = careful_page
    too_long = "x" * (RESPONSE_MAX_LENGTH + 1)
    data = {"version": "0", "rating": "9", "rating_reason": "", "response_purpose": "Fine"}
    response = client.post(url, {**data, "response_origin": too_long}, HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="form-control is-invalid" aria-describedby="id_response_origin-questions"' in (
        html
    )
    assert "Questions à se poser" in html and "(facultatif)" in html
    assert '<div class="invalid-feedback d-block">Choisissez une note de 1' in html
    assert ">Fine</textarea>" in html and " checked>" not in html
