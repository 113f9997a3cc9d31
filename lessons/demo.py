"""Demo work for the revision lesson, so the teacher's dashboard tells a story at once.

Five students at different stages, with analyses written as a 15-year-old might write
them: some careful, some thin, disagreeing most about the cartoon (D) and the CIA
briefing (E). student6 has not started. Loaded once; a second run changes nothing.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from lessons.models import Assignment, CommentBankEntry, SourceAnnotation, Submission
from lessons.services.marking import keep_version
from sources.text import anchor_text, find_quote

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


def load_demo_work(classroom, teacher) -> bool:
    """Create the demo work once. False if the class already has any work."""
    for text in BANK:
        CommentBankEntry.objects.get_or_create(teacher=teacher, text=text)
    assignment = Assignment.objects.select_related("lesson").get(
        classroom=classroom, lesson__slug="khrushchev-and-peaceful-coexistence"
    )
    if SourceAnnotation.objects.filter(assignment__classroom=classroom).exists():
        return False
    lesson_sources = {ls.label: ls for ls in assignment.lesson.lesson_sources.all()}
    interpretations = {i.historian.name: i for i in assignment.lesson.interpretations.all()}
    students = {s.username: s for s in classroom.students.filter(username__in=STUDENTS)}
    now = timezone.now()
    for username, plan in STUDENTS.items():
        student = students.get(username)
        if student is None:
            continue
        annotations = {}
        for label, rating in zip("ABCDEFG", plan["ratings"], strict=True):
            done = label in plan["done"]
            if not done and label not in plan.get("in_progress", ""):
                continue
            responses = dict(ANALYSES[label])
            if not done:  # half-way through: the later prompts are still empty
                responses = {k: v for k, v in responses.items() if k in ("nature", "origin")}
            annotations[label] = SourceAnnotation.objects.create(
                assignment=assignment,
                student=student,
                lesson_source=lesson_sources[label],
                responses=responses,
                rating=rating,
                rating_reason=plan["reasons"] if rating else "",
                status=SourceAnnotation.Status.DONE
                if done
                else SourceAnnotation.Status.IN_PROGRESS,
                highlights=_highlights(lesson_sources[label], plan["highlights"].get(label, [])),
                links=[
                    {"source": lesson_sources[other].pk, "relation": relation, "note": note}
                    for other, relation, note in plan["links"].get(label, [])
                ],
            )
        answer = plan["answer"]
        if answer is None:
            continue
        interpretation = interpretations.get(answer.get("interpretation", ""))
        submission = Submission.objects.create(
            assignment=assignment,
            student=student,
            judgement=answer["judgement"],
            answer=answer["text"],
            cited={str(lesson_sources[k].pk): v for k, v in answer["cited"].items()},
            preferred_interpretation=interpretation,
            interpretation_reason=answer.get("reason", ""),
            status=answer["status"],
            submitted_at=None
            if answer["status"] == Submission.Status.DRAFT
            else now - timedelta(hours=20),
        )
        if answer["status"] == Submission.Status.RETURNED:
            submission.feedback = answer["feedback"]
            submission.mark, submission.mark_out_of = answer["mark"], 10
            submission.returned_at, submission.returned_by = now - timedelta(hours=2), teacher
            submission.save()
            for label, comment in answer["comments"].items():
                annotations[label].teacher_comment = comment
                annotations[label].save(update_fields=["teacher_comment"])
            keep_version(submission)
    return True


def _highlights(lesson_source, wanted) -> list[dict]:
    text = anchor_text(lesson_source.source.text)
    highlights = []
    for number, (quote, tag, note) in enumerate(wanted, start=1):
        span = find_quote(text, quote)
        if span is None:
            raise ValueError(f"Demo highlight {quote!r} is not in source {lesson_source.label}")
        start, end = span
        highlights.append(
            {
                "id": f"demo{lesson_source.label}{number}",
                "quote": text[start:end],
                "start": start,
                "end": end,
                "note": note,
                "tag": tag,
            }
        )
    return sorted(highlights, key=lambda h: h["start"])
