"""Ship the IB Historical Investigation answer format and two marking schemes.

Plain data, as in 0002 (frameworks): the result is the same whenever it runs, and a
second run updates the rows in place. The descriptors are written for Coexist,
summarising what each level of work does; they are not the awarding bodies' wording.
"""

from __future__ import annotations

from django.db import migrations

FORMATS = (
    {
        "slug": "ib-historical-investigation",
        "name": "IB Historical Investigation",
        "description": (
            "The IB Diploma History internal assessment: a written investigation in three "
            "sections, at most 2,200 words, with footnoted citations and a list of works "
            "cited."
        ),
        "word_limit": 2200,
        "counts_works_cited": False,
        "sections": (
            {
                "key": "sources",
                "title": "Identification and evaluation of sources",
                "guidance": (
                    "State your research question. Choose two sources that matter to your "
                    "investigation, say why each is relevant, and weigh what its origin, "
                    "purpose and content make it valuable for and where it falls short."
                ),
                "suggested_words": 500,
                "evaluates_sources": 2,
            },
            {
                "key": "investigation",
                "title": "Investigation",
                "guidance": (
                    "Build an argument that answers the question. Organise it by theme or "
                    "by stages, use the sources as evidence and cite them, weigh different "
                    "views, and reach a conclusion your evidence supports."
                ),
                "suggested_words": 1300,
                "evaluates_sources": 0,
            },
            {
                "key": "reflection",
                "title": "Reflection",
                "guidance": (
                    "Think about what doing this investigation showed you about the methods "
                    "historians use and the problems they meet: evidence, bias, selection, "
                    "interpretation. Tie it to your own investigation."
                ),
                "suggested_words": 400,
                "evaluates_sources": 0,
            },
        ),
    },
)

SCHEMES = (
    {
        "slug": "ib-historical-investigation",
        "name": "IB Historical Investigation criteria",
        "description": "Three criteria, 25 marks in all.",
        "criteria": (
            {
                "key": "A",
                "title": "Identification and evaluation of sources",
                "max_mark": 6,
                "bands": (
                    (0, 0, "Nothing here reaches the level described below."),
                    (
                        1,
                        2,
                        "The question is stated, and sources are named but little is said "
                        "about why they matter. Origin, purpose, content, value and "
                        "limitation are described rather than weighed, if at all.",
                    ),
                    (
                        3,
                        4,
                        "A suitable question and relevant sources, with their relevance "
                        "partly explained. Some evaluation of value and limitation linked "
                        "to origin, purpose and content, though uneven or not developed.",
                    ),
                    (
                        5,
                        6,
                        "A clear, well-chosen question and sources whose relevance is "
                        "explained. A detailed evaluation of both that links origin, "
                        "purpose and content to their value and limitations for this "
                        "investigation.",
                    ),
                ),
            },
            {
                "key": "B",
                "title": "Investigation",
                "max_mark": 15,
                "bands": (
                    (0, 0, "Nothing here reaches the level described below."),
                    (
                        1,
                        3,
                        "Little structure, and the text narrates or describes more than it "
                        "analyses. Few sources, used loosely.",
                    ),
                    (
                        4,
                        6,
                        "Some structure, but the argument is not always clear. Sources are "
                        "used, mostly to describe; little weighing of views.",
                    ),
                    (
                        7,
                        9,
                        "Generally well organised, with some critical analysis focused on "
                        "the question. Evidence from sources supports parts of the "
                        "argument; other views are mentioned but not weighed.",
                    ),
                    (
                        10,
                        12,
                        "Clear and coherent, with critical analysis focused on the "
                        "question. A range of evidence supports the argument, and "
                        "different perspectives are considered; the conclusion follows "
                        "from it.",
                    ),
                    (
                        13,
                        15,
                        "Clear, coherent and well organised throughout. Sharp critical "
                        "analysis, well-chosen evidence from a range of sources, "
                        "different perspectives evaluated, and a reasoned conclusion "
                        "consistent with the evidence.",
                    ),
                ),
            },
            {
                "key": "C",
                "title": "Reflection",
                "max_mark": 4,
                "bands": (
                    (0, 0, "Nothing here reaches the level described below."),
                    (
                        1,
                        2,
                        "Some reflection on the methods historians use or the problems "
                        "they meet, but little link to the student's own investigation.",
                    ),
                    (
                        3,
                        4,
                        "Clear reflection on historians' methods and the challenges they "
                        "face, firmly tied to what happened in this investigation.",
                    ),
                ),
            },
        ),
    },
    {
        "slug": "gcse-usefulness-8",
        "name": "GCSE usefulness of sources (8 marks)",
        "description": (
            "“How useful are these sources to an historian studying …?”, marked in four "
            "levels of two marks."
        ),
        "criteria": (
            {
                "key": "U",
                "title": "Usefulness of the sources",
                "max_mark": 8,
                "bands": (
                    (0, 0, "Nothing worthy of credit."),
                    (
                        1,
                        2,
                        "Basic: says a source is or is not useful from its content or "
                        "provenance in general terms, without explaining why.",
                    ),
                    (
                        3,
                        4,
                        "Simple: explains the usefulness of a source from its content or "
                        "its provenance, with some support from knowledge of the period.",
                    ),
                    (
                        5,
                        6,
                        "Developed: judges the usefulness of the sources from both content "
                        "and provenance, supported by relevant knowledge.",
                    ),
                    (
                        7,
                        8,
                        "Complex: a sustained judgement of how useful the sources are "
                        "together, weighing content and provenance and using precise "
                        "knowledge of the period.",
                    ),
                ),
            },
        ),
    },
)


def load(apps, schema_editor):
    AnswerFormat = apps.get_model("lessons", "AnswerFormat")
    AnswerSection = apps.get_model("lessons", "AnswerSection")
    MarkingScheme = apps.get_model("lessons", "MarkingScheme")
    Criterion = apps.get_model("lessons", "Criterion")
    MarkBand = apps.get_model("lessons", "MarkBand")
    for data in FORMATS:
        data = dict(data)
        sections = data.pop("sections")
        answer_format, _ = AnswerFormat.objects.update_or_create(
            slug=data.pop("slug"), defaults=data
        )
        for order, section in enumerate(sections, 1):
            section = dict(section)
            AnswerSection.objects.update_or_create(
                answer_format=answer_format,
                key=section.pop("key"),
                defaults={**section, "order": order},
            )
    for data in SCHEMES:
        data = dict(data)
        criteria = data.pop("criteria")
        scheme, _ = MarkingScheme.objects.update_or_create(slug=data.pop("slug"), defaults=data)
        for order, criterion_data in enumerate(criteria, 1):
            criterion_data = dict(criterion_data)
            bands = criterion_data.pop("bands")
            criterion, _ = Criterion.objects.update_or_create(
                scheme=scheme,
                key=criterion_data.pop("key"),
                defaults={**criterion_data, "order": order},
            )
            criterion.bands.all().delete()
            MarkBand.objects.bulk_create(
                MarkBand(criterion=criterion, low=low, high=high, descriptor=text)
                for low, high, text in bands
            )


class Migration(migrations.Migration):
    dependencies = [("lessons", "0015_answer_formats_and_marking_schemes")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
