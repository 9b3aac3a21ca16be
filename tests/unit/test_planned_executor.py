"""The planned executor against graphql-core's, on small schemas made to reach every path of it.

The API's own documents and data rarely go wrong (tests/graphql/test_planned_execution.py runs them):
here values are wrong on purpose. Nulls in non-null fields, values a scalar or an enum refuses,
objects of another type, exceptions returned and raised, generators where lists belong, permissions
and exception handlers on plain fields, a resolver taking both self and root, concurrent requests,
and the number of operations whose plans are kept.
"""

import asyncio
import datetime
import enum
import json
import random
from typing import Any, NewType, Optional

import strawberry
from strawberry.extensions import ParserCache
from strawberry.permission import BasePermission
from strawberry.scalars import JSON
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types import ExecutionResult

from invoice_graph.graphql import execution
from invoice_graph.graphql.execution import PlannedExecutor


@strawberry.enum
class Color(enum.Enum):
    RED = "r"
    BLUE = "b"


@strawberry.interface
class Thing:
    id: strawberry.ID


def _wrong(value: object) -> Any:
    """A value of another type than the field's, on purpose."""
    return value


class Deny(BasePermission):
    message = "not allowed"

    def has_permission(self, source: Any, info: strawberry.Info, **kwargs: Any) -> bool:
        return False


@strawberry.type
class Leaf(Thing):
    s: str
    os: Optional[str]  # noqa: UP045 (Strawberry reads the annotation)
    i: int
    oi: int | None
    c: Color
    oc: Color | None
    d: datetime.date | None
    secret: str | None = strawberry.field(default="kept", permission_classes=[Deny])

    @strawberry.field
    def computed(self) -> str:
        if self.s == "raise":
            raise RuntimeError("computed raised")
        return self.s

    @strawberry.field
    def both(self, root: "Leaf") -> str:
        return self.s + root.s

    @strawberry.field
    def returned(self) -> JSON | None:
        return _wrong(ValueError("returned, not raised")) if self.s == "raise" else JSON({"s": self.s})

    @strawberry.field
    async def later(self) -> str | None:
        await asyncio.sleep(0)
        if self.s == "raise":
            raise RuntimeError("later raised")
        return self.os


# A scalar that turns anything into text, as the API's Month does.
Loose = NewType("Loose", object)
LOOSE = strawberry.scalar(name="Loose", serialize=str, parse_value=str)


@strawberry.type
class Plain:
    """No interface, so no is_type_of: anything passes for it."""

    name: str


@strawberry.type
class Box:
    leaf: Leaf
    oleaf: Leaf | None
    leaves: list[Leaf]
    oleaves: list[Leaf | None] | None
    nleaves: list[Leaf | None]
    inner: strawberry.Private[Any] = None

    @strawberry.field
    def sub(self) -> Optional["Box"]:
        inner: Box | None = self.inner
        return inner

    @strawberry.field
    def one(self) -> Leaf | None:
        return _wrong(ValueError("bad one")) if self.inner is None else self.leaf

    @strawberry.field
    def plain(self) -> Plain | None:
        return _wrong(ValueError("bad plain")) if self.inner is None else Plain(name="p")

    @strawberry.field
    def plains(self) -> list[Plain | None]:
        return [Plain(name="p"), _wrong(ValueError("bad plain item")) if self.inner is None else None]

    @strawberry.field
    def loose(self) -> Loose | None:
        return Loose(ValueError("bad loose") if self.inner is None else 5)


class Weird:
    """Not a Leaf: is_type_of refuses it."""


VALUES: dict[str, list[Any]] = {
    "id": ["1", 2, None],
    "s": ["a", "raise", None, 5, Color.RED],
    "os": ["x", None, 3.5],
    "i": [1, None, "2", "no", 2**40, 1.5],
    "oi": [1, None, "x"],
    "c": [Color.RED, Color.BLUE, None, "r", "RED", 3],
    "oc": [Color.BLUE, None, "zz"],
    "d": [datetime.date(2024, 1, 1), None, "2024-01-01", 5],
}


def _random(seed: int) -> random.Random:
    """Seeded, so that both executors get objects made alike (data to compare, not secrets)."""
    return random.Random(seed)  # noqa: S311


def _leaf(rng: random.Random) -> Any:
    if rng.random() < 0.05:
        return None
    if rng.random() < 0.04:
        return Weird()
    return Leaf(**{key: rng.choice(values) for key, values in VALUES.items()})


def _leaves(rng: random.Random) -> Any:
    if rng.random() < 0.05:
        return None
    if rng.random() < 0.03:
        return (_leaf(rng) for _ in range(2))  # an iterable that is not a list
    return [_leaf(rng) for _ in range(rng.randint(0, 3))]


def _box(rng: random.Random, depth: int = 0) -> Box:
    box = Box(
        leaf=_leaf(rng), oleaf=_leaf(rng), leaves=_leaves(rng), oleaves=_leaves(rng), nleaves=_leaves(rng)
    )
    box.inner = _box(rng, depth + 1) if depth < 2 and rng.random() < 0.7 else None
    return box


@strawberry.type
class Query:
    @strawberry.field
    def box(self, info: strawberry.Info) -> Box | None:
        box: Box | None = info.context["box"]
        return box


