"""Entries of an account's invoice deficit ledger."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from invoice_graph.domain.deficit import DeficitEntryKind
from invoice_graph.domain.records import DeficitEntryRecord
from invoice_graph.graphql.common import Money, Node
from invoice_graph.graphql.context import Info
from invoice_graph.graphql.ids import encode_id
from invoice_graph.graphql.relations import build_application

if TYPE_CHECKING:
    from invoice_graph.graphql.invoice_applications.types import InvoiceApplication

_Application = Annotated[
    "InvoiceApplication", strawberry.lazy("invoice_graph.graphql.invoice_applications.types")
]


@strawberry.type(
    description="An entry of the invoice deficit ledger: a refund after invoicing, an application's "
    "offset, or its release."
)
class InvoiceDeficitEntry(Node):
    kind: DeficitEntryKind = strawberry.field(description="What the entry records.")
    amount: Money = strawberry.field(description="Positive for REFUND and RELEASE, negative for OFFSET.")
    balance: Money = strawberry.field(description="The deficit after this entry.")
    at: datetime = strawberry.field(description="When it was written.")
    line_id: str | None = strawberry.field(description="The refund line (REFUND).")
    account_id: strawberry.Private[int]
    application_id: strawberry.Private[int | None]

    @classmethod
    def from_record(cls, row: DeficitEntryRecord) -> "InvoiceDeficitEntry":
        """The entry as shown to clients."""
        return cls(
            id=strawberry.ID(encode_id("InvoiceDeficitEntry", row.account_id, row.id)),
            kind=DeficitEntryKind(row.kind),
            amount=Money.of_fen(row.amount_fen),
            balance=Money.of_fen(row.balance_fen),
            at=row.at,
            line_id=row.line_id,
            account_id=row.account_id,
            application_id=row.application_id,
        )

    @strawberry.field(description="The application (OFFSET, RELEASE).")
    async def application(
        self, info: Info
    ) -> (
        Annotated["InvoiceApplication", strawberry.lazy("invoice_graph.graphql.invoice_applications.types")]
        | None
    ):
        if self.application_id is None:
            return None
        row = await info.context.loaders.applications_by_id.load((self.account_id, self.application_id))
        return build_application(row) if row else None
