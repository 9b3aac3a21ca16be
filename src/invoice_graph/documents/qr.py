"""The invoice's QR code: its key data in the comma-separated form of the official e-invoice code."""

import binascii

import segno
from fpdf import FPDF

from invoice_graph.domain.money import format_fen

from .model import InvoiceData, invoice_totals

# The tax platform's type codes of fully digitalized e-invoices.
SPECIAL_TYPE_CODE = "31"
GENERAL_TYPE_CODE = "32"


def invoice_type_code(invoice: InvoiceData) -> str:
    """The type code: "31" for a VAT special e-invoice, "32" for a general one."""
    return SPECIAL_TYPE_CODE if invoice.is_special else GENERAL_TYPE_CODE


def qr_payload(invoice: InvoiceData) -> str:
    """The QR code's text: "01,<type>,,<number>,<net total>,<YYYYMMDD>,,<check>".

    The invoice code and check code fields stay empty, as on every 数电票; the last field is a
    CRC-16 (CCITT) of the text before it, in four hex digits, so a scanner can tell a misread.
    """
    fields = [
        "01",
        invoice_type_code(invoice),
        "",
        invoice.invoice_number,
        format_fen(invoice_totals(invoice).net_fen),
        invoice.issued_on.strftime("%Y%m%d"),
        "",
    ]
    text = ",".join(fields)
    return f"{text},{binascii.crc_hqx(text.encode('ascii'), 0xFFFF):04X}"


def draw_qr(pdf: FPDF, payload: str, *, x: float, y: float, size: float) -> None:
    """Draw the QR code as filled vector rectangles, one per run of dark modules in a row."""
    code = segno.make(payload, error="m", micro=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=0)]
    module = size / len(rows)
    with pdf.local_context(fill_color=(0, 0, 0)):
        for row_index, row in enumerate(rows):
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                # A hair of overlap keeps viewers from drawing seams between neighbouring runs.
                pdf.rect(
                    x + start * module, y + row_index * module, (column - start) * module, module * 1.02, "F"
                )
