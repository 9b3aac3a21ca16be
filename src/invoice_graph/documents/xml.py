"""The invoice as XML of the project's own schema (invoice.xsd), and the check against that schema."""

from functools import cache
from pathlib import Path

from lxml import etree

from invoice_graph.domain.money import format_fen

from .model import InvoiceData, Party, invoice_totals, split_items
from .numerals import amount_in_words
from .qr import invoice_type_code

NAMESPACE = "urn:invoice-graph:e-invoice:1"
SCHEMA_PATH = Path(__file__).parent / "invoice.xsd"
_PARTY_FIELDS = (
    ("Name", "name"),
    ("TaxpayerId", "taxpayer_id"),
    ("Address", "address"),
    ("Phone", "phone"),
    ("BankName", "bank_name"),
    ("BankAccount", "bank_account"),
)


class InvalidInvoiceXmlError(ValueError):
    """Bytes that are not well-formed XML or do not validate against invoice.xsd."""


def _element(parent: etree._Element, tag: str, text: str | None = None) -> etree._Element:
    """Append a child in the invoice namespace, with its text when given."""
    child = etree.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        child.text = text
    return child


def _party(parent: etree._Element, tag: str, party: Party) -> None:
    """A seller or buyer element; fields the party lacks are left out."""
    element = _element(parent, tag)
    for child_tag, attribute in _PARTY_FIELDS:
        value = getattr(party, attribute)
        if value:
            _element(element, child_tag, value)


def render_xml(invoice: InvoiceData) -> bytes:
    """Render the invoice as UTF-8 XML with a declaration; the same data gives the same bytes.

    Amounts are signed two-decimal strings (negative on a red-letter invoice), net, tax and
    tax-inclusive for each item and for the totals, which are the items' sums.
    """
    # lxml-stubs leave out the None key that makes the namespace the default one (no prefixes).
    root = etree.Element(f"{{{NAMESPACE}}}Invoice", nsmap={None: NAMESPACE})  # type: ignore[dict-item]
    _element(root, "InvoiceNumber", invoice.invoice_number)
    _element(root, "IssuedOn", invoice.issued_on.isoformat())
    _element(root, "Colour", invoice.colour.value)
    _element(root, "Type", "SPECIAL" if invoice.is_special else "GENERAL")
    _element(root, "TypeCode", invoice_type_code(invoice))
    if invoice.original_invoice_number:
        _element(root, "OriginalInvoiceNumber", invoice.original_invoice_number)
    _party(root, "Seller", invoice.seller)
    _party(root, "Buyer", invoice.buyer)
    items = _element(root, "Items")
    for item, split in zip(invoice.items, split_items(invoice), strict=True):
        element = _element(items, "Item")
        _element(element, "Name", item.name)
        _element(element, "Specification", item.specification)
        _element(element, "TaxRatePercent", str(invoice.tax_rate_percent))
        _element(element, "NetAmount", format_fen(split.net_fen))
        _element(element, "TaxAmount", format_fen(split.tax_fen))
        _element(element, "Amount", format_fen(split.amount_fen))
    totals = invoice_totals(invoice)
    totals_element = _element(root, "Totals")
    _element(totals_element, "NetAmount", format_fen(totals.net_fen))
    _element(totals_element, "TaxAmount", format_fen(totals.tax_fen))
    _element(totals_element, "Amount", format_fen(totals.amount_fen))
    _element(totals_element, "AmountInWords", amount_in_words(totals.amount_fen))
    if invoice.remark:
        _element(root, "Remark", invoice.remark)
    _element(root, "ApplicationNumber", invoice.application_number)
    if invoice.issuer:
        _element(root, "Issuer", invoice.issuer)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))


@cache
def _schema() -> etree.XMLSchema:
    """The compiled invoice.xsd, read once."""
    return etree.XMLSchema(etree.parse(str(SCHEMA_PATH), _parser()))


def _parser() -> etree.XMLParser:
    """A parser that fetches nothing and expands no entities: the bytes may come from anywhere."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def validate_xml(data: bytes) -> None:
    """Check that the bytes are an invoice XML document valid against invoice.xsd.

    Raises:
        InvalidInvoiceXmlError: when they are not well-formed or break the schema, with the
            first error's message and line.
    """
    try:
        document = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as error:
        raise InvalidInvoiceXmlError(f"not well-formed XML: {error}") from error
    try:
        _schema().assertValid(document)
    except etree.DocumentInvalid as error:
        raise InvalidInvoiceXmlError(str(error)) from error
