"""Calendar months in China Standard Time, written "YYYY-MM" (SPEC 1)."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from invoice_graph.domain.months import CST, Month, cst_midnight, months_between


def test_month_is_read_from_its_yyyy_mm_text_and_written_back_the_same() -> None:
    # given a month as the API writes it
    # when it is parsed
    month = Month.parse("2026-03")

    # then it is that month and prints the same way
    assert month == Month(2026, 3)
    assert str(month) == "2026-03"


def test_early_years_print_with_four_digits() -> None:
    # given a month of a year below 1000
    # when it is printed
    # then the year is padded, so the text parses back
    assert str(Month(987, 1)) == "0987-01"
    assert Month.parse(str(Month(987, 1))) == Month(987, 1)


@pytest.mark.parametrize(
    "text",
    ["2026-3", "2026-13", "2026-00", "26-03", "2026/03", "2026-03-01", "03-2026", "", "0000-01", "2026-3 "],
)
def test_anything_but_a_real_yyyy_mm_month_is_refused(text: str) -> None:
    # given text that is not a real month written YYYY-MM
    # when it is parsed
    # then it is refused
    with pytest.raises(ValueError, match="is not a month"):
        Month.parse(text)


def test_badly_written_month_error_shows_the_expected_format() -> None:
    # given a month written the wrong way
    # when it is parsed
    with pytest.raises(ValueError, match="is not a month") as refused:
        Month.parse("March 2026")

    # then the message shows how to write it
    assert "YYYY-MM" in str(refused.value)


@pytest.mark.parametrize(("year", "month"), [(2026, 0), (2026, 13), (0, 5), (10000, 1)])
def test_impossible_months_cannot_be_made(year: int, month: int) -> None:
    # given a year and month that do not exist
    # when a Month is made of them
    # then it is refused
    with pytest.raises(ValueError, match="is not a month"):
        Month(year, month)


def test_months_sort_chronologically_across_years() -> None:
    # given months from two years, out of order
    months = [Month(2026, 1), Month(2025, 12), Month(2025, 2), Month(2026, 10)]

    # when they are sorted
    # then they are in calendar order
    assert sorted(months) == [Month(2025, 2), Month(2025, 12), Month(2026, 1), Month(2026, 10)]


def test_equal_months_are_one_key() -> None:
    # given the same month parsed and constructed
    # when both are used as keys
    months = {Month.parse("2026-03"), Month(2026, 3)}

    # then they count once
    assert months == {Month(2026, 3)}


@pytest.mark.parametrize(
    ("month", "following"),
    [(Month(2026, 3), Month(2026, 4)), (Month(2025, 12), Month(2026, 1))],
)
def test_next_and_previous_step_one_month_across_year_ends(month: Month, following: Month) -> None:
    # given a month and the one after it
    # when stepping forward and back
    # then December is followed by January of the next year and back again
    assert month.next() == following
    assert following.previous() == month


def test_month_of_a_date_and_its_first_day() -> None:
    # given a day in the middle of February of a leap year
    month = Month.of(date(2024, 2, 29))

    # then its month starts on the first of February
    assert month == Month(2024, 2)
    assert month.first_day == date(2024, 2, 1)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 1, 31, 15, 59, 59, tzinfo=UTC), Month(2026, 1)),
        (datetime(2026, 1, 31, 16, 0, tzinfo=UTC), Month(2026, 2)),
        (datetime(2025, 12, 31, 16, 0, tzinfo=UTC), Month(2026, 1)),
        (datetime(2026, 3, 1, 0, 30, tzinfo=CST), Month(2026, 3)),
        (datetime(2026, 2, 28, 12, 0, tzinfo=timezone(timedelta(hours=-5))), Month(2026, 3)),
    ],
)
def test_month_of_an_instant_is_taken_in_china_standard_time(instant: datetime, expected: Month) -> None:
    # given an instant in any time zone
    # when its month is asked for
    # then the month is the one on a calendar in Beijing
    assert Month.of_instant(instant) == expected


def test_months_between_includes_both_ends_across_a_year_end() -> None:
    # given a first and a last month in different years
    # when every month between them is listed
    months = months_between(Month(2025, 11), Month(2026, 2))

    # then each appears once, in order, both ends included
    assert months == [Month(2025, 11), Month(2025, 12), Month(2026, 1), Month(2026, 2)]


def test_months_between_one_month_and_itself_is_that_month() -> None:
    assert months_between(Month(2026, 3), Month(2026, 3)) == [Month(2026, 3)]


def test_months_between_is_empty_when_last_precedes_first() -> None:
    assert months_between(Month(2026, 3), Month(2026, 2)) == []


def test_cst_midnight_is_16_00_utc_the_day_before() -> None:
    # given a day
    # when its midnight in China Standard Time is made
    midnight = cst_midnight(date(2026, 4, 3))

    # then it is an aware instant at 00:00 +08:00, i.e. 16:00 UTC on the previous day
    assert midnight.utcoffset() == timedelta(hours=8)
    assert (midnight.hour, midnight.minute, midnight.second) == (0, 0, 0)
    assert midnight == datetime(2026, 4, 2, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", ["2026-10\n", "\uff12\uff10\uff12\uff16-\uff11\uff10"])  # full-width digits
def test_months_are_exactly_yyyy_mm_in_ascii(text: str) -> None:
    with pytest.raises(ValueError, match="not a month"):
        Month.parse(text)
