"""The invoice deficit in the console: a refund after invoicing is taken off the next application."""

from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from invoice_graph.db.tables import billing_lines
from tests.factories import import_rows, line
from tests.factories_applications import account_id_of
from tests.graphql.conftest import Api
from tests.graphql.documents import APPLY_FOR_INVOICE, CANCEL_INVOICE_APPLICATION
from tests.graphql.helpers import error_codes, mutate, query_data, ready_to_apply

DEFICIT = """
query($number: String!, $months: [Month!]!, $first: Int, $after: String) {
  account(accountNumber: $number) {
    invoiceDeficit { amount currency }
    invoiceEligibility { canApply problems invoiceableTotal { amount } }
    invoicePreview(months: $months) {
      totals { total { amount } } deficitOffset { amount } amount { amount } problems { code field }
    }
    invoiceDeficitEntries(first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor }
      edges { node { id kind amount { amount } balance { amount } at lineId application { id number } } }
    }
  }
}
"""
APPLIED = """
query($id: ID!) { node(id: $id) { ... on InvoiceApplication {
  cloudAmount { amount } marketAmount { amount } deficitOffset { amount } amount { amount } status } } }
"""
ENTRY = "query($id: ID!) { node(id: $id) { id ... on InvoiceDeficitEntry { kind balance { amount } } } }"


async def _refund(api: Api, tmp_path: Path, billed_on: str, cash: str) -> str:
    """A refund in cash, billed in May, of A-1's line billed on that day; returns its line_id."""
    query = select(billing_lines).where(
        billing_lines.c.account_id == await account_id_of(api.database, "A-1"),
        billing_lines.c.billed_on == date.fromisoformat(billed_on),
    )
    async with api.database.read() as connection:
        original = (await connection.execute(query)).one()
    refund = line(
        partner="P-1",
        line_id=f"{original.line_id}-R",
        refund_of=original.line_id,
        billed_on="2024-05-02",
        delivered_on=original.delivered_on.isoformat(),
        amount=cash,
        cash_amount=cash,
    )
    await import_rows(api.database, tmp_path, [refund])
    return refund["line_id"]


async def _deficit(api: Api, token: str, months: list[str], **paging: Any) -> dict[str, Any]:
    data = await query_data(api, DEFICIT, {"number": "A-1", "months": months, **paging}, token)
    account: dict[str, Any] = data["account"]
    return account


