"""Demo data: six accounts billed over the last 24 months, their statements and one token per role.

The content depends only on the account, the month and the line's index, so loading the demo
again re-imports identical lines (a no-op) and only adds the months that became recent since.
Each load makes three new tokens and revokes those an earlier load made (they carry the labels in
`TOKEN_LABELS`, which `tokens create` refuses), so at most three demo tokens are ever live.
"""

import csv
import io
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries.application_lists import count_applications_by_account_ids
from invoice_graph.db.queries.tokens import get_account_id
from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action, ApplicationStatus, InvoiceMedium
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.billing import BillingMode, Channel
from invoice_graph.domain.billing_rows import COLUMNS
from invoice_graph.domain.filters import ApplicationFilter
from invoice_graph.domain.money import format_fen, from_fen
from invoice_graph.domain.months import CST, Month, months_between
from invoice_graph.domain.titles import InvoiceType, Title, TitleKind
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.application_status import change_application_status
from invoice_graph.services.applications import apply_for_invoice, preview_application
from invoice_graph.services.billing_import import import_billing_file
from invoice_graph.services.invoice_documents import Issuer
from invoice_graph.services.owned_lists import TITLE_TABLE, create_item, list_titles_by_account_ids
from invoice_graph.services.statements import generate_due_statements
from invoice_graph.services.tokens import CreatedToken, replace_labelled_token

PARTNER = "P-DEMO"
MONTHS = 24
PROVIDER = "Cloud Provider"
MARKET_SELLER = "Cloud Market"
MARKET_VENDOR = "Hangzhou Data Tools Co."
# (account number, name, managing partner); the first is the customer token's account.
ACCOUNTS = (
    ("D-1001", "Yangtze Robotics Co., Ltd.", None),
    ("D-1002", "Pearl River Media Ltd.", PARTNER),
    ("D-1003", "Westlake Analytics Ltd.", PARTNER),
    ("D-1004", "Zhang Wei", PARTNER),
    ("D-1005", "Northern Freight Co., Ltd.", None),
    ("D-1006", "Lijiang Travel Studio", None),
)
# Short names keep the table of line kinds below readable.
CLOUD, MARKET = Channel.CLOUD, Channel.MARKET
SUBSCRIPTION, PAY_AS_YOU_GO, OTHER = BillingMode.SUBSCRIPTION, BillingMode.PAY_AS_YOU_GO, BillingMode.OTHER
# An old contract delivered before the R4.3 cutoff and still billed monthly.
LEGACY_DELIVERY = date(2017, 12, 15)
# The labels that mark the demo's tokens: a demo load revokes the live tokens of each role and label.
TOKEN_LABELS = {Role.CUSTOMER: "demo customer", Role.PARTNER: "demo partner", Role.FINANCE: "demo finance"}


@dataclass(frozen=True, slots=True)
class _Kind:
    """One kind of demo line: what is sold, how it is billed, and how the amount is paid."""

    product: str
    channel: Channel
    seller: str
    self_operated: bool
    billing_mode: BillingMode
    base_fen: int
    # Shares of the amount, in percent, paid by voucher, coupon and gift balance; the rest is cash.
    voucher_pct: int = 0
    coupon_pct: int = 0
    gift_pct: int = 0
    # A subscription is delivered on the first day of its month unless a day is given here.
    delivered_on: date | None = None


def _cloud(product: str, mode: BillingMode, base_fen: int, **shares: Any) -> _Kind:
    """A kind of line the provider sells on its own cloud."""
    return _Kind(product, CLOUD, PROVIDER, False, mode, base_fen, **shares)


KINDS = (
    _cloud("Cloud Server ECS", SUBSCRIPTION, 128_800),
    _cloud("Object Storage", PAY_AS_YOU_GO, 23_417, voucher_pct=30),
    _cloud("Cloud Database RDS", SUBSCRIPTION, 86_050, coupon_pct=20),
    _cloud("Dedicated Line", SUBSCRIPTION, 50_000, gift_pct=10, delivered_on=LEGACY_DELIVERY),
    _Kind("Market Security Image", MARKET, MARKET_SELLER, True, SUBSCRIPTION, 19_900),
    _Kind("BI Dashboard Suite", MARKET, MARKET_VENDOR, False, SUBSCRIPTION, 45_600, coupon_pct=10),
    _cloud("Premium Support", OTHER, 30_000, gift_pct=50),
    _cloud("Cloud Server ECS (upgrade)", SUBSCRIPTION, 64_321, voucher_pct=10, coupon_pct=15, gift_pct=5),
)


