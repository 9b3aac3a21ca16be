"""Query limits checked before execution: tokens, depth, aliases, static cost, and the rate limit.

The cost model (reported in `extensions.cost` of every response, in Shopify's shape):

- a field returning an object costs 1, a scalar or enum 0, a mutation field 10;
- a connection (a field whose type ends in `Connection`) costs 2 plus its selection times its
  page size: `first` or `last`, else the default page size, never more than the maximum page
  size; its `edges` and `pageInfo` wrappers, and `Money` values, cost nothing themselves;
- `nodes(ids:)` multiplies its selection by the number of IDs;
- fragments count wherever they are spread; `@skip`/`@include` are ignored (an upper bound).

Everything is computed from the document and the variables after validation, so an operation over
a limit gets one error with an `extensions.code` and runs no resolver. Settings give every limit
(see the "Limits and abuse resistance" group of `config.Settings`).
"""

from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    ListValueNode,
    OperationType,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    is_composite_type,
)
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef
from graphql.utilities import get_operation_ast
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from invoice_graph.config import Settings
from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.graphql.input_text import MAX_INTEGER_DIGITS

MUTATION_COST = 10
OBJECT_COST = 1
CONNECTION_COST = 2
# Values read from their parent's row, never loaded on their own.
_FREE_TYPES = frozenset({"PageInfo", "Money"})


@dataclass(frozen=True, slots=True)
class Measure:
    """What an operation asks for: how deep it nests, how many aliases it uses, what it costs."""

    depth: int
    aliases: int
    cost: int
    directives: int = 0
    duplicates: int = 0


@dataclass(slots=True)
class _Walk:
    """One pass over an operation's selections, fragments expanded where they are spread."""

    schema: GraphQLSchema
    fragments: Mapping[str, FragmentDefinitionNode]
    variables: Mapping[str, Any]
    defaults: Mapping[str, ValueNode | None]
    default_page_size: int
    max_page_size: int
    aliases: int = 0
    directives: int = 0
    duplicates: int = 0

    def selections(self, parent: Any, selections: SelectionSetNode, seen: frozenset[str]) -> tuple[int, int]:
        """(depth, cost) of a selection set on a parent type."""
        depth = cost = 0
        keys = [(s.alias or s.name).value for s in selections.selections if isinstance(s, FieldNode)]
        self.duplicates += len(keys) - len(set(keys))
        for selection in selections.selections:
            self.directives = max(self.directives, len(selection.directives or ()))
            if isinstance(selection, FieldNode):
                field_depth, field_cost = self.field(parent, selection, seen)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                field_depth, field_cost = self.selections(on, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is None or name in seen:
                    continue
                on = self.schema.get_type(fragment.type_condition.name.value)
                field_depth, field_cost = self.selections(on, fragment.selection_set, seen | {name})
            depth = max(depth, field_depth)
            cost += field_cost
        return depth, cost

    def field(self, parent: Any, node: FieldNode, seen: frozenset[str]) -> tuple[int, int]:
        """(depth, cost) of one field and what it selects."""
        if node.alias is not None:
            self.aliases += 1
        definition = self._definition(parent, node.name.value)
        if definition is None or node.selection_set is None:
            return 1, 0
        named = get_named_type(definition.type)
        depth, children = self.selections(named, node.selection_set, seen)
        if named.name.endswith("Connection"):
            own = CONNECTION_COST
        elif named.name.endswith("Edge") or named.name in _FREE_TYPES or not is_composite_type(named):
            own = 0
        else:
            own = OBJECT_COST
        return depth + 1, own + self._multiplier(named.name, node) * children

    def _definition(self, parent: Any, name: str) -> GraphQLField | None:
        if name == "__schema":
            return SchemaMetaFieldDef
        if name == "__type":
            return TypeMetaFieldDef
        if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType):
            field: GraphQLField | None = parent.fields.get(name)
            return field
        return None

    def _multiplier(self, type_name: str, node: FieldNode) -> int:
        arguments = {argument.name.value: argument.value for argument in node.arguments or ()}
        if "ids" in arguments:
            ids = self._value(arguments["ids"])
            return len(ids) if isinstance(ids, list) else 1
        if not type_name.endswith("Connection"):
            return 1
        for name in ("first", "last"):
            size = self._value(arguments[name]) if name in arguments else None
            if isinstance(size, int):
                return max(0, min(size, self.max_page_size))
        return self.default_page_size

    def _value(self, node: ValueNode | None) -> Any:
        if isinstance(node, VariableNode):
            name = node.name.value
            return self.variables[name] if name in self.variables else self._value(self.defaults.get(name))
        if isinstance(node, IntValueNode):
            # Thousands of digits would make int() raise; InputText refuses such a literal anyway.
            return int(node.value) if len(node.value) <= MAX_INTEGER_DIGITS + 1 else None
        if isinstance(node, ListValueNode):
            return list(node.values)
        return None


