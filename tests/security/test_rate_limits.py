"""Rate limiting per token by query cost: a leaky bucket in memory or shared through PostgreSQL."""

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Literal

import httpx

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.services.rate_limits import Bucket, MemoryBucketStore, RateLimiter
from tests.graphql.conftest import Api

# viewer 1 + accounts (2 + 10 x account 1) = 13
COST_13 = "{ viewer { accounts(first: 10) { edges { node { id } } } } }"


@asynccontextmanager
async def _server(database: Database, store: Literal["memory", "postgres"]) -> AsyncIterator[Api]:
    """One server process: buckets of 30 points that leak 0.5 points a second."""
    settings = Settings(
        environment="test",
        rate_limit_store=store,
        rate_limit_capacity=30,
        rate_limit_leak_per_second=0.5,
        max_query_cost=30,
    )
    transport = httpx.ASGITransport(app=create_app(settings, database))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield Api(client=client, database=database)


async def _throttled(response: httpx.Response) -> bool:
    body = response.json()
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    return codes == ["THROTTLED"]


async def test_a_token_over_its_budget_is_throttled_and_told_how_long_to_wait(database: Database) -> None:
    async with _server(database, "memory") as api:
        token, other = await api.token(Role.FINANCE), await api.token(Role.FINANCE)
        first, second, third = [await api.post(COST_13, token=token) for _ in range(3)]
        assert not await _throttled(first)
        assert not await _throttled(second)
        assert await _throttled(third)
        body = third.json()
        assert body["data"] is None
        wait = body["errors"][0]["extensions"]["retryAfterSeconds"]
        # 26 points in the bucket, 13 more do not fit in 30 until 9 leak at 0.5 a second
        assert 17 < wait <= 18
        assert third.headers["Retry-After"] == "18"
        assert body["extensions"]["cost"]["throttleStatus"]["maximumAvailable"] == 30
        # another token has its own bucket
        assert not await _throttled(await api.post(COST_13, token=other))


async def test_two_processes_sharing_postgresql_throttle_together(
    migrated_url: str, database: Database
) -> None:
    async with AsyncExitStack() as stack:
        # each "process" has its own engine and pool over the same database
        databases = [database, Database.connect(migrated_url, pool_size=2)]
        stack.push_async_callback(databases[1].dispose)
        one = await stack.enter_async_context(_server(databases[0], "postgres"))
        two = await stack.enter_async_context(_server(databases[1], "postgres"))
        token = await one.token(Role.FINANCE)
        assert not await _throttled(await one.post(COST_13, token=token))
        assert not await _throttled(await two.post(COST_13, token=token))
        assert await _throttled(await one.post(COST_13, token=token))
        assert await _throttled(await two.post(COST_13, token=token))


async def test_the_same_processes_with_memory_buckets_do_not_share_them(database: Database) -> None:
    async with _server(database, "memory") as one, _server(database, "memory") as two:
        token = await one.token(Role.FINANCE)
        for api in (one, two, one, two):
            assert not await _throttled(await api.post(COST_13, token=token))


async def test_the_bucket_leaks_so_a_throttled_token_may_go_on_after_waiting() -> None:
    now = [0.0]
    limiter = RateLimiter(MemoryBucketStore(clock=lambda: now[0]), Bucket(capacity=10, leak_per_second=2))
    assert (await limiter.take(token_id=1, cost=8)).allowed
    refused = await limiter.take(token_id=1, cost=8)
    assert not refused.allowed
    assert refused.retry_after_seconds == 3.0
    now[0] = 3.0
    assert (await limiter.take(token_id=1, cost=8)).allowed
