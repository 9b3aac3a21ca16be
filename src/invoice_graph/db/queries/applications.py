"""Invoice applications: reading and writing one application, its months and its events."""

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.paging import pairs_in
from invoice_graph.db.records import record_columns, select_record, to_record, to_records
from invoice_graph.db.tables import accounts, invoice_addresses, invoice_titles
from invoice_graph.db.tables import invoice_application_events as events
from invoice_graph.db.tables import invoice_application_months as app_months
from invoice_graph.db.tables import invoice_applications as applications
from invoice_graph.domain.records import ApplicationRecord, EventRecord, InvoiceSetup

# The names of the unique indexes whose violations mean something to the user.
ACTIVE_MONTH_INDEX = "uq_invoice_application_months_active"
IDEMPOTENCY_INDEX = "uq_invoice_applications_account_id_idempotency_key"
_APPLICATIONS = select_record(ApplicationRecord, applications)
_RETURNED = record_columns(ApplicationRecord, applications)


async def count_setup_by_account_ids(
    *, connection: AsyncConnection, account_ids: Sequence[int]
) -> dict[int, InvoiceSetup]:
    """Per account, how many titles and addresses it has (unknown accounts are left out)."""
    titles = select(invoice_titles.c.account_id, func.count().label("n")).group_by(
        invoice_titles.c.account_id
    )
    addresses = select(invoice_addresses.c.account_id, func.count().label("n")).group_by(
        invoice_addresses.c.account_id
    )
    t, a = titles.subquery(), addresses.subquery()
    query = (
        select(accounts.c.id, func.coalesce(t.c.n, 0), func.coalesce(a.c.n, 0))
        .outerjoin(t, t.c.account_id == accounts.c.id)
        .outerjoin(a, a.c.account_id == accounts.c.id)
        .where(accounts.c.id.in_(account_ids))
    )
    return {row[0]: InvoiceSetup(row[1], row[2]) for row in await connection.execute(query)}


async def get_application_by_key(
    *, connection: AsyncConnection, account_id: int, idempotency_key: str
) -> ApplicationRecord | None:
    """The account's application made with this idempotency key, if any."""
    query = _APPLICATIONS.where(
        applications.c.account_id == account_id, applications.c.idempotency_key == idempotency_key
    )
    return to_record(ApplicationRecord, (await connection.execute(query)).first())


async def next_application_id(*, connection: AsyncConnection) -> int:
    """A new application id, taken before the insert so the number can include it."""
    query = select(func.nextval(func.pg_get_serial_sequence("invoice_applications", "id")))
    return int((await connection.execute(query)).scalar_one())


async def insert_application(*, connection: AsyncConnection, values: dict[str, Any]) -> ApplicationRecord:
    """Insert an application with its months (active) and return it."""
    inserted = applications.insert().values(**values).returning(*_RETURNED)
    row = ApplicationRecord(*(await connection.execute(inserted)).one())
    await connection.execute(
        app_months.insert(),
        [
            {"account_id": row.account_id, "application_id": row.id, "month": m, "active": True}
            for m in row.months
        ],
    )
    return row


async def insert_event(
    *,
    connection: AsyncConnection,
    account_id: int,
    application_id: int,
    at: datetime,
    status: str,
    actor_role: str,
    note: str | None,
) -> None:
    """Append an event to an application's history."""
    await connection.execute(
        events.insert().values(
            account_id=account_id,
            application_id=application_id,
            at=at,
            status=status,
            actor_role=actor_role,
            note=note,
        )
    )


async def lock_application(
    *, connection: AsyncConnection, account_id: int, application_id: int
) -> ApplicationRecord | None:
    """The application, locked FOR UPDATE until the transaction ends."""
    query = _APPLICATIONS.where(
        applications.c.account_id == account_id, applications.c.id == application_id
    ).with_for_update()
    return to_record(ApplicationRecord, (await connection.execute(query)).first())


async def update_application(
    *, connection: AsyncConnection, account_id: int, application_id: int, values: dict[str, Any]
) -> ApplicationRecord:
    """Set some attributes of an application; returns it as updated."""
    query = (
        applications.update()
        .where(applications.c.account_id == account_id, applications.c.id == application_id)
        .values(**values, updated_at=func.now())
        .returning(*_RETURNED)
    )
    return ApplicationRecord(*(await connection.execute(query)).one())


async def release_months(*, connection: AsyncConnection, account_id: int, application_id: int) -> None:
    """Free an application's months so they can be applied for again."""
    await connection.execute(
        app_months.update()
        .where(app_months.c.account_id == account_id, app_months.c.application_id == application_id)
        .values(active=False)
    )


async def list_active_months(
    *, connection: AsyncConnection, account_id: int, months: Sequence[date]
) -> set[date]:
    """Which of these months of the account are in an active application."""
    query = select(app_months.c.month).where(
        app_months.c.account_id == account_id, app_months.c.month.in_(months), app_months.c.active == true()
    )
    return set((await connection.execute(query)).scalars())


async def list_applications_by_ids(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> list[ApplicationRecord]:
    """The applications of these (account_id, id) pairs that exist."""
    query = _APPLICATIONS.where(pairs_in(applications.c.account_id, applications.c.id, keys))
    return to_records(ApplicationRecord, await connection.execute(query))


async def list_events_by_applications(
    *, connection: AsyncConnection, keys: Sequence[tuple[int, int]]
) -> dict[tuple[int, int], list[EventRecord]]:
    """The events of these (account_id, application id) pairs, oldest first."""
    query = (
        select_record(EventRecord, events)
        .where(pairs_in(events.c.account_id, events.c.application_id, keys))
        .order_by(events.c.at, events.c.id)
    )
    found: dict[tuple[int, int], list[EventRecord]] = defaultdict(list)
    for event in to_records(EventRecord, await connection.execute(query)):
        found[(event.account_id, event.application_id)].append(event)
    return found
