"""Facts for operators' metrics that only the database knows (every process's imports and runs)."""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

# Cheap at any size: statement_runs has a row per month, and the line count is the planner's
# estimate (kept by autovacuum's ANALYZE; -1 before the first), not a scan of billing_lines.
_FACTS = text(
    """
    SELECT
        (SELECT count(*) FROM statement_runs) AS generated_months,
        (SELECT extract(epoch FROM max(generated_at)) FROM statement_runs) AS last_generated_at,
        (SELECT reltuples FROM pg_class WHERE oid = 'billing_lines'::regclass) AS billing_lines
    """
)


@dataclass(frozen=True, slots=True)
class OperationalFacts:
    """Months generated, when the newest was generated (Unix time), and billing lines (estimated)."""

    generated_months: int
    last_generated_at: float | None
    billing_lines: float


async def get_operational_facts(*, connection: AsyncConnection) -> OperationalFacts:
    """Read the facts in one round trip."""
    row = (await connection.execute(_FACTS)).one()
    last = row.last_generated_at
    return OperationalFacts(
        generated_months=int(row.generated_months),
        last_generated_at=float(last) if last is not None else None,
        billing_lines=max(0.0, float(row.billing_lines or 0)),
    )
