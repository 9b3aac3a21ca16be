"""Per-request DataLoaders over the viewer's Reader: one query per batch, whatever the list size."""

from datetime import date

from strawberry.dataloader import DataLoader

from invoice_graph.domain.addresses import AddressRecord
from invoice_graph.domain.filters import ApplicationFilter, StatementFilter
from invoice_graph.domain.paging import Page, PageRequest
from invoice_graph.domain.records import (
    AccountRecord,
    ApplicationRecord,
    DeficitEntryRecord,
    DeliveryLogRecord,
    DeliveryRecord,
    DocumentRecord,
    EndpointRecord,
    EventRecord,
    InvoiceableSums,
    InvoiceSetup,
    LineRecord,
    StatementRecord,
)
from invoice_graph.domain.titles import TitleRecord
from invoice_graph.services.reader import InvoiceableKey, LinePageKey, PageKey, Reader


class Loaders:
    """The loaders of one request; built with its context, so nothing is cached across requests."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader
        self.visible_accounts_by_id: DataLoader[int, AccountRecord | None] = DataLoader(
            reader.visible_accounts_by_id
        )
        self.visible_accounts_by_number: DataLoader[str, AccountRecord | None] = DataLoader(
            reader.visible_accounts_by_number
        )
        self.statement_pages_by_account: DataLoader[PageKey[StatementFilter], Page[StatementRecord]] = (
            DataLoader(reader.statement_pages)
        )
        self.statement_counts_by_account: DataLoader[tuple[int, StatementFilter], int] = DataLoader(
            reader.statement_counts
        )
        self.statements_by_month: DataLoader[tuple[int, date], StatementRecord | None] = DataLoader(
            reader.statements_by_month
        )
        self.statements_by_id: DataLoader[tuple[int, int], StatementRecord | None] = DataLoader(
            reader.statements_by_id
        )
        self.line_pages_by_statement: DataLoader[LinePageKey, Page[LineRecord]] = DataLoader(
            reader.line_pages
        )
        self.line_counts_by_statement: DataLoader[tuple[int, date], int] = DataLoader(reader.line_counts)
        self.lines_by_id: DataLoader[tuple[int, int], LineRecord | None] = DataLoader(reader.lines_by_id)
        self.invoiceable_by_account: DataLoader[InvoiceableKey, InvoiceableSums | None] = DataLoader(
            reader.invoiceable
        )
        self.applications_by_id: DataLoader[tuple[int, int], ApplicationRecord | None] = DataLoader(
            reader.applications_by_id
        )
        self.application_pages_by_account: DataLoader[PageKey[ApplicationFilter], Page[ApplicationRecord]] = (
            DataLoader(reader.application_pages)
        )
        self.application_counts_by_account: DataLoader[tuple[int, ApplicationFilter], int] = DataLoader(
            reader.application_counts
        )
        self.events_by_application: DataLoader[tuple[int, int], list[EventRecord]] = DataLoader(
            reader.events_by_application
        )
        self.invoice_setup_by_account: DataLoader[int, InvoiceSetup] = DataLoader(reader.invoice_setup)
        self.documents_by_application: DataLoader[tuple[int, int], list[DocumentRecord]] = DataLoader(
            reader.documents_by_application
        )
        self.deliveries_by_application: DataLoader[tuple[int, int], list[DeliveryRecord]] = DataLoader(
            reader.deliveries_by_application
        )
        self.deficit_entry_pages_by_account: DataLoader[PageKey[None], Page[DeficitEntryRecord]] = DataLoader(
            reader.deficit_entry_pages
        )
        self.deficit_entry_counts_by_account: DataLoader[tuple[int, None], int] = DataLoader(
            reader.deficit_entry_counts
        )
        self.deficit_entries_by_id: DataLoader[tuple[int, int], DeficitEntryRecord | None] = DataLoader(
            reader.deficit_entries_by_id
        )
        self.endpoints_by_id: DataLoader[int, EndpointRecord | None] = DataLoader(reader.endpoints_by_id)
        self.deliveries_by_id: DataLoader[int, DeliveryLogRecord | None] = DataLoader(reader.deliveries_by_id)
        self.delivery_pages_by_endpoint: DataLoader[tuple[int, PageRequest], Page[DeliveryLogRecord]] = (
            DataLoader(reader.delivery_pages)
        )
        self.delivery_counts_by_endpoint: DataLoader[int, int] = DataLoader(reader.delivery_counts)

        self.titles_by_account: DataLoader[int, list[TitleRecord]] = DataLoader(reader.titles_by_account)
        self.addresses_by_account: DataLoader[int, list[AddressRecord]] = DataLoader(
            reader.addresses_by_account
        )
