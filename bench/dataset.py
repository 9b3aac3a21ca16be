"""The benchmark's data: billing CSVs written deterministically, and the rows the import cannot make.

Lines come in through the real import service; titles, addresses and the historical
applications are inserted with set-based SQL that respects the schema's constraints.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from stdnum.cn import uscc

from invoice_graph.db.engine import Database
from invoice_graph.domain.billing_rows import COLUMNS
from invoice_graph.domain.months import Month
from invoice_graph.domain.statements import last_due_month

BIG_PARTNER = "P-BIG"
BIG_PARTNER_ACCOUNTS = 60
OTHER_PARTNERS = 19
OTHER_PARTNER_ACCOUNTS = 40
LINES_PER_STATEMENT = 10
PROVIDER = "Cloud Provider"
# (product, channel, seller, self-operated, billing mode, base fen, voucher %, coupon %, gift %, delivered)
KINDS = (
    ("Cloud Server ECS", "CLOUD", PROVIDER, "false", "SUBSCRIPTION", 128_800, 0, 0, 0, None),
    ("Object Storage", "CLOUD", PROVIDER, "false", "PAY_AS_YOU_GO", 23_417, 30, 0, 0, None),
    ("Cloud Database RDS", "CLOUD", PROVIDER, "false", "SUBSCRIPTION", 86_050, 0, 20, 0, None),
    ("Dedicated Line", "CLOUD", PROVIDER, "false", "SUBSCRIPTION", 50_000, 0, 0, 10, "2017-12-15"),
    ("Market Security Image", "MARKET", "Cloud Market", "true", "SUBSCRIPTION", 19_900, 0, 0, 0, None),
    (
        "BI Dashboard Suite",
        "MARKET",
        "Hangzhou Data Tools Co.",
        "false",
        "SUBSCRIPTION",
        45_600,
        0,
        10,
        0,
        None,
    ),
    ("Premium Support", "CLOUD", PROVIDER, "false", "OTHER", 30_000, 0, 0, 50, None),
    ("CDN Traffic", "CLOUD", PROVIDER, "false", "PAY_AS_YOU_GO", 7_731, 0, 0, 0, None),
    ("Load Balancer", "CLOUD", PROVIDER, "false", "SUBSCRIPTION", 12_000, 5, 0, 0, None),
    ("Log Service", "CLOUD", PROVIDER, "false", "SUBSCRIPTION", 3_150, 0, 0, 0, None),
)


def account_number(index: int) -> str:
    """The benchmark's account number of the index-th account."""
    return f"B-{index:06d}"


def partner_of(index: int) -> str:
    """The partner managing the index-th account: 60 for P-BIG, 40 each for 19 more, then none."""
    if index < BIG_PARTNER_ACCOUNTS:
        return BIG_PARTNER
    group = (index - BIG_PARTNER_ACCOUNTS) // OTHER_PARTNER_ACCOUNTS
    return f"P-{group + 1:03d}" if group < OTHER_PARTNERS else ""


def _fen(value: int) -> str:
    return f"{value // 100}.{value % 100:02d}"


def _rows(index: int, month: Month, lines: int) -> Iterator[list[str]]:
    number = account_number(index)
    billed = month.first_day.replace(day=10).isoformat()
    for line in range(lines):
        product, channel, seller, own, mode, base, voucher, coupon, gift, delivered = KINDS[line % len(KINDS)]
        amount = base + (index * 7 + month.first_day.month * 13 + line * 101) % 997
        parts = [amount * pct // 100 for pct in (voucher, coupon, gift)]
        cash = amount - sum(parts)
        if mode == "SUBSCRIPTION" and delivered is None:
            delivered = month.first_day.isoformat()
        yield [
            number,
            f"Bench Customer {index}",
            partner_of(index),
            f"{number}-{month}-{line:03d}",
            billed,
            product,
            channel,
            seller,
            own,
            mode,
            delivered or "",
            _fen(amount),
            *(_fen(part) for part in parts),
            _fen(cash),
        ]


def write_csv(path: Path, *, accounts: int, months: list[Month], lines: int = LINES_PER_STATEMENT) -> int:
    """Write a billing CSV: every account billed `lines` lines in every month; returns the line count."""
    count = 0
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream)
        writer.writerow(column for column in COLUMNS if column != "refund_of")  # no refunds here
        for month in months:
            for index in range(accounts):
                for row in _rows(index, month, lines):
                    writer.writerow(row)
                    count += 1
    return count


