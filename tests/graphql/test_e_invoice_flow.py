"""The console's whole e-invoice path (SPEC sections 9 and 10): apply ELECTRONIC, finance issues,
the files download by their signed links, the e-mail reaches a real SMTP server, then a red-letter
reversal releases the months."""

import hashlib
import io
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from pypdf import PdfReader
from sqlalchemy import update
from sqlalchemy.exc import DBAPIError

from invoice_graph.config import Settings
from invoice_graph.db.tables import invoice_documents
from invoice_graph.documents.xml import validate_xml
from invoice_graph.domain.links import document_path, sign
from invoice_graph.domain.viewer import Role
from invoice_graph.jobs.handlers import HANDLERS
from invoice_graph.jobs.runner import JobRunner
from tests.graphql.conftest import LINK_SECRET, Api
from tests.graphql.helpers import (
    USCC,
    company_title,
    console_account,
    create_title,
    make_billing,
    month_statuses,
    mutate,
    query_data,
)

BUYER = "杭州云图数据科技有限公司"
INVOICE_NUMBER = "26332000000123456789"
RED_NUMBER = "26332000000987654321"

APPLICATION = """
id status medium dueBy submittedAt emails address { city } amount { amount }
invoiceNumbers redInvoiceNumbers reversalReason
documents { invoiceNumber format url expiresAt sizeBytes sha256 }
emailDeliveries { to status attempts lastError sentAt }
"""
APPLY = (
    "mutation($input: ApplyForInvoiceInput!) { applyForInvoice(input: $input) {"
    f" invoiceApplication {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
)
ISSUE = (
    "mutation($input: IssueInvoiceApplicationInput!) { issueInvoiceApplication(input: $input) {"
    f" invoiceApplication {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
)
SHIP = (
    "mutation($input: ShipInvoiceApplicationInput!) { shipInvoiceApplication(input: $input) {"
    " userErrors { code message } } }"
)
REQUEST_REVERSAL = (
    "mutation($input: RequestInvoiceReversalInput!) { requestInvoiceReversal(input: $input) {"
    f" invoiceApplication {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
)
CONFIRM_REVERSAL = (
    "mutation($input: ConfirmInvoiceReversalInput!) { confirmInvoiceReversal(input: $input) {"
    f" invoiceApplication {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
)
RESEND = (
    "mutation($input: ResendInvoiceEmailInput!) { resendInvoiceEmail(input: $input) {"
    f" invoiceApplication {{ {APPLICATION} }} userErrors {{ code field message }} }} }}"
)
NODE = f"query($id: ID!) {{ node(id: $id) {{ ... on InvoiceApplication {{ {APPLICATION} }} }} }}"


