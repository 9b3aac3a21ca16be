"""A planned executor: a selection's plain fields complete in one loop, the others as graphql-core does.

graphql-core executes each field through `execute_field`: a Path, a resolve info, the resolver,
then `complete_value`'s dispatch on the type. Most fields of this API are Strawberry's basic fields
(no resolver, extension or permission): an attribute of a record already loaded. Per object type
and grouped field set, once a request, the executor plans each field as one step:

- `__typename`: the type's name;
- a *plain* field, read without a resolve info: a basic field reads its attribute; a resolver that
  takes only the object (no info, no arguments, not async, no extension) is called with it;
  - of a String or ID: the value itself when it is a `str`;
  - of another scalar or an enum: the value coerced by the type's own coercion;
  - of an object type (Money, an edge's node, pageInfo): that object's planned selection;
  - of a list of objects (a connection's edges): each item's planned selection;
- any other field (arguments, an info, async resolvers, abstract types): `execute_field`.

Plans are made once per object type and selection of a parsed document, and shared by the requests
that send it, unless a directive (@skip, @include) makes the selection depend on the variables.

A plain step completes on its own only a value graphql-core would complete without an error. Any
other value (a null in a non-null field, a value the scalar refuses, an awaitable, an object of
another type, a list that is not a `list`) goes through graphql-core's own completion, with the
resolve info built then; an exception from the read is handled as `execute_field` handles a
resolver's. So every answer, error, message and path is graphql-core's.
tests/graphql/test_planned_execution.py runs the test suite's documents and generated ones through
both executors and compares them.
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from operator import attrgetter
from typing import Any, TypeVar

from graphql import (
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLID,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLString,
    OperationDefinitionNode,
    SelectionSetNode,
    Undefined,
)
from graphql.execution.collect_fields import FieldDetails, GroupedFieldSet
from graphql.execution.executor import to_nodes
from graphql.pyutils import Path, gather_with_cancel
from graphql.type.introspection import TypeNameMetaFieldDef
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter
from strawberry.types.base import has_object_definition
from strawberry.types.field import StrawberryField

from invoice_graph.domain.months import Month

FieldDetailsList = list[FieldDetails]

# How a step makes its value.
_STANDARD, _TYPENAME, _TEXT, _LEAF, _OBJECT, _OBJECTS, _VALUE = range(7)

# Types whose values are never awaitable: graphql-core's check for them is a failed attribute look-up.
_NEVER_AWAITABLE: set[type] = {
    str,
    int,
    bool,
    float,
    Decimal,
    date,
    datetime,
    Month,
    dict,
    list,
    tuple,
    type(None),
}


class _Step:
    """One field of a planned selection."""

    __slots__ = (
        "details",
        "field_def",
        "is_type_of",
        "item_nullable",
        "kind",
        "leaf",
        "name",
        "nullable",
        "object_type",
        "read",
        "return_type",
        "sub",
    )

    def __init__(
        self, kind: int, name: str, details: FieldDetailsList, field_def: GraphQLField | None
    ) -> None:
        self.kind = kind
        self.name = name
        self.details = details
        self.field_def = field_def
        self.return_type: GraphQLOutputType | None = field_def.type if field_def else None
        self.read: Callable[[Any], Any] | None = None
        self.leaf: Callable[[Any], Any] | None = None
        self.nullable = not isinstance(self.return_type, GraphQLNonNull)
        self.item_nullable = True
        self.object_type: GraphQLObjectType | None = None
        self.is_type_of: Callable[[Any, Any], Any] | None = None
        # The object's (or the items') planned selection, found on first use within the request.
        self.sub: list[_Step] | None = None


def _probe(_source: Any, _info: Any) -> None:
    """A resolver to ask the middleware manager whether it wraps resolvers."""


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """Strawberry's executor, with the plain fields of each selection planned."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        standard = self.is_awaitable

        def is_awaitable(value: Any) -> bool:
            kind = type(value)
            if kind in _NEVER_AWAITABLE:
                return False
            if standard(value):
                return True
            if isinstance(value, Enum) or has_object_definition(kind):
                _NEVER_AWAITABLE.add(kind)  # an enum member or a Strawberry object: no __await__
            return False

        def is_plain(value: Any) -> bool:
            """Neither awaitable nor an exception: graphql-core raises a returned exception."""
            return type(value) in _NEVER_AWAITABLE or not (
                isinstance(value, Exception) or is_awaitable(value)
            )

        self.is_awaitable = is_awaitable  # type: ignore[assignment]
        self._is_plain = is_plain
        # Strawberry always passes a middleware manager; it wraps resolvers only when an extension
        # resolves fields, and then every field takes the standard path.
        manager = self.middleware_manager
        self._wrapped = manager is not None and manager.get_field_resolver(_probe) is not _probe
        # Keyed by the grouped field set's identity; the set is kept alive with its plan.
        self._plans: dict[tuple[GraphQLObjectType, int], tuple[GroupedFieldSet, list[_Step]]] = {}
        self._shared = _operation_plans(self.operation, self.fragment_definitions)
        # Strawberry's exception handlers wrap resolvers: with any, only attributes are plain.
        strawberry_schema = getattr(self.schema, "_strawberry_schema", None)
        self._resolvers_plain = not getattr(strawberry_schema, "exception_handlers", ())

    def execute_fields(
        self,
        parent_type: GraphQLObjectType,
        source_value: Any,
        path: Path | None,
        grouped_field_set: GroupedFieldSet,
        position_context: Any,
    ) -> Any:
        """Execute a selection's fields: plain ones in the loop, the others through execute_field."""
        if position_context is not None or self._wrapped:
            return super().execute_fields(
                parent_type, source_value, path, grouped_field_set, position_context
            )
        return self._run(parent_type, source_value, path, self._plan(parent_type, grouped_field_set))

    def _run(  # noqa: PLR0912, PLR0915 (one loop on purpose: a call per field is what it saves)
        self, parent_type: GraphQLObjectType, source: Any, path: Path | None, plan: list[_Step]
    ) -> Any:
        """The selection's values, as graphql-core's execute_fields makes them."""
        type_name = parent_type.name
        is_awaitable = self.is_awaitable
        is_plain = self._is_plain
        results: dict[str, Any] = {}
        awaitable_fields: list[str] = []
        try:
            for step in plan:
                kind = step.kind
                name = step.name
                if kind == _TYPENAME:
                    results[name] = type_name
                    continue
                if kind == _STANDARD:
                    field_path = Path(path, name, type_name)
                    result = self.execute_field(parent_type, source, step.details, field_path, None)
                    if result is not Undefined:
                        results[name] = result
                        if is_awaitable(result):
                            awaitable_fields.append(name)
                    continue
                try:
                    value = step.read(source)  # type: ignore[misc]
                except Exception as error:
                    field_path = Path(path, name, type_name)
                    self.handle_field_error(error, step.return_type, step.details, field_path)  # type: ignore[arg-type]
                    results[name] = None
                    continue
                if value is None:
                    if step.nullable:
                        results[name] = None
                        continue
                elif kind == _TEXT and type(value) is str:
                    results[name] = value
                    continue
                elif kind == _LEAF and is_plain(value):
                    try:
                        coerced = step.leaf(value)  # type: ignore[misc]
                    except Exception:
                        coerced = None  # graphql-core's completion below raises it again, located
                    if coerced is not None and coerced is not Undefined:
                        results[name] = coerced
                        continue
                elif (
                    kind == _OBJECT
                    and is_plain(value)
                    and (step.is_type_of is None or step.is_type_of(value, None))
                ):
                    sub = step.sub if step.sub is not None else self._sub_plan(step)
                    if sub is not None:
                        completed = self._complete_object(step, sub, value, Path(path, name, type_name))
                        results[name] = completed
                        if is_awaitable(completed):
                            awaitable_fields.append(name)
                        continue
                elif kind == _OBJECTS and type(value) is list and self._plain_items(step, value):
                    sub = step.sub if step.sub is not None else self._sub_plan(step)
                    if sub is not None:
                        completed = self._complete_objects(step, sub, value, Path(path, name, type_name))
                        results[name] = completed
                        if is_awaitable(completed):
                            awaitable_fields.append(name)
                        continue
                completed = self._complete_read(parent_type, step, Path(path, name, type_name), value)
                results[name] = completed
                if is_awaitable(completed):
                    awaitable_fields.append(name)
        except Exception:
            if awaitable_fields:
                self.settle_in_background([results[field] for field in awaitable_fields])
            raise
        if not awaitable_fields:
            return results
        return _awaited(results, awaitable_fields)

    def _complete_read(self, parent_type: GraphQLObjectType, step: _Step, path: Path, value: Any) -> Any:
        """A read value completed by graphql-core, exactly as execute_field completes a resolver's result."""
        field_def: GraphQLField = step.field_def  # type: ignore[assignment]
        return_type = field_def.type
        details = step.details
        info = self.build_resolve_info(field_def, to_nodes(details), parent_type, path)
        try:
            if self.is_awaitable(value):
                return self.complete_awaitable_value(return_type, details, info, path, value, None)
            completed = self.complete_value(return_type, details, info, path, value, None)
            if self.is_awaitable(completed):
                return self._guarded(completed, return_type, details, path)
        except Exception as error:
            self.handle_field_error(error, return_type, details, path)
            return None
        return completed

    def _complete_object(self, step: _Step, sub: list[_Step], value: Any, path: Path) -> Any:
        """An object completed as complete_object_value completes it, errors handled as execute_field does."""
        return_type: GraphQLOutputType = step.return_type  # type: ignore[assignment]
        try:
            completed = self._run(step.object_type, value, path, sub)  # type: ignore[arg-type]
        except Exception as error:
            self.handle_field_error(error, return_type, step.details, path)
            return None
        if self.is_awaitable(completed):
            return self._guarded(completed, return_type, step.details, path)
        return completed

    def _complete_objects(self, step: _Step, sub: list[_Step], items: list[Any], path: Path) -> Any:
        """A list of objects completed as complete_list_value completes it, errors handled alike."""
        return_type: GraphQLOutputType = step.return_type  # type: ignore[assignment]
        list_type = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
        item_type = list_type.of_type  # type: ignore[union-attr]
        object_type: GraphQLObjectType = step.object_type  # type: ignore[assignment]
        details = step.details
        is_awaitable = self.is_awaitable
        completed: list[Any] = []
        awaitable_indices: list[int] = []
        try:
            try:
                for index, item in enumerate(items):
                    if item is None:
                        completed.append(None)
                        continue
                    item_path = path.add_key(index, None)
                    try:
                        value = self._run(object_type, item, item_path, sub)
                    except Exception as error:
                        self.handle_field_error(error, item_type, details, item_path)
                        value = None
                    else:
                        if is_awaitable(value):
                            value = self._guarded(value, item_type, details, item_path)
                            awaitable_indices.append(index)
                    completed.append(value)
            except Exception:
                if awaitable_indices:
                    self.settle_in_background([completed[index] for index in awaitable_indices])
                raise
        except Exception as error:
            self.handle_field_error(error, return_type, details, path)
            return None
        if not awaitable_indices:
            return completed
        return self._guarded(_awaited(completed, awaitable_indices), return_type, details, path)

    async def _guarded(
        self, completed: Awaitable[Any], return_type: GraphQLOutputType, details: FieldDetailsList, path: Path
    ) -> Any:
        """An awaited completion, its error handled as graphql-core's await_completed handles it."""
        try:
            return await completed
        except Exception as error:
            self.handle_field_error(error, return_type, details, path)
            return None

    def _plain_items(self, step: _Step, items: list[Any]) -> bool:
        """Whether every item completes as a plain object (or a null where nulls are allowed)."""
        is_plain = self._is_plain
        is_type_of = step.is_type_of
        for item in items:
            if item is None:
                if not step.item_nullable:
                    return False
            elif not is_plain(item) or (is_type_of is not None and not is_type_of(item, None)):
                return False
        return True

    def _plan(self, parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> list[_Step]:
        key = (parent_type, id(grouped_field_set))
        cached = self._plans.get(key)
        if cached is None:
            shared = self._shared
            shared_key = _plan_key(parent_type, grouped_field_set) if shared is not None else ()
            plan = shared.get(shared_key) if shared is not None else None
            if plan is None:
                plan = [
                    _step(
                        name,
                        details,
                        self.schema.get_field(parent_type, details[0].node.name.value),
                        resolvers=self._resolvers_plain,
                    )
                    for name, details in grouped_field_set.items()
                ]
                if shared is not None:
                    shared[shared_key] = plan
            cached = self._plans[key] = (grouped_field_set, plan)
        return cached[1]

    def _sub_plan(self, step: _Step) -> list[_Step] | None:
        """The planned selection of an object step's type; None when it defers (the standard path)."""
        object_type: GraphQLObjectType = step.object_type  # type: ignore[assignment]
        grouped_field_set, new_defer_usages, _forbidden = self.collect_subfields(object_type, step.details)
        if new_defer_usages:
            step.kind = _VALUE
            return None
        step.sub = self._plan(object_type, grouped_field_set)
        return step.sub


# Plans shared by the requests that send the same operation: per operation, by object type and the
# field nodes of the selection (a field that @skip leaves out makes another key). The operation is
# held with its plans, so the ids of its nodes are not reused while they are here; at most as many
# operations as ParserCache keeps documents (its default, 128), the least recently used leaving
# first. Operations with a directive on a selection or fragment variables plan per request: the
# details a plan keeps (defer usage, fragment variables) could differ between requests.
_OPERATIONS_KEPT = 128
_OPERATIONS: OrderedDict[int, tuple[OperationDefinitionNode, dict[tuple[Any, ...], list[_Step]] | None]] = (
    OrderedDict()
)


def _operation_plans(
    operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]
) -> dict[tuple[Any, ...], list[_Step]] | None:
    """The plans this operation's requests share, or None when it plans per request."""
    known = _OPERATIONS.get(id(operation))
    if known is not None and known[0] is operation:
        _OPERATIONS.move_to_end(id(operation))
        return known[1]
    plans: dict[tuple[Any, ...], list[_Step]] | None = None if _is_conditional(operation, fragments) else {}
    _OPERATIONS[id(operation)] = (operation, plans)
    if len(_OPERATIONS) > _OPERATIONS_KEPT:
        _OPERATIONS.popitem(last=False)
    return plans


