"""Set-based SQL behind the billing import and statement generation."""

import io
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.records import to_records
from invoice_graph.domain.billing_rows import RowProblem
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import field_names
from invoice_graph.domain.refunds import StagedRefund, refund_problems

# Imports hold this advisory lock shared, statement generation exclusively.
GENERATION_LOCK = 7_401_200
# Imports run one at a time: each checks its lines against all lines imported before.
IMPORT_LOCK = 7_401_300

# The staging table of one import: its columns and their types, in COPY order.
_STAGING = (
    ("row_number", "integer NOT NULL"),
    ("account_number", "text NOT NULL"),
    ("account_name", "text NOT NULL"),
    ("partner", "text"),
    ("line_id", "text NOT NULL"),
    ("month", "date NOT NULL"),
    ("billed_on", "date NOT NULL"),
    ("product", "text NOT NULL"),
    ("channel", "text NOT NULL"),
    ("seller", "text NOT NULL"),
    ("self_operated", "boolean NOT NULL"),
    ("billing_mode", "text NOT NULL"),
    ("delivered_on", "date"),
    ("amount_fen", "bigint NOT NULL"),
    ("voucher_fen", "bigint NOT NULL"),
    ("coupon_fen", "bigint NOT NULL"),
    ("gift_balance_fen", "bigint NOT NULL"),
    ("cash_fen", "bigint NOT NULL"),
    ("ineligible_reason", "text"),
    ("content_hash", "text NOT NULL"),
    ("refund_of", "text"),
)
STAGING_COLUMNS = tuple(name for name, _ in _STAGING)
_LINE_COLUMNS = STAGING_COLUMNS[4:]

_CREATE_STAGING = (
    f"CREATE TEMPORARY TABLE import_lines ({', '.join(f'{name} {kind}' for name, kind in _STAGING)}) "
    "ON COMMIT DROP"
)

_CHANGED_IN_FILE = """
SELECT s.row_number, s.line_id FROM import_lines s
JOIN (SELECT line_id FROM import_lines GROUP BY line_id HAVING count(DISTINCT content_hash) > 1) d
  USING (line_id)
"""
_CHANGED_SINCE = """
SELECT s.row_number, s.line_id FROM import_lines s
JOIN billing_lines b ON b.line_id = s.line_id
WHERE b.content_hash <> s.content_hash
"""
# A refund is never refused because of its month or its line's: it is in no statement of its own.
_INTO_GENERATED_MONTH = """
SELECT s.row_number, s.month FROM import_lines s
JOIN statement_runs r ON r.month = s.month
WHERE s.refund_of IS NULL AND NOT EXISTS (SELECT 1 FROM billing_lines b WHERE b.line_id = s.line_id)
"""
# The rows of an account whose name differs from the one on the account's first row. One pass
# over the rows (hashed by account and name) finds the accounts with two names; only their rows
# are read again.
_RENAMED_IN_FILE = """
WITH names AS (
    SELECT account_number, account_name, min(row_number) AS first_row
    FROM import_lines GROUP BY account_number, account_name
), firsts AS (
    SELECT DISTINCT ON (account_number) account_number, account_name, first_row FROM names
    WHERE account_number IN (SELECT account_number FROM names GROUP BY account_number HAVING count(*) > 1)
    ORDER BY account_number, first_row
)
SELECT s.row_number, s.account_number, s.account_name, f.account_name AS first_name, f.first_row
FROM import_lines s JOIN firsts f USING (account_number)
WHERE s.account_name <> f.account_name
"""

_UPSERT_PARTNERS = """
INSERT INTO partners (code, name)
SELECT DISTINCT partner, partner FROM import_lines WHERE partner IS NOT NULL
ON CONFLICT (code) DO NOTHING
"""
_UPSERT_ACCOUNTS = """
INSERT INTO accounts (account_number, name, partner_id)
SELECT DISTINCT ON (s.account_number) s.account_number, s.account_name, p.id
FROM import_lines s LEFT JOIN partners p ON p.code = s.partner
ORDER BY s.account_number, s.row_number DESC
ON CONFLICT (account_number) DO UPDATE
SET name = EXCLUDED.name, partner_id = COALESCE(EXCLUDED.partner_id, accounts.partner_id), updated_at = now()
WHERE accounts.name IS DISTINCT FROM EXCLUDED.name
   OR accounts.partner_id IS DISTINCT FROM COALESCE(EXCLUDED.partner_id, accounts.partner_id)
"""
# A refund takes its line's eligibility (its own billed_on may fall on the other side of a rule's
# date), and is netted against its line when the line's month is not generated yet.
_LINE_VALUES = {
    **{column: f"s.{column}" for column in _LINE_COLUMNS},
    "ineligible_reason": "CASE WHEN n.line_id IS NULL THEN s.ineligible_reason ELSE n.original_reason END",
    "refund_netted": "n.netted",
}
# Built from the constant column list, never from input.
_INSERT_LINES = f"""
INSERT INTO billing_lines (account_id, {", ".join(_LINE_VALUES)})
SELECT DISTINCT ON (s.line_id) a.id, {", ".join(_LINE_VALUES.values())}
FROM import_lines s JOIN accounts a ON a.account_number = s.account_number
LEFT JOIN import_refunds n ON n.line_id = s.line_id
WHERE NOT EXISTS (SELECT 1 FROM billing_lines b WHERE b.line_id = s.line_id)
ORDER BY s.line_id, s.row_number
ON CONFLICT (account_id, line_id) DO NOTHING
"""  # noqa: S608

