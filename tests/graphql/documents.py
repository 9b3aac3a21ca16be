"""GraphQL documents used by more than one test file; a document used by one file lives in that file."""

ACCOUNT_ID = "query($number: String!) { account(accountNumber: $number) { id } }"
ACCOUNT_OBJECTS = """
query($number: String!) { account(accountNumber: $number) {
  id statements { edges { node { id lines { edges { node { id } } } } } } } }
"""
NODES = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"
TOTALS = """
query($months: [Month!]) { viewer { account { invoiceableTotals(months: $months) { total { amount } } } } }
"""
LINES = """
query Lines($number: String!, $month: Month!, $first: Int, $after: String) {
  account(accountNumber: $number) {
    statement(month: $month) {
      lines(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { node { lineId invoiceableAmount { amount } ineligibleReason } }
      }
    }
  }
}
"""

# Invoice titles

CREATE_INVOICE_TITLE = """
mutation($input: CreateInvoiceTitleInput!) {
  createInvoiceTitle(input: $input) {
    invoiceTitle { id kind invoiceType name taxpayerId bankName isDefault createdAt updatedAt }
    userErrors { field code message }
  }
}
"""
UPDATE_INVOICE_TITLE = """
mutation($input: UpdateInvoiceTitleInput!) {
  updateInvoiceTitle(input: $input) {
    invoiceTitle { id kind invoiceType name taxpayerId isDefault }
    userErrors { field code message }
  }
}
"""
DELETE_INVOICE_TITLE = """
mutation($id: ID!) { deleteInvoiceTitle(id: $id) { deletedId userErrors { field code message } } }
"""
INVOICE_TITLES = """
query($number: String!) {
  account(accountNumber: $number) { id invoiceTitles { id name taxpayerId isDefault } }
}
"""
INVOICE_TITLE_NODE = "query($id: ID!) { node(id: $id) { id ... on InvoiceTitle { name } } }"

# Invoice addresses

CREATE_INVOICE_ADDRESS = """
mutation($input: CreateInvoiceAddressInput!) {
  createInvoiceAddress(input: $input) {
    invoiceAddress { id recipient phone province city district street postalCode isDefault createdAt }
    userErrors { field code message }
  }
}
"""
UPDATE_INVOICE_ADDRESS = """
mutation($input: UpdateInvoiceAddressInput!) {
  updateInvoiceAddress(input: $input) {
    invoiceAddress { id recipient phone postalCode isDefault }
    userErrors { field code message }
  }
}
"""
DELETE_INVOICE_ADDRESS = """
mutation($id: ID!) { deleteInvoiceAddress(id: $id) { deletedId userErrors { field code message } } }
"""
INVOICE_ADDRESSES = """
query($number: String!) {
  account(accountNumber: $number) { id invoiceAddresses { id recipient phone isDefault } }
}
"""

# Invoice applications

CONSOLE_ACCOUNT = """
query($number: String!, $months: [Month!]!) { account(accountNumber: $number) {
  id
  invoiceEligibility { canApply problems invoiceableTotal { amount } }
  invoicePreview(months: $months) { totals { months total { amount } } problems { field code message } }
  statements(first: 12) { edges { node { month invoiceStatus application { id status } } } }
  invoiceApplications(first: 10) { totalCount edges { node { id status } } }
} }
"""
APPLICATION_PAYLOAD = """
invoiceApplication {
  id number status medium months amount { amount } cloudAmount { amount } marketAmount { amount }
  title { kind name } address { recipient postalCode } submittedAt dueBy overdue invoiceNumbers
  courier trackingNumber remark rejectionReason returnReason
  account { accountNumber } statements { month invoiceStatus }
  events { status actorRole note }
}
userErrors { field code message }
"""
APPLY_FOR_INVOICE = (
    "mutation($input: ApplyForInvoiceInput!) { applyForInvoice(input: $input) {" + APPLICATION_PAYLOAD + "} }"
)
CANCEL_INVOICE_APPLICATION = (
    "mutation($id: ID!) { cancelInvoiceApplication(id: $id) {" + APPLICATION_PAYLOAD + "} }"
)
ISSUE_INVOICE_APPLICATION = (
    "mutation($input: IssueInvoiceApplicationInput!) { issueInvoiceApplication(input: $input) {"
    + APPLICATION_PAYLOAD
    + "} }"
)
SHIP_INVOICE_APPLICATION = (
    "mutation($input: ShipInvoiceApplicationInput!) { shipInvoiceApplication(input: $input) {"
    + APPLICATION_PAYLOAD
    + "} }"
)
MARK_INVOICE_APPLICATION_DELIVERED = (
    "mutation($id: ID!) { markInvoiceApplicationDelivered(id: $id) {" + APPLICATION_PAYLOAD + "} }"
)
REJECT_INVOICE_APPLICATION = (
    "mutation($input: RejectInvoiceApplicationInput!) { rejectInvoiceApplication(input: $input) {"
    + APPLICATION_PAYLOAD
    + "} }"
)
REQUEST_INVOICE_RETURN = (
    "mutation($input: RequestInvoiceReturnInput!) { requestInvoiceReturn(input: $input) {"
    + APPLICATION_PAYLOAD
    + "} }"
)
CONFIRM_INVOICE_RETURN = "mutation($id: ID!) { confirmInvoiceReturn(id: $id) {" + APPLICATION_PAYLOAD + "} }"
REJECT_INVOICE_RETURN = (
    "mutation($input: RejectInvoiceReturnInput!) { rejectInvoiceReturn(input: $input) {"
    + APPLICATION_PAYLOAD
    + "} }"
)
INVOICE_APPLICATION_QUEUE = """
query($status: [InvoiceApplicationStatus!], $overdue: Boolean) {
  invoiceApplications(first: 50, status: $status, overdue: $overdue) {
    totalCount edges { node { id number status account { accountNumber } } } } }
"""
INVOICE_APPLICATION_NODE = "query($id: ID!) { node(id: $id) { ... on InvoiceApplication { id status } } }"
