"""Pages of ordered lists, as the read side hands them out (keyset pagination, SPEC section 7)."""

from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PageRequest:
    """Which slice of an ordered list to return; keys are the sort-key values of a row."""

    first: int | None = None
    after: tuple[Any, ...] | None = None
    last: int | None = None
    before: tuple[Any, ...] | None = None

    @property
    def backwards(self) -> bool:
        """Whether the page is taken from the end (`last`)."""
        return self.last is not None

    @property
    def size(self) -> int:
        """How many rows the page holds at most."""
        return self.last if self.last is not None else (self.first or 0)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """A page of records, each with its sort key (for its cursor), and where the page sits."""

    records: list[T]
    keys: list[tuple[Any, ...]]
    has_next: bool
    has_previous: bool


def empty_page() -> Page[Any]:
    """A page with nothing on it."""
    return Page([], [], has_next=False, has_previous=False)
