"""HOLIDAYS_FILE: the operator's schedule of years chinesecalendar does not know yet (SPEC 14)."""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from invoice_graph.config import Settings
from invoice_graph.domain import workdays
from invoice_graph.domain.holiday_schedule import EMPTY_SCHEDULE, parse_holiday_schedule
from invoice_graph.domain.workdays import calendar_covers, due_by, is_workday, use_holiday_schedule

# An example schedule for a year past the package's data (not the official one of any year).
SCHEDULE = """
# Spring Festival: a week off, and one Saturday worked instead
[2031]
holidays = ["2031-01-01", "2031-01-22..2031-01-28"]
workdays = ["2031-01-18"]
"""


@pytest.fixture(autouse=True)
def _no_schedule_afterwards() -> Iterator[None]:
    yield
    use_holiday_schedule(EMPTY_SCHEDULE)
    workdays._warn_fallback.cache_clear()


def test_a_schedule_lists_days_and_inclusive_ranges() -> None:
    schedule = parse_holiday_schedule(SCHEDULE)
    assert schedule.years == {2031}
    assert len(schedule.holidays) == 8
    assert date(2031, 1, 25) in schedule.holidays
    assert schedule.workdays == {date(2031, 1, 18)}


def test_the_schedule_decides_working_days_and_deadlines_of_its_years() -> None:
    # given a year the package does not know: Monday-Friday at first
    assert not calendar_covers(2031)
    before_the_saturday = datetime(2031, 1, 16, 2, 0, tzinfo=UTC)  # Thursday 16 January, 10:00 CST
    before_the_holidays = datetime(2031, 1, 20, 2, 0, tzinfo=UTC)  # Monday 20 January
    assert due_by(before_the_saturday) == date(2031, 1, 21)
    assert due_by(before_the_holidays) == date(2031, 1, 23)
    # when the operator's schedule is installed
    use_holiday_schedule(parse_holiday_schedule(SCHEDULE))
    # then the year is known, its holidays are skipped and its adjusted Saturday counts
    assert calendar_covers(2031)
    assert is_workday(date(2031, 1, 18))  # a Saturday worked instead
    assert not is_workday(date(2031, 1, 22))  # a Wednesday off
    assert not is_workday(date(2031, 1, 19))  # an ordinary Sunday
    # Friday 17, Saturday 18, Monday 20
    assert due_by(before_the_saturday) == date(2031, 1, 20)
    # Tuesday 21, then Wednesday 22 to Tuesday 28 off, Wednesday 29 and Thursday 30
    assert due_by(before_the_holidays) == date(2031, 1, 30)


def test_years_the_package_knows_are_unchanged_when_the_file_lists_others() -> None:
    use_holiday_schedule(parse_holiday_schedule(SCHEDULE))
    assert not is_workday(date(2025, 10, 1))
    assert is_workday(date(2025, 9, 28))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[2031]\nholidays = [1]", "must be a list of dates"),
        ('[2031]\nholidays = ["2031-02-30"]', "'2031-02-30' is not a date"),
        ('[2031]\nholidays = ["2032-01-01"]', "is not a day or an ordered range of 2031"),
        ('[2031]\nholidays = ["2031-01-28..2031-01-22"]', "is not a day or an ordered range of 2031"),
        ('[2031]\nworkdays = ["2031-01-20"]', "2031-01-20 is a weekday"),
        ('[2031]\nholidays = ["2031-01-18"]\nworkdays = ["2031-01-18"]', "both a holiday and a workday"),
        ('[next]\nholidays = ["2031-01-01"]', "'next' is not a year"),
        ('[2031]\nvacations = ["2031-01-01"]', "unknown keys vacations"),
        ("[2031\n", "not valid TOML"),
        ("[2031]\n", "lists no holidays"),
    ],
)
def test_a_bad_schedule_names_its_problem(text: str, problem: str) -> None:
    with pytest.raises(ValueError, match=problem):
        parse_holiday_schedule(text)


def test_every_problem_is_named_at_once() -> None:
    with pytest.raises(ValueError, match="2031-13-01") as raised:
        parse_holiday_schedule('[2031]\nholidays = ["2031-13-01"]\nworkdays = ["2031-01-20"]\n[x]\n')
    assert "2031-01-20 is a weekday" in str(raised.value)
    assert "'x' is not a year" in str(raised.value)


def test_settings_read_and_check_the_file_when_they_load(tmp_path: Path) -> None:
    good = tmp_path / "holidays.toml"
    good.write_text(SCHEDULE, encoding="utf-8")
    assert Settings(holidays_file=good).holiday_schedule.years == {2031}
    bad = tmp_path / "bad.toml"
    bad.write_text('[2031]\nholidays = ["2031-01-01"]\nworkdays = ["2031-01-20"]', encoding="utf-8")
    with pytest.raises(ValidationError, match=r"HOLIDAYS_FILE .*bad\.toml: \[2031\] 2031-01-20 is a weekday"):
        Settings(holidays_file=bad)
    with pytest.raises(ValidationError, match="cannot be read"):
        Settings(holidays_file=tmp_path / "missing.toml")


def test_the_readme_example_is_a_valid_schedule() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = readme.split("```toml\n", 1)[1].split("```", 1)[0]
    schedule = parse_holiday_schedule(example)
    assert schedule.years == {2027}
    assert date(2027, 10, 7) in schedule.holidays
