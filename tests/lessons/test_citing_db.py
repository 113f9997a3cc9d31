"""`citing.essay` under the IB Historical Investigation format that migration 0016 ships:
its sections, limits and counting rule, read in one query (none when prefetched), however
many citations the answer has."""

from __future__ import annotations

import pytest

from lessons.models import AnswerFormat
from lessons.services.citing import essay
from tests.lessons.test_citing import BY_NATURE, lesson

IB = "ib-historical-investigation"


@pytest.mark.django_db
def test_an_ib_essay_reads_the_format_once_however_many_citations_it_has(
    django_assert_num_queries,
):
    sources = lesson(A=BY_NATURE["speech"], B=BY_NATURE["book"], C=BY_NATURE["cartoon"])
    for n in (1, 15):
        typed = {
            "sources": " ".join(f"Claim [@A, {page}]." for page in range(1, n + 1)),
            "investigation": "Argument [@B, 3] and a cartoon [@c].",
            "reflection": "Methods.",
        }
        answer_format = AnswerFormat.objects.get(slug=IB)
        with django_assert_num_queries(1):
            result = essay(answer_format, typed, lesson_sources=sources)
        assert len(result.notes) == n + 2
        prefetched = AnswerFormat.objects.prefetch_related("sections").get(slug=IB)
        with django_assert_num_queries(0):
            again = essay(prefetched, typed, lesson_sources=sources)
        assert [note.html for note in again.notes] == [note.html for note in result.notes]

    assert [(p.key, p.suggested_words, p.words) for p in result.parts] == [
        ("sources", 500, 15),
        ("investigation", 1300, 4),
        ("reflection", 400, 1),
    ]
    assert (result.word_limit, result.counts_works_cited) == (2200, False)
    assert result.total_words == result.text_words == 20 and not result.over_limit
    assert [p.title for p in result.parts][0] == "Identification and evaluation of sources"