def _valid_taxpayer_id() -> str:
    body = "91330100MA2XXXX0"[:17].ljust(17, "0")
    return body + str(uscc.calc_check_digit(body))


_TITLES = """
INSERT INTO invoice_titles (account_id, kind, invoice_type, name, taxpayer_id, is_default)
SELECT id, 'COMPANY', 'VAT_GENERAL', name, :taxpayer_id, true FROM accounts
"""
_ADDRESSES = """
INSERT INTO invoice_addresses
    (account_id, recipient, phone, province, city, district, street, postal_code, is_default)
SELECT id, 'Li Na', '13800138000', 'Zhejiang', 'Hangzhou', 'Xihu', '18 Wensan Road', '310000', true
FROM accounts
"""
# A third of the months (every third, from the second oldest) carry an application; most were
# delivered long ago, some are cancelled (their months free again), the newest are still pending.
_APPLICATIONS = """
INSERT INTO invoice_applications (account_id, number, status, medium, months, cloud_fen, market_fen,
    amount_fen, title, address, submitted_at, due_by, invoice_numbers)
SELECT s.account_id, 'BENCH-' || s.id,
    CASE WHEN s.month >= :pending_from THEN 'PENDING'
         WHEN s.id % 11 = 0 THEN 'CANCELLED'
         WHEN s.id % 7 = 0 THEN 'ISSUED' ELSE 'DELIVERED' END,
    'PAPER', ARRAY[s.month], s.invoiceable_cloud_fen, s.invoiceable_market_fen,
    s.invoiceable_cloud_fen + s.invoiceable_market_fen,
    jsonb_build_object('kind', 'COMPANY', 'invoice_type', 'VAT_GENERAL', 'name', a.name,
        'taxpayer_id', CAST(:taxpayer_id AS text), 'registered_address', null, 'registered_phone', null,
        'bank_name', null, 'bank_account', null),
    jsonb_build_object('recipient', 'Li Na', 'phone', '13800138000', 'province', 'Zhejiang',
        'city', 'Hangzhou', 'district', 'Xihu', 'street', '18 Wensan Road', 'postal_code', '310000'),
    s.month + interval '1 month 5 days', (s.month + interval '1 month 8 days')::date, '{}'
FROM statements s JOIN accounts a ON a.id = s.account_id
WHERE (extract(year FROM s.month) * 12 + extract(month FROM s.month)) % 3 = :third
  AND s.invoiceable_cloud_fen + s.invoiceable_market_fen > 0
"""
_APPLICATION_MONTHS = """
INSERT INTO invoice_application_months (account_id, application_id, month, active)
SELECT account_id, id, months[1], status NOT IN ('CANCELLED', 'REJECTED', 'RETURNED')
FROM invoice_applications WHERE number LIKE 'BENCH-%'
"""
_APPLICATION_EVENTS = """
INSERT INTO invoice_application_events (account_id, application_id, at, status, actor_role)
SELECT account_id, id, submitted_at, status, CASE WHEN status = 'CANCELLED' THEN 'CUSTOMER' ELSE 'FINANCE' END
FROM invoice_applications WHERE number LIKE 'BENCH-%'
"""


async def add_titles_addresses_applications(database: Database, *, newest: Month) -> int:
    """One default title and address per account; applications on every third month but the newest."""
    taxpayer_id = _valid_taxpayer_id()
    third = (newest.first_day.year * 12 + newest.first_day.month + 1) % 3
    pending_from = newest.previous().previous().previous().first_day
    async with database.transaction() as connection:
        await connection.execute(text(_TITLES), {"taxpayer_id": taxpayer_id})
        await connection.execute(text(_ADDRESSES))
        created = await connection.execute(
            text(_APPLICATIONS), {"taxpayer_id": taxpayer_id, "pending_from": pending_from, "third": third}
        )
        await connection.execute(text(_APPLICATION_MONTHS))
        await connection.execute(text(_APPLICATION_EVENTS))
        await connection.execute(text("ANALYZE"))
    return int(created.rowcount)