FIELDS = "__typename id s os i oi c oc d computed later both returned secret"
DOCUMENTS = [
    f"{{ box {{ leaf {{ {FIELDS} }} oleaf {{ {FIELDS} }} leaves {{ {FIELDS} }} oleaves {{ {FIELDS} }}"
    f" nleaves {{ s c }} one {{ s }} plain {{ name }} plains {{ name }} loose"
    f" sub {{ leaf {{ s }} oleaves {{ i }} sub {{ oleaf {{ {FIELDS} }}"
    f" nleaves {{ {FIELDS} }} }} }} }} }}",
    "{ box { a: oleaf { s } b: oleaf { i c } oleaf { ... on Leaf { oi } ...F } } } "
    "fragment F on Thing { id ... on Leaf { d } }",
    "{ box { nleaves { computed later s } oleaves { later computed } one { both } } }",
]


def _schema(executor: type[StrawberryGraphQLCoreExecutionContext]) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Leaf],
        execution_context_class=executor,
        extensions=[ParserCache],
        config=StrawberryConfig(scalar_map={Loose: LOOSE}),
    )


def _answer(result: ExecutionResult) -> str:
    errors = [(error.message, error.path) for error in result.errors or []]
    return json.dumps({"data": result.data, "errors": errors}, default=repr)


def test_wrong_values_answer_as_graphql_core_answers_them() -> None:
    standard, planned = _schema(StrawberryGraphQLCoreExecutionContext), _schema(PlannedExecutor)

    async def compare() -> list[str]:
        differences = []
        for seed in range(150):
            for document in DOCUMENTS:
                # each executor gets its own objects, made alike
                expected = await standard.execute(document, context_value={"box": _box(_random(seed))})
                got = await planned.execute(document, context_value={"box": _box(_random(seed))})
                if _answer(expected) != _answer(got):
                    differences.append(f"seed {seed}: {document}\n{_answer(expected)}\n{_answer(got)}")
        return differences

    assert asyncio.run(compare()) == []


def test_a_permission_on_a_plain_field_is_checked() -> None:
    document = "{ box { leaf { s secret } } }"
    box = _box(_random(1))
    box.leaf = Leaf(id=strawberry.ID("1"), s="a", os=None, i=1, oi=None, c=Color.RED, oc=None, d=None)
    result = _schema(PlannedExecutor).execute_sync(document, context_value={"box": box})
    assert result.data == {"box": {"leaf": {"s": "a", "secret": None}}}
    assert [error.message for error in result.errors or []] == ["not allowed"]


class BoomError(Exception):
    pass


@strawberry.type
class Refused:
    reason: str


@strawberry.type
class Done:
    value: int


class Handler(strawberry.ExceptionHandler[BoomError, Refused]):
    def handle(self, exception: BoomError, *, field: Any, info: Any) -> Refused:
        return Refused(reason=str(exception))


@strawberry.type
class Outcome:
    @strawberry.field
    def result(self) -> Done | Refused:
        raise BoomError("handled")


@strawberry.type
class HandledQuery:
    @strawberry.field
    def outcome(self) -> Outcome:
        return Outcome()


def test_an_exception_handler_of_the_schema_still_turns_an_error_into_its_type() -> None:
    document = "{ outcome { result { __typename ... on Refused { reason } } } }"
    answers = [
        strawberry.Schema(
            query=HandledQuery, execution_context_class=executor, exception_handlers=[Handler()]
        )
        .execute_sync(document)
        .data
        for executor in (StrawberryGraphQLCoreExecutionContext, PlannedExecutor)
    ]
    assert answers == [{"outcome": {"result": {"__typename": "Refused", "reason": "handled"}}}] * 2


@strawberry.type
class Item:
    name: str
    slow_for: strawberry.Private[int] = 0

    @strawberry.field
    async def slow(self) -> str:
        for _ in range(self.slow_for):
            await asyncio.sleep(0)
        if self.name == "boom":
            raise ValueError("slow boom")
        return self.name + "!"

    @strawberry.field
    def child(self) -> Optional["Item"]:
        return Item(name=self.name * 2, slow_for=self.slow_for) if len(self.name) < 4 else None


@strawberry.type
class ItemsQuery:
    @strawberry.field
    async def items(self, info: strawberry.Info) -> list[Item]:
        items: list[Item] = info.context["items"]
        for _ in range(len(items)):
            await asyncio.sleep(0)
        return items


def test_concurrent_requests_answer_as_they_do_one_by_one() -> None:
    document = "{ items { name slow child { name slow child { name } } } }"
    rng = _random(7)
    sets = [
        [
            Item(name=rng.choice(["a", "b", "boom", "cc"]), slow_for=rng.randint(0, 4))
            for _ in range(rng.randint(0, 5))
        ]
        for _ in range(100)
    ]

    async def run(executor: type[StrawberryGraphQLCoreExecutionContext], together: bool) -> list[str]:
        schema = strawberry.Schema(
            query=ItemsQuery, execution_context_class=executor, extensions=[ParserCache]
        )
        requests = [schema.execute(document, context_value={"items": items}) for items in sets]
        if together:
            return [_answer(result) for result in await asyncio.gather(*requests)]
        return [_answer(await request) for request in requests]

    one_by_one = asyncio.run(run(StrawberryGraphQLCoreExecutionContext, together=False))
    assert asyncio.run(run(StrawberryGraphQLCoreExecutionContext, together=True)) == one_by_one
    assert asyncio.run(run(PlannedExecutor, together=True)) == one_by_one
    assert any("slow boom" in answer for answer in one_by_one)


def test_the_plans_of_at_most_128_operations_are_kept() -> None:
    schema = _schema(PlannedExecutor)
    for index in range(300):
        result = schema.execute_sync(f"{{ box {{ leaf {{ s{index}: s }} }} }}", context_value={"box": None})
        assert result.errors is None
    assert len(execution._OPERATIONS) <= 128
