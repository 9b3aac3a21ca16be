"""China working days, with holidays, adjusted workdays and the fallback past the calendar (SPEC 1, 5)."""

import logging
from datetime import UTC, date, datetime

import pytest

from invoice_graph.domain import workdays
from invoice_graph.domain.applications import ApplicationStatus
from invoice_graph.domain.workdays import add_working_days, calendar_covers, due_by, is_overdue, is_workday


@pytest.fixture(autouse=True)
def _fresh_warning() -> None:
    workdays._warn_fallback.cache_clear()


def test_national_day_2025_is_skipped_and_its_adjusted_saturday_counts() -> None:
    # given Tuesday 30 September 2025, the day before the National Day week (1-8 October)
    start = date(2025, 9, 30)

    # when three working days are added
    # then 9 and 10 October count, and so does Saturday 11 October (an adjusted workday)
    assert add_working_days(start, 3) == date(2025, 10, 11)


def test_the_sunday_before_national_day_2025_is_a_workday() -> None:
    # given Sunday 28 September 2025, an adjusted workday, and the holiday itself
    # then the Sunday is a working day and 1 October is not
    assert is_workday(date(2025, 9, 28))
    assert not is_workday(date(2025, 10, 1))


def test_national_day_and_mid_autumn_2026_are_skipped() -> None:
    # given Thursday 24 September 2026: Mid-Autumn falls on Friday the 25th
    # when three working days are added
    # then the holiday and weekend are skipped: 28, 29, 30 September
    assert add_working_days(date(2026, 9, 24), 3) == date(2026, 9, 30)


def test_the_2026_holiday_week_ends_with_an_adjusted_saturday() -> None:
    # given the last day before National Day 2026 (1-7 October)
    # when three working days are added
    # then 8 and 9 October and Saturday 10 October (adjusted workday) count
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    assert is_workday(date(2026, 9, 20))  # a Sunday made a workday


def test_due_by_counts_from_the_submission_date_in_cst() -> None:
    # given an application submitted at 17:00 UTC on 30 September 2025, already 1 October in CST
    submitted = datetime(2025, 9, 30, 17, 0, tzinfo=UTC)

    # when its deadline is computed
    # then counting starts from 1 October (CST): 9, 10, 11 October
    assert due_by(submitted) == date(2025, 10, 11)


def test_past_the_calendar_weekdays_count_and_a_warning_is_logged_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # given a year the installed calendar does not know
    assert not calendar_covers(2099)
    assert calendar_covers(2025)

    # when working days are counted in it, twice
    with caplog.at_level(logging.WARNING, logger="invoice_graph.domain.workdays"):
        first = add_working_days(date(2099, 1, 2), 3)  # a Friday
        second = add_working_days(date(2099, 1, 9), 1)

    # then Monday-Friday count, nothing crashes, and the fallback is logged once
    assert first == date(2099, 1, 7)
    assert second == date(2099, 1, 12)
    assert len([r for r in caplog.records if "Monday-Friday" in r.message]) == 1


def test_counting_across_the_end_of_the_calendar_does_not_crash() -> None:
    # given the last working day of 2026
    # when counting runs into 2027, where the calendar has no data
    # then it goes on with Monday-Friday
    assert add_working_days(date(2026, 12, 31), 3) == date(2027, 1, 5)


@pytest.mark.parametrize(
    ("status", "today", "overdue"),
    [
        (ApplicationStatus.PENDING, date(2025, 10, 12), True),
        (ApplicationStatus.ISSUED, date(2025, 10, 12), True),
        (ApplicationStatus.PENDING, date(2025, 10, 11), False),
        (ApplicationStatus.SHIPPED, date(2025, 10, 20), False),
        (ApplicationStatus.CANCELLED, date(2025, 10, 20), False),
    ],
)
def test_overdue_means_not_shipped_and_after_due_by(
    status: ApplicationStatus, today: date, overdue: bool
) -> None:
    assert is_overdue(status, date(2025, 10, 11), today) is overdue