class Inbox:
    """What a real SMTP server on loopback received."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        content = envelope.original_content or b""
        message = message_from_bytes(content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        return "250 OK"


@pytest.fixture
def smtp() -> Iterator[tuple[Inbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


async def _electronic_account(api: Api, customer: str) -> dict[str, Any]:
    account = await console_account(api, customer)
    title = await create_title(
        api,
        customer,
        company_title(
            account["id"],
            name=BUYER,
            invoiceType="VAT_SPECIAL",
            taxpayerId=USCC,
            registeredAddress="杭州市西湖区文三路 90 号",
            registeredPhone="0571-88880000",
            bankName="招商银行杭州分行",
            bankAccount="571900000000001",
        ),
    )
    assert title["userErrors"] == []
    return {"account": account["id"], "title": title["invoiceTitle"]["id"]}


def _apply(ids: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "accountId": ids["account"],
        "months": ["2024-01", "2024-02"],
        "titleId": ids["title"],
        "confirmedAmount": "200.00",
        "acceptTerms": True,
        "medium": "ELECTRONIC",
        "emails": ["finance@example.com", "Boss@Example.COM"],
        **overrides,
    }


async def _send_due_emails(api: Api, settings: Settings) -> None:
    runner = JobRunner(api.database, settings, HANDLERS)
    await runner.run_once()


async def _download(api: Api, url: str) -> tuple[int, bytes, dict[str, str]]:
    parts = urlsplit(url)
    response = await api.client.get(f"{parts.path}?{parts.query}")
    return response.status_code, response.content, dict(response.headers)


def _pdf_text(data: bytes) -> str:
    # pypdf separates CJK glyphs with NULs in some fonts' text maps: read the text as the eye does.
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace("\x00", "")


async def test_the_consoles_whole_e_invoice_path(api: Api, tmp_path: Path, smtp: tuple[Inbox, int]) -> None:
    inbox, port = smtp
    settings = Settings(environment="test", smtp_url=f"smtp://127.0.0.1:{port}", data_dir=tmp_path)
    await make_billing(api, tmp_path)
    customer = await api.token(Role.CUSTOMER, account="A-1")
    finance = await api.token(Role.FINANCE)
    ids = await _electronic_account(api, customer)

    # an ELECTRONIC application needs e-mails, valid ones, and no address
    refused = await mutate(api, APPLY, {"input": _apply(ids, emails=None)}, customer)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("EMAILS_REQUIRED", ["input", "emails"])
    ]
    refused = await mutate(api, APPLY, {"input": _apply(ids, emails=["a@example.com", "not-mail"])}, customer)
    assert [(e["code"], e["field"]) for e in refused["userErrors"]] == [
        ("INVALID_EMAIL", ["input", "emails", "1"])
    ]

    # when the customer applies for two months as an e-invoice
    applied = await mutate(api, APPLY, {"input": _apply(ids)}, customer)
    assert applied["userErrors"] == []
    application = applied["invoiceApplication"]
    assert application["medium"] == "ELECTRONIC"
    assert application["address"] is None
    assert application["emails"] == ["finance@example.com", "Boss@example.com"]
    # one China working day to issue it
    submitted = datetime.fromisoformat(application["submittedAt"]).date()
    assert 0 < (datetime.fromisoformat(application["dueBy"]).date() - submitted).days <= 4

    # finance records an e-invoice number: 20 digits, not a paper invoice's 8
    wrong = await mutate(
        api, ISSUE, {"input": {"id": application["id"], "invoiceNumbers": ["12345678"]}}, finance
    )
    assert [e["code"] for e in wrong["userErrors"]] == ["INVALID"]
    issued = await mutate(
        api, ISSUE, {"input": {"id": application["id"], "invoiceNumbers": [INVOICE_NUMBER]}}, finance
    )
    assert issued["userErrors"] == []
    application = issued["invoiceApplication"]
    assert application["status"] == "ISSUED"
    assert [(d["invoiceNumber"], d["format"]) for d in application["documents"]] == [
        (INVOICE_NUMBER, "PDF"),
        (INVOICE_NUMBER, "XML"),
    ]
    assert [(d["status"], d["attempts"]) for d in application["emailDeliveries"]] == [("QUEUED", 0)]

    # then each file downloads by its link, as issued
    files: dict[str, bytes] = {}
    for document in application["documents"]:
        status, content, headers = await _download(api, document["url"])
        assert status == 200
        assert hashlib.sha256(content).hexdigest() == document["sha256"]
        assert len(content) == document["sizeBytes"]
        assert headers["content-type"].startswith(
            "application/pdf" if document["format"] == "PDF" else "application/xml"
        )
        assert f"{INVOICE_NUMBER}." in headers["content-disposition"]
        files[document["format"]] = content
    text = _pdf_text(files["PDF"])
    assert BUYER in text
    assert INVOICE_NUMBER in text
    assert "200.00" in text
    assert "贰佰元整" in text
    validate_xml(files["XML"])

    # another customer does not see the application, so not its documents either
    stranger = await api.token(Role.CUSTOMER, account="B-1")
    assert (await query_data(api, NODE, {"id": application["id"]}, stranger))["node"] is None

    # an altered or expired link reveals nothing
    url = application["documents"][0]["url"]
    assert (await _download(api, url.replace("signature=", "signature=0")))[0] == 403
    assert (await _download(api, url.replace(".pdf?", ".xml?")))[0] == 403
    account_id, document_id = (int(part) for part in urlsplit(url).path.split("/")[2:4])
    expired = sign(
        LINK_SECRET.encode(),
        base_url="http://testserver",
        path=document_path(account_id, document_id, f"{INVOICE_NUMBER}.pdf"),
        now=datetime.now(UTC) - timedelta(hours=1),
        ttl_seconds=60,
    )
    status, content, _ = await _download(api, expired.url)
    assert status == 403
    assert INVOICE_NUMBER.encode() not in content

    # the background job e-mails both files to the application's addresses
    await _send_due_emails(api, settings)
    assert len(inbox.messages) == 1
    message = inbox.messages[0]
    assert {address.addr_spec for address in message["To"].addresses} == {
        "finance@example.com",
        "Boss@example.com",
    }
    attached = {part.get_filename(): part.get_content() for part in message.iter_attachments()}
    assert attached == {f"{INVOICE_NUMBER}.pdf": files["PDF"], f"{INVOICE_NUMBER}.xml": files["XML"]}
    node = (await query_data(api, NODE, {"id": application["id"]}, customer))["node"]
    assert [(d["status"], d["attempts"]) for d in node["emailDeliveries"]] == [("SENT", 1)]
    # running the jobs again sends nothing twice
    await _send_due_emails(api, settings)
    assert len(inbox.messages) == 1

    # the customer has it sent again, to a new address
    resent = await mutate(
        api, RESEND, {"input": {"id": application["id"], "emails": ["new@example.com"]}}, customer
    )
    assert resent["userErrors"] == []
    await _send_due_emails(api, settings)
    assert len(inbox.messages) == 2
    assert [a.addr_spec for a in inbox.messages[1]["To"].addresses] == ["new@example.com"]
    node = (await query_data(api, NODE, {"id": application["id"]}, customer))["node"]
    assert [(d["to"], d["status"]) for d in node["emailDeliveries"]] == [
        (["new@example.com"], "SENT"),
        (["finance@example.com", "Boss@example.com"], "SENT"),
    ]
    # and an issued file cannot be changed, even by hand
    with pytest.raises(DBAPIError, match="never change"):
        async with api.database.transaction() as connection:
            await connection.execute(update(invoice_documents).values(content=b"forged"))

    # an e-invoice is not shipped
    shipped = await mutate(
        api, SHIP, {"input": {"id": application["id"], "courier": "SF", "trackingNumber": "SF1"}}, finance
    )
    assert [e["code"] for e in shipped["userErrors"]] == ["INVALID_STATUS_TRANSITION"]

    # when the customer asks for a reversal and finance confirms it with a red-letter invoice
    requested = await mutate(
        api, REQUEST_REVERSAL, {"input": {"id": application["id"], "reason": "ISSUE_ERROR"}}, customer
    )
    assert requested["invoiceApplication"]["status"] == "REVERSAL_REQUESTED"
    confirmed = await mutate(
        api,
        CONFIRM_REVERSAL,
        {"input": {"id": application["id"], "redInvoiceNumbers": [RED_NUMBER]}},
        finance,
    )
    assert confirmed["userErrors"] == []
    reversed_ = confirmed["invoiceApplication"]
    assert reversed_["status"] == "REVERSED"
    assert reversed_["reversalReason"] == "ISSUE_ERROR"
    assert reversed_["redInvoiceNumbers"] == [RED_NUMBER]
    assert [d["invoiceNumber"] for d in reversed_["documents"]] == [INVOICE_NUMBER] * 2 + [RED_NUMBER] * 2

    # then the months can be invoiced again, and the red-letter files are e-mailed too
    months = month_statuses(await console_account(api, customer))
    assert months["2024-01"] == "NOT_INVOICED"
    assert months["2024-02"] == "NOT_INVOICED"
    await _send_due_emails(api, settings)
    assert len(inbox.messages) == 3
    red = {part.get_filename() for part in inbox.messages[2].iter_attachments()}
    assert red == {f"{RED_NUMBER}.pdf", f"{RED_NUMBER}.xml"}