# Every tenth account outside P-BIG (whose last accounts the apply+cancel cycle uses, and whose
# 50 first the partner view shows) gets an e-invoice's files and an invoice deficit ledger.
LEDGER_ENTRIES = 50
_LEDGER_ACCOUNTS = f"""
SELECT id FROM accounts
WHERE CAST(right(account_number, 6) AS integer) >= {BIG_PARTNER_ACCOUNTS}
  AND CAST(right(account_number, 6) AS integer) % 10 = 0
"""  # noqa: S608 (constant text)
# Each such account's oldest delivered or issued application becomes an ELECTRONIC one, issued
# (outside the newest 12 months that the console and the partner view show).
_ELECTRONIC = f"""
WITH oldest AS (
    SELECT DISTINCT ON (account_id) account_id, id FROM invoice_applications
    WHERE number LIKE 'BENCH-%' AND status IN ('DELIVERED', 'ISSUED')
      AND account_id IN ({_LEDGER_ACCOUNTS})
    ORDER BY account_id, months[1], id
)
UPDATE invoice_applications a SET medium = 'ELECTRONIC', status = 'ISSUED', address = NULL,
    emails = ARRAY['li.na@example.com'], invoice_numbers = ARRAY['2433' || lpad(CAST(a.id AS text), 16, '0')]
FROM oldest o WHERE a.account_id = o.account_id AND a.id = o.id
"""  # noqa: S608 (constant text)
# Its invoice as a PDF and an XML (small placeholder files, their size and hash computed by SQL).
_DOCUMENTS = """
INSERT INTO invoice_documents (account_id, application_id, invoice_number, format, colour, file_name,
    content_type, content, sha256, size_bytes)
SELECT a.account_id, a.id, a.invoice_numbers[1], f.format, 'BLUE',
    a.invoice_numbers[1] || f.suffix, f.content_type, c.content,
    encode(sha256(c.content), 'hex'), octet_length(c.content)
FROM invoice_applications a
CROSS JOIN (VALUES (1, 'PDF', '.pdf', 'application/pdf'), (2, 'XML', '.xml', 'application/xml'))
    AS f (position, format, suffix, content_type)
CROSS JOIN LATERAL (SELECT convert_to(
    CASE f.format WHEN 'PDF' THEN '%PDF-1.4 bench placeholder ' ELSE '<Invoice number="' END
    || a.invoice_numbers[1] || CASE f.format WHEN 'PDF' THEN ' %EOF' ELSE '"/>' END, 'UTF8') AS content) c
WHERE a.number LIKE 'BENCH-%' AND a.medium = 'ELECTRONIC'
ORDER BY a.account_id, a.id, f.position
"""
# 50 entries each: a REFUND, then every sixth an OFFSET of one of its applications (oldest first),
# the amounts chosen so the running balance never goes below 0; the account keeps the last balance.
_LEDGER = f"""
WITH applications AS (
    SELECT account_id, id, row_number() OVER (PARTITION BY account_id ORDER BY id) AS k
    FROM invoice_applications WHERE number LIKE 'BENCH-%'
),
steps AS (
    SELECT a.id AS account_id, a.account_number, n, p.id AS application_id
    FROM accounts a CROSS JOIN generate_series(1, :entries) AS n
    LEFT JOIN applications p ON p.account_id = a.id AND n % 6 = 0 AND p.k = n / 6
    WHERE a.id IN ({_LEDGER_ACCOUNTS})
),
moves AS (
    SELECT account_id, account_number, n, application_id,
        CASE WHEN application_id IS NULL THEN 10000 + n * 3701 % 50000 ELSE -30000 END AS amount_fen
    FROM steps
)
INSERT INTO invoice_deficit_entries (account_id, kind, amount_fen, balance_fen, at, line_id, application_id)
SELECT account_id, CASE WHEN application_id IS NULL THEN 'REFUND' ELSE 'OFFSET' END, amount_fen,
    sum(amount_fen) OVER (PARTITION BY account_id ORDER BY n),
    timestamptz '2026-01-01 00:00:00+00' + n * interval '1 day 1 hour 1 minute 1.5 second',
    CASE WHEN application_id IS NULL THEN account_number || '-REFUND-' || lpad(CAST(n AS text), 3, '0') END,
    application_id
FROM moves ORDER BY account_id, n
"""  # noqa: S608 (constant text)
_DEFICIT = """
UPDATE accounts a SET invoice_deficit_fen = e.balance_fen
FROM (SELECT DISTINCT ON (account_id) account_id, balance_fen FROM invoice_deficit_entries
      ORDER BY account_id, id DESC) e
WHERE a.id = e.account_id
"""


