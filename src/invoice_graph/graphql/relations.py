"""Edges that point up the graph: a statement's application, an application's account.

Account lists applications, which list statements; the way back up would make the type modules
import each other. Instead each upper module registers how its type is built from a record, and
the lower types' resolvers build through this registry (the schema imports every module first).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from invoice_graph.domain.records import AccountRecord, ApplicationRecord


@dataclass(slots=True)
class _Builders:
    account: Callable[[AccountRecord], Any] | None = None
    application: Callable[[ApplicationRecord], Any] | None = None


BUILDERS = _Builders()


def build_account(record: AccountRecord) -> Any:
    """The GraphQL Account of a record (registered by graphql/accounts/types.py)."""
    if BUILDERS.account is None:
        raise RuntimeError("graphql.accounts.types registers Account; the schema imports it")
    return BUILDERS.account(record)


def build_application(record: ApplicationRecord) -> Any:
    """The GraphQL InvoiceApplication of a record (registered by graphql/invoice_applications/types.py)."""
    if BUILDERS.application is None:
        raise RuntimeError(
            "graphql.invoice_applications.types registers InvoiceApplication; the schema imports it"
        )
    return BUILDERS.application(record)
