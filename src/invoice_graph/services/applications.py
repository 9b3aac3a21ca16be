"""Applying for an invoice, and its dry run (SPEC R6, sections 5 and 11).

R6 is enforced by the partial unique index on active application months, not by locks: of two
concurrent applications for the same month the second one's insert waits for the first and
then fails; we turn that failure into MONTH_ALREADY_INVOICED after the transaction has rolled
back, so nothing is half-written.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from invoice_graph.db.availability import violated_constraint
from invoice_graph.db.engine import Database
from invoice_graph.db.queries import applications as queries
from invoice_graph.db.queries import deficit as deficit_queries
from invoice_graph.db.queries import owned_lists
from invoice_graph.db.queries import statements as statement_queries
from invoice_graph.domain.access import Operation
from invoice_graph.domain.addresses import AddressRecord, address_snapshot
from invoice_graph.domain.applications import ApplicationStatus, InvoiceMedium
from invoice_graph.domain.applying import (
    ApplicationRequest,
    MonthFacts,
    application_number,
    application_problems,
    checked_emails,
    invoiceable_fen,
    month_problems,
    nothing_left_problem,
)
from invoice_graph.domain.deficit import DeficitEntryKind, deficit_offset
from invoice_graph.domain.errors import DomainError, ErrorCode, InvalidInputError
from invoice_graph.domain.months import Month
from invoice_graph.domain.printing import trimmed
from invoice_graph.domain.records import ApplicationRecord
from invoice_graph.domain.titles import TitleRecord, title_snapshot
from invoice_graph.domain.viewer import Role, Viewer
from invoice_graph.domain.workdays import due_by
from invoice_graph.services import events
from invoice_graph.services.access import require_account


@dataclass(frozen=True, slots=True)
class Preview:
    """What applying for some months would invoice, and every problem (nothing saved)."""

    months: list[Month]
    cloud_fen: int
    market_fen: int
    # What the account's invoice deficit would take off the months' total.
    deficit_offset_fen: int
    problems: list[DomainError]

    @property
    def amount_fen(self) -> int:
        """What the invoice would be for: the months' total less the deficit offset."""
        return self.cloud_fen + self.market_fen - self.deficit_offset_fen


async def month_facts(
    connection: AsyncConnection, account_id: int, months: Sequence[Month]
) -> dict[Month, MonthFacts]:
    """What the server knows of each generated month asked for."""
    keys = [(account_id, month.first_day) for month in set(months)]
    rows = await statement_queries.list_statements_by_months(connection=connection, keys=keys)
    return {
        Month.of(row.month): MonthFacts(
            row.invoiceable_cloud_fen, row.invoiceable_market_fen, row.application_id is not None
        )
        for row in rows
    }


async def preview_application(
    database: Database,
    *,
    viewer: Viewer,
    account_id: int,
    months: Sequence[Month],
    medium: InvoiceMedium = InvoiceMedium.PAPER,
) -> Preview:
    """Run applyForInvoice's checks of months for an account; saves nothing.

    Args:
        database: where the statements are.
        viewer: who asks; it must see the account.
        account_id: the account.
        months: the months asked for, in the order given.
        medium: the medium it would apply for; only PAPER needs an address.

    Returns:
        The totals of the months that can be invoiced and every problem, with paths under "months".

    Raises:
        DomainError: NOT_FOUND when the viewer does not see the account.
    """
    async with database.read() as connection:
        account = await require_account(connection, viewer, account_id, field=["accountId"])
        facts = await month_facts(connection, account_id, months)
        setup = await queries.count_setup_by_account_ids(connection=connection, account_ids=[account_id])
    titles = setup[account_id].titles
    addresses = setup[account_id].addresses
    problems = month_problems(months, facts, current=Month.of_instant(datetime.now(UTC)), path=["months"])
    if not titles:
        problems.append(DomainError(ErrorCode.TITLE_REQUIRED, "Add an invoice title first."))
    if not addresses and medium is InvoiceMedium.PAPER:
        problems.append(DomainError(ErrorCode.ADDRESS_REQUIRED, "Add an invoice address first."))
    cloud, market = invoiceable_fen(months, facts)
    offset = deficit_offset(account.invoice_deficit_fen, cloud + market)
    nothing_left = nothing_left_problem(cloud + market, offset, ["months"])
    if nothing_left is not None and not problems:
        problems.append(nothing_left)
    usable = sorted({m for m in months if m in facts and not facts[m].in_application})
    return Preview(
        months=usable, cloud_fen=cloud, market_fen=market, deficit_offset_fen=offset, problems=problems
    )


async def _replay(connection: AsyncConnection, request: ApplicationRequest) -> ApplicationRecord | None:
    """The application a retry with this key made before, or None; refuses a different request."""
    if request.idempotency_key is None:
        return None
    row = await queries.get_application_by_key(
        connection=connection, account_id=request.account_id, idempotency_key=request.idempotency_key
    )
    if row is not None and row.request_fingerprint != request.fingerprint():
        raise DomainError(
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            "This idempotency key was used for a different application; use a new key.",
            ["input", "idempotencyKey"],
        )
    return row


@dataclass(frozen=True, slots=True)
class _Sources:
    """What an application is made from, once every check passed."""

    title: TitleRecord
    address: AddressRecord | None
    facts: dict[Month, MonthFacts]
    deficit_fen: int


