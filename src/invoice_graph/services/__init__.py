"""Use cases: take the viewer and plain values, enforce access, open a unit of work, apply the rules.

The outer layers (GraphQL, HTTP, the CLI) reach the database only through services: `Database`
is the handle they pass in, and `is_database_unavailable` tells an outage from a fault.
"""

from invoice_graph.db.availability import is_database_unavailable
from invoice_graph.db.engine import Database

__all__ = ["Database", "is_database_unavailable"]
