"""The limit and the one-default rule shared by titles and addresses."""

from datetime import UTC, datetime

import pytest

from invoice_graph.domain.errors import DomainError, ErrorCode
from invoice_graph.domain.owned_lists import (
    Owned,
    becomes_default,
    check_keeps_a_default,
    check_room,
    successor_of,
)


def _item(item_id: int, day: int, *, is_default: bool = False) -> Owned[str]:
    created = datetime(2026, 1, day, tzinfo=UTC)
    return Owned(1, item_id, "printed fields", is_default, created, created)


def test_the_first_item_is_the_default_whatever_was_asked() -> None:
    assert becomes_default(held=0, requested=False) is True
    assert becomes_default(held=3, requested=None) is False
    assert becomes_default(held=3, requested=True) is True


def test_the_limit_refuses_the_item_past_it() -> None:
    check_room(held=19, limit=20, things="invoice titles")
    with pytest.raises(DomainError) as refused:
        check_room(held=20, limit=20, things="invoice titles")
    assert refused.value.code is ErrorCode.LIMIT_REACHED
    assert "at most 20 invoice titles" in refused.value.message


def test_the_default_cannot_be_unset_directly() -> None:
    check_keeps_a_default(requested=False, is_default=False, thing="title")
    with pytest.raises(DomainError) as refused:
        check_keeps_a_default(requested=False, is_default=True, thing="title")
    assert (refused.value.code, refused.value.field) == (ErrorCode.INVALID, ["input", "isDefault"])


def test_deleting_the_default_passes_it_to_the_newest_remaining_item() -> None:
    default, older, newer = _item(1, 1, is_default=True), _item(2, 2), _item(3, 9)
    assert successor_of([default, older, newer], default) is newer
    assert successor_of([default, older, newer], older) is None
    assert successor_of([default], default) is None
