"""The benchmark operations, as the console and a partner portal send them."""

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

# An e-invoice's files, as its owner sees them (not `url` and `expiresAt`: they are signed per
# request with the current time, so no two answers are byte-identical).
DOCUMENTS = """query InvoiceDocuments($id: ID!) {
  node(id: $id) { ... on InvoiceApplication { number status
    documents { invoiceNumber format sizeBytes sha256 } } } }"""

# A customer's invoice deficit and the first page of its ledger.
LEDGER = """query DeficitLedger {
  viewer { account { invoiceDeficit { amount }
    invoiceDeficitEntries(first: 20) { totalCount
      edges { cursor node { id kind amount { amount } balance { amount } at lineId } } } } } }"""

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
