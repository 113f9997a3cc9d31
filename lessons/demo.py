"""Demo work for the revision lesson, so the teacher's dashboard tells a story at once.

Five students at different stages, with analyses written as a 15-year-old might write
them: some careful, some thin, disagreeing most about the cartoon (D) and the CIA
briefing (E). student6 has not started. Loaded once; a second run changes nothing.

For the IB investigation, student1 has a draft in its three sections, with highlights on
three sources and citations typed into the text, some tied to those highlights, so the
notes, the works cited and the print view have something real to show
(`load_demo_investigation`).

Everything is written through the services a student's and a teacher's pages call, so
demo rows keep every rule those keep (versions, who gave feedback and when, the version
kept on return) and look exactly like work done in the app.

Packs carry no images, so the picture for the cartoon (Source D), a redrawing made for
the demo, is added here as an upload would be (`attach_demo_cartoon`).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.files.base import File
from django.utils import timezone

from lessons.models import Assignment, SourceAnnotation, Submission, SubmissionVersion
from lessons.services import citing, marking, work
from sources import images
from sources.models import Source
from sources.text import anchor_text, find_quote

# Source D's picture: drawn for the demo after a description of the original cartoon
# (fixtures/images/ also holds the SVG it was rendered from).
CARTOON_SLUG = "soviet-cartoon-snowman-cold-war"
CARTOON_IMAGE = Path(settings.BASE_DIR) / "fixtures" / "images" / f"{CARTOON_SLUG}.png"
# The same words as the pack's `image_alt`, which every load of the pack sets; this is only
# for a source that has none.
CARTOON_ALT = (
    "Cartoon. Under a blazing sun, a large, bald, beaming Khrushchev in a grey "
    "double-breasted suit waves his hat in one hand and with the other shoves over a "
    "snowman. The snowman wears a sash lettered “COLD WAR”, with the Russian “ХОЛОДНАЯ "
    "ВОЙНА” below. It drips into a puddle as it topples; its startled head and its bucket "
    "fly off. Grass and snowdrops show through the melting snow. The mood is cheerful and "
    "triumphant."
)

# When the handed-in work was submitted and the marked answer returned, before loading.
SUBMITTED_AGO = timedelta(hours=20)
RETURNED_AGO = timedelta(hours=2)

# What each source is, in the students' words: one line per GCSE prompt.
ANALYSES = {
    "A": {
        "nature": "A short public speech, reported in the press.",
        "origin": "Khrushchev himself, in Britain in April 1956 on the first Soviet leaders' visit.",
        "purpose": "To reassure a British audience that the USSR wanted peace, not war.",
        "content": "He admits the two sides dislike each other's systems but says coexistence is the only way out.",
        "usefulness": "Useful for what Khrushchev wanted the West to hear, less for what he really planned.",
    },
    "B": {
        "nature": "A spoken remark, a sound bite.",
        "origin": "Khrushchev in 1959, the year he visited the USA.",
        "purpose": "To present arguments as normal and war as unthinkable.",
        "content": "Rivalry should carry on but without weapons.",
        "usefulness": "Shows the tone of his policy; too short to show how it worked.",
    },
    "C": {
        "nature": "A secondary source: a school textbook.",
        "origin": "Norman Lowe, a history teacher, writing in 1982 with hindsight.",
        "purpose": "To explain the period clearly to students.",
        "content": "Dates the thaw from Stalin's death and quotes the 1956 speech: coexistence or destructive war.",
        "usefulness": "Balanced overview with dates; it quotes Khrushchev but does not question him.",
    },
    "D": {
        "nature": "A cartoon from a Soviet publication.",
        "origin": "Made in the USSR around 1956, so it went through the censors.",
        "purpose": "Propaganda: to show Khrushchev melting the Cold War.",
        "content": "Khrushchev knocks down a snowman labelled Cold War.",
        "usefulness": "Shows the image the Soviet state wanted; says nothing about whether it was true.",
    },
    "E": {
        "nature": "A top secret intelligence briefing.",
        "origin": "The CIA in September 1955, for US policymakers only.",
        "purpose": "To judge honestly what Khrushchev meant, so it had no reason to flatter him.",
        "content": "Says coexistence meant only no war; he still called the West 'the enemy'.",
        "usefulness": "Very useful for American fears; the CIA could also be suspicious by habit.",
    },
    "F": {
        "nature": "A journalist's description quoted in a briefing.",
        "origin": "Marshall MacDuffie, an American who met Khrushchev, quoted by the CIA in 1955.",
        "purpose": "To describe his personality for people dealing with him.",
        "content": "Calls him rigid and a believer in his own propaganda.",
        "usefulness": "A first-hand impression, but one man's opinion from one meeting.",
    },
    "G": {
        "nature": "A secondary source: a school textbook.",
        "origin": "Norman Lowe again, 1982.",
        "purpose": "To give a judgement students can learn.",
        "content": "The thaw was only partial and Khrushchev reacted fast to any threat to the East.",
        "usefulness": "Useful overall judgement; it matches Source E's warning.",
    },
}

# Each student's ratings, A to G (None: not rated), and why, in their own voice.
STUDENTS = {
    "student1": {
        "ratings": [3, 3, 4, 2, 4, 2, 5],
        "reasons": "He says the right things in public but the CIA shows another side.",
        "done": "ABCDEFG",
        "highlights": {
            "A": [("There is only one way out", "claim", "His main point")],
            "C": [("the starting point of the 'thaw'", "context", "")],
            "E": [("In this field there can be no coexistence", "evidence", "The real view?")],
        },
        "links": {"A": [("E", "contradicts", "Public peace talk vs the CIA's warning")]},
        "answer": {
            "judgement": 3,
            "text": (
                "Khrushchev's peaceful coexistence changed the Cold War to some extent. In "
                "public it changed the tone: Source A shows him telling a British audience "
                "that coexistence was the only way out, and Source C dates a thaw from "
                "Stalin's death. But the change was limited. Source E, a top secret CIA "
                "briefing with no reason to please anyone, says he still called the West the "
                "enemy and that there could be no coexistence in ideas. Source G agrees the "
                "thaw was only partial. So the policy lowered the danger of war without "
                "ending the rivalry."
            ),
            "cited": {"A": "supports", "C": "supports", "E": "challenges", "G": "challenges"},
            "interpretation": "Norman Lowe",
            "reason": "Lowe fits both the hopeful speeches and the CIA's doubts.",
            "status": Submission.Status.SUBMITTED,
        },
    },
    "student2": {
        "ratings": [2, 3, 4, 4, 2, 3, 4],
        "reasons": "Speeches are for show; cartoons show what people were told to think.",
        "done": "ABCDEFG",
        "highlights": {
            "A": [
                ("There is only one way out", "claim", ""),
                ("You do not like Communism", "tone", "Blunt"),
            ],
            "C": [("the starting point of the 'thaw'", "context", "1953")],
            "E": [("little more than an absence of armed conflict", "claim", "")],
        },
        "links": {"C": [("A", "agrees", "Both stress coexistence as the only choice")]},
        "answer": {
            "judgement": 4,
            "text": (
                "I think coexistence changed the Cold War to a large extent because after "
                "1953 leaders talked instead of threatening war. Source A and Source B both "
                "show Khrushchev saying arguments should happen without weapons, and the "
                "cartoon (Source D) shows the Cold War melting. Source C also says the thaw "
                "started in 1953."
            ),
            "cited": {"A": "supports", "B": "supports", "C": "supports", "D": "supports"},
            "interpretation": "John D. Clare",
            "reason": "Competition without war describes the speeches.",
            "status": Submission.Status.RETURNED,
            "feedback": (
                "A clear judgement, Ben, and you use the sources by name. To reach the top "
                "band, weigh the evidence against you: what does the CIA briefing (E) say, "
                "and why might it be more trustworthy than a speech to a foreign audience? "
                "Treat the cartoon as evidence of Soviet propaganda, not of real change."
            ),
            "mark": 6,
            "comments": {
                "D": "Who made it, and why? A Soviet cartoon is evidence of the message, not the reality.",
                "E": "This one deserves more weight: a secret report had no audience to please.",
            },
        },
    },
    "student3": {
        "ratings": [3, 2, 4, 1, 5, None, None],
        "reasons": "I trust the secret reports more than speeches.",
        "done": "ABCDE",
        "in_progress": "FG",
        "highlights": {
            "E": [
                ("In this field there can be no coexistence", "evidence", ""),
                ("the West as ‘the enemy’", "tone", "Hostile"),
            ],
        },
        "links": {"E": [("G", "agrees", "Both say the thaw had limits")]},
        "answer": {
            "judgement": 2,
            "text": (
                "Coexistence changed the Cold War only a little. Source E shows that even "
                "while talking about peace Khrushchev"
            ),
            "cited": {"E": "supports"},
            "status": Submission.Status.DRAFT,
        },
    },
    "student4": {
        "ratings": [4, 3, 3, 5, 3, 2, 4],
        "reasons": "It comes from the time, so it shows what was happening.",
        "done": "ABCDEFG",
        "highlights": {
            "A": [("There is only one way out", "evidence", "")],
            "C": [("the starting point of the 'thaw'", "evidence", "")],
        },
        "links": {},
        "answer": {
            "judgement": 2,
            "text": (
                "To a small extent. Khrushchev talked about peace (Sources A and B) but the "
                "CIA (Source E) and the textbook (Source G) show that he still saw the West as "
                "an enemy and reacted quickly to threats. The Cold War carried on, just with "
                "fewer threats of war."
            ),
            "cited": {"A": "challenges", "B": "challenges", "E": "supports", "G": "supports"},
            "interpretation": "Norman Lowe",
            "reason": "The thaw being only partial is what the sources show.",
            "status": Submission.Status.SUBMITTED,
        },
    },
    "student5": {
        "ratings": [2, 3, None, None, None, None, None],
        "reasons": "It is a speech.",
        "done": "",
        "in_progress": "AB",
        "highlights": {"A": [("You do not like Communism", "tone", "")]},
        "links": {},
        "answer": None,
    },
}


BANK = (
    "Say who made the source, when and why before you judge how far to trust it.",
    "Weigh the evidence against your judgement, not only the evidence for it.",
    "Name the sources you use: “Source E shows…”.",
    "A useful source can still be biased: say what it is useful for.",
)


INVESTIGATION_SLUG = "investigation-soviet-perceptions-of-peaceful-coexistence"
INVESTIGATION_STUDENT = "student1"

# Source A is predicted before its origin shows; student1 has made and kept a prediction.
INVESTIGATION_PREDICTION = (
    "Probably an official Soviet statement of policy, written for foreigners, because it "
    "talks about the interests of all nations rather than the Soviet people."
)

# student1's highlights on the investigation's sources: (quote, tag, note) by label.
INVESTIGATION_HIGHLIGHTS = {
    "A": [
        (
            "peaceful coexistence is the only way which is in keeping with the interests "
            "of all nations",
            "claim",
            "His whole case in one line",
        )
    ],
    "F": [("Lenin had mentioned such an idea only glancingly", "evidence", "Not from Lenin?")],
    "G": [("enforced coexistence", "claim", "Forced by the bomb, not chosen")],
}

# The sources evaluated in section 1, and the draft in student1's words. A citation
# written {A} is tied to student1's highlight on Source A.
INVESTIGATION_EVALUATED = ("A", "C")
INVESTIGATION_SECTIONS = {
    "sources": (
        "This investigation asks: to what extent did Khrushchev's foreign policy of "
        "peaceful coexistence alter the Soviet people's perception of Soviet-American "
        "relations between 1956 and 1964?\n\n"
        "The first source I evaluate is Khrushchev's own article on peaceful coexistence, "
        "published in Foreign Affairs in the autumn of 1959.[@A] Its origin is its main "
        "value: the leader himself explains the policy, so it shows how he wanted it to be "
        "understood, as the only course that served the interests of every nation.[@A #{A}] "
        "Its purpose is also its limitation. It was written for American readers around the "
        "time of his visit to the United States, so it shows what he wanted the West to "
        "believe rather than what ordinary Soviet people made of the policy, which is what "
        "my question is about.\n\n"
        "The second source is Rósa Magnúsdóttir's 2006 article on the letters Soviet "
        "citizens wrote about the 1959 visit.[@C] It is valuable because it rests on "
        "letters kept in Soviet archives that were closed until after 1991, so it gets "
        "closer to ordinary opinion than any official statement can, and as an academic "
        "study it puts the letters in context. Its limitation is one the author raises "
        "herself: people wrote what they thought was safe to write, so even this evidence "
        "is filtered.[@C, 109–110]"
    ),
    "investigation": (
        "In public, coexistence did change the picture of America that Soviet people were "
        "given. Khrushchev presented the rivalry as a peaceful economic competition that "
        "communism would win, and pointed to cuts in the armed forces as proof of good "
        "intentions.[@A] The letters Magnúsdóttir studied suggest that many people took "
        "this up: writers praised their own system but were openly curious about American "
        "life, and some admired it.[@C] Compared with the Stalin years, when the United "
        "States was simply the enemy, this was a real change.\n\n"
        "The change had clear limits, though. Kocho-Williams argues that coexistence was "
        "forced on both sides by the nuclear stalemate rather than freely chosen.[@G #{G}] "
        "If he is right, the friendlier image rested on fear and could be reversed quickly, "
        "and the crises over Berlin in 1961 and Cuba in 1962 showed how far Soviet actions "
        "were from the language of peace. Du Quenoy links these setbacks to Khrushchev's "
        "removal in 1964.[@E] Service puts more weight on problems at home,[@F] and he "
        "doubts Khrushchev's claim that the policy went back to Lenin at all.[@F #{F}]\n\n"
        "Weighing these views, I conclude that coexistence altered Soviet perceptions of "
        "America only to a limited extent. It made curiosity about the United States "
        "possible and safer to express,[@C] but the crises reminded people that the "
        "rivalry had not ended.[@E]"
    ),
    "reflection": (
        "This investigation showed me how hard it is for a historian to find out what "
        "ordinary people thought in a state that controlled what they could say. Most of "
        "my sources are either official statements, like Khrushchev's article,[@A] or "
        "historians writing decades later. Even the letters are not a clear window on "
        "opinion, because their writers chose their words with care.[@C]\n\n"
        "I also noticed that historians read the same events differently depending on "
        "whether they start from foreign or domestic policy. Du Quenoy and Service use "
        "much of the same evidence and still disagree about why Khrushchev fell,[@E] which "
        "made me see that choosing a question already shapes the answer."
    ),
}


def load_demo_investigation(classroom) -> bool:
    """student1's draft for the IB investigation, once. False if there is already work
    on the investigation in this class (or it has no student1 or is not set)."""
    assignment = (
        Assignment.objects.select_related("lesson__answer_format")
        .filter(classroom=classroom, lesson__slug=INVESTIGATION_SLUG)
        .first()
    )
    student = classroom.students.filter(username=INVESTIGATION_STUDENT).first()
    if assignment is None or student is None or assignment.lesson.answer_format is None:
        return False
    key = {"assignment": assignment, "student": student}
    if (
        SourceAnnotation.objects.filter(assignment=assignment).exists()
        or Submission.objects.filter(assignment=assignment).exists()
    ):
        return False
    lesson = assignment.lesson
    lesson_sources = {ls.label: ls for ls in lesson.lesson_sources.select_related("source")}
    work.commit_prediction(
        **key,
        lesson_source=lesson_sources["A"],
        prediction=INVESTIGATION_PREDICTION,
        class_revealed=False,
    )
    tied = {}
    for label, wanted in INVESTIGATION_HIGHLIGHTS.items():
        lesson_source = lesson_sources[label]
        for start, end, quote, note, tag in _highlights(lesson_source, wanted):
            highlight = work.add_highlight(
                **key,
                lesson_source_id=lesson_source.pk,
                start=start,
                end=end,
                quote=quote,
                note=note,
                tag=tag,
            )
            tied.setdefault(label, highlight["id"])
    sections = {name: text.format(**tied) for name, text in INVESTIGATION_SECTIONS.items()}
    work.save_answer(
        **key,
        version=0,
        judgement=2,
        sections=sections,
        evaluated=[lesson_sources[label].pk for label in INVESTIGATION_EVALUATED],
        answer=citing.joined(citing.sections_of(lesson.answer_format, sections)),
    )
    return True


def attach_demo_cartoon() -> bool:
    """Give the cartoon source its picture if it has none. True if the picture was added.

    Stored as an admin upload is: re-encoded by `sources.images` and saved under a random
    name, after the model's own validation. A source that already has an image, from an
    earlier run or chosen by a teacher, keeps it, so loading again adds nothing.
    """
    source = Source.objects.filter(slug=CARTOON_SLUG).first()
    if source is None or source.image:
        return False
    with CARTOON_IMAGE.open("rb") as handle:
        source.image = images.reencode(File(handle, name=CARTOON_IMAGE.name))
    if not source.image_alt.strip():
        source.image_alt = CARTOON_ALT
    source.full_clean()
    source.save()
    return True


def load_demo_work(classroom, teacher) -> bool:
    """Create the demo work once. False if the class already has any work."""
    for text in BANK:
        marking.bank_comment(teacher=teacher, text=text)
    assignment = Assignment.objects.select_related("lesson__framework").get(
        classroom=classroom, lesson__slug="khrushchev-and-peaceful-coexistence"
    )
    if SourceAnnotation.objects.filter(assignment__classroom=classroom).exists():
        return False
    lesson = assignment.lesson
    lesson_sources = {ls.label: ls for ls in lesson.lesson_sources.select_related("source")}
    prompt_keys = [prompt.key for prompt in lesson.framework.prompts.all()]
    interpretations = {i.historian.name: i.pk for i in lesson.interpretations.all()}
    students = {s.username: s for s in classroom.students.filter(username__in=STUDENTS)}
    for username, plan in STUDENTS.items():
        student = students.get(username)
        if student is None:
            continue
        _analyse(assignment, student, plan, lesson_sources, prompt_keys)
        if plan["answer"] is not None:
            _answer(assignment, student, teacher, plan["answer"], lesson_sources, interpretations)
    return True


def _analyse(assignment, student, plan, lesson_sources, prompt_keys) -> None:
    """The student's analyses, then their highlights and links, as the source page saves them."""
    key = {"assignment": assignment, "student": student}
    for label, rating in zip("ABCDEFG", plan["ratings"], strict=True):
        done = label in plan["done"]
        if not done and label not in plan.get("in_progress", ""):
            continue
        lesson_source = lesson_sources[label]
        responses = dict(ANALYSES[label])
        if not done:  # half-way through: the later prompts are still empty
            responses = {k: v for k, v in responses.items() if k in ("nature", "origin")}
        work.save_analysis(
            **key,
            lesson_source_id=lesson_source.pk,
            version=0,
            responses=responses,
            prompt_keys=prompt_keys,
            rating=rating,
            rating_reason=plan["reasons"] if rating else "",
            done=done,
        )
        for start, end, quote, note, tag in _highlights(
            lesson_source, plan["highlights"].get(label, [])
        ):
            work.add_highlight(
                **key,
                lesson_source_id=lesson_source.pk,
                start=start,
                end=end,
                quote=quote,
                note=note,
                tag=tag,
            )
        for other, relation, note in plan["links"].get(label, []):
            work.set_link(
                **key,
                lesson_source_id=lesson_source.pk,
                other_id=lesson_sources[other].pk,
                relation=relation,
                note=note,
            )