def measure(
    schema: GraphQLSchema,
    document: DocumentNode,
    *,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
    default_page_size: int,
    max_page_size: int,
) -> Measure:
    """Measure the operation a request will run, without running it.

    Args:
        schema: the executable schema.
        document: the parsed and validated document.
        operation_name: which operation of the document runs (None when it holds one).
        variables: the request's variables; a missing one falls back to its default.
        default_page_size: what a connection returns without first or last.
        max_page_size: the most a connection returns.

    Returns:
        The operation's depth, alias count and cost (see the module docstring for the model).
    """
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return Measure(depth=0, aliases=0, cost=0)
    walk = _Walk(
        schema=schema,
        fragments={d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)},
        variables=variables or {},
        defaults={v.variable.name.value: v.default_value for v in operation.variable_definitions or ()},
        default_page_size=default_page_size,
        max_page_size=max_page_size,
    )
    root = schema.get_root_type(operation.operation)
    depth, cost = walk.selections(root, operation.selection_set, frozenset())
    if operation.operation is OperationType.MUTATION:
        cost += MUTATION_COST * sum(isinstance(s, FieldNode) for s in operation.selection_set.selections)
    return Measure(
        depth=depth, aliases=walk.aliases, cost=cost, directives=walk.directives, duplicates=walk.duplicates
    )


def limit_error(found: Measure, settings: Settings) -> GraphQLError | None:
    """The error for the first limit an operation exceeds, or None when it is within all of them."""
    checks = (
        (found.depth, settings.max_query_depth, RequestErrorCode.QUERY_TOO_DEEP, "nests {found} levels deep"),
        (found.aliases, settings.max_aliases, RequestErrorCode.TOO_MANY_ALIASES, "uses {found} aliases"),
        (
            found.duplicates,
            settings.max_duplicate_fields,
            RequestErrorCode.TOO_MANY_DUPLICATES,
            "repeats {found} fields",
        ),
        (
            found.directives,
            settings.max_directives,
            RequestErrorCode.TOO_MANY_DIRECTIVES,
            "has {found} directives on a field",
        ),
        (found.cost, settings.max_query_cost, RequestErrorCode.QUERY_TOO_COSTLY, "costs {found}"),
    )
    for value, limit, code, what in checks:
        if value > limit:
            message = (
                f"The operation {what.format(found=value)}; the limit is {limit}. "
                "Ask for fewer fields or smaller pages (first/last), or split it into several requests."
            )
            return GraphQLError(message, extensions={"code": code.value})
    return None


def throttled_error(retry_after_seconds: float) -> GraphQLError:
    """The error of a request refused by the rate limit."""
    seconds = round(retry_after_seconds, 2)
    return GraphQLError(
        f"Throttled: this token has spent its query cost for now; retry in {seconds} seconds.",
        extensions={"code": RequestErrorCode.THROTTLED.value, "retryAfterSeconds": seconds},
    )


def _settings(context: Any) -> Settings | None:
    settings = getattr(context, "settings", None)
    return settings if isinstance(settings, Settings) else None


class QueryLimits(SchemaExtension):
    """Enforces the limits of the request's settings before execution and reports the cost.

    Listed after `ValidationCache`, so it sees the validation errors and measures only valid documents.
    """

    def __init__(self) -> None:
        self.report: dict[str, Any] | None = None

    def on_operation(self) -> Iterator[None]:
        """Bound the parser and, when introspection is off, add the rule that refuses it."""
        settings = _settings(self.execution_context.context)
        if settings is None:  # executed outside the HTTP view, e.g. schema.execute in a script
            yield
            return
        # graphql-core 3.3 options that strawberry's ParseOptions does not declare yet.
        options = cast("dict[str, Any]", self.execution_context.parse_options)
        options["max_lexical_tokens"] = settings.max_query_tokens
        options["max_comments"] = settings.max_query_tokens
        if not settings.introspection:
            self.execution_context.validation_rules = (
                *self.execution_context.validation_rules,
                NoSchemaIntrospectionCustomRule,
            )
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        """Refuse an operation over a limit (even an invalid one) or whose token is throttled."""
        execution = self.execution_context
        settings = _settings(execution.context)
        document = execution.graphql_document
        if settings is None or document is None:
            yield
            return
        if execution.pre_execution_errors is None:
            execution.pre_execution_errors = validate_document(
                execution.schema._schema, document, execution.validation_rules
            )
        found = measure(
            execution.schema._schema,
            document,
            operation_name=execution.operation_name,
            variables=execution.variables,
            default_page_size=settings.default_page_size,
            max_page_size=settings.max_page_size,
        )
        valid = not execution.pre_execution_errors
        if valid:
            self.report = {"requestedQueryCost": found.cost, "maximumAvailable": settings.max_query_cost}
        # Over a limit, one error replaces the validation errors: an attacker gets no long list.
        error = limit_error(found if valid else replace(found, cost=0), settings)
        if error is None and valid:
            error = await self._throttle(found.cost)
        if error is not None:
            execution.pre_execution_errors = [error]
        yield

    async def _throttle(self, cost: int) -> GraphQLError | None:
        context = self.execution_context.context
        limiter = context.rate_limiter
        if limiter is None or self.report is None:
            return None
        decision = await limiter.take(token_id=context.viewer.token_id, cost=cost)
        self.report["throttleStatus"] = {
            "maximumAvailable": limiter.bucket.capacity,
            "currentlyAvailable": int(limiter.bucket.capacity - decision.level),
            "restoreRate": limiter.bucket.leak_per_second,
        }
        return None if decision.allowed else throttled_error(decision.retry_after_seconds)

    def get_results(self) -> dict[str, Any]:
        """`extensions.cost`: zero for documents that did not parse or validate (nothing was charged)."""
        settings = _settings(self.execution_context.context)
        if settings is None:
            return {}
        return {"cost": self.report or {"requestedQueryCost": 0, "maximumAvailable": settings.max_query_cost}}