async def test_a_refund_after_invoicing_is_taken_off_the_next_application(api: Api, tmp_path: Path) -> None:
    # given A-1 with January-March of 100.00 each, February refunded 30.00 after its statement
    customer, values = await ready_to_apply(api, tmp_path)
    refund_line = await _refund(api, tmp_path, "2024-02-10", "30.00")

    # when the customer looks at its account and previews January
    account = await _deficit(api, customer, ["2024-01"])

    # then the deficit is shown with its REFUND entry, and the preview takes it off
    assert account["invoiceDeficit"] == {"amount": "30.00", "currency": "CNY"}
    [refund] = [edge["node"] for edge in account["invoiceDeficitEntries"]["edges"]]
    assert (refund["kind"], refund["amount"], refund["balance"]) == (
        "REFUND",
        {"amount": "30.00"},
        {"amount": "30.00"},
    )
    assert (refund["lineId"], refund["application"]) == (refund_line, None)
    preview = account["invoicePreview"]
    assert preview["totals"]["total"] == {"amount": "100.00"}
    assert (preview["deficitOffset"], preview["amount"], preview["problems"]) == (
        {"amount": "30.00"},
        {"amount": "70.00"},
        [],
    )
    # and statements and eligibility show amounts before the deficit
    assert account["invoiceEligibility"]["invoiceableTotal"] == {"amount": "300.00"}

    # when it confirms the total before the offset, it is told the amount to confirm
    mismatch = await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer)
    assert [(error["code"], error["field"]) for error in mismatch["userErrors"]] == [
        ("AMOUNT_MISMATCH", ["input", "confirmedAmount"])
    ]
    assert "is 70.00" in mismatch["userErrors"][0]["message"]

    # when it confirms the preview's amount
    applied = await mutate(
        api, APPLY_FOR_INVOICE, {"input": {**values, "confirmedAmount": "70.00"}}, customer
    )
    application_id = applied["invoiceApplication"]["id"]

    # then the application shows the offset and the ledger its OFFSET, newest first
    shown = (await query_data(api, APPLIED, {"id": application_id}, customer))["node"]
    assert (shown["cloudAmount"], shown["deficitOffset"], shown["amount"]) == (
        {"amount": "100.00"},
        {"amount": "30.00"},
        {"amount": "70.00"},
    )
    account = await _deficit(api, customer, ["2024-02"])
    assert account["invoiceDeficit"]["amount"] == "0.00"
    assert account["invoicePreview"]["deficitOffset"]["amount"] == "0.00"
    kinds = [
        (edge["node"]["kind"], edge["node"]["balance"]["amount"])
        for edge in account["invoiceDeficitEntries"]["edges"]
    ]
    assert kinds == [("OFFSET", "0.00"), ("REFUND", "30.00")]
    offset = account["invoiceDeficitEntries"]["edges"][0]["node"]
    assert (offset["amount"]["amount"], offset["application"]["id"]) == ("-30.00", application_id)

    # and an entry is a node its owner can fetch again
    fetched = (await query_data(api, ENTRY, {"id": offset["id"]}, customer))["node"]
    assert (fetched["kind"], fetched["balance"]) == ("OFFSET", {"amount": "0.00"})

    # when the customer cancels the application, the offset comes back and the application keeps it
    await mutate(api, CANCEL_INVOICE_APPLICATION, {"id": application_id}, customer)
    account = await _deficit(api, customer, ["2024-01"], first=1)
    assert account["invoiceDeficit"]["amount"] == "30.00"
    page = account["invoiceDeficitEntries"]
    assert (page["totalCount"], page["pageInfo"]["hasNextPage"]) == (3, True)
    assert page["edges"][0]["node"]["kind"] == "RELEASE"
    following = await _deficit(api, customer, ["2024-01"], first=5, after=page["pageInfo"]["endCursor"])
    assert [edge["node"]["kind"] for edge in following["invoiceDeficitEntries"]["edges"]] == [
        "OFFSET",
        "REFUND",
    ]
    shown = (await query_data(api, APPLIED, {"id": application_id}, customer))["node"]
    assert (shown["status"], shown["deficitOffset"]) == ("CANCELLED", {"amount": "30.00"})


async def test_a_deficit_that_takes_every_month_leaves_nothing_to_invoice(api: Api, tmp_path: Path) -> None:
    # given A-1's three invoiceable months refunded in full after their statements
    customer, values = await ready_to_apply(api, tmp_path)
    for month in ("01", "02", "03"):
        await _refund(api, tmp_path, f"2024-{month}-10", "100.00")
    # when the customer looks at its account and previews January
    account = await _deficit(api, customer, ["2024-01"])
    # then it cannot apply: the deficit takes all it could invoice, and the preview says so
    assert account["invoiceDeficit"]["amount"] == "300.00"
    assert account["invoiceEligibility"]["problems"] == ["NOTHING_TO_INVOICE"]
    assert account["invoiceEligibility"]["canApply"] is False
    preview = account["invoicePreview"]
    assert (preview["deficitOffset"], preview["amount"]) == ({"amount": "100.00"}, {"amount": "0.00"})
    assert preview["problems"] == [{"code": "NOTHING_TO_INVOICE", "field": ["months"]}]
    refused = await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, "confirmedAmount": "0.00"}}, customer)
    assert [(error["code"], error["field"]) for error in refused["userErrors"]] == [
        ("NOTHING_TO_INVOICE", ["input", "months"])
    ]


async def test_a_malformed_entry_cursor_is_a_bad_user_input(api: Api, tmp_path: Path) -> None:
    customer, _ = await ready_to_apply(api, tmp_path)
    body = await api.query(
        DEFICIT, {"number": "A-1", "months": ["2024-01"], "after": "bm9wZQ"}, token=customer
    )
    assert error_codes(body) == ["BAD_USER_INPUT"]
