"""The three benchmark operations, as the console and a partner portal send them."""

import json
from dataclasses import dataclass

# The console's statements page: one account, 12 statements with every money field.
CONSOLE = """query ConsoleStatements {
  viewer { account { id accountNumber name
    statements(first: 12) {
      pageInfo { hasNextPage endCursor }
      edges { node { id month
        cloudExpense { amount currency } marketExpense { amount currency }
        totalExpense { amount currency } invoiceableCloud { amount currency }
        invoiceableMarket { amount currency } invoiceableTotal { amount currency }
        exclusions { reason amount { amount currency } }
        invoiceStatus } } } } } }"""

# A partner portal: 50 accounts, each with what can be invoiced and its last 12 statements.
PARTNER = """query PartnerView {
  viewer { accounts(first: 50) {
    pageInfo { hasNextPage endCursor }
    edges { node { id accountNumber name
      invoiceableTotals { months cloud { amount } market { amount } total { amount } }
      statements(first: 12) { edges { node { month totalExpense { amount } invoiceableTotal { amount }
        invoiceStatus application { number status } } } } } } } } }"""

APPLY = """mutation Apply($input: ApplyForInvoiceInput!) {
  applyForInvoice(input: $input) {
    invoiceApplication { id status amount { amount } } userErrors { code field message } } }"""

CANCEL = """mutation Cancel($id: ID!) {
  cancelInvoiceApplication(id: $id) {
    invoiceApplication { id status amount { amount } } userErrors { code field message } } }"""


def body(query: str, variables: dict[str, object] | None = None) -> str:
    """A POST body for /graphql."""
    return json.dumps({"query": query, "variables": variables or {}}, separators=(",", ":"))


@dataclass(frozen=True, slots=True)
class Operation:
    """One benchmark query: its name, token and body (the mutation's bodies are per wrk thread)."""

    name: str
    label: str
    token: str
    bodies: tuple[str, ...]
    cycle: bool = False
