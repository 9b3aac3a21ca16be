"""Factories for test data: billing rows and whole imported months."""

import csv
import io
import itertools
from datetime import UTC, datetime
from pathlib import Path

from invoice_graph.db.engine import Database
from invoice_graph.domain.billing_rows import COLUMNS
from invoice_graph.services.billing_import import ImportResult, import_billing_file
from invoice_graph.services.statements import generate_due_statements

_ids = itertools.count(1)
# Late enough that every month the tests bill in is due.
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def line(**overrides: str) -> dict[str, str]:
    """A billing CSV row: an eligible CLOUD subscription paid 100.00 in cash, unless overridden."""
    row = {
        "account_number": "A-1",
        "account_name": "Acme Ltd",
        "partner": "",
        "line_id": f"L-{next(_ids)}",
        "billed_on": "2024-03-15",
        "product": "Cloud Server",
        "channel": "CLOUD",
        "seller": "Cloud Provider",
        "self_operated": "false",
        "billing_mode": "SUBSCRIPTION",
        "delivered_on": "2024-03-01",
        "amount": "100.00",
        "voucher_amount": "0",
        "coupon_amount": "0",
        "gift_balance_amount": "0",
        "cash_amount": "100.00",
    }
    row.update(overrides)
    return row


def csv_text(rows: list[dict[str, str]], *, header: list[str] | None = None) -> str:
    """The CSV text of rows, with the standard header unless one is given.

    The optional refund_of column is in the standard header only when some row is a refund, as a
    billing system without refunds leaves it out.
    """
    if header is None:
        refunds = any(row.get("refund_of") for row in rows)
        header = [column for column in COLUMNS if refunds or column != "refund_of"]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


async def import_rows(database: Database, folder: Path, rows: list[dict[str, str]]) -> ImportResult:
    """Import rows through the real import command's service."""
    path = folder / f"import-{next(_ids)}.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    return await import_billing_file(database, path)


async def make_statements(database: Database, folder: Path, rows: list[dict[str, str]]) -> None:
    """Import rows and generate every statement they make."""
    await import_rows(database, folder, rows)
    await generate_due_statements(database, now=LATER)
