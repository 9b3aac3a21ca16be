"""The read side for one viewer: everything GraphQL reads, in batches, as typed records.

The entry points (accounts by id or number, the accounts list, the work queue across accounts)
return only what the viewer sees, filtered in SQL by the access policy. The relations below an
account (statements, lines, applications, events, setup, titles, addresses) are keyed by
accounts read through an entry point, which is the only way a GraphQL path reaches them.

Batch methods take a list of keys and return one value per key, in order (DataLoader's contract);
keys that differ only in their arguments (filters, page sizes) are read together, one query per
distinct set of arguments.
"""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any, Protocol, TypeVar

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import (
    accounts,
    application_lists,
    applications,
    deficit,
    documents,
    lines,
    statements,
    webhook_endpoints,
)
from invoice_graph.domain.addresses import AddressRecord
from invoice_graph.domain.filters import ApplicationFilter, StatementFilter
from invoice_graph.domain.paging import Page, PageRequest, empty_page
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
from invoice_graph.domain.viewer import Viewer
from invoice_graph.services import owned_lists

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
R = TypeVar("R")
F = TypeVar("F", bound=Hashable)
PageKey = tuple[int, F, PageRequest]
LinePageKey = tuple[int, date, PageRequest]
InvoiceableKey = tuple[int, tuple[date, ...] | None]


async def _by_group(
    keys: Sequence[K],
    group_of: Callable[[K], Hashable],
    load_group: Callable[[list[K]], Awaitable[dict[K, V]]],
    missing: V,
) -> list[V]:
    """Load keys that share arguments together; one query per distinct group."""
    groups: dict[Hashable, list[K]] = defaultdict(list)
    for key in keys:
        groups[group_of(key)].append(key)
    found: dict[K, V] = {}
    for group in groups.values():
        found.update(await load_group(group))
    return [found.get(key, missing) for key in keys]


def _aligned(keys: Sequence[K], found: dict[K, V]) -> list[V | None]:
    return [found.get(key) for key in keys]


class _AccountRow(Protocol):
    @property
    def account_id(self) -> int: ...

    @property
    def id(self) -> int: ...


A = TypeVar("A", bound=_AccountRow)


