"""The invoice deficit's pure rules: the offset, its share per invoice, and its line on the invoice."""

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from invoice_graph.documents import InvoiceColour, Party, render_pdf, render_xml, validate_xml
from invoice_graph.documents.model import invoice_totals
from invoice_graph.domain.applying import EligibilityProblem, eligibility_problems
from invoice_graph.domain.deficit import deficit_offset
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.services.invoice_documents import invoice_data, offset_shares
from tests.unit.test_documents_pdf import text_of


@pytest.mark.parametrize(
    ("deficit", "total", "offset"),
    [(0, 30000, 0), (25000, 30000, 25000), (30000, 30000, 30000), (50000, 30000, 30000), (100, 0, 0)],
)
def test_the_offset_is_the_deficit_as_far_as_the_months_go(deficit: int, total: int, offset: int) -> None:
    assert deficit_offset(deficit, total) == offset


@pytest.mark.parametrize(
    ("invoiceable", "deficit", "nothing"), [(100, 0, False), (100, 99, False), (100, 100, True)]
)
def test_eligibility_takes_the_deficit_off(invoiceable: int, deficit: int, nothing: bool) -> None:
    problems = eligibility_problems(
        has_title=True, has_address=True, invoiceable_fen=invoiceable, deficit_fen=deficit
    )
    assert (EligibilityProblem.NOTHING_TO_INVOICE in problems) is nothing


@given(
    offset=st.integers(min_value=0, max_value=10**9),
    totals=st.lists(st.integers(min_value=0, max_value=10**9), min_size=1, max_size=10),
)
def test_offset_shares_add_up_and_leave_no_invoice_below_nothing(offset: int, totals: list[int]) -> None:
    offset = min(offset, sum(totals))
    shares = offset_shares(offset, totals)
    assert sum(shares) == offset
    assert all(0 <= share <= total for share, total in zip(shares, totals, strict=True))


def _application(**changes: object) -> ApplicationRecord:
    record = ApplicationRecord(
        account_id=1,
        id=7,
        number="IA2026120300000007",
        status="ISSUED",
        medium="ELECTRONIC",
        months=[date(2026, 9, 1), date(2026, 10, 1)],
        cloud_fen=30000,
        market_fen=10000,
        deficit_offset_fen=25000,
        amount_fen=15000,
        title={
            "name": "杭州云图数据科技有限公司",
            "invoice_type": "VAT_GENERAL",
            "taxpayer_id": "91330106MA2CXYZ12K",
        },
        address=None,
        emails=["a@example.com"],
        remark=None,
        submitted_at=datetime(2026, 12, 3, tzinfo=UTC),
        due_by=date(2026, 12, 4),
        invoice_numbers=["26332000000123456789"],
        courier=None,
        tracking_number=None,
        rejection_reason=None,
        return_reason=None,
        return_courier=None,
        return_tracking_number=None,
        status_before_return=None,
        reversal_reason=None,
        reversal_note=None,
        status_before_reversal=None,
        red_invoice_numbers=[],
        shipped_at=None,
        idempotency_key=None,
        request_fingerprint=None,
    )
    return replace(record, **changes)  # type: ignore[arg-type]


SELLER = Party(name="云端计算（北京）有限公司", taxpayer_id="91110108MA01ABCD2X")


def test_the_invoice_shows_the_offset_as_a_discount_line() -> None:
    # given an application of 400.00 with 250.00 of deficit taken off
    application = _application()
    # when its invoice is made
    [invoice] = invoice_data(
        application,
        numbers=application.invoice_numbers,
        colour=InvoiceColour.BLUE,
        issued_on=date(2026, 12, 3),
        seller=SELLER,
    )
    # then the offset is a negative line and the invoice is for what the application is
    assert [item.amount_fen for item in invoice.items] == [30000, 10000, -25000]
    assert invoice_totals(invoice).amount_fen == application.amount_fen
    # and the PDF shows the line (-250.00: net -235.85 and tax -14.15), the total in figures and in
    # words, and the XML is valid
    text = text_of(render_pdf(invoice))
    assert "退款欠票抵减" in text
    assert "-235.85 6% -14.15" in text
    assert "¥150.00" in text
    assert "壹佰伍拾元整" in text
    validate_xml(render_xml(invoice))


def test_a_red_letter_invoice_mirrors_the_offset() -> None:
    application = _application(status="REVERSED", red_invoice_numbers=["26332000000987654321"])
    [red] = invoice_data(
        application,
        numbers=application.red_invoice_numbers,
        colour=InvoiceColour.RED,
        issued_on=date(2026, 12, 5),
        seller=SELLER,
    )
    assert invoice_totals(red).amount_fen == -application.amount_fen
    validate_xml(render_xml(red))


def test_several_invoices_share_the_offset_from_the_first() -> None:
    application = _application(
        cloud_fen=20000,
        market_fen=0,
        deficit_offset_fen=15000,
        amount_fen=5000,
        invoice_numbers=["1" * 20, "2" * 20],
    )
    invoices = invoice_data(
        application,
        numbers=application.invoice_numbers,
        colour=InvoiceColour.BLUE,
        issued_on=date(2026, 12, 3),
        seller=SELLER,
    )
    assert [invoice_totals(invoice).amount_fen for invoice in invoices] == [0, 5000]