_PARTS = ("amount_fen", "voucher_fen", "coupon_fen", "gift_balance_fen", "cash_fen")
# The file's new refunds, each with the line it refunds (imported before, or on an earlier row of
# the file) and what that line has left before this refund: for a line imported before, its
# amounts (already net of the refunds netted against it) less its later refunds; for a line of the
# file, its amounts less the file's refunds of it on the rows up to this one.
_STAGE_REFUNDS = f"""
CREATE TEMPORARY TABLE import_refunds ON COMMIT DROP AS
WITH refunds AS (
    SELECT DISTINCT ON (s.line_id) s.* FROM import_lines s
    WHERE s.refund_of IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM billing_lines b WHERE b.line_id = s.line_id)
    ORDER BY s.line_id, s.row_number
), originals AS (
    SELECT b.line_id, a.account_number, b.refund_of, b.billed_on, b.month, b.product, b.channel,
        b.seller, b.billing_mode, b.delivered_on, b.ineligible_reason, NULL::integer AS row_number,
        {", ".join(f"b.{part} - later.{part} AS {part}" for part in _PARTS)}
    FROM billing_lines b JOIN accounts a ON a.id = b.account_id
    CROSS JOIN LATERAL (
        SELECT {", ".join(f"COALESCE(sum(r.{part}), 0) AS {part}" for part in _PARTS)}
        FROM billing_lines r
        WHERE r.refund_of = b.line_id AND r.account_id = b.account_id AND NOT r.refund_netted
    ) later
    WHERE b.line_id IN (SELECT refund_of FROM refunds)
    UNION ALL
    SELECT * FROM (
        SELECT DISTINCT ON (s.line_id) s.line_id, s.account_number, s.refund_of, s.billed_on, s.month,
            s.product, s.channel, s.seller, s.billing_mode, s.delivered_on, s.ineligible_reason,
            s.row_number, {", ".join(f"s.{part}" for part in _PARTS)}
        FROM import_lines s
        WHERE s.line_id IN (SELECT refund_of FROM refunds)
          AND NOT EXISTS (SELECT 1 FROM billing_lines b WHERE b.line_id = s.line_id)
        ORDER BY s.line_id, s.row_number
    ) staged
)
SELECT r.row_number, r.line_id, r.account_number, r.refund_of, r.billed_on, r.product, r.channel,
    r.seller, r.billing_mode, r.delivered_on, {", ".join(f"r.{part}" for part in _PARTS)},
    o.line_id IS NOT NULL AS found, o.account_number AS original_account,
    o.refund_of IS NOT NULL AS original_is_refund, o.billed_on AS original_billed_on,
    o.product AS original_product, o.channel AS original_channel, o.seller AS original_seller,
    o.billing_mode AS original_billing_mode, o.delivered_on AS original_delivered_on,
    o.ineligible_reason AS original_reason,
    NOT EXISTS (SELECT 1 FROM statement_runs g WHERE g.month = o.month) AS netted,
    {", ".join(f"o.{part} AS left_{part}" for part in _PARTS)},
    {", ".join(f"sum(r.{part}) OVER same_line AS refunded_{part}" for part in _PARTS)}
FROM refunds r
LEFT JOIN originals o ON o.line_id = r.refund_of AND (o.row_number IS NULL OR o.row_number < r.row_number)
WINDOW same_line AS (PARTITION BY r.refund_of ORDER BY r.row_number)
"""  # noqa: S608
_STAGED_REFUNDS = f"SELECT {', '.join(field_names(StagedRefund))} FROM import_refunds"  # noqa: S608
# Netted refunds: their line, of a month not generated yet, shows what is left.
_NET_REFUNDS = f"""
UPDATE billing_lines o SET {", ".join(f"{part} = o.{part} - n.{part}" for part in _PARTS)}
FROM (
    SELECT refund_of, {", ".join(f"sum({part}) AS {part}" for part in _PARTS)}
    FROM import_refunds WHERE netted GROUP BY refund_of
) n
WHERE o.line_id = n.refund_of AND o.refund_of IS NULL
"""  # noqa: S608
# Refunded invoiceable cash of generated months: REFUND entries of the deficit, in file order,
# each with the balance after it, from the account's deficit (locked by _LOCK_REFUNDED_ACCOUNTS).
_REFUNDED = """
SELECT a.id AS account_id, n.line_id, n.cash_fen AS amount_fen, n.row_number
FROM import_refunds n JOIN accounts a ON a.account_number = n.account_number
WHERE NOT n.netted AND n.original_reason IS NULL AND n.cash_fen > 0
"""
_LOCK_REFUNDED_ACCOUNTS = f"""
SELECT id FROM accounts WHERE id IN (SELECT account_id FROM ({_REFUNDED}) r) ORDER BY id
FOR NO KEY UPDATE
"""  # noqa: S608
_INSERT_REFUND_ENTRIES = f"""
INSERT INTO invoice_deficit_entries (account_id, kind, amount_fen, balance_fen, at, line_id)
SELECT r.account_id, 'REFUND', r.amount_fen,
    a.invoice_deficit_fen + sum(r.amount_fen) OVER (PARTITION BY r.account_id ORDER BY r.row_number),
    :now, r.line_id
FROM ({_REFUNDED}) r JOIN accounts a ON a.id = r.account_id
ORDER BY r.account_id, r.row_number
"""  # noqa: S608
_ADD_REFUNDS_TO_DEFICITS = f"""
UPDATE accounts a SET invoice_deficit_fen = a.invoice_deficit_fen + r.amount_fen
FROM (SELECT account_id, sum(amount_fen) AS amount_fen FROM ({_REFUNDED}) r GROUP BY account_id) r
WHERE a.id = r.account_id
"""  # noqa: S608
# Sequences are not transactional: another session sees each id an insert draws, as it draws it.
_LINE_IDS_DRAWN = """
SELECT COALESCE(pg_sequence_last_value(CAST(pg_get_serial_sequence('billing_lines', 'id') AS regclass)), 0)
"""


