"""The invoice XML against its schema, its totals, and the tax split in integer fen."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from invoice_graph.documents import (
    InvalidInvoiceXmlError,
    InvoiceColour,
    InvoiceData,
    InvoiceItem,
    Party,
    invoice_totals,
    render_xml,
    split_tax,
    validate_xml,
)
from invoice_graph.documents.xml import NAMESPACE

NS = {"i": NAMESPACE}


def make_invoice(*, colour: InvoiceColour = InvoiceColour.BLUE) -> InvoiceData:
    """A general invoice of three months for a buyer with rarer GBK characters in its name."""
    return InvoiceData(
        invoice_number="26332000000123456789",
        issued_on=date(2026, 12, 3),
        colour=colour,
        is_special=False,
        seller=Party(name="云端计算（北京）有限公司", taxpayer_id="91110108MA01ABCD2X"),
        buyer=Party(name="杭州云图数据科技有限公司（堃喆分部）", taxpayer_id="91330106MA2CXYZ12K"),
        items=(
            InvoiceItem(name="*信息技术服务*云服务费", specification="2026-09", amount_fen=123456),
            InvoiceItem(name="*信息技术服务*云服务费", specification="2026-10", amount_fen=106),
            InvoiceItem(name="*信息技术服务*云服务费", specification="2026-11", amount_fen=1),
        ),
        remark=None,
        application_number="INV-202612-000042",
        original_invoice_number="26332000000012345678" if colour is InvoiceColour.RED else None,
    )


def tampered(data: bytes, path: str, change: str | None) -> bytes:
    """The document with the element at path given new text, or removed when change is None."""
    root = etree.fromstring(data)
    element = root.find(path, NS)
    assert element is not None
    if change is None:
        parent = element.getparent()
        assert parent is not None
        parent.remove(element)
    else:
        element.text = change
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@pytest.mark.parametrize("colour", list(InvoiceColour))
def test_the_rendered_xml_validates(colour: InvoiceColour) -> None:
    # given a blue or a red invoice
    # when it is rendered as XML
    data = render_xml(make_invoice(colour=colour))

    # then it declares UTF-8 and validates against the schema
    assert data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>")
    validate_xml(data)


def test_the_same_invoice_gives_the_same_xml() -> None:
    assert render_xml(make_invoice()) == render_xml(make_invoice())


@pytest.mark.parametrize(
    ("path", "change"),
    [
        ("i:InvoiceNumber", "2633200000012345678"),  # 19 digits
        ("i:InvoiceNumber", "2633200000012345678X"),
        ("i:Items/i:Item/i:NetAmount", "1164.7"),
        ("i:Totals/i:Amount", "1,235.63"),
        ("i:Colour", "GREEN"),
        ("i:IssuedOn", "2026-13-03"),
        ("i:Totals/i:AmountInWords", None),
        ("i:Buyer", None),
        ("i:Items", None),
        ("i:ApplicationNumber", None),
    ],
)
def test_a_tampered_document_is_refused(path: str, change: str | None) -> None:
    # given a valid document with one element changed or removed
    data = tampered(render_xml(make_invoice()), path, change)

    # when it is validated
    # then the schema refuses it
    with pytest.raises(InvalidInvoiceXmlError):
        validate_xml(data)


def test_bytes_that_are_not_xml_are_refused() -> None:
    with pytest.raises(InvalidInvoiceXmlError, match="well-formed"):
        validate_xml(b"<Invoice")


def test_an_entity_is_not_expanded() -> None:
    # given a document that declares an entity reading a local file
    data = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>'

    # when it is validated
    # then it is refused without the file being read into it
    with pytest.raises(InvalidInvoiceXmlError) as raised:
        validate_xml(data)
    assert "root:" not in str(raised.value)


@pytest.mark.parametrize("colour", list(InvoiceColour))
def test_the_totals_are_the_sums_of_the_items(colour: InvoiceColour) -> None:
    # given a rendered invoice
    root = etree.fromstring(render_xml(make_invoice(colour=colour)))

    # when the items' amounts are added up
    for field in ("NetAmount", "TaxAmount", "Amount"):
        texts = [
            item.findtext(f"i:{field}", namespaces=NS) or "" for item in root.iterfind("i:Items/i:Item", NS)
        ]
        items = sum((Decimal(text) for text in texts), Decimal(0))
        total = Decimal(root.findtext(f"i:Totals/i:{field}", namespaces=NS) or "")

        # then they equal the totals, negative on a red-letter invoice
        assert items == total
        assert (total < 0) is (colour is InvoiceColour.RED)
    assert (
        root.findtext("i:Totals/i:Amount", namespaces=NS)
        == ("-" if colour is InvoiceColour.RED else "") + "1235.63"
    )


def test_the_red_letter_xml_names_the_original_and_the_negative_words() -> None:
    root = etree.fromstring(render_xml(make_invoice(colour=InvoiceColour.RED)))

    assert root.findtext("i:OriginalInvoiceNumber", namespaces=NS) == "26332000000012345678"
    assert root.findtext("i:Totals/i:AmountInWords", namespaces=NS) == "(负数)壹仟贰佰叁拾伍元陆角叁分"


@pytest.mark.parametrize(
    ("amount", "net", "tax"),
    [
        (106, 100, 6),
        (1, 1, 0),  # 1 / 1.06 = 0.94 fen, rounded up to 1
        (0, 0, 0),
        (53, 50, 3),  # 50.0 exactly
        (9, 8, 1),  # 8.49 rounds down
        (123456, 116468, 6988),
        (-106, -100, -6),  # a red-letter line is the mirror of the blue one
        (-1, -1, 0),
    ],
)
def test_the_tax_split_of_a_line(amount: int, net: int, tax: int) -> None:
    # given a tax-inclusive amount at 6 %
    split = split_tax(amount, 6)

    # then net is amount / 1.06 rounded half up, and the tax is what is left
    assert (split.net_fen, split.tax_fen) == (net, tax)
    assert split.amount_fen == amount


def test_a_half_fen_rounds_up() -> None:
    # 3 fen at 100 % is 1.5 fen net: half a fen rounds away from zero, both ways
    assert split_tax(3, 100).net_fen == 2
    assert split_tax(-3, 100).net_fen == -2


def test_the_totals_add_the_rounded_lines() -> None:
    # the invoice's totals are the sums of the rounded lines, not a split of the grand total
    totals = invoice_totals(make_invoice())
    assert (totals.net_fen, totals.tax_fen, totals.amount_fen) == (116468 + 100 + 1, 6988 + 6 + 0, 123563)