@dataclass(frozen=True, slots=True)
class DemoTokens:
    """A new token per role (customer of the first account, P-DEMO, finance); earlier ones revoked."""

    customer: CreatedToken
    partner: CreatedToken
    finance: CreatedToken
    revoked: tuple[int, ...]


def demo_months(now: datetime) -> list[Month]:
    """The 24 months before the month of `now` (CST), oldest first."""
    last = Month.of_instant(now).previous()
    first = last
    for _ in range(MONTHS - 1):
        first = first.previous()
    return months_between(first, last)


def _payment(kind: _Kind, amount: int) -> dict[str, str]:
    """Split an amount in fen into the four payment columns; the parts add up exactly."""
    voucher = amount * kind.voucher_pct // 100
    coupon = amount * kind.coupon_pct // 100
    gift = amount * kind.gift_pct // 100
    parts = {"voucher_amount": voucher, "coupon_amount": coupon, "gift_balance_amount": gift}
    parts["cash_amount"] = amount - voucher - coupon - gift
    return {"amount": format_fen(amount)} | {column: format_fen(fen) for column, fen in parts.items()}


def _row(account: int, month: Month, index: int) -> dict[str, str]:
    """The demo line `index` (1-8) of an account in a month."""
    number, name, partner = ACCOUNTS[account]
    kind = KINDS[index - 1]
    # Vary amounts by account and month so statements differ, deterministically.
    amount = kind.base_fen + 1_357 * account + 211 * (month.month + index) + 7 * (month.year % 10)
    delivered = kind.delivered_on or (month.first_day if kind.billing_mode is SUBSCRIPTION else None)
    return {
        "account_number": number,
        "account_name": name,
        "partner": partner or "",
        "line_id": f"DEMO-{number}-{month.year:04d}{month.month:02d}-{index:02d}",
        "billed_on": month.first_day.replace(day=min(3 * index, 28)).isoformat(),
        "product": kind.product,
        "channel": kind.channel.value,
        "seller": kind.seller,
        "self_operated": "true" if kind.self_operated else "false",
        "billing_mode": kind.billing_mode.value,
        "delivered_on": delivered.isoformat() if delivered else "",
    } | _payment(kind, amount)


def demo_csv(now: datetime) -> str:
    """The demo billing CSV for the 24 months before the month of `now`.

    Args:
        now: the instant the demo is loaded at; only its month (CST) matters.

    Returns:
        UTF-8 CSV text with the standard header and eight lines per account and month.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    for month in demo_months(now):
        for account in range(len(ACCOUNTS)):
            writer.writerows(_row(account, month, index) for index in range(1, len(KINDS) + 1))
    return out.getvalue()


async def _replace_tokens(database: Database) -> DemoTokens:
    """One token per role, labelled as the demo's; the demo tokens of earlier loads are revoked."""
    customer, revoked_customer = await replace_labelled_token(
        database, role=Role.CUSTOMER, label=TOKEN_LABELS[Role.CUSTOMER], account_number=ACCOUNTS[0][0]
    )
    partner, revoked_partner = await replace_labelled_token(
        database, role=Role.PARTNER, label=TOKEN_LABELS[Role.PARTNER], partner_code=PARTNER
    )
    finance, revoked_finance = await replace_labelled_token(
        database, role=Role.FINANCE, label=TOKEN_LABELS[Role.FINANCE]
    )
    revoked = tuple(sorted(revoked_customer + revoked_partner + revoked_finance))
    return DemoTokens(customer=customer, partner=partner, finance=finance, revoked=revoked)


async def load_demo(database: Database, *, now: datetime | None = None) -> DemoTokens:
    """Import the demo billing lines, generate the statements that are due and make demo tokens.

    Safe to run again: identical lines are not imported twice and generation is idempotent;
    every run makes three new tokens and revokes the demo tokens of the runs before it (only
    those: tokens with the demo's labels, `TOKEN_LABELS`).

    Args:
        database: a migrated database.
        now: the instant to build the 24 months and judge due statements by; now when omitted.

    Returns:
        A new token for the customer D-1001, the partner P-DEMO and finance, and the ids of the
        demo tokens revoked.

    Raises:
        ImportRejectedError: when the database holds other lines that clash with the demo's.
    """
    instant = now or datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="invoice-graph-demo-") as folder:
        path = Path(folder) / "demo-billing.csv"
        path.write_text(demo_csv(instant), encoding="utf-8")
        await import_billing_file(database, path)
    await generate_due_statements(database, now=instant)
    await _demo_e_invoice(database, demo_months(instant)[0])
    return await _replace_tokens(database)


