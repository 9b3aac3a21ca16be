"""The invoice PDF: its text, its embedded CJK font, its determinism, and red-letter invoices."""

import io
from dataclasses import replace
from datetime import date

from pypdf import PdfReader
from pypdf.generic import DictionaryObject

from invoice_graph.documents import (
    InvoiceColour,
    InvoiceData,
    InvoiceItem,
    Party,
    qr_payload,
    render_pdf,
)

BUYER = "杭州云图数据科技有限公司（堃喆分部）"


def make_invoice(**changes: object) -> InvoiceData:
    """A VAT special blue invoice of two months of cloud services, with fields overridden."""
    invoice = InvoiceData(
        invoice_number="26332000000123456789",
        issued_on=date(2026, 12, 3),
        colour=InvoiceColour.BLUE,
        is_special=True,
        seller=Party(
            name="云端计算（北京）有限公司",
            taxpayer_id="91110108MA01ABCD2X",
            address="北京市海淀区中关村大街1号",
            phone="010-12345678",
            bank_name="招商银行北京分行",
            bank_account="110912345610201",
        ),
        buyer=Party(
            name=BUYER,
            taxpayer_id="91330106MA2CXYZ12K",
            address="浙江省杭州市西湖区文三路478号",
            phone="0571-88886666",
            bank_name="中国工商银行杭州文三路支行",
            bank_account="1202021409900123456",
        ),
        items=(
            InvoiceItem(name="*信息技术服务*云服务费", specification="2026-09", amount_fen=123456),
            InvoiceItem(name="*信息技术服务*云服务费", specification="2026-10", amount_fen=106),
        ),
        remark="合同号：HT-2026-0815",
        application_number="INV-202612-000042",
    )
    return replace(invoice, **changes)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    """All the text of the PDF's pages, as a reader extracts it."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def font_files(pdf: bytes) -> list[str]:
    """For each font the pages use, the key of its embedded font program (FontFile, 2 or 3)."""
    found: list[str] = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        resources = page["/Resources"].get_object()
        assert isinstance(resources, DictionaryObject)
        fonts = resources["/Font"].get_object()
        assert isinstance(fonts, DictionaryObject)
        for reference in fonts.values():
            font = reference.get_object()
            descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = descendant["/FontDescriptor"].get_object()
            assert isinstance(descriptor, DictionaryObject)
            found.extend(key for key in ("/FontFile", "/FontFile2", "/FontFile3") if key in descriptor)
    return found


def test_the_pdf_shows_the_buyer_the_number_and_the_amounts() -> None:
    # given a VAT special invoice for a buyer whose name has rarer GBK characters
    invoice = make_invoice()

    # when it is rendered
    text = text_of(render_pdf(invoice))

    # then the buyer, number, date, amounts in figures and in capital numerals can be read from it
    assert BUYER in text
    assert "电子发票（增值税专用发票）" in text
    assert "26332000000123456789" in text
    assert "2026年12月03日" in text
    assert "1,164.68" in text  # net of 1,234.56
    assert "¥1,165.68" in text  # net total: 1,164.68 + 1.00
    assert "¥69.94" in text  # tax total: 69.88 + 0.06
    assert "¥1,235.62" in text
    assert "壹仟贰佰叁拾伍元陆角贰分" in text
    assert "INV-202612-000042" in text
    assert "开户行及账号" in text


def test_the_cjk_font_is_embedded_and_subset() -> None:
    # given a rendered invoice
    pdf = render_pdf(make_invoice())

    # when its fonts are inspected
    files = font_files(pdf)

    # then every font carries its program, cut down to the glyphs used (far below the 5 MB file)
    assert files
    assert set(files) <= {"/FontFile2", "/FontFile3"}
    assert len(pdf) < 200_000


def test_the_same_invoice_gives_the_same_bytes() -> None:
    # given one invoice
    invoice = make_invoice()

    # when it is rendered twice
    # then the two files are identical, byte for byte
    assert render_pdf(invoice) == render_pdf(invoice)


def test_a_general_invoice_has_the_short_party_blocks() -> None:
    # given a general invoice
    text = text_of(render_pdf(make_invoice(is_special=False)))

    # then the title says so and the special invoice's bank lines are left out
    assert "电子发票（普通发票）" in text
    assert "开户行及账号" not in text


def test_a_red_letter_invoice_shows_negative_amounts_and_the_original() -> None:
    # given a red-letter invoice voiding a blue one
    invoice = make_invoice(colour=InvoiceColour.RED, original_invoice_number="26332000000012345678")

    # when it is rendered
    text = text_of(render_pdf(invoice))

    # then it is marked red, names the original and shows every amount negative
    assert "红字" in text
    assert "被红冲蓝字数电发票号码：26332000000012345678" in text
    assert "-1,164.68" in text
    assert "¥-1,235.62" in text
    assert "(负数)壹仟贰佰叁拾伍元陆角贰分" in text


def test_many_items_stay_on_one_longer_page() -> None:
    # given more items than an A4 landscape sheet holds
    items = tuple(
        InvoiceItem(name=f"*信息技术服务*云服务费{n}", specification="", amount_fen=100) for n in range(30)
    )

    # when the invoice is rendered
    reader = PdfReader(io.BytesIO(render_pdf(make_invoice(items=items))))

    # then all of them are on the one page, which is made longer than A4
    assert len(reader.pages) == 1
    assert float(reader.pages[0].mediabox.height) > 595.3
    assert "云服务费29" in reader.pages[0].extract_text()


def test_the_qr_code_carries_the_key_data() -> None:
    # given a VAT special invoice
    # when its QR code's text is built
    payload = qr_payload(make_invoice())

    # then it has the official e-invoice fields: type, number, net total, date, and a check
    fields = payload.split(",")
    assert fields[:7] == ["01", "31", "", "26332000000123456789", "1165.68", "20261203", ""]
    assert len(fields[7]) == 4
    assert int(fields[7], 16) >= 0
