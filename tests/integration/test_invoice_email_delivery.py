"""E-invoice e-mails are never lost and never sent for nothing (SPEC sections 9 and 12): a worker
killed while sending leaves the job to run again; an issue that rolls back queues nothing."""

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from sqlalchemy import Table, func, select

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import documents
from invoice_graph.db.queries.applications import list_applications_by_ids
from invoice_graph.db.tables import invoice_documents, invoice_email_deliveries, jobs
from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action, InvoiceMedium
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.errors import InvalidInputError
from invoice_graph.domain.months import Month
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.jobs.handlers import HANDLERS
from invoice_graph.jobs.runner import JobRunner
from invoice_graph.services.application_status import change_application_status
from invoice_graph.services.applications import apply_for_invoice
from invoice_graph.services.invoice_documents import Issuer
from tests.factories import line, make_statements
from tests.factories_applications import account_id_of, add_title
from tests.serve_process import kill_worker_mid_job, worker_environment

FINANCE = Viewer(role=Role.FINANCE, token_id=0)
NUMBER = "26332000000000000042"


class StallingInbox:
    """An SMTP server that holds the first message until told to refuse it, and keeps the rest."""

    def __init__(self) -> None:
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        self.received: list[bytes] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        if not self.first_arrived.is_set():
            self.first_arrived.set()
            # The test's thread releases it: a threading.Event, which this server's loop can only poll.
            while not self.release.is_set():  # noqa: ASYNC110
                await asyncio.sleep(0.05)
            return "451 the sender went away"
        self.received.append(envelope.original_content or b"")
        return "250 OK"


@pytest.fixture
def inbox() -> Iterator[tuple[StallingInbox, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = StallingInbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    handler.release.set()
    controller.stop()


async def _account_with_title(database: Database, tmp_path: Path) -> tuple[int, int]:
    rows = [line(billed_on="2024-01-10"), line(billed_on="2024-02-10")]
    await make_statements(database, tmp_path, rows)
    return await account_id_of(database, "A-1"), await add_title(database)


async def _pending_e_invoice(database: Database, account: int, title: int, month: str) -> ApplicationRecord:
    request = ApplicationRequest(
        account_id=account,
        months=(Month.parse(month),),
        title_id=title,
        address_id=None,
        confirmed_amount=Decimal("100.00"),
        accept_terms=True,
        medium=InvoiceMedium.ELECTRONIC,
        emails=("buyer@example.com",),
    )
    customer = Viewer(role=Role.CUSTOMER, token_id=0, account_id=account)
    return await apply_for_invoice(database, viewer=customer, request=request, offered=list(InvoiceMedium))


async def _issue(database: Database, application: ApplicationRecord, number: str) -> ApplicationRecord:
    return await change_application_status(
        database,
        viewer=FINANCE,
        account_id=application.account_id,
        application_id=application.id,
        change=StatusChange(Action.ISSUE, invoice_numbers=(number,)),
        issuer=Issuer.from_settings(Settings(environment="test")),
    )


async def _count(database: Database, table: Table) -> int:
    async with database.read() as connection:
        return int((await connection.execute(select(func.count()).select_from(table))).scalar_one())


async def _delivery_status(database: Database, application: ApplicationRecord) -> list[tuple[str, int]]:
    async with database.read() as connection:
        found = await documents.list_deliveries_by_applications(
            connection=connection, keys=[(application.account_id, application.id)]
        )
    return [(d.status, d.attempts) for d in found[(application.account_id, application.id)]]


async def test_a_worker_killed_while_sending_loses_no_email(
    database: Database, migrated_url: str, tmp_path: Path, inbox: tuple[StallingInbox, int]
) -> None:
    # given an issued e-invoice whose e-mail is queued
    handler, port = inbox
    account, title = await _account_with_title(database, tmp_path)
    application = await _issue(
        database, await _pending_e_invoice(database, account, title, "2024-01"), NUMBER
    )
    smtp_url = f"smtp://127.0.0.1:{port}"
    environment = worker_environment(migrated_url, str(tmp_path), SMTP_URL=smtp_url)
    # when a worker starts sending it and is killed before the server answers
    await kill_worker_mid_job(environment, handler.first_arrived)
    handler.release.set()
    assert handler.received == []
    assert await _delivery_status(database, application) == [("QUEUED", 0)]

    # then another worker sends it once the dead one's lease has passed
    settings = Settings(environment="test", smtp_url=smtp_url, job_lease_seconds=5, data_dir=tmp_path)
    runner = JobRunner(database, settings, HANDLERS)
    deadline = time.monotonic() + 30
    while not handler.received:
        assert time.monotonic() < deadline, "the job was not run again"
        await runner.run_once()
        await asyncio.sleep(0.2)
    (sent,) = handler.received
    message = message_from_bytes(sent, policy=policy.default)
    assert {part.get_filename() for part in message.iter_attachments()} == {f"{NUMBER}.pdf", f"{NUMBER}.xml"}
    assert await _delivery_status(database, application) == [("SENT", 1)]


async def test_an_issue_that_rolls_back_stores_no_file_and_sends_nothing(
    database: Database, tmp_path: Path
) -> None:
    # given one e-invoice issued with a number, and a second application of the same account
    account, title = await _account_with_title(database, tmp_path)
    first = await _issue(database, await _pending_e_invoice(database, account, title, "2024-01"), NUMBER)
    second = await _pending_e_invoice(database, account, title, "2024-02")
    before = [await _count(database, table) for table in (invoice_documents, invoice_email_deliveries, jobs)]
    # when finance issues the second with the number already issued (its files would be written first)
    with pytest.raises(InvalidInputError) as refused:
        await _issue(database, second, NUMBER)
    # then nothing of it was kept: no file, no e-mail, no job, and it is still PENDING
    assert [error.field for error in refused.value.errors] == [["input", "invoiceNumbers"]]
    after = [await _count(database, table) for table in (invoice_documents, invoice_email_deliveries, jobs)]
    assert after == before
    assert await _delivery_status(database, second) == []
    assert first.status == "ISSUED"
    async with database.read() as connection:
        files = await documents.list_document_files(
            connection=connection, account_id=second.account_id, application_id=second.id, colour="BLUE"
        )
    assert files == []
    async with database.read() as connection:
        (still,) = await list_applications_by_ids(
            connection=connection, keys=[(second.account_id, second.id)]
        )
    assert still.status == "PENDING"
    assert still.invoice_numbers == []
