"""Whether a field's selection reaches a path: lets a list load what its items will ask for, once."""

from typing import Any

import strawberry
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection


def selects(info: strawberry.Info[Any, Any], *path: str) -> bool:
    """Whether the resolving field's selection holds a field at `path` (field names, through fragments).

    Directives are not evaluated: a field under `@skip` or `@include` counts as selected, so the
    worst a wrong guess costs is a load nobody reads.
    """
    # selected_fields holds the resolving field itself (once per node that asks for it).
    fields = info.selected_fields
    return any(_holds(field.selections, path) for field in fields if isinstance(field, SelectedField))


def _holds(selections: list[Selection], path: tuple[str, ...]) -> bool:
    name, rest = path[0], path[1:]
    for selection in selections:
        if isinstance(selection, SelectedField):
            if selection.name == name and (not rest or _holds(selection.selections, rest)):
                return True
        elif isinstance(selection, FragmentSpread | InlineFragment) and _holds(selection.selections, path):
            return True
    return False