# The demo e-invoice: applied for once (the idempotency key makes a reload replay it).
_E_INVOICE_KEY = "demo-e-invoice"
_E_INVOICE_NUMBER = "26330000000000000001"
_DEMO_TITLE = Title(
    kind=TitleKind.COMPANY,
    invoice_type=InvoiceType.VAT_SPECIAL,
    name="珠江传媒有限公司",
    taxpayer_id="91440300MA5FTY8E3E",
    registered_address="江苏省南京市江宁区天元中路 88 号",
    registered_phone="025-52100000",
    bank_name="中国银行南京江宁支行",
    bank_account="470200000000088",
)


async def _demo_e_invoice(database: Database, month: Month) -> None:
    """D-1002's oldest month (partner P-DEMO's customer) as an ELECTRONIC invoice, issued with its
    PDF and XML; the partner and finance tokens see it at once."""
    async with database.read() as connection:
        # Not the customer token's D-1001: the README's walk-through starts it with no title.
        account_id = await get_account_id(connection=connection, account_number=ACCOUNTS[1][0])
    if account_id is None:
        return
    # The demo acts as its own customer and finance, with no token of theirs.
    customer = Viewer(role=Role.CUSTOMER, token_id=0, account_id=account_id)
    (titles,) = await list_titles_by_account_ids(database, account_ids=[account_id])
    title = titles[0] if titles else None
    if title is None:
        title = await create_item(
            database, TITLE_TABLE, viewer=customer, account_id=account_id, value=_DEMO_TITLE, is_default=True
        )
    async with database.read() as connection:
        applied = await count_applications_by_account_ids(
            connection=connection, account_ids=[account_id], where=ApplicationFilter()
        )
    if applied.get(account_id):  # by an earlier load, maybe of another month
        return
    preview = await preview_application(database, viewer=customer, account_id=account_id, months=[month])
    request = ApplicationRequest(
        account_id=account_id,
        months=(month,),
        title_id=title.id,
        address_id=None,
        confirmed_amount=from_fen(preview.amount_fen),
        accept_terms=True,
        idempotency_key=_E_INVOICE_KEY,
        medium=InvoiceMedium.ELECTRONIC,
        emails=("finance@pearl-river.example.com",),
    )
    application = await apply_for_invoice(
        database, viewer=customer, request=request, offered=list(InvoiceMedium)
    )
    if application.status != ApplicationStatus.PENDING:
        return
    await change_application_status(
        database,
        viewer=Viewer(role=Role.FINANCE, token_id=0),
        account_id=account_id,
        application_id=application.id,
        change=StatusChange(Action.ISSUE, invoice_numbers=(_E_INVOICE_NUMBER,)),
        issuer=Issuer.from_settings(Settings()),
    )
    await _demo_refund(database, month)


# Refunded of the e-invoiced month's server line: the demo's invoice deficit (SPEC section 11).
_REFUNDED_FEN = 30_000


async def _demo_refund(database: Database, month: Month) -> None:
    """A refund, after invoicing, of part of D-1002's e-invoiced month: its invoice deficit, which
    its next application takes off first."""
    sold = _row(1, month, 1)
    refund = sold | {
        "line_id": f"{sold['line_id']}-REFUND",
        "refund_of": sold["line_id"],
        "billed_on": datetime.now(CST).date().isoformat(),
        "amount": format_fen(_REFUNDED_FEN),
        "voucher_amount": "0",
        "coupon_amount": "0",
        "gift_balance_amount": "0",
        "cash_amount": format_fen(_REFUNDED_FEN),
    }
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS))
    writer.writeheader()
    writer.writerow(refund)
    with tempfile.TemporaryDirectory(prefix="invoice-graph-demo-") as folder:
        path = Path(folder) / "demo-refund.csv"
        path.write_text(out.getvalue(), encoding="utf-8")
        await import_billing_file(database, path)
