"""Leaky buckets of query cost per token, decided by one atomic UPSERT (SPEC section 8)."""

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# What the bucket holds now: its last level minus what leaked since. The row is locked by
# ON CONFLICT for the whole statement, so concurrent requests of one token queue up on it.
_LEAKED = (
    "GREATEST(0, bucket.level - CAST(:leak AS float8)"
    " * GREATEST(0, CAST(EXTRACT(EPOCH FROM now() - bucket.updated_at) AS float8)))"
)
_FITS = f"({_LEAKED} + CAST(:cost AS float8) <= CAST(:capacity AS float8))"
# Only the constant fragments above are interpolated; every value is a bound parameter.
_TAKE = text(
    f"""
    INSERT INTO rate_limit_buckets AS bucket (token_id, level, accepted, updated_at)
    VALUES (
        CAST(:token_id AS bigint),
        CASE WHEN CAST(:cost AS float8) <= CAST(:capacity AS float8) THEN CAST(:cost AS float8) ELSE 0 END,
        CAST(:cost AS float8) <= CAST(:capacity AS float8),
        now()
    )
    ON CONFLICT (token_id) DO UPDATE SET
        level = {_LEAKED} + CASE WHEN {_FITS} THEN CAST(:cost AS float8) ELSE 0 END,
        accepted = {_FITS},
        updated_at = GREATEST(bucket.updated_at, now())
    RETURNING level, accepted
    """  # noqa: S608
)


async def take_from_bucket(
    *, connection: AsyncConnection, token_id: int, cost: int, capacity: int, leak_per_second: float
) -> Any:
    """Add a request's cost to the token's bucket if it fits; returns the row's level and accepted."""
    result = await connection.execute(
        _TAKE,
        {"token_id": token_id, "cost": cost, "capacity": capacity, "leak": leak_per_second},
    )
    return result.one()
