"""The events outbox on real PostgreSQL: which changes write which events, and for whom."""

from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import select

from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.db.tables import accounts, events_table, webhook_deliveries, webhook_endpoints
from invoice_graph.domain.application_details import StatusChange
from invoice_graph.domain.applications import Action, InvoiceMedium
from invoice_graph.domain.applying import ApplicationRequest
from invoice_graph.domain.events import EventType
from invoice_graph.domain.months import Month
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.services.application_status import change_application_status
from invoice_graph.services.applications import apply_for_invoice, preview_application
from invoice_graph.services.invoice_documents import Issuer
from invoice_graph.services.statements import generate_due_statements
from invoice_graph.services.webhook_endpoints import create_endpoint
from tests.factories import LATER, import_rows, line
from tests.factories_applications import account_id_of, add_title

SETTINGS = Settings(environment="test", download_link_secret="test-download-link-secret")
FINANCE = Viewer(role=Role.FINANCE, token_id=0)


async def _endpoint(database: Database, viewer: Viewer, events: list[EventType]) -> int:
    # A public address: nothing is sent in these tests, which look at what is queued.
    created = await create_endpoint(
        database, SETTINGS, viewer=viewer, url="https://8.8.8.8/hook", events=events
    )
    return created.endpoint.id


async def _deliveries(database: Database) -> dict[int, list[tuple[str, dict[str, Any]]]]:
    """Each endpoint's queued deliveries, as (event type, data)."""
    query = (
        select(webhook_deliveries.c.endpoint_id, events_table.c.type, events_table.c.data)
        .join(events_table, events_table.c.id == webhook_deliveries.c.event_id)
        .order_by(webhook_deliveries.c.id)
    )
    found: dict[int, list[tuple[str, dict[str, Any]]]] = {}
    async with database.read() as connection:
        for endpoint in (await connection.execute(select(webhook_endpoints.c.id))).scalars():
            found[endpoint] = []
        for row in await connection.execute(query):
            found[row.endpoint_id].append((row.type, row.data))
    return found


async def _partner_id(database: Database, account_number: str) -> int:
    async with database.read() as connection:
        query = select(accounts.c.partner_id).where(accounts.c.account_number == account_number)
        return int((await connection.execute(query)).scalar_one())


async def test_a_generated_month_reaches_the_endpoints_that_see_one_of_its_statements(
    database: Database, tmp_path: Path
) -> None:
    # given A-1 of partner P-1 billed in March, and B-1 billed in April only
    await import_rows(
        database,
        tmp_path,
        [line(partner="P-1", billed_on="2024-03-10"), line(account_number="B-1", billed_on="2024-04-10")],
    )
    partner = Viewer(role=Role.PARTNER, token_id=0, partner_id=await _partner_id(database, "A-1"))
    other = Viewer(role=Role.CUSTOMER, token_id=0, account_id=await account_id_of(database, "B-1"))
    wanted = [EventType.STATEMENTS_GENERATED]
    finance_hook, partner_hook, other_hook = (
        await _endpoint(database, FINANCE, wanted),
        await _endpoint(database, partner, wanted),
        await _endpoint(database, other, [EventType.INVOICE_APPLICATION_SUBMITTED]),
    )
    # when both months are generated
    await generate_due_statements(database, now=LATER)
    # then finance and P-1 are told, once, of both months; B-1's endpoint did not ask for it
    deliveries = await _deliveries(database)
    told = [("STATEMENTS_GENERATED", {"months": ["2024-03", "2024-04"]})]
    assert (deliveries[finance_hook], deliveries[partner_hook], deliveries[other_hook]) == (told, told, [])


async def test_issuing_an_e_invoice_tells_of_the_change_and_of_its_files(
    database: Database, tmp_path: Path
) -> None:
    # given an ELECTRONIC application of A-1, and a finance endpoint of every event
    await import_rows(database, tmp_path, [line(billed_on="2024-03-10")])
    await generate_due_statements(database, now=LATER)
    account_id = await account_id_of(database, "A-1")
    customer = Viewer(role=Role.CUSTOMER, token_id=0, account_id=account_id)
    hook = await _endpoint(database, FINANCE, list(EventType))
    month = Month(2024, 3)
    preview = await preview_application(database, viewer=customer, account_id=account_id, months=[month])
    request = ApplicationRequest(
        account_id=account_id,
        months=(month,),
        title_id=await add_title(database),
        address_id=None,
        confirmed_amount=Decimal(preview.amount_fen) / 100,
        accept_terms=True,
        medium=InvoiceMedium.ELECTRONIC,
        emails=("finance@example.com",),
    )
    application = await apply_for_invoice(
        database, viewer=customer, request=request, offered=list(InvoiceMedium)
    )
    # when finance issues it
    await change_application_status(
        database,
        viewer=FINANCE,
        account_id=account_id,
        application_id=application.id,
        change=StatusChange(Action.ISSUE, invoice_numbers=("26330000000000000042",)),
        issuer=Issuer.from_settings(SETTINGS),
    )
    # then the endpoint has the submission, the status change and the issued files, in order
    types = [kind for kind, _ in (await _deliveries(database))[hook]]
    assert types == [
        "INVOICE_APPLICATION_SUBMITTED",
        "INVOICE_APPLICATION_STATUS_CHANGED",
        "INVOICE_DOCUMENTS_ISSUED",
    ]
    data = (await _deliveries(database))[hook][-1][1]
    assert (data["number"], data["accountNumber"], data["status"]) == (application.number, "A-1", "ISSUED")