class Reader:
    """What one viewer reads; every read takes its own connection (sibling fields run concurrently)."""

    def __init__(self, database: Database, viewer: Viewer) -> None:
        self.database = database
        self.viewer = viewer

    async def _read(self, query: Callable[..., Awaitable[T]], **arguments: Any) -> T:
        async with self.database.read() as connection:
            return await query(connection=connection, **arguments)

    # Entry points: scoped to the viewer.

    async def visible_accounts_by_id(self, ids: Sequence[int]) -> list[AccountRecord | None]:
        """The accounts with these ids, None for those the viewer does not see."""
        found = await self._read(accounts.list_visible_accounts_by_ids, viewer=self.viewer, ids=ids)
        return _aligned(ids, {account.id: account for account in found})

    async def visible_accounts_by_number(self, numbers: Sequence[str]) -> list[AccountRecord | None]:
        """The accounts with these account numbers, None for those the viewer does not see."""
        found = await self._read(
            accounts.list_visible_accounts_by_numbers, viewer=self.viewer, numbers=numbers
        )
        return _aligned(numbers, {account.account_number: account for account in found})

    async def page_accounts(self, page: PageRequest) -> Page[AccountRecord]:
        """A page of the accounts the viewer sees, by account number."""
        return await self._read(accounts.page_visible_accounts, viewer=self.viewer, page=page)

    async def count_accounts(self) -> int:
        """How many accounts the viewer sees."""
        return await self._read(accounts.count_visible_accounts, viewer=self.viewer)

    async def page_applications(self, where: ApplicationFilter, page: PageRequest) -> Page[ApplicationRecord]:
        """A page of the applications the viewer sees across accounts, newest first."""
        return await self._read(
            application_lists.page_visible_applications, viewer=self.viewer, where=where, page=page
        )

    async def count_applications(self, where: ApplicationFilter) -> int:
        """How many applications matching the filter the viewer sees."""
        return await self._read(application_lists.count_visible_applications, viewer=self.viewer, where=where)

    async def webhook_endpoints(self) -> list[EndpointRecord]:
        """The webhook endpoints of the viewer's scope, oldest first."""
        return await self._read(webhook_endpoints.list_endpoints, viewer=self.viewer)

    async def endpoints_by_id(self, ids: Sequence[int]) -> list[EndpointRecord | None]:
        """The endpoints with these ids, None for those not of the viewer's scope."""
        found = await self._read(webhook_endpoints.list_endpoints_by_ids, viewer=self.viewer, ids=ids)
        return _aligned(ids, {endpoint.id: endpoint for endpoint in found})

    async def deliveries_by_id(self, ids: Sequence[int]) -> list[DeliveryLogRecord | None]:
        """The deliveries with these ids, None for those not to the viewer's scope's endpoints."""
        found = await self._read(webhook_endpoints.list_deliveries_by_ids, viewer=self.viewer, ids=ids)
        return _aligned(ids, {delivery.id: delivery for delivery in found})

    async def delivery_pages(self, keys: Sequence[tuple[int, PageRequest]]) -> list[Page[DeliveryLogRecord]]:
        """Each (endpoint, page) key's page of deliveries, newest first (endpoints reached through
        the viewer's own list)."""

        async def load(
            group: list[tuple[int, PageRequest]],
        ) -> dict[tuple[int, PageRequest], Page[DeliveryLogRecord]]:
            pages = await self._read(
                webhook_endpoints.page_deliveries_by_endpoint_ids,
                endpoint_ids=[key[0] for key in group],
                page=group[0][1],
            )
            return {key: pages[(key[0],)] for key in group if (key[0],) in pages}

        return await _by_group(keys, lambda key: key[1], load, empty_page())

    async def delivery_counts(self, endpoint_ids: Sequence[int]) -> list[int]:
        """How many deliveries each endpoint has."""
        counts = await self._read(
            webhook_endpoints.count_deliveries_by_endpoint_ids, endpoint_ids=endpoint_ids
        )
        return [counts.get(key, 0) for key in endpoint_ids]

    # Relations of accounts the viewer sees.

    async def _by_account_and_id(
        self, query: Callable[..., Awaitable[Sequence[A]]], keys: Sequence[tuple[int, int]]
    ) -> list[A | None]:
        """The row of each (account, id) key, if any."""
        found = await self._read(query, keys=keys)
        return _aligned(keys, {(record.account_id, record.id): record for record in found})

    async def _pages_by_account(
        self, query: Callable[..., Awaitable[dict[tuple[Any, ...], Page[R]]]], keys: Sequence[PageKey[F]]
    ) -> list[Page[R]]:
        """Each (account, filter, page) key's page, one query per distinct filter and page."""

        async def load(group: list[PageKey[F]]) -> dict[PageKey[F], Page[R]]:
            _, where, page = group[0]
            pages = await self._read(query, account_ids=[key[0] for key in group], where=where, page=page)
            return {key: pages[(key[0],)] for key in group if (key[0],) in pages}

        return await _by_group(keys, lambda key: key[1:], load, empty_page())

    async def _counts_by_account(
        self, query: Callable[..., Awaitable[dict[int, int]]], keys: Sequence[tuple[int, F]]
    ) -> list[int]:
        """How many rows each (account, filter) key has, one query per distinct filter."""

        async def load(group: list[tuple[int, F]]) -> dict[tuple[int, F], int]:
            counts = await self._read(query, account_ids=[key[0] for key in group], where=group[0][1])
            return {key: counts.get(key[0], 0) for key in group}

        return await _by_group(keys, lambda key: key[1], load, 0)

    async def statement_pages(self, keys: Sequence[PageKey[StatementFilter]]) -> list[Page[StatementRecord]]:
        """Each (account, filter, page) key's page of statements, newest month first."""
        return await self._pages_by_account(statements.page_statements_by_account_ids, keys)

    async def statement_counts(self, keys: Sequence[tuple[int, StatementFilter]]) -> list[int]:
        """How many statements each (account, filter) key has."""
        return await self._counts_by_account(statements.count_statements_by_account_ids, keys)

    async def application_pages(
        self, keys: Sequence[PageKey[ApplicationFilter]]
    ) -> list[Page[ApplicationRecord]]:
        """Each (account, filter, page) key's page of applications, newest first."""
        return await self._pages_by_account(application_lists.page_applications_by_account_ids, keys)

    async def application_counts(self, keys: Sequence[tuple[int, ApplicationFilter]]) -> list[int]:
        """How many applications each (account, filter) key has."""
        return await self._counts_by_account(application_lists.count_applications_by_account_ids, keys)

    async def statements_by_month(self, keys: Sequence[tuple[int, date]]) -> list[StatementRecord | None]:
        """The statement of each (account, month), if generated."""
        found = await self._read(statements.list_statements_by_months, keys=keys)
        return _aligned(keys, {(record.account_id, record.month): record for record in found})

    async def statements_by_id(self, keys: Sequence[tuple[int, int]]) -> list[StatementRecord | None]:
        """The statement of each (account, id), if any."""
        return await self._by_account_and_id(statements.list_statements_by_ids, keys)

    async def invoiceable(self, keys: Sequence[InvoiceableKey]) -> list[InvoiceableSums | None]:
        """What each account can still invoice of some months (all generated months for None)."""

        async def load(group: list[InvoiceableKey]) -> dict[InvoiceableKey, InvoiceableSums | None]:
            months = group[0][1]
            sums = await self._read(
                statements.sum_invoiceable_by_account_ids,
                account_ids=[key[0] for key in group],
                months=list(months) if months is not None else None,
            )
            return {key: sums[key[0]] for key in group if key[0] in sums}

        return await _by_group(keys, lambda key: key[1], load, None)

    async def line_pages(self, keys: Sequence[LinePageKey]) -> list[Page[LineRecord]]:
        """Each (account, month, page) key's page of lines, in billing order."""

        async def load(group: list[LinePageKey]) -> dict[LinePageKey, Page[LineRecord]]:
            pages = await self._read(
                lines.page_lines_by_statements, keys=[key[:2] for key in group], page=group[0][2]
            )
            return {key: pages[key[:2]] for key in group if key[:2] in pages}

        return await _by_group(keys, lambda key: key[2], load, empty_page())

    async def line_counts(self, keys: Sequence[tuple[int, date]]) -> list[int]:
        """How many lines each (account, month) statement has."""
        counts = await self._read(lines.count_lines_by_statements, keys=keys)
        return [counts.get(key, 0) for key in keys]

    async def lines_by_id(self, keys: Sequence[tuple[int, int]]) -> list[LineRecord | None]:
        """The line of each (account, id), if any."""
        return await self._by_account_and_id(lines.list_lines_by_ids, keys)

    async def applications_by_id(self, keys: Sequence[tuple[int, int]]) -> list[ApplicationRecord | None]:
        """The application of each (account, id), if any."""
        return await self._by_account_and_id(applications.list_applications_by_ids, keys)

    async def events_by_application(self, keys: Sequence[tuple[int, int]]) -> list[list[EventRecord]]:
        """The events of each (account, application id), oldest first."""
        found = await self._read(applications.list_events_by_applications, keys=keys)
        return [found.get(key, []) for key in keys]

    async def documents_by_application(self, keys: Sequence[tuple[int, int]]) -> list[list[DocumentRecord]]:
        """The issued files of each (account, application id)."""
        found = await self._read(documents.list_documents_by_applications, keys=keys)
        return [found.get(key, []) for key in keys]

    async def deliveries_by_application(self, keys: Sequence[tuple[int, int]]) -> list[list[DeliveryRecord]]:
        """The e-mails of each (account, application id), newest first."""
        found = await self._read(documents.list_deliveries_by_applications, keys=keys)
        return [found.get(key, []) for key in keys]

    async def deficit_entry_pages(self, keys: Sequence[PageKey[None]]) -> list[Page[DeficitEntryRecord]]:
        """Each (account, None, page) key's page of deficit ledger entries, newest first."""
        return await self._pages_by_account(deficit.page_entries_by_account_ids, keys)

    async def deficit_entry_counts(self, keys: Sequence[tuple[int, None]]) -> list[int]:
        """How many deficit ledger entries each (account, None) key has."""
        return await self._counts_by_account(deficit.count_entries_by_account_ids, keys)

    async def deficit_entries_by_id(self, keys: Sequence[tuple[int, int]]) -> list[DeficitEntryRecord | None]:
        """The deficit ledger entry of each (account, id), if any."""
        return await self._by_account_and_id(deficit.list_entries_by_ids, keys)

    async def invoice_setup(self, account_ids: Sequence[int]) -> list[InvoiceSetup]:
        """How many titles and addresses each account has."""
        found = await self._read(applications.count_setup_by_account_ids, account_ids=account_ids)
        return [found.get(key, InvoiceSetup(0, 0)) for key in account_ids]

    async def titles_by_account(self, account_ids: Sequence[int]) -> list[list[TitleRecord]]:
        """Each account's titles, default first, then newest first."""
        return await owned_lists.list_titles_by_account_ids(self.database, account_ids=account_ids)

    async def addresses_by_account(self, account_ids: Sequence[int]) -> list[list[AddressRecord]]:
        """Each account's addresses, default first, then newest first."""
        return await owned_lists.list_addresses_by_account_ids(self.database, account_ids=account_ids)
