"""Lesson packs: lessons with everything they need, as one JSON file.

A lesson pack is a source-library pack (see `sources.packs`) plus the frameworks, answer
formats and marking schemes, and the lessons that use them, all named by natural keys
(slugs), so importing the same pack twice changes nothing and a pack exported from one
school imports whole into another. One bad record rolls back the whole import with a
message naming it.

Frameworks, answer formats and marking schemes already on the instance are left as they
are: a school that adapted OPVL or its IB criteria keeps its version; a pack only adds
those the instance lacks. A pack from before formats and schemes (no such keys) imports
its lessons with the single answer and one mark, as they were written.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from lessons.models import (
    AnswerFormat,
    AnswerSection,
    Criterion,
    Fact,
    Framework,
    GlossaryTerm,
    Lesson,
    LessonSource,
    MarkBand,
    MarkingScheme,
    Prompt,
    ProvenancePart,
    Reveal,
)
from sources.models import Interpretation, Source
from sources.packs import (
    ImportReport,
    PackError,
    export_library,
    import_library,
    located,
)

LESSON_FIELDS = ("title", "research_question", "starter", "introduction", "published")
FRAMEWORK_FIELDS = ("name", "short_name", "description", "judgement_prompt")
PROMPT_FIELDS = ("key", "label", "guiding_questions", "sentence_starters", "required", "core")
FORMAT_FIELDS = ("name", "description", "word_limit", "counts_works_cited")
SECTION_FIELDS = (
    "key",
    "title",
    "guidance",
    "suggested_words",
    "word_limit",
    "evaluates_sources",
)
SCHEME_FIELDS = ("name", "description")
CRITERION_FIELDS = ("key", "title", "max_mark")
BAND_FIELDS = ("low", "high", "descriptor")
LESSON_SOURCE_FIELDS = (
    "label",
    "section",
    "caption",
    "model_rating",
    "model_notes",
    "short",
    "reveal",
    "interpretation",
    "held_back",
)


# Export ---------------------------------------------------------------------------------


def export_lessons(lessons: Iterable[Lesson]) -> dict:
    lessons = list(
        Lesson.objects.filter(pk__in=[lesson.pk for lesson in lessons])
        .select_related("framework", "answer_format", "marking_scheme")
        .prefetch_related(
            "framework__prompts",
            "answer_format__sections",
            "marking_scheme__criteria__bands",
            "glossary",
            "facts",
            "lesson_sources__source",
            "interpretations__historian",
            "interpretations__work",
        )
        .order_by("slug")
    )
    sources: dict[int, Source] = {}
    frameworks: dict[str, Framework] = {}
    formats: dict[str, AnswerFormat] = {}
    schemes: dict[str, MarkingScheme] = {}
    for lesson in lessons:
        frameworks[lesson.framework.slug] = lesson.framework
        if lesson.answer_format:
            formats[lesson.answer_format.slug] = lesson.answer_format
        if lesson.marking_scheme:
            schemes[lesson.marking_scheme.slug] = lesson.marking_scheme
        for lesson_source in lesson.lesson_sources.all():
            sources[lesson_source.source_id] = lesson_source.source
        for interpretation in lesson.interpretations.all():
            sources[interpretation.work_id] = interpretation.work
    pack = export_library(sources.values())
    pack["frameworks"] = [_framework_record(f) for _, f in sorted(frameworks.items())]
    pack["answer_formats"] = [_format_record(f) for _, f in sorted(formats.items())]
    pack["marking_schemes"] = [_scheme_record(s) for _, s in sorted(schemes.items())]
    pack["lessons"] = [_lesson_record(lesson) for lesson in lessons]
    return pack


def _framework_record(framework: Framework) -> dict:
    return {
        "slug": framework.slug,
        **{name: getattr(framework, name) for name in FRAMEWORK_FIELDS},
        "prompts": [
            {name: getattr(prompt, name) for name in PROMPT_FIELDS}
            for prompt in framework.prompts.all()
        ],
    }


def _format_record(answer_format: AnswerFormat) -> dict:
    return {
        "slug": answer_format.slug,
        **{name: getattr(answer_format, name) for name in FORMAT_FIELDS},
        "sections": [
            {name: getattr(section, name) for name in SECTION_FIELDS}
            for section in answer_format.sections.all()
        ],
    }


def _scheme_record(scheme: MarkingScheme) -> dict:
    return {
        "slug": scheme.slug,
        **{name: getattr(scheme, name) for name in SCHEME_FIELDS},
        "criteria": [
            {
                **{name: getattr(criterion, name) for name in CRITERION_FIELDS},
                "bands": [
                    {name: getattr(band, name) for name in BAND_FIELDS}
                    for band in criterion.bands.all()
                ],
            }
            for criterion in scheme.criteria.all()
        ],
    }


def _lesson_record(lesson: Lesson) -> dict:
    return {
        "slug": lesson.slug,
        **{name: getattr(lesson, name) for name in LESSON_FIELDS},
        "framework": lesson.framework.slug,
        "answer_format": lesson.answer_format.slug if lesson.answer_format else None,
        "marking_scheme": lesson.marking_scheme.slug if lesson.marking_scheme else None,
        "sources": [
            {"source": ls.source.slug, **{name: getattr(ls, name) for name in LESSON_SOURCE_FIELDS}}
            for ls in lesson.lesson_sources.all()
        ],
        "glossary": [{"term": t.term, "definition": t.definition} for t in lesson.glossary.all()],
        "facts": [{"text": fact.text} for fact in lesson.facts.all()],
        "interpretations": [
            {"historian": i.historian.slug, "work": i.work.slug, "position": i.position}
            for i in sorted(lesson.interpretations.all(), key=lambda i: (i.work.slug, i.position))
        ],
    }


# Import ---------------------------------------------------------------------------------


def import_lessons(data: object, *, owner=None, keep_started: bool = False) -> ImportReport:
    """Import the pack's library, frameworks, answer formats, marking schemes and
    lessons, all or nothing.

    New lessons belong to `owner`. A lesson students have started keeps its framework,
    answer format and sources: a pack that would change them is refused, or with
    `keep_started` that lesson is left exactly as it is (the demo loader, run on every
    start).
    """
    with transaction.atomic():
        report = import_library(data)
        for index, record in enumerate(_list(data, "frameworks"), 1):
            _import_framework(record, index, report)
        for index, record in enumerate(_list(data, "answer_formats"), 1):
            _import_format(record, index, report)
        for index, record in enumerate(_list(data, "marking_schemes"), 1):
            _import_scheme(record, index, report)
        for index, record in enumerate(_list(data, "lessons"), 1):
            _import_lesson(record, index, report, owner=owner, keep_started=keep_started)
    return report


def _list(data: dict, key: str, label: str = "") -> list[dict]:
    records = data.get(key, [])
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        problem = _("“%(key)s” must be a list of records.") % {"key": key}
        raise PackError(located(label, problem) if label else problem)
    return records


def _check(instance, label: str, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as error:
        messages = "; ".join(
            located(field, " ".join(errors)) for field, errors in error.message_dict.items()
        )
        raise PackError(located(label, messages)) from None


def _import_framework(record: dict, index: int, report: ImportReport) -> None:
    slug = record.get("slug")
    label = _("framework “%(slug)s”") % {"slug": slug or index}
    if not slug:
        raise PackError(_("framework number %(number)s has no slug.") % {"number": index})
    if Framework.objects.filter(slug=slug).exists():
        report.count("unchanged", "frameworks")
        return
    framework = Framework(slug=slug, **{n: record.get(n, "") for n in FRAMEWORK_FIELDS})
    _check(framework, label)
    framework.save()
    for order, prompt_record in enumerate(record.get("prompts", [])):
        values = {n: prompt_record[n] for n in PROMPT_FIELDS if n in prompt_record}
        prompt = Prompt(framework=framework, order=order, **values)
        _check(
            prompt,
            _("%(framework)s, prompt %(number)s") % {"framework": label, "number": order + 1},
        )
        prompt.save()
    report.count("created", "frameworks")


def _import_format(record: dict, index: int, report: ImportReport) -> None:
    slug = record.get("slug")
    if not slug:
        raise PackError(_("answer format number %(number)s has no slug.") % {"number": index})
    label = _("answer format “%(slug)s”") % {"slug": slug}
    if AnswerFormat.objects.filter(slug=slug).exists():
        report.count("unchanged", "answer formats")
        return
    values = {n: record[n] for n in FORMAT_FIELDS if n in record}
    answer_format = AnswerFormat(slug=slug, **values)
    _check(answer_format, label)
    answer_format.save()
    for order, item in enumerate(_list(record, "sections", label)):
        values = {n: item[n] for n in SECTION_FIELDS if n in item}
        section = AnswerSection(answer_format=answer_format, order=order, **values)
        _check(
            section, _("%(format)s, section %(number)s") % {"format": label, "number": order + 1}
        )
        section.save()
    report.count("created", "answer formats")


def _import_scheme(record: dict, index: int, report: ImportReport) -> None:
    slug = record.get("slug")
    if not slug:
        raise PackError(_("marking scheme number %(number)s has no slug.") % {"number": index})
    label = _("marking scheme “%(slug)s”") % {"slug": slug}
    if MarkingScheme.objects.filter(slug=slug).exists():
        report.count("unchanged", "marking schemes")
        return
    scheme = MarkingScheme(slug=slug, **{n: record.get(n, "") for n in SCHEME_FIELDS})
    _check(scheme, label)
    scheme.save()
    for order, item in enumerate(_list(record, "criteria", label)):
        values = {n: item[n] for n in CRITERION_FIELDS if n in item}
        criterion = Criterion(scheme=scheme, order=order, **values)
        where = _("%(scheme)s, criterion %(criterion)s") % {
            "scheme": label,
            "criterion": values.get("key") or order + 1,
        }
        _check(criterion, where)
        criterion.save()
        for number, band_item in enumerate(_list(item, "bands", where), 1):
            values = {n: band_item[n] for n in BAND_FIELDS if n in band_item}
            band = MarkBand(criterion=criterion, **values)
            _check(
                band, _("%(criterion)s, band %(number)s") % {"criterion": where, "number": number}
            )
            band.save()
    report.count("created", "marking schemes")


def _named(model, record: dict, key: str, label: str, missing: str):
    """The format or scheme the lesson record names (None for none), or a PackError
    saying `missing` (a message with the slug as %(slug)s)."""
    slug = record.get(key)
    if slug is None or slug == "":
        return None
    found = model.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    if found is None:
        raise PackError(located(label, missing % {"slug": slug}))
    return found


def _import_lesson(
    record: dict, index: int, report: ImportReport, *, owner=None, keep_started: bool = False
) -> None:
    slug = record.get("slug")
    if not isinstance(slug, str) or not slug:
        raise PackError(_("lesson number %(number)s has no slug.") % {"number": index})
    label = _("lesson “%(slug)s”") % {"slug": slug}
    framework = Framework.objects.filter(slug=record.get("framework")).first()
    if framework is None:
        missing = _("no framework “%(slug)s” in the pack or here.")
        raise PackError(located(label, missing % {"slug": record.get("framework")}))
    answer_format = _named(
        AnswerFormat,
        record,
        "answer_format",
        label,
        _("no answer format “%(slug)s” in the pack or here."),
    )
    scheme = _named(
        MarkingScheme,
        record,
        "marking_scheme",
        label,
        _("no marking scheme “%(slug)s” in the pack or here."),
    )
    lesson = Lesson.objects.filter(slug=slug).first()
    if lesson is not None and keep_started and lesson.usage():
        report.count("unchanged", "lessons")
        return
    outcome = "created" if lesson is None else "unchanged"
    lesson = lesson or Lesson(slug=slug, owner=owner)
    values = {n: record[n] for n in LESSON_FIELDS if n in record}
    values["framework_id"] = framework.pk
    # An older pack says nothing of formats or schemes: a new lesson gets neither and an
    # existing one keeps what it has.
    if "answer_format" in record:
        values["answer_format_id"] = answer_format.pk if answer_format else None
    if "marking_scheme" in record:
        values["marking_scheme_id"] = scheme.pk if scheme else None
    for name, value in values.items():
        if getattr(lesson, name) != value:
            setattr(lesson, name, value)
            outcome = "updated" if outcome == "unchanged" else outcome
    if outcome != "unchanged":
        _check(lesson, label)
        lesson.save()

    changed = _replace_children(lesson, record, label)
    interpretations = [_interpretation(i, label) for i in record.get("interpretations", [])]
    if {i.pk for i in interpretations} != set(lesson.interpretations.values_list("pk", flat=True)):
        try:
            lesson.check_interpretations_kept(interpretations)
        except ValidationError as error:
            raise PackError(located(label, " ".join(error.messages))) from None
        lesson.interpretations.set(interpretations)
        changed = True
    if changed and outcome == "unchanged":
        outcome = "updated"
    report.count(outcome, "lessons")


def _replace_children(lesson: Lesson, record: dict, label: str) -> bool:
    """Replace sources, glossary and facts when the pack's differ; True if anything did."""
    wanted_sources = []
    for item in record.get("sources", []):
        source = Source.objects.filter(slug=item.get("source")).first()
        if source is None:
            missing = _("no source “%(slug)s” in the pack or here.") % {"slug": item.get("source")}
            raise PackError(located(label, missing))
        values = {n: item.get(n) or "" for n in LESSON_SOURCE_FIELDS}
        values["model_rating"] = item.get("model_rating")
        values["short"] = bool(item.get("short"))
        held_back = item.get("held_back") or []
        if not isinstance(held_back, list) or not set(held_back) <= set(ProvenancePart.values):
            problem = _("source “%(slug)s” holds back %(held_back)s; use a list of %(parts)s.") % {
                "slug": item.get("source"),
                "held_back": repr(held_back),
                "parts": ", ".join(ProvenancePart.values),
            }
            raise PackError(located(label, problem))
        values["held_back"] = held_back
        values["reveal"] = item.get("reveal") or Reveal.AT_ONCE
        if values["reveal"] not in Reveal.values:
            problem = _("source “%(slug)s” has reveal “%(reveal)s”; use one of %(choices)s.") % {
                "slug": item.get("source"),
                "reveal": values["reveal"],
                "choices": ", ".join(Reveal.values),
            }
            raise PackError(located(label, problem))
        wanted_sources.append((source.pk, values))
    current_sources = [
        (ls.source_id, {n: getattr(ls, n) for n in LESSON_SOURCE_FIELDS})
        for ls in lesson.lesson_sources.order_by("order", "pk")
    ]
    wanted_terms = [(t.get("term", ""), t.get("definition", "")) for t in _list(record, "glossary")]
    wanted_facts = [fact.get("text", "") for fact in _list(record, "facts")]

    changed = False
    if not _same_sources(wanted_sources, current_sources):
        if used := lesson.usage():
            problem = _(
                "students have started it (%(work)s), so its sources cannot be replaced. "
                "Import the pack's version under another slug instead."
            ) % {"work": used.phrase()}
            raise PackError(located(label, problem))
        lesson.lesson_sources.all().delete()
        for order, (source_id, values) in enumerate(wanted_sources):
            lesson_source = LessonSource(lesson=lesson, source_id=source_id, order=order, **values)
            _check(
                lesson_source,
                _("%(lesson)s, source %(number)s") % {"lesson": label, "number": order + 1},
            )
            lesson_source.save()
        lesson.assign_labels()
        changed = True
    if wanted_terms != list(lesson.glossary.values_list("term", "definition")):
        lesson.glossary.all().delete()
        for order, (term, definition) in enumerate(wanted_terms):
            item = GlossaryTerm(lesson=lesson, term=term, definition=definition, order=order)
            _check(
                item, _("%(lesson)s, glossary term “%(term)s”") % {"lesson": label, "term": term}
            )
            item.save()
        changed = True
    if wanted_facts != list(lesson.facts.values_list("text", flat=True)):
        lesson.facts.all().delete()
        for order, text in enumerate(wanted_facts):
            fact = Fact(lesson=lesson, text=text, order=order)
            _check(fact, _("%(lesson)s, fact %(number)s") % {"lesson": label, "number": order + 1})
            fact.save()
        changed = True
    return changed


def _same_sources(wanted: list, current: list) -> bool:
    """Equal, where a blank label in the pack matches whatever letter was assigned."""
    if [source_id for source_id, _values in wanted] != [
        source_id for source_id, _values in current
    ]:
        return False
    for (_wanted_id, want), (_current_id, have) in zip(wanted, current, strict=True):
        if {**want, "label": want["label"] or have["label"]} != have:
            return False
    return True


def _interpretation(item: dict, label: str) -> Interpretation:
    found = Interpretation.objects.filter(
        historian__slug=item.get("historian"),
        work__slug=item.get("work"),
        position=item.get("position"),
    ).first()
    if found is None:
        problem = _("no interpretation “%(position)s” by “%(historian)s” in the pack or here.") % {
            "position": item.get("position"),
            "historian": item.get("historian"),
        }
        raise PackError(located(label, problem))
    return found
