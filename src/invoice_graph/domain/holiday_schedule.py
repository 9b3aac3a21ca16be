"""The operator's holiday schedule: official holidays and adjusted workdays of years that the
installed chinesecalendar does not know yet (SPEC 14, `HOLIDAYS_FILE`).

The State Council publishes the next year's schedule each autumn, months before a package
release carries it. The file is TOML, one table per year; entries are dates or inclusive ranges:

    [2027]
    holidays = ["2027-01-01", "2027-02-06..2027-02-12"]
    workdays = ["2027-02-14"]  # a Saturday or Sunday worked instead

A year the file lists replaces the package's data for that year.
"""

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta

_KEYS = frozenset({"holidays", "workdays"})
_WEEKEND = (5, 6)
_RANGE = ".."


@dataclass(frozen=True, slots=True)
class HolidaySchedule:
    """Holidays and adjusted workdays of whole years."""

    years: frozenset[int]
    holidays: frozenset[date]
    workdays: frozenset[date]

    def is_workday(self, day: date) -> bool:
        """Whether a day of one of `years` is a working day."""
        return day in self.workdays or (day.weekday() not in _WEEKEND and day not in self.holidays)


EMPTY_SCHEDULE = HolidaySchedule(years=frozenset(), holidays=frozenset(), workdays=frozenset())


def parse_holiday_schedule(text: str) -> HolidaySchedule:
    """Read a holiday schedule.

    Args:
        text: the TOML document.

    Returns:
        The schedule of every year it lists.

    Raises:
        ValueError: naming every problem found (a key that is not a year, an unknown list, a
            malformed date or range, a date outside its year, an adjusted workday on a weekday,
            a day in both lists).
    """
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"not valid TOML ({error})") from error
    problems: list[str] = []
    years: set[int] = set()
    holidays: set[date] = set()
    workdays: set[date] = set()
    for key, table in document.items():
        year = _year(key, table, problems)
        if year is None:
            continue
        years.add(year)
        if not table.get("holidays"):
            problems.append(f"[{year}] lists no holidays: every year has some; give its official schedule")
        holidays |= _days(year, "holidays", table.get("holidays", []), problems)
        workdays |= _days(year, "workdays", table.get("workdays", []), problems)
    problems.extend(
        f"[{day.year}] {day.isoformat()} is a weekday: workdays lists weekend days worked instead"
        for day in sorted(workdays)
        if day.weekday() not in _WEEKEND
    )
    problems.extend(
        f"[{day.year}] {day.isoformat()} is both a holiday and a workday"
        for day in sorted(holidays & workdays)
    )
    if problems:
        raise ValueError("; ".join(problems))
    return HolidaySchedule(years=frozenset(years), holidays=frozenset(holidays), workdays=frozenset(workdays))


def _year(key: str, table: object, problems: list[str]) -> int | None:
    """The year a top-level table is for, or None (with the problem noted)."""
    if not (key.isascii() and key.isdigit() and len(key) == 4):
        problems.append(f"{key!r} is not a year: name each table by its year, e.g. [2027]")
        return None
    if not isinstance(table, dict):
        problems.append(f"{key} must be a table with holidays and workdays lists")
        return None
    if unknown := sorted(set(table) - _KEYS):
        problems.append(f"[{key}] has unknown keys {', '.join(unknown)}: use holidays and workdays")
    return int(key)


def _days(year: int, name: str, entries: object, problems: list[str]) -> set[date]:
    """The days of one list of a year: dates and inclusive ranges "start..end"."""
    if not isinstance(entries, list) or not all(isinstance(entry, str) for entry in entries):
        problems.append(f'[{year}] {name} must be a list of dates such as "{year}-01-01"')
        return set()
    days: set[date] = set()
    for entry in entries:
        first_text, _, last_text = entry.partition(_RANGE)
        try:
            first = date.fromisoformat(first_text.strip())
            last = date.fromisoformat(last_text.strip()) if last_text else first
        except ValueError:
            problems.append(f'[{year}] {name}: {entry!r} is not a date "YYYY-MM-DD" or a range "start..end"')
            continue
        if first.year != year or last.year != year or last < first:
            problems.append(f"[{year}] {name}: {entry!r} is not a day or an ordered range of {year}")
            continue
        days |= {first + timedelta(days=n) for n in range((last - first).days + 1)}
    return days