async def add_documents_and_ledgers(database: Database) -> tuple[int, int]:
    """For every tenth account outside P-BIG: an issued ELECTRONIC application with its PDF and XML,
    and a ledger of LEDGER_ENTRIES entries; returns how many documents and entries were added."""
    async with database.transaction() as connection:
        await connection.execute(text(_ELECTRONIC))
        made = await connection.execute(text(_DOCUMENTS))
        entries = await connection.execute(text(_LEDGER), {"entries": LEDGER_ENTRIES})
        await connection.execute(text(_DEFICIT))
        await connection.execute(text("ANALYZE"))
    return int(made.rowcount), int(entries.rowcount)


_ELECTRONIC_OF = """
SELECT a.account_id, a.id FROM invoice_applications a JOIN accounts c ON c.id = a.account_id
WHERE c.account_number = :number AND a.medium = 'ELECTRONIC' ORDER BY a.id LIMIT 1
"""


async def electronic_application(database: Database, *, account_number: str) -> tuple[int, int]:
    """The (account id, application id) of the account's ELECTRONIC application."""
    async with database.read() as connection:
        row = (
            await connection.execute(
                text(_ELECTRONIC_OF),
                {"number": account_number},
            )
        ).one()
        return int(row.account_id), int(row.id)


@dataclass(frozen=True, slots=True)
class MutationAccount:
    """What an applyForInvoice of one account's newest month needs."""

    account_id: int
    title_id: int
    address_id: int
    month: Month
    amount_fen: int


_MUTATION_ACCOUNTS = """
SELECT a.id AS account_id, t.id AS title_id, d.id AS address_id, s.month,
    s.invoiceable_cloud_fen + s.invoiceable_market_fen AS amount_fen
FROM accounts a
JOIN invoice_titles t ON t.account_id = a.id
JOIN invoice_addresses d ON d.account_id = a.id
JOIN statements s ON s.account_id = a.id AND s.month = :month
JOIN partners p ON p.id = a.partner_id AND p.code = :partner
ORDER BY a.account_number DESC LIMIT :count
"""


async def mutation_accounts(database: Database, *, month: Month, count: int) -> list[MutationAccount]:
    """Accounts of the big partner whose newest month is free to apply for (the last ones by number)."""
    async with database.read() as connection:
        rows = await connection.execute(
            text(_MUTATION_ACCOUNTS), {"month": month.first_day, "partner": BIG_PARTNER, "count": count}
        )
        return [
            MutationAccount(row.account_id, row.title_id, row.address_id, Month.of(row.month), row.amount_fen)
            for row in rows
        ]


_FREE_MONTH = """
WITH freed AS (
    UPDATE invoice_application_months SET active = false
    WHERE account_id = ANY(:accounts) AND month = :month AND active
    RETURNING account_id, application_id
)
UPDATE invoice_applications a SET status = 'CANCELLED'
FROM freed f WHERE a.account_id = f.account_id AND a.id = f.application_id
"""


async def free_month(database: Database, *, account_ids: list[int], month: Month) -> None:
    """Cancel whatever application a load run left pending on these accounts' month."""
    async with database.transaction() as connection:
        await connection.execute(text(_FREE_MONTH), {"accounts": account_ids, "month": month.first_day})


def due_months(count: int) -> list[Month]:
    """The `count` newest months whose statements are due now, oldest first."""
    newest = last_due_month(datetime.now(UTC))
    months = [newest]
    while len(months) < count:
        months.insert(0, months[0].previous())
    return months