def _plan_key(parent_type: GraphQLObjectType, grouped_field_set: GroupedFieldSet) -> tuple[Any, ...]:
    return (
        parent_type,
        *((name, *(id(detail.node) for detail in details)) for name, details in grouped_field_set.items()),
    )


def _is_conditional(operation: OperationDefinitionNode, fragments: dict[str, FragmentDefinitionNode]) -> bool:
    """Whether a selection of the operation or its fragments has a directive, or a fragment variables."""
    pending: list[SelectionSetNode] = [operation.selection_set]
    pending.extend(fragment.selection_set for fragment in fragments.values())
    conditional = any(fragment.variable_definitions for fragment in fragments.values())
    while pending and not conditional:
        for selection in pending.pop().selections:
            if selection.directives:
                conditional = True
                break
            selection_set = getattr(selection, "selection_set", None)
            if selection_set is not None:
                pending.append(selection_set)
    return conditional


C = TypeVar("C", dict[str, Any], list[Any])


async def _awaited(values: C, positions: list[Any]) -> C:
    """The map or list with the awaitables at these keys or indices awaited, as graphql-core does it
    (execute_fields, complete_iterable_value): one alone is awaited, several are gathered."""
    if len(positions) == 1:
        position = positions[0]
        values[position] = await values[position]
    else:
        awaited = await gather_with_cancel(*(values[position] for position in positions))
        for position, value in zip(positions, awaited, strict=True):
            values[position] = value
    return values


