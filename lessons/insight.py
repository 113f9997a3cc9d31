"""The class at a glance: figures for a teacher's dashboard, computed in Python from a
fixed handful of queries, so the page costs the same for 5 students or 35."""

from __future__ import annotations

import statistics
import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

import orjson
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lessons.models import Extent, Rating, SourceAnnotation, Submission, region_percent
from sources.text import anchor_text, find_quote

SCALE = (1, 2, 3, 4, 5)


@dataclass
class Bar:
    value: int
    label: str
    count: int
    percent: int  # of the largest count, for the bar's length


def bars(counts: Counter, labels: dict[int, str]) -> list[Bar]:
    largest = max(counts.values(), default=0) or 1
    return [
        Bar(value, labels[value], counts.get(value, 0), round(100 * counts.get(value, 0) / largest))
        for value in labels
    ]


class Stage(models.TextChoices):
    """Where a student is with an assignment, as the teacher's pages name it."""

    NOT_STARTED = "not_started", gettext_lazy("Not started")
    WORKING = "working", gettext_lazy("Working")
    TO_MARK = "to_mark", gettext_lazy("To mark")
    RETURNED = "returned", gettext_lazy("Returned")


def stage(answer_status: str | None, started: bool) -> Stage:
    """Where a student is. `started`: they have touched at least one source; any answer
    counts as started too."""
    if answer_status == Submission.Status.SUBMITTED:
        return Stage.TO_MARK
    if answer_status == Submission.Status.RETURNED:
        return Stage.RETURNED
    return Stage.WORKING if started or answer_status else Stage.NOT_STARTED


@dataclass
class StudentRow:
    student: object
    enrolment: object
    ratings: list  # one per lesson source: the rating or None
    statuses: list  # one per lesson source: "done", "in_progress" or ""
    submission: Submission | None
    review_url: str = ""  # the marking page, when a page links to it

    @property
    def done(self) -> int:
        return self.statuses.count(SourceAnnotation.Status.DONE)

    @property
    def started(self) -> bool:
        return any(self.statuses) or self.submission is not None

    @property
    def stage(self) -> Stage:
        return stage(self.submission.status if self.submission else None, self.started)

    @property
    def stage_label(self) -> str:
        return self.stage.label


@dataclass
class SourceSpread:
    lesson_source: object
    counts: Counter
    bars: list[Bar]
    rated: int
    mean: float | None
    spread: float  # standard deviation of the class's ratings; 0 when fewer than two
    model_rating: int | None
    passages: list[tuple[str, int]] = field(default_factory=list)
    heat: list[tuple[str, int]] = field(default_factory=list)
    highlighters: int = 0
    regions: list[dict] = field(default_factory=list)  # every student's, in percentages
    region_markers: int = 0

    @property
    def contested(self) -> bool:
        return self.rated >= 2 and self.spread >= 1.0

    @property
    def distance_from_model(self) -> float | None:
        if self.model_rating is None or self.mean is None:
            return None
        return round(self.mean - self.model_rating, 1)


def student_rows(enrolments, lesson_sources, annotations, submissions) -> list[StudentRow]:
    by_pair = {(a.student_id, a.lesson_source_id): a for a in annotations}
    by_student = {s.student_id: s for s in submissions}
    rows = []
    for enrolment in enrolments:
        student = enrolment.student
        cells = [by_pair.get((student.pk, ls.pk)) for ls in lesson_sources]
        rows.append(
            StudentRow(
                student=student,
                enrolment=enrolment,
                ratings=[cell.rating if cell else None for cell in cells],
                statuses=[cell.status if cell else "" for cell in cells],
                submission=by_student.get(student.pk),
            )
        )
    return rows


@dataclass(slots=True)
class ClassAnnotation:
    """One student's analysis of one source as the dashboard reads it: no answers, and
    the highlights still as the JSON text the database holds (`class_heat` decodes
    only what it has to count again)."""

    pk: int
    student_id: int
    lesson_source_id: int
    rating: int | None
    status: str
    prediction: str
    revealed_at: object
    regions: list
    highlights_json: str


@dataclass(frozen=True)
class Heat:
    """What a class highlighted in one source: the text in runs with how many students
    highlighted each, the most highlighted quotes, and how many students highlighted."""

    runs: list[tuple[str, int]]
    passages: list[tuple[str, int]]
    highlighters: int


NO_HEAT = Heat([], [], 0)


class HeatCache:
    """Each worker's last `Heat` of each class's sources, kept while what it was computed
    from is the same: the source's text and every student's highlights of it, as the
    database holds them. A dashboard reloaded while a few students work recomputes only
    the sources they changed. Entries keep a hash of that, not the text."""

    def __init__(self, size: int = 512):
        self.size = size
        self._entries: OrderedDict = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key, check) -> Heat | None:
        with self._lock:
            entry = self._entries.get(key)
            if entry is None or entry[0] != check:
                return None
            self._entries.move_to_end(key)
            return entry[1]

    def put(self, key, check, heat: Heat) -> None:
        with self._lock:
            self._entries[key] = (check, heat)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


HEAT = HeatCache()


def class_heat(assignment_id: int, lesson_sources, annotations) -> dict[int, Heat]:
    """Each source's `Heat` for one class assignment (`annotations`: its
    `ClassAnnotation`s), from `HEAT` where nothing it depends on has changed."""
    saved: dict[int, list[tuple[int, str]]] = {}
    for annotation in annotations:
        if annotation.highlights_json not in ("[]", ""):
            saved.setdefault(annotation.lesson_source_id, []).append(
                (annotation.pk, annotation.highlights_json)
            )
    heats = {}
    for ls in lesson_sources:
        rows = sorted(saved.get(ls.pk, ()))
        if not rows:
            heats[ls.pk] = NO_HEAT
            continue
        check = hash((ls.source.text, tuple(rows)))
        heat = HEAT.get((assignment_id, ls.pk), check)
        if heat is None:
            per_student = [h for h in (orjson.loads(text) for _, text in rows) if h]
            heat = NO_HEAT
            if per_student:
                text = anchor_text(ls.source.text)
                heat = Heat(*heat_and_passages(text, per_student), len(per_student))
            HEAT.put((assignment_id, ls.pk), check, heat)
        heats[ls.pk] = heat
    return heats


