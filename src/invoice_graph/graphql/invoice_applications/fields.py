"""Reads of applications reached from an account or from the root (the finance work queue)."""

from collections.abc import Sequence

from invoice_graph.domain.applications import ApplicationStatus, InvoiceMedium
from invoice_graph.domain.applying import eligibility_problems
from invoice_graph.domain.filters import ApplicationFilter
from invoice_graph.domain.months import Month
from invoice_graph.domain.paging import PageRequest
from invoice_graph.domain.workdays import today_cst
from invoice_graph.graphql.common import Money
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.errors import MAX_MONTHS_PER_REQUEST, check_list_size
from invoice_graph.graphql.invoice_applications.types import (
    InvoiceApplication,
    InvoiceEligibility,
    InvoicePreview,
)
from invoice_graph.graphql.pagination import Connection, connection
from invoice_graph.graphql.statements.types import InvoiceableTotals
from invoice_graph.graphql.user_errors import UserError
from invoice_graph.services.applications import preview_application


async def eligibility_of(
    info: Info, account_id: int, medium: InvoiceMedium, *, deficit_fen: int
) -> InvoiceEligibility:
    """Whether an account the viewer sees can apply, through batched loaders.

    Its invoice deficit is taken off what it can invoice before NOTHING_TO_INVOICE is decided.
    """
    loaders = info.context.loaders
    setup = await loaders.invoice_setup_by_account.load(account_id)
    row = await loaders.invoiceable_by_account.load((account_id, None))
    fen = row.cloud_fen + row.market_fen if row is not None else 0
    problems = eligibility_problems(
        has_title=setup.titles > 0,
        has_address=setup.addresses > 0,
        invoiceable_fen=fen,
        medium=medium,
        deficit_fen=deficit_fen,
    )
    return InvoiceEligibility(can_apply=not problems, problems=problems, invoiceable_total=Money.of_fen(fen))


async def preview_of(
    info: Info, account_id: int, months: Sequence[Month], medium: InvoiceMedium
) -> InvoicePreview:
    """applyForInvoice's checks of some months of an account the viewer sees; saves nothing."""
    check_list_size(months, limit=MAX_MONTHS_PER_REQUEST, argument="months")
    preview = await preview_application(
        info.context.database, viewer=info.context.viewer, account_id=account_id, months=months, medium=medium
    )
    totals = InvoiceableTotals(
        months=preview.months,
        cloud=Money.of_fen(preview.cloud_fen),
        market=Money.of_fen(preview.market_fen),
        total=Money.of_fen(preview.cloud_fen + preview.market_fen),
    )
    return InvoicePreview(
        totals=totals,
        deficit_offset=Money.of_fen(preview.deficit_offset_fen),
        amount=Money.of_fen(preview.amount_fen),
        problems=[UserError.from_domain(p) for p in preview.problems],
    )


def _filter(statuses: list[ApplicationStatus] | None, overdue: bool | None = None) -> ApplicationFilter:
    return ApplicationFilter(
        statuses=tuple(sorted(set(statuses))) if statuses is not None else None,
        overdue=overdue,
        today=today_cst() if overdue is not None else None,
    )


async def applications_of(
    info: Info,
    account_id: int,
    page: PageRequest,
    *,
    statuses: list[ApplicationStatus] | None,
) -> Connection[InvoiceApplication]:
    """An account's applications, newest first, through batched loaders."""
    where = _filter(statuses)
    loaders = info.context.loaders
    rows = await loaders.application_pages_by_account.load((account_id, where, page))
    return connection(
        "application",
        rows,
        InvoiceApplication.from_record,
        lambda: loaders.application_counts_by_account.load((account_id, where)),
    )


async def work_queue(
    info: Info,
    page: PageRequest,
    *,
    statuses: list[ApplicationStatus] | None,
    overdue: bool | None,
) -> Connection[InvoiceApplication]:
    """The applications the viewer may see across accounts, newest first."""
    where = _filter(statuses, overdue)
    reader = info.context.loaders.reader
    rows = await reader.page_applications(where, page)
    return connection(
        "application", rows, InvoiceApplication.from_record, lambda: reader.count_applications(where)
    )
