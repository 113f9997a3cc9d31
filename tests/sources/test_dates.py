from __future__ import annotations

import pytest

from sources.dates import PartialDate


def test_a_year_alone_is_a_valid_date():
    assert PartialDate.errors(1956, None, None) == {}


def test_a_missing_year_is_reported_against_the_year_field():
    assert PartialDate.errors(None, 9, None) == {"year": "Enter a year between 1 and 9999."}


@pytest.mark.parametrize("year", [0, -5, 10000])
def test_a_year_outside_1_to_9999_is_rejected(year):
    assert PartialDate.errors(year) == {"year": "Enter a year between 1 and 9999."}


@pytest.mark.parametrize("month", [0, 13])
def test_a_month_outside_1_to_12_is_rejected(month):
    assert PartialDate.errors(1956, month) == {"month": "Month must be between 1 and 12."}


def test_a_day_without_a_month_is_rejected():
    assert PartialDate.errors(1956, None, 3) == {
        "day": "A day needs a month: enter the month too, or leave the day empty."
    }


def test_a_day_past_the_end_of_the_month_names_the_month_and_its_length():
    assert PartialDate.errors(1959, 2, 29) == {"day": "February 1959 has only 28 days."}


def test_the_twenty_ninth_of_february_exists_in_a_leap_year():
    assert PartialDate.errors(1960, 2, 29) == {}


def test_a_day_of_zero_is_rejected():
    assert PartialDate.errors(1960, 4, 0) == {"day": "Day must be between 1 and 30."}


def test_every_problem_is_reported_at_once():
    assert PartialDate.errors(None, 13, 40).keys() == {"year", "month"}
    assert PartialDate.errors(0, None, 5).keys() == {"year", "day"}


def test_an_invalid_partial_date_cannot_be_constructed():
    with pytest.raises(ValueError, match="February 1959 has only 28 days."):
        PartialDate(1959, 2, 29)


def test_a_partial_date_sorts_before_the_full_dates_it_contains():
    dates = [PartialDate(1959, 9, 15), PartialDate(1959), PartialDate(1959, 9), PartialDate(1958)]
    assert [d.sort_key for d in sorted(dates, key=lambda d: d.sort_key)] == [
        19580000,
        19590000,
        19590900,
        19590915,
    ]


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (PartialDate(1956), "1956"),
        (PartialDate(1955, 9), "September 1955"),
        (PartialDate(1960, 10, 3), "3 October 1960"),
        (PartialDate(1954, circa=True), "c. 1954"),
        (PartialDate(1955, 9, circa=True), "c. September 1955"),
    ],
)
def test_display_uses_the_british_form_shown_on_pages(date, expected):
    assert date.display() == expected
    assert str(date) == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (PartialDate(1956), "1956"),
        (PartialDate(1955, 9), "September 1955"),
        (PartialDate(1960, 10, 3), "October 3, 1960"),
        (PartialDate(1954, circa=True), "ca. 1954"),
    ],
)
def test_chicago_uses_month_day_year_and_ca_for_circa(date, expected):
    assert date.chicago() == expected


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (PartialDate(1960), "1960"),
        (PartialDate(1960, 10), "1960-10"),
        (PartialDate(1960, 10, 3), "1960-10-03"),
        (PartialDate(955), "0955"),
    ],
)
def test_iso_keeps_only_the_known_precision(date, expected):
    assert date.iso() == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1960", PartialDate(1960)),
        ("1960-10", PartialDate(1960, 10)),
        (" 1960-10-03 ", PartialDate(1960, 10, 3)),
        ("c. 1954", PartialDate(1954, circa=True)),
        ("ca. 1955-09", PartialDate(1955, 9, circa=True)),
        ("circa 1954", PartialDate(1954, circa=True)),
    ],
)
def test_parse_reads_the_iso_forms_with_an_optional_circa(text, expected):
    assert PartialDate.parse(text) == expected


@pytest.mark.parametrize("text", ["", "October 1960", "1960/10/03", "60", "c1954"])
def test_parse_rejects_other_forms_with_a_message_showing_the_accepted_ones(text):
    with pytest.raises(ValueError, match="use YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse(text)


def test_parse_rejects_a_day_that_does_not_exist():
    with pytest.raises(ValueError, match="February 1959 has only 28 days."):
        PartialDate.parse("1959-02-29")


def test_the_decade_is_the_year_rounded_down_to_ten():
    assert PartialDate(1959, 12, 31).decade == 1950
    assert PartialDate(1960).decade == 1960