def source_spreads(
    lesson_sources, rows: list[StudentRow], annotations, heats: dict[int, Heat]
) -> list[SourceSpread]:
    """Each source's ratings across the class beside the teacher's, most contested first,
    with what the class highlighted (`class_heat`)."""
    labels = dict(Rating.choices)
    regions_by_source: dict[int, list[list[dict]]] = {}
    for annotation in annotations:
        if getattr(annotation, "regions", None):
            regions_by_source.setdefault(annotation.lesson_source_id, []).append(annotation.regions)
    spreads = []
    for index, ls in enumerate(lesson_sources):
        ratings = [row.ratings[index] for row in rows if row.ratings[index]]
        counts = Counter(ratings)
        heat = heats.get(ls.pk, NO_HEAT)
        spread = SourceSpread(
            lesson_source=ls,
            counts=counts,
            bars=bars(counts, labels),
            rated=len(ratings),
            mean=round(statistics.mean(ratings), 1) if ratings else None,
            spread=round(statistics.pstdev(ratings), 2) if len(ratings) >= 2 else 0.0,
            model_rating=ls.model_rating,
            highlighters=heat.highlighters,
            heat=heat.runs,
            passages=heat.passages,
        )
        marked = regions_by_source.get(ls.pk, [])
        spread.regions = [region_percent(r) for regions in marked for r in regions]
        spread.region_markers = len(marked)
        spreads.append(spread)
    return sorted(spreads, key=lambda s: (-s.spread, -s.rated, s.lesson_source.order))


def _most_common(counts: Counter, limit: int) -> list[tuple[str, int]]:
    # Most students first; among equals, in the order of the words, so the page is the same
    # on every load.
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def heat_and_passages(
    text: str, per_student: list[list[dict]], limit: int = 3
) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    """The text cut into runs with how many students highlighted each run, and the
    quotes most students highlighted (each student counted once per quote), in one pass
    over the highlights, which a class has thousands of.

    Each student's highlights are merged first, so overlapping ones count that student
    once; then each student adds one where their merged spans start and takes it away
    where they end, and a running sum gives the count at every character. A highlight
    still at its saved place has words already in the form they are counted in (the
    text's whitespace is collapsed), so only a moved one has its whitespace tidied.
    """
    counts: Counter = Counter()
    change: dict[int, int] = {}
    for highlights in per_student:
        spans = []
        quotes = set()
        for h in highlights:
            quote = h.get("quote")
            if not quote:
                continue
            # _placed's test for "still where it was saved", inline: this loop is the
            # dashboard's hottest, and the call cost as much as the test.
            start, end = h.get("start"), h.get("end")
            if (
                type(start) is int
                and type(end) is int
                and start >= 0
                and text[start:end] == quote
                and not (quote[0].isspace() or quote[-1].isspace())
            ):
                quotes.add(quote)
                spans.append((start, end))
                continue
            span, _ = _placed(text, h)
            quotes.add(" ".join(str(quote).split()))
            if span[0] < span[1]:
                spans.append(span)
        counts.update(quotes)
        spans.sort()
        merged: list[list[int]] = []
        for start, end in spans:
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            change[start] = change.get(start, 0) + 1
            change[end] = change.get(end, 0) - 1
    passages = _most_common(counts, limit)
    if not text:
        return [], passages
    # The running sum, taken only where a count changes (the text has thousands of
    # characters and a class a few hundred span ends).
    runs: list[tuple[str, int]] = []
    start, count = 0, change.get(0, 0)
    for i in sorted(change):
        if 0 < i < len(text) and change[i]:
            runs.append((text[start:i], count))
            start, count = i, count + change[i]
    runs.append((text[start:], count))
    return runs, passages


def _place(text: str, highlight: dict) -> tuple[int, int]:
    """Where a highlight sits now: its offsets if the quote is still there, else the
    quote's nearest occurrence; nowhere if the words were edited away."""
    return _placed(text, highlight)[0]


def _placed(text: str, highlight: dict) -> tuple[tuple[int, int], bool]:
    """`_place`, and whether the highlight was exactly where it was saved."""
    quote, start, end = highlight.get("quote"), highlight.get("start"), highlight.get("end")
    if (
        quote
        and isinstance(start, int)
        and isinstance(end, int)
        and start >= 0
        and text[start:end] == quote
        and not (quote[0].isspace() or quote[-1].isspace())  # as find_quote would trim it
    ):
        return (start, end), True  # where it was saved: no search (a class has thousands)
    span = find_quote(text, str(quote or ""), int(start or 0))
    return (span or (0, 0)), False


def judgement_bars(submissions) -> list[Bar]:
    counts = Counter(s.judgement for s in submissions if s.judgement)
    return bars(counts, dict(Extent.choices))


def interpretation_bars(submissions, interpretations) -> list[Bar]:
    counts = Counter(
        s.preferred_interpretation_id for s in submissions if s.preferred_interpretation_id
    )
    labels = {i.pk: interpretation_label(i) for i in interpretations}
    return bars(counts, labels)


def interpretation_label(interpretation) -> str:
    """“Historian: position”, as the dashboard and the marks export name an interpretation."""
    return _("%(historian)s: %(position)s") % {
        "historian": interpretation.historian.name,
        "position": interpretation.position,
    }
