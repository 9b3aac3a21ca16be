"""Invoice documents: a fully digitalized VAT e-invoice (数电发票) rendered as PDF and as XML.

Pure functions of one frozen `InvoiceData`: no database, no network, and the same data always
gives the same bytes, so a stored document can be checked against its hash and re-rendered.
"""

from invoice_graph.domain.e_invoices import InvoiceColour

from .model import (
    InvoiceData,
    InvoiceItem,
    Party,
    TaxSplit,
    invoice_totals,
    split_items,
    split_tax,
)
from .numerals import amount_in_words
from .pdf import render_pdf
from .qr import qr_payload
from .xml import InvalidInvoiceXmlError, render_xml, validate_xml

__all__ = [
    "InvalidInvoiceXmlError",
    "InvoiceColour",
    "InvoiceData",
    "InvoiceItem",
    "Party",
    "TaxSplit",
    "amount_in_words",
    "invoice_totals",
    "qr_payload",
    "render_pdf",
    "render_xml",
    "split_items",
    "split_tax",
    "validate_xml",
]
