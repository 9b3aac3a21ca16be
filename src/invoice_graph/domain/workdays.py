"""China working days, with the official holidays and adjusted workdays (SPEC section 1, 5, 14).

The package `chinesecalendar` knows the official calendar up to a known year (1.11.0: 2026) and
raises NotImplementedError past it. Operators add later years with `HOLIDAYS_FILE` (the schedule
the server installs with `use_holiday_schedule`; a year it lists replaces the package's). Past
both we fall back to Monday-Friday, log a warning once per process, and let the readiness check
ask `calendar_covers(year)`.
"""

import functools
import logging
from datetime import date, datetime, timedelta

import chinese_calendar

from invoice_graph.domain.applications import ApplicationStatus, InvoiceMedium
from invoice_graph.domain.holiday_schedule import EMPTY_SCHEDULE, HolidaySchedule
from invoice_graph.domain.months import CST

logger = logging.getLogger(__name__)

# Applications in these statuses have not been mailed yet: they can be overdue.
NOT_SHIPPED = frozenset({ApplicationStatus.PENDING, ApplicationStatus.ISSUED})
# What dueBy is a deadline for: a paper invoice issued and mailed in three working days, an
# e-invoice issued in one. Until then an application in these statuses is not late yet.
DUE_WORKING_DAYS = {InvoiceMedium.PAPER: 3, InvoiceMedium.ELECTRONIC: 1}
NOT_DONE = {
    InvoiceMedium.PAPER: NOT_SHIPPED,
    InvoiceMedium.ELECTRONIC: frozenset({ApplicationStatus.PENDING}),
}

_schedule = EMPTY_SCHEDULE


def use_holiday_schedule(schedule: HolidaySchedule) -> None:
    """Count the operator's holidays and adjusted workdays for the years the schedule lists."""
    global _schedule  # noqa: PLW0603 (one schedule per process, installed at start)
    _schedule = schedule


@functools.cache
def _warn_fallback() -> None:
    """Log, once per process, that the official calendar has run out."""
    logger.warning(
        "The China holiday calendar (package chinesecalendar) has no data for some dates; "
        "counting Monday-Friday as working days for them. Add the official schedule with "
        "HOLIDAYS_FILE, or upgrade chinesecalendar."
    )


def calendar_covers(year: int) -> bool:
    """Tell whether the official calendar knows a year.

    Args:
        year: the calendar year.

    Returns:
        True when holidays and adjusted workdays of that year are known.
    """
    if year in _schedule.years:
        return True
    try:
        chinese_calendar.is_workday(date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    """Tell whether a day is a working day in mainland China.

    Args:
        day: the date (in CST).

    Returns:
        True for a working day, adjusted workdays on weekends included; Monday-Friday for
        dates the official calendar does not know.
    """
    if day.year in _schedule.years:
        return _schedule.is_workday(day)
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        _warn_fallback()
        return day.weekday() < 5


def add_working_days(start: date, n: int) -> date:
    """The n-th working day after a date.

    Args:
        start: the day counting starts from (not counted itself).
        n: how many working days to add; 0 returns start.

    Returns:
        The date of the n-th working day after start.
    """
    day = start
    remaining = n
    while remaining > 0:
        day += timedelta(days=1)
        if is_workday(day):
            remaining -= 1
    return day


def due_by(submitted_at: datetime, medium: InvoiceMedium = InvoiceMedium.PAPER) -> date:
    """An application's deadline: three working days after its submission date (CST) to issue and
    mail a paper invoice, one to issue an e-invoice."""
    return add_working_days(submitted_at.astimezone(CST).date(), DUE_WORKING_DAYS[medium])


def today_cst(now: datetime | None = None) -> date:
    """Today's date in China Standard Time."""
    return (now or datetime.now(CST)).astimezone(CST).date()


def is_overdue(
    status: ApplicationStatus, due: date, today: date, medium: InvoiceMedium = InvoiceMedium.PAPER
) -> bool:
    """Tell whether an application is late: today (CST) is after its dueBy and a paper invoice is
    not shipped yet, or an e-invoice not issued yet.

    Args:
        status: the application's status.
        due: its dueBy date.
        today: today's date in CST.
        medium: what the invoice is issued on.

    Returns:
        True when it should have been mailed (paper) or issued (electronic) by now.
    """
    return status in NOT_DONE[medium] and today > due