def _step(name: str, details: FieldDetailsList, field_def: GraphQLField | None, *, resolvers: bool) -> _Step:
    if field_def is None:
        return _Step(_STANDARD, name, details, None)
    if field_def is TypeNameMetaFieldDef:
        return _Step(_TYPENAME, name, details, field_def)
    # Arguments, and directives (@stream acts on the field's own completion), take the standard path.
    asks = field_def.args or any(detail.node.arguments or detail.node.directives for detail in details)
    read = None if asks else _plain_read(field_def, resolvers=resolvers)
    if read is None:
        return _Step(_STANDARD, name, details, field_def)
    step = _Step(_VALUE, name, details, field_def)
    step.read = read
    return_type = field_def.type
    named = return_type.of_type if isinstance(return_type, GraphQLNonNull) else return_type
    if named is GraphQLString or named is GraphQLID:
        step.kind = _TEXT
    elif isinstance(named, GraphQLEnumType | GraphQLScalarType):
        step.kind, step.leaf = _LEAF, _coercion(named)
    elif isinstance(named, GraphQLObjectType):
        if named.is_type_of is None or _ignores_info(named.is_type_of):
            step.kind, step.object_type, step.is_type_of = _OBJECT, named, named.is_type_of
    elif isinstance(named, GraphQLList):
        item = named.of_type
        item_named = item.of_type if isinstance(item, GraphQLNonNull) else item
        if isinstance(item_named, GraphQLObjectType) and (
            item_named.is_type_of is None or _ignores_info(item_named.is_type_of)
        ):
            step.kind, step.object_type, step.is_type_of = _OBJECTS, item_named, item_named.is_type_of
            step.item_nullable = not isinstance(item, GraphQLNonNull)
    return step


