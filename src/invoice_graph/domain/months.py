"""Calendar months in China Standard Time, written "YYYY-MM"."""

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Self

CST = timezone(timedelta(hours=8), "CST")
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})")


@dataclass(frozen=True, order=True, slots=True)
class Month:
    """A calendar month; ordered chronologically."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise ValueError(f"{self.year:04d}-{self.month:02d} is not a month")

    @classmethod
    def parse(cls, text: str) -> Self:
        """Parse "YYYY-MM"; raises ValueError with a hint otherwise."""
        match = _MONTH.fullmatch(text)
        if not match:
            raise ValueError(f'{text!r} is not a month: write it as "YYYY-MM", e.g. "2026-10"')
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Self:
        """The month a date falls in."""
        return cls(day.year, day.month)

    @classmethod
    def of_instant(cls, instant: datetime) -> Self:
        """The month an instant falls in, in China Standard Time."""
        return cls.of(instant.astimezone(CST).date())

    @property
    def first_day(self) -> date:
        """The first day of the month."""
        return date(self.year, self.month, 1)

    def next(self) -> "Month":
        """The month after this one."""
        if self.month == 12:
            return Month(self.year + 1, 1)
        return Month(self.year, self.month + 1)

    def previous(self) -> "Month":
        """The month before this one."""
        if self.month == 1:
            return Month(self.year - 1, 12)
        return Month(self.year, self.month - 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from first to last, both included."""
    months: list[Month] = []
    current = first
    while current <= last:
        months.append(current)
        current = current.next()
    return months


def cst_midnight(day: date) -> datetime:
    """00:00 China Standard Time on a day, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=CST)