async def create_staging_table(*, connection: AsyncConnection) -> None:
    """A temporary table for the file's rows, dropped at commit."""
    await connection.execute(text(_CREATE_STAGING))


async def copy_to_staging(*, connection: AsyncConnection, copy_text: bytes) -> None:
    """Bulk-load checked rows with COPY, given as lines of COPY's text format in STAGING_COLUMNS order."""
    raw = await connection.get_raw_connection()
    driver = raw.driver_connection
    assert driver is not None  # noqa: S101 (an open connection always has one)
    await driver.copy_to_table(
        "import_lines", source=io.BytesIO(copy_text), columns=STAGING_COLUMNS, format="text"
    )


# Each conflict check: its query, the field at fault, and what to tell the user about a row.
_CONFLICTS: tuple[tuple[str, str, Callable[[Any], str]], ...] = (
    (
        _CHANGED_IN_FILE,
        "line_id",
        lambda row: f"{row.line_id!r} appears again in the file with other content",
    ),
    (
        _CHANGED_SINCE,
        "line_id",
        lambda row: (
            f"{row.line_id!r} was imported before with other content; lines cannot change once imported"
        ),
    ),
    (
        _INTO_GENERATED_MONTH,
        "billed_on",
        lambda row: (
            f"the statement of {Month.of(row.month)} is already generated; new lines cannot be added to it"
        ),
    ),
    (
        _RENAMED_IN_FILE,
        "account_name",
        lambda row: (
            f"account {row.account_number!r} is named {row.account_name!r} here but {row.first_name!r} "
            f"on line {row.first_row}; an account has one name: write the same account_name on each of "
            "its lines"
        ),
    ),
)


async def find_conflicts(*, connection: AsyncConnection) -> list[RowProblem]:
    """Rows that clash with each other, with lines imported before, or with generated months;
    and refunds that do not match the line they refund.

    An account's rows must all give it one name; its name may differ from the stored one, which
    the import then changes.
    """
    await connection.execute(text("CREATE INDEX ON import_lines (line_id)"))
    await connection.execute(text("ANALYZE import_lines"))
    problems = [
        RowProblem(row.row_number, field, explain(row))
        for query, field, explain in _CONFLICTS
        for row in await connection.execute(text(query))
    ]
    await connection.execute(text(_STAGE_REFUNDS))
    refunds = to_records(StagedRefund, await connection.execute(text(_STAGED_REFUNDS)))
    return problems + [problem for refund in refunds for problem in refund_problems(refund)]


