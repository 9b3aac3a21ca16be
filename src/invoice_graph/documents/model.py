"""The data of one fully digitalized e-invoice (数电发票), and its tax split in exact integer fen."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from invoice_graph.domain.e_invoices import InvoiceColour


@dataclass(frozen=True, slots=True)
class Party:
    """The seller or the buyer as printed on the invoice."""

    name: str
    taxpayer_id: str | None = None
    address: str | None = None  # registered address, printed on VAT special invoices
    phone: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None


@dataclass(frozen=True, slots=True)
class InvoiceItem:
    """One line of the invoice."""

    name: str  # e.g. "*信息技术服务*云服务费"
    specification: str  # e.g. "2026-09 至 2026-10"
    # Tax-inclusive, positive even on a red-letter invoice; negative on a discount line (the
    # invoice deficit taken off), which a red-letter invoice prints positive.
    amount_fen: int


@dataclass(frozen=True, slots=True)
class InvoiceData:
    """Everything a rendered invoice shows; the PDF and the XML are pure functions of it."""

    invoice_number: str  # 20 digits
    issued_on: date
    colour: InvoiceColour
    is_special: bool  # VAT special invoice (增值税专用发票) rather than general (普通发票)
    seller: Party
    buyer: Party
    items: tuple[InvoiceItem, ...]
    remark: str | None
    application_number: str  # e.g. "INV-202612-000042"
    original_invoice_number: str | None = None  # on a red-letter invoice: the blue one it voids
    tax_rate_percent: int = 6  # VAT on IT services
    issuer: str | None = None  # 开票人; the seller's name stands in when none is given

    @property
    def sign(self) -> int:
        """-1 for a red-letter invoice, whose amounts are printed negative, else 1."""
        return -1 if self.colour is InvoiceColour.RED else 1


@dataclass(frozen=True, slots=True)
class TaxSplit:
    """A tax-inclusive amount split into its net amount and its VAT, in integer fen."""

    net_fen: int
    tax_fen: int

    @property
    def amount_fen(self) -> int:
        """The tax-inclusive amount: net plus tax."""
        return self.net_fen + self.tax_fen


def split_tax(amount_fen: int, rate_percent: int) -> TaxSplit:
    """Split a tax-inclusive amount into net and tax, as the tax bureau's platform does per line.

    Args:
        amount_fen: the tax-inclusive amount in fen (may be negative).
        rate_percent: the VAT rate, e.g. 6.

    Returns:
        net = amount / (1 + rate) rounded half up to the fen, and tax = amount - net, so the two
        always add up to the amount.
    """
    net = (Decimal(amount_fen) * 100 / (100 + rate_percent)).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return TaxSplit(net_fen=int(net), tax_fen=amount_fen - int(net))


def split_items(invoice: InvoiceData) -> tuple[TaxSplit, ...]:
    """The tax split of each item, signed: negative on a red-letter invoice."""
    return tuple(
        split_tax(invoice.sign * item.amount_fen, invoice.tax_rate_percent) for item in invoice.items
    )


def invoice_totals(invoice: InvoiceData) -> TaxSplit:
    """The invoice's totals: the sums of its items' nets and taxes (signed like the items)."""
    splits = split_items(invoice)
    return TaxSplit(net_fen=sum(s.net_fen for s in splits), tax_fen=sum(s.tax_fen for s in splits))
