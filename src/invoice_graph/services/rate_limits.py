"""Rate limiting per token by query cost: a leaky bucket behind a small store interface.

Each request pours its cost into its token's bucket; the bucket leaks at a steady rate. A request
whose cost does not fit is refused and told how long to wait. The in-memory store serves one
process; the PostgreSQL store shares buckets between every process that uses the database.
"""

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.rate_limits import take_from_bucket


@dataclass(frozen=True, slots=True)
class Bucket:
    """The size of every token's bucket and how fast it drains, in cost points."""

    capacity: int
    leak_per_second: float


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether a request may run, and the bucket's state after deciding."""

    allowed: bool
    level: float
    retry_after_seconds: float


class BucketStore(Protocol):
    """Where bucket levels live; `take` must decide and record atomically."""

    async def take(self, *, token_id: int, cost: int, bucket: Bucket) -> tuple[float, bool]:
        """Pour `cost` into the token's bucket if it fits; returns the new level and whether it did."""
        ...


class MemoryBucketStore:
    """Buckets in this process's memory: right for a single server process and for tests."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._levels: dict[int, tuple[float, float]] = {}

    async def take(self, *, token_id: int, cost: int, bucket: Bucket) -> tuple[float, bool]:
        """Leak, then pour; no await in between, so the event loop makes it atomic."""
        now = self._clock()
        level, updated = self._levels.get(token_id, (0.0, now))
        level = max(0.0, level - bucket.leak_per_second * max(0.0, now - updated))
        fits = level + cost <= bucket.capacity
        if fits:
            level += cost
        self._levels[token_id] = (level, now)
        return level, fits


class PostgresBucketStore:
    """Buckets in the `rate_limit_buckets` table, shared by every server process."""

    def __init__(self, database: Database) -> None:
        self._database = database

    async def take(self, *, token_id: int, cost: int, bucket: Bucket) -> tuple[float, bool]:
        """One UPSERT leaks, decides and records under the row's lock."""
        async with self._database.read() as connection:
            row = await take_from_bucket(
                connection=connection,
                token_id=token_id,
                cost=cost,
                capacity=bucket.capacity,
                leak_per_second=bucket.leak_per_second,
            )
        return float(row.level), bool(row.accepted)


class RateLimiter:
    """Decides whether a token may spend a query's cost now."""

    def __init__(self, store: BucketStore, bucket: Bucket) -> None:
        self.store = store
        self.bucket = bucket

    async def take(self, *, token_id: int, cost: int) -> Decision:
        """Charge a request's cost to its token.

        Args:
            token_id: the access token the request came with.
            cost: the query's static cost (graphql/limits.py).

        Returns:
            Whether it may run, the bucket's level after deciding, and, when it may not, the
            seconds after which the same request would fit.
        """
        level, allowed = await self.store.take(token_id=token_id, cost=cost, bucket=self.bucket)
        wait = 0.0 if allowed else (level + cost - self.bucket.capacity) / self.bucket.leak_per_second
        return Decision(allowed=allowed, level=level, retry_after_seconds=max(0.0, wait))


def rate_limiter_from(settings: Settings, database: Database) -> RateLimiter:
    """The rate limiter the settings ask for: in memory, or in PostgreSQL shared by processes."""
    bucket = Bucket(
        capacity=settings.rate_limit_capacity, leak_per_second=settings.rate_limit_leak_per_second
    )
    store: BucketStore = (
        PostgresBucketStore(database) if settings.rate_limit_store == "postgres" else MemoryBucketStore()
    )
    return RateLimiter(store, bucket)