async def upsert_accounts(*, connection: AsyncConnection) -> int:
    """Create the file's partners and accounts and rename changed accounts; returns accounts touched."""
    await connection.execute(text(_UPSERT_PARTNERS))
    result = await connection.execute(text(_UPSERT_ACCOUNTS))
    return int(result.rowcount)


async def insert_new_lines(*, connection: AsyncConnection) -> int:
    """Insert the lines not imported before; returns how many."""
    result = await connection.execute(text(_INSERT_LINES))
    return int(result.rowcount)


async def apply_refunds(*, connection: AsyncConnection, now: datetime) -> tuple[int, int]:
    """Take the new refunds off their lines of months not generated yet, and add the refunded
    invoiceable cash of generated months to the accounts' deficits (SPEC section 11).

    Returns:
        How many lines were netted and how many REFUND entries written.
    """
    netted = await connection.execute(text(_NET_REFUNDS))
    await connection.execute(text(_LOCK_REFUNDED_ACCOUNTS))
    entries = await connection.execute(text(_INSERT_REFUND_ENTRIES), {"now": now})
    await connection.execute(text(_ADD_REFUNDS_TO_DEFICITS))
    return int(netted.rowcount), int(entries.rowcount)


async def read_line_ids_drawn(*, connection: AsyncConnection) -> int:
    """The last id drawn for billing_lines by any session, committed or not (0 before the first).

    While `insert_new_lines` runs, it draws one id for each line it writes, one after the other.
    """
    return int((await connection.execute(text(_LINE_IDS_DRAWN))).scalar_one())


# Months with lines; refunds are in no statement of their own.
_DUE_MONTHS = """
WITH RECURSIVE line_months AS (
    SELECT min(month) AS month FROM billing_lines WHERE refund_of IS NULL
    UNION ALL
    SELECT (SELECT min(month) FROM billing_lines WHERE month > m.month AND refund_of IS NULL)
    FROM line_months m WHERE m.month IS NOT NULL
)
SELECT month FROM line_months
WHERE month IS NOT NULL AND month <= :last_due
  AND month NOT IN (SELECT month FROM statement_runs)
ORDER BY month
"""


def _sum(column: str, condition: str | None = None) -> str:
    where = f" FILTER (WHERE {condition})" if condition else ""
    return f"COALESCE(sum({column}){where}, 0)"


# Built from constant column names, never from input.
_GENERATE = f"""
INSERT INTO statements (
    account_id, month, generated_at, cloud_expense_fen, market_expense_fen, invoiceable_cloud_fen,
    invoiceable_market_fen, voucher_fen, coupon_fen, gift_balance_fen, not_subscription_fen,
    delivered_before_cutoff_fen, issued_by_market_provider_fen
)
SELECT account_id, month, :now,
    {_sum("amount_fen", "channel = 'CLOUD'")},
    {_sum("amount_fen", "channel = 'MARKET'")},
    {_sum("cash_fen", "channel = 'CLOUD' AND ineligible_reason IS NULL")},
    {_sum("cash_fen", "channel = 'MARKET' AND ineligible_reason IS NULL")},
    {_sum("voucher_fen")}, {_sum("coupon_fen")}, {_sum("gift_balance_fen")},
    {_sum("cash_fen", "ineligible_reason = 'NOT_SUBSCRIPTION'")},
    {_sum("cash_fen", "ineligible_reason = 'DELIVERED_BEFORE_CUTOFF'")},
    {_sum("cash_fen", "ineligible_reason = 'ISSUED_BY_MARKET_PROVIDER'")}
FROM billing_lines WHERE month = ANY(:months) AND refund_of IS NULL
GROUP BY account_id, month
"""  # noqa: S608


async def generate_statements(
    *, connection: AsyncConnection, last_due: date, now: datetime
) -> tuple[list[date], int]:
    """Generate the statements of every due month not generated yet, in one statement per step.

    Returns:
        The months generated and how many statements were made.
    """
    await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": GENERATION_LOCK})
    months = [row.month for row in await connection.execute(text(_DUE_MONTHS), {"last_due": last_due})]
    if not months:
        return [], 0
    created = await connection.execute(text(_GENERATE), {"months": months, "now": now})
    await connection.execute(
        text("INSERT INTO statement_runs (month, generated_at) SELECT unnest(CAST(:months AS date[])), :now"),
        {"months": months, "now": now},
    )
    return months, int(created.rowcount)