def _answer(assignment, student, teacher, answer, lesson_sources, interpretations) -> None:
    """The student's answer saved and handed in, then marked by the teacher, as planned."""
    key = {"assignment": assignment, "student": student}
    saved = work.save_answer(
        **key,
        version=0,
        judgement=answer["judgement"],
        answer=answer["text"],
        cited={str(lesson_sources[k].pk): v for k, v in answer["cited"].items()},
        preferred_interpretation_id=interpretations.get(answer.get("interpretation", "")),
        interpretation_reason=answer.get("reason", ""),
    )
    if answer["status"] == Submission.Status.DRAFT:
        return
    submission = work.submit(**key, version=saved.version)
    if answer["status"] == Submission.Status.RETURNED:
        annotations = dict(
            SourceAnnotation.objects.filter(**key).values_list("lesson_source__label", "pk")
        )
        marking.save_feedback(
            submission=submission,
            teacher=teacher,
            version=submission.version,
            feedback=answer["feedback"],
            mark=answer["mark"],
            mark_out_of=10,
            source_comments={annotations[k]: c for k, c in answer["comments"].items()},
            action="return",
        )
    _backdate(submission)


def _backdate(submission: Submission) -> None:
    """Move the workflow's "now" back, so the dashboard shows work handed in yesterday
    and marked this morning rather than everything a second before the teacher looks.
    Only timestamps change; every other field is as the workflow wrote it."""
    now = timezone.now()
    submitted_at, returned_at = now - SUBMITTED_AGO, now - RETURNED_AGO
    this = Submission.objects.filter(pk=submission.pk)
    this.update(submitted_at=submitted_at)
    this.filter(returned_at__isnull=False).update(feedback_at=returned_at, returned_at=returned_at)
    SubmissionVersion.objects.filter(submission=submission).update(
        submitted_at=submitted_at, returned_at=returned_at
    )


def _highlights(lesson_source, wanted) -> list[tuple[int, int, str, str, str]]:
    """Start, end, the source's own words, note and tag, as the highlight form anchors them."""
    text = anchor_text(lesson_source.source.text)
    highlights = []
    for quote, tag, note in wanted:
        span = find_quote(text, quote)
        if span is None:
            raise ValueError(f"Demo highlight {quote!r} is not in source {lesson_source.label}")
        start, end = span
        highlights.append((start, end, text[start:end], note, tag))
    return highlights