async def _checked_sources(
    connection: AsyncConnection,
    request: ApplicationRequest,
    now: datetime,
    medium: InvoiceMedium,
    offered: Sequence[InvoiceMedium],
) -> _Sources:
    """The title, address (PAPER only), month facts and deficit of a request, once every check passes.

    The account's deficit is read under its row lock, held until the application commits: of two
    concurrent applications the second waits, and sees the deficit the first one left.
    """
    deficit = await deficit_queries.lock_deficit(connection=connection, account_id=request.account_id)
    title = await owned_lists.get_title(
        connection=connection, account_id=request.account_id, title_id=request.title_id
    )
    address = None
    if medium is InvoiceMedium.PAPER and request.address_id is not None:
        address = await owned_lists.get_address(
            connection=connection, account_id=request.account_id, address_id=request.address_id
        )
    facts = await month_facts(connection, request.account_id, request.months)
    problems = application_problems(
        request,
        facts,
        title_found=title is not None,
        address_found=address is not None,
        current=Month.of_instant(now),
        medium=medium,
        offered=offered,
        deficit_fen=deficit,
    )
    if problems or title is None or (medium is InvoiceMedium.PAPER and address is None):
        raise InvalidInputError(problems)
    return _Sources(title, address, facts, deficit)


async def _insert(
    connection: AsyncConnection,
    request: ApplicationRequest,
    role: Role,
    now: datetime,
    offered: Sequence[InvoiceMedium],
) -> ApplicationRecord:
    medium = request.medium or offered[0]
    sources = await _checked_sources(connection, request, now, medium, offered)
    cloud, market = invoiceable_fen(request.months, sources.facts)
    offset = deficit_offset(sources.deficit_fen, cloud + market)
    emails = (
        checked_emails(request.emails, ["input", "emails"])[0] if medium is InvoiceMedium.ELECTRONIC else []
    )
    application_id = await queries.next_application_id(connection=connection)
    row = await queries.insert_application(
        connection=connection,
        values={
            "account_id": request.account_id,
            "id": application_id,
            "number": application_number(now, application_id),
            "status": ApplicationStatus.PENDING.value,
            "medium": medium.value,
            "months": sorted({month.first_day for month in request.months}),
            "cloud_fen": cloud,
            "market_fen": market,
            "deficit_offset_fen": offset,
            "amount_fen": cloud + market - offset,
            "title": title_snapshot(sources.title),
            "address": address_snapshot(sources.address) if sources.address else None,
            "emails": emails,
            "remark": trimmed(request.remark),
            "submitted_at": now,
            "due_by": due_by(now, medium),
            "idempotency_key": request.idempotency_key,
            "request_fingerprint": request.fingerprint(),
        },
    )
    if offset:
        await deficit_queries.move_deficit(
            connection=connection,
            account_id=row.account_id,
            kind=DeficitEntryKind.OFFSET,
            amount_fen=-offset,
            application_id=row.id,
            at=now,
        )
    await queries.insert_event(
        connection=connection,
        account_id=row.account_id,
        application_id=row.id,
        at=now,
        status=ApplicationStatus.PENDING.value,
        actor_role=role.value,
        note=None,
    )
    return row


async def apply_for_invoice(
    database: Database,
    *,
    viewer: Viewer,
    request: ApplicationRequest,
    now: datetime | None = None,
    offered: Sequence[InvoiceMedium] = (InvoiceMedium.PAPER,),
) -> ApplicationRecord:
    """Save an application, or return the one an earlier try with the same idempotency key saved.

    Args:
        database: where to save it.
        viewer: who applies: the customer or its partner.
        request: the months, title, address, confirmed amount and the rest of the input.
        now: the submission instant; the current time when omitted.
        offered: the media offered (INVOICE_MEDIUMS); the first is the default of a request
            that names none.

    Returns:
        The application.

    Raises:
        DomainError: NOT_FOUND for an account the viewer may not see, FORBIDDEN for finance,
            IDEMPOTENCY_KEY_REUSED for a key used with a different input.
        InvalidInputError: with every problem of the input (SPEC section 5); nothing is saved.
    """
    instant = now or datetime.now(UTC)
    try:
        async with database.transaction() as connection:
            account = await require_account(
                connection, viewer, request.account_id, operation=Operation.APPLY_FOR_INVOICE
            )
            replayed = await _replay(connection, request)
            if replayed is not None:
                return replayed
            application = await _insert(connection, request, viewer.role, instant, offered)
            await events.application_changed(connection, application, account=account, submitted=True)
            return application
    except IntegrityError as error:
        return await _after_conflict(database, request, error)
    except InvalidInputError:
        # A retry that read before its twin committed sees the twin's months as taken: replay it.
        if request.idempotency_key is None:
            raise
        async with database.read() as connection:
            replayed = await _replay(connection, request)
        if replayed is None:
            raise
        return replayed


async def _after_conflict(
    database: Database, request: ApplicationRequest, error: IntegrityError
) -> ApplicationRecord:
    """Explain a unique violation of a concurrent apply, after its transaction rolled back."""
    index = violated_constraint(error)
    async with database.read() as connection:
        if index == queries.IDEMPOTENCY_INDEX:
            replayed = await _replay(connection, request)
            if replayed is not None:
                return replayed
        if index == queries.ACTIVE_MONTH_INDEX:
            taken = await queries.list_active_months(
                connection=connection,
                account_id=request.account_id,
                months=[month.first_day for month in request.months],
            )
            raise InvalidInputError(_taken_problems(request.months, taken))
    raise error


def _taken_problems(months: Sequence[Month], taken: set[date]) -> list[DomainError]:
    problems = [
        DomainError(
            ErrorCode.MONTH_ALREADY_INVOICED,
            f"{month} was just applied for in another application; remove it.",
            ["input", "months", str(index)],
        )
        for index, month in enumerate(months)
        if month.first_day in taken
    ]
    return problems or [
        DomainError(
            ErrorCode.MONTH_ALREADY_INVOICED,
            "A month was just applied for in another application; reload and try again.",
            ["input", "months"],
        )
    ]