def _plain_read(field_def: GraphQLField, *, resolvers: bool) -> Callable[[Any], Any] | None:  # noqa: PLR0911
    """How to read a field from its object without a resolve info, if it is a plain one; else None.

    A basic field (Strawberry calls the default resolver, `getattr`, with nothing else) reads its
    attribute. A resolver that takes only the object (self, root or parent), no info and no
    arguments, is synchronous and has no extension (permissions are extensions) is called with the
    object, as Strawberry calls it.
    """
    definition = (field_def.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    if not isinstance(definition, StrawberryField) or definition.extensions:  # permissions are extensions
        return None
    resolve = field_def.resolve
    if resolve is not None and resolve.__qualname__.endswith("from_resolver.<locals>._get_basic_result"):
        # Strawberry resolves it with its default resolver, nothing else (no handler, no extension)
        return attrgetter(definition.python_name) if definition.default_resolver is getattr else None
    resolver = definition.base_resolver
    if (
        not resolvers
        or resolver is None
        or definition.is_async
        or definition.arguments
        or resolver.info_parameter is not None
    ):
        return None
    parameters = [resolver.self_parameter, resolver.root_parameter, resolver.parent_parameter]
    given = [parameter for parameter in parameters if parameter is not None]
    if len(given) > 1:
        return None  # Strawberry passes the object to each; rare enough for the standard path
    function = resolver.wrapped_func  # what StrawberryResolver.__call__ calls, bound by then
    if not callable(function):
        return None
    if resolver.self_parameter is not None:
        return function
    if given:
        keyword = given[0].name
        return lambda source: function(**{keyword: source})
    return lambda _source: function()


def _ignores_info(is_type_of: Callable[..., Any]) -> bool:
    """Whether an is_type_of is Strawberry's own, an isinstance check that never reads its info."""
    return is_type_of.__qualname__.endswith("_get_is_type_of.<locals>.is_type_of")


_COERCIONS: dict[GraphQLEnumType | GraphQLScalarType, Callable[[Any], Any]] = {}


def _coercion(leaf: GraphQLEnumType | GraphQLScalarType) -> Callable[[Any], Any]:
    """The leaf type's output coercion, made once per type (types live as long as their schema)."""
    coerce = _COERCIONS.get(leaf)
    if coerce is None:
        coerce = _COERCIONS[leaf] = _make_coercion(leaf)
    return coerce


def _make_coercion(leaf: GraphQLEnumType | GraphQLScalarType) -> Callable[[Any], Any]:
    """The leaf type's output coercion; for Strawberry's enums, a dict look-up of the member first."""
    coerce: Callable[[Any], Any] = leaf.coerce_output_value
    wrapped = getattr(leaf, "wrapped_cls", None)
    if not isinstance(leaf, GraphQLEnumType) or not (isinstance(wrapped, type) and issubclass(wrapped, Enum)):
        return coerce
    names: dict[Any, str] = {}
    for member in wrapped:
        for enum_name, enum_value in leaf.values.items():
            if member.value == enum_value.value:
                names[member] = enum_name
                break

    def coerce_member(value: Any) -> Any:
        if type(value) is wrapped:
            found = names.get(value)
            if found is not None:
                return found
        return coerce(value)

    return coerce_member
