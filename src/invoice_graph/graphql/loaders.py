"""Per-request DataLoaders: every relation is fetched in one query per batch, whatever the list size."""

from collections import defaultdict
from collections.abc import Awaitable, Callable, Hashable, Sequence
from datetime import date
from typing import Any, TypeVar

from strawberry.dataloader import DataLoader

from invoice_graph.db.engine import Database
from invoice_graph.db.paging import EMPTY_PAGE, Page, PageRequest
from invoice_graph.db.queries import accounts, lines, statements
from invoice_graph.db.queries.statements import StatementFilter

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
StatementPageKey = tuple[int, StatementFilter, PageRequest]
LinePageKey = tuple[int, date, PageRequest]


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
