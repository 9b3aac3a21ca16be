"""The inputs of the invoice title mutations."""

import strawberry

from invoice_graph.domain.titles import TITLES, InvoiceType, Title, TitleChanges, TitleKind
from invoice_graph.graphql.owned_lists import changes_of, value_of


@strawberry.input(description="A new invoice title of an account.")
class CreateInvoiceTitleInput:
    account_id: strawberry.ID = strawberry.field(description="The account the title is for.")
    kind: TitleKind = strawberry.field(description="A company or a person.")
    invoice_type: InvoiceType = strawberry.field(description="VAT_GENERAL, or VAT_SPECIAL (companies only).")
    name: str = strawberry.field(description="The name to print: 1-100 characters, printable in GBK.")
    taxpayer_id: str | None = strawberry.field(
        default=None,
        description="The 18-character unified social credit code; required for a company.",
    )
    registered_address: str | None = strawberry.field(
        default=None, description="Registered address; required for VAT_SPECIAL."
    )
    registered_phone: str | None = strawberry.field(
        default=None, description="Registered phone; required for VAT_SPECIAL."
    )
    bank_name: str | None = strawberry.field(default=None, description="Bank; required for VAT_SPECIAL.")
    bank_account: str | None = strawberry.field(
        default=None, description="Bank account number; required for VAT_SPECIAL."
    )
    is_default: bool | None = strawberry.field(
        default=None, description="Make it the default title; the account's first title always is."
    )

    def title(self) -> Title:
        """The title the input describes."""
        return value_of(TITLES, self)


@strawberry.input(description='Changes to an invoice title: omitted fields stay as they are, "" clears one.')
class UpdateInvoiceTitleInput:
    id: strawberry.ID = strawberry.field(description="The title to change.")
    kind: TitleKind | None = strawberry.field(default=None, description="A company or a person.")
    invoice_type: InvoiceType | None = strawberry.field(
        default=None, description="VAT_GENERAL, or VAT_SPECIAL (companies only)."
    )
    name: str | None = strawberry.field(
        default=None, description="The name to print: 1-100 characters, printable in GBK."
    )
    taxpayer_id: str | None = strawberry.field(
        default=None, description="The 18-character unified social credit code; required for a company."
    )
    registered_address: str | None = strawberry.field(
        default=None, description="Registered address; required for VAT_SPECIAL."
    )
    registered_phone: str | None = strawberry.field(
        default=None, description="Registered phone; required for VAT_SPECIAL."
    )
    bank_name: str | None = strawberry.field(default=None, description="Bank; required for VAT_SPECIAL.")
    bank_account: str | None = strawberry.field(
        default=None, description="Bank account number; required for VAT_SPECIAL."
    )
    is_default: bool | None = strawberry.field(
        default=None,
        description="true makes it the default title; to stop it being the default, make another one so.",
    )

    def changes(self) -> TitleChanges:
        """The changes the input asks for."""
        return changes_of(TitleChanges, TITLES, self)
