"""Per-request DataLoaders: every relation is fetched in one query per batch, whatever the list size."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from invoice_graph.db.engine import Database
from invoice_graph.db.paging import EMPTY_PAGE, Page, PageRequest
from invoice_graph.db.queries import (
    accounts,
    addresses,
    application_lists,
    applications,
    lines,
    statements,
    titles,
)
from invoice_graph.db.queries.application_lists import ApplicationFilter
from invoice_graph.db.queries.statements import StatementFilter

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
StatementPageKey = tuple[int, StatementFilter, PageRequest]
LinePageKey = tuple[int, date, PageRequest]
ApplicationPageKey = tuple[int, ApplicationFilter, PageRequest]


async def _by_group(
    keys: Sequence[K],
    group_of: Callable[[K], Hashable],
    load_group: Callable[[list[K]], Awaitable[dict[K, V]]],
    missing: V,
) -> list[V]:
    """Load keys that share arguments (filters, page sizes) together; one query per distinct group."""
    groups: dict[Hashable, list[K]] = defaultdict(list)
    for key in keys:
        groups[group_of(key)].append(key)
    found: dict[K, V] = {}
    for group in groups.values():
        found.update(await load_group(group))
    return [found.get(key, missing) for key in keys]


class Loaders:
    """The loaders of one request; built in get_context so nothing is cached across requests."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.accounts_by_id = DataLoader(self._accounts_by_id)
        self.statement_pages_by_account = DataLoader(self._statement_pages)
        self.statement_counts_by_account = DataLoader(self._statement_counts)
        self.statements_by_month = DataLoader(self._statements_by_month)
        self.statements_by_id = DataLoader(self._statements_by_id)
        self.line_pages_by_statement = DataLoader(self._line_pages)
        self.line_counts_by_statement = DataLoader(self._line_counts)
        self.lines_by_id = DataLoader(self._lines_by_id)
        self.invoiceable_by_account = DataLoader(self._invoiceable)
        self.applications_by_id = DataLoader(self._applications_by_id)
        self.application_pages_by_account = DataLoader(self._application_pages)
        self.application_counts_by_account = DataLoader(self._application_counts)
        self.events_by_application = DataLoader(self._events_by_application)
        self.invoice_setup_by_account = DataLoader(self._invoice_setup)
        self.titles_by_account = DataLoader(self._titles_by_account)
        self.addresses_by_account = DataLoader(self._addresses_by_account)

    async def _accounts_by_id(self, ids: Sequence[int]) -> list[Any | None]:
        async with self.database.read() as connection:
            rows = await accounts.list_accounts_by_ids(connection=connection, ids=ids)
        by_id = {row.id: row for row in rows}
        return [by_id.get(key) for key in ids]

    async def _statement_pages(self, keys: Sequence[StatementPageKey]) -> list[Page]:
        async def load(group: list[StatementPageKey]) -> dict[StatementPageKey, Page]:
            _, where, page = group[0]
            async with self.database.read() as connection:
                pages = await statements.page_statements_by_account_ids(
                    connection=connection, account_ids=[key[0] for key in group], where=where, page=page
                )
            return {key: pages[(key[0],)] for key in group if (key[0],) in pages}

        return await _by_group(keys, lambda key: key[1:], load, EMPTY_PAGE)

    async def _statement_counts(self, keys: Sequence[tuple[int, StatementFilter]]) -> list[int]:
        async def load(group: list[tuple[int, StatementFilter]]) -> dict[tuple[int, StatementFilter], int]:
            async with self.database.read() as connection:
                counts = await statements.count_statements_by_account_ids(
                    connection=connection, account_ids=[key[0] for key in group], where=group[0][1]
                )
            return {key: counts.get(key[0], 0) for key in group}

        return await _by_group(keys, lambda key: key[1], load, 0)

    async def _statements_by_month(self, keys: Sequence[tuple[int, date]]) -> list[Any | None]:
        async with self.database.read() as connection:
            rows = await statements.list_statements_by_months(connection=connection, keys=keys)
        found = {(row.account_id, row.month): row for row in rows}
        return [found.get(key) for key in keys]

    async def _statements_by_id(self, keys: Sequence[tuple[int, int]]) -> list[Any | None]:
        async with self.database.read() as connection:
            rows = await statements.list_statements_by_ids(connection=connection, keys=keys)
        found = {(row.account_id, row.id): row for row in rows}
        return [found.get(key) for key in keys]

    async def _line_pages(self, keys: Sequence[LinePageKey]) -> list[Page]:
        async def load(group: list[LinePageKey]) -> dict[LinePageKey, Page]:
            async with self.database.read() as connection:
                pages = await lines.page_lines_by_statements(
                    connection=connection, keys=[key[:2] for key in group], page=group[0][2]
                )
            return {key: pages[key[:2]] for key in group if key[:2] in pages}

        return await _by_group(keys, lambda key: key[2], load, EMPTY_PAGE)

    async def _line_counts(self, keys: Sequence[tuple[int, date]]) -> list[int]:
        async with self.database.read() as connection:
            counts = await lines.count_lines_by_statements(connection=connection, keys=keys)
        return [counts.get(key, 0) for key in keys]

    async def _lines_by_id(self, keys: Sequence[tuple[int, int]]) -> list[Any | None]:
        async with self.database.read() as connection:
            rows = await lines.list_lines_by_ids(connection=connection, keys=keys)
        found = {(row.account_id, row.id): row for row in rows}
        return [found.get(key) for key in keys]

    async def _invoiceable(self, keys: Sequence[tuple[int, tuple[date, ...] | None]]) -> list[Any | None]:
        async def load(
            group: list[tuple[int, tuple[date, ...] | None]],
        ) -> dict[tuple[int, tuple[date, ...] | None], Any]:
            months = group[0][1]
            async with self.database.read() as connection:
                sums = await statements.sum_invoiceable_by_account_ids(
                    connection=connection,
                    account_ids=[key[0] for key in group],
                    months=list(months) if months is not None else None,
                )
            return {key: sums[key[0]] for key in group if key[0] in sums}

        return await _by_group(keys, lambda key: key[1], load, None)

    async def _titles_by_account(self, account_ids: Sequence[int]) -> list[list[Any]]:
        async with self.database.read() as connection:
            rows = await titles.list_titles_by_account_ids(connection=connection, account_ids=account_ids)
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[row.account_id].append(row)
        return [grouped[key] for key in account_ids]

    async def _addresses_by_account(self, account_ids: Sequence[int]) -> list[list[Any]]:
        async with self.database.read() as connection:
            rows = await addresses.list_addresses_by_account_ids(
                connection=connection, account_ids=account_ids
            )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[row.account_id].append(row)
        return [grouped[key] for key in account_ids]

    async def _applications_by_id(self, keys: Sequence[tuple[int, int]]) -> list[Any | None]:
        async with self.database.read() as connection:
            rows = await applications.list_applications_by_ids(connection=connection, keys=keys)
        found = {(row.account_id, row.id): row for row in rows}
        return [found.get(key) for key in keys]

    async def _application_pages(self, keys: Sequence[ApplicationPageKey]) -> list[Page]:
        async def load(group: list[ApplicationPageKey]) -> dict[ApplicationPageKey, Page]:
            _, where, page = group[0]
            async with self.database.read() as connection:
                pages = await application_lists.page_applications_by_account_ids(
                    connection=connection, account_ids=[key[0] for key in group], where=where, page=page
                )
            return {key: pages[(key[0],)] for key in group if (key[0],) in pages}

        return await _by_group(keys, lambda key: key[1:], load, EMPTY_PAGE)

    async def _application_counts(self, keys: Sequence[tuple[int, ApplicationFilter]]) -> list[int]:
        async def load(
            group: list[tuple[int, ApplicationFilter]],
        ) -> dict[tuple[int, ApplicationFilter], int]:
            async with self.database.read() as connection:
                counts = await application_lists.count_applications_by_account_ids(
                    connection=connection, account_ids=[key[0] for key in group], where=group[0][1]
                )
            return {key: counts.get(key[0], 0) for key in group}

        return await _by_group(keys, lambda key: key[1], load, 0)

    async def _events_by_application(self, keys: Sequence[tuple[int, int]]) -> list[list[Any]]:
        async with self.database.read() as connection:
            found = await applications.list_events_by_applications(connection=connection, keys=keys)
        return [found.get(key, []) for key in keys]

    async def _invoice_setup(self, account_ids: Sequence[int]) -> list[tuple[int, int]]:
        """Per account, how many titles and addresses it has."""
        async with self.database.read() as connection:
            found = await applications.count_setup_by_account_ids(
                connection=connection, account_ids=account_ids
            )
        return [found.get(key, (0, 0)) for key in account_ids]
