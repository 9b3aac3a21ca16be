"""applyForInvoice: each refusal has its code and field, and saves nothing."""

from pathlib import Path
from typing import Any

from invoice_graph.graphql.ids import encode_id
from tests.factories_applications import account_id_of, add_title
from tests.graphql.conftest import Api
from tests.graphql.documents import APPLY_FOR_INVOICE
from tests.graphql.helpers import mutate, ready_to_apply, saved_applications, user_error_codes


async def test_each_refusal_returns_its_code_and_saves_nothing(api: Api, tmp_path: Path) -> None:
    # given a customer ready to apply, and another account's title
    customer, values = await ready_to_apply(api, tmp_path)
    other_title = encode_id(
        "InvoiceTitle", await account_id_of(api.database, "B-1"), await add_title(api.database, "B-1")
    )
    refusals: list[tuple[dict[str, Any], str, list[str]]] = [
        ({"months": ["2024-09"]}, "STATEMENT_NOT_GENERATED", ["input", "months", "0"]),
        (
            {"months": ["2030-01"], "confirmedAmount": "0.00"},
            "STATEMENT_NOT_GENERATED",
            ["input", "months", "0"],
        ),
        ({"months": ["2024-04"], "confirmedAmount": "0.00"}, "NOTHING_TO_INVOICE", ["input", "months", "0"]),
        ({"confirmedAmount": "99.99"}, "AMOUNT_MISMATCH", ["input", "confirmedAmount"]),
        ({"acceptTerms": False}, "TERMS_NOT_ACCEPTED", ["input", "acceptTerms"]),
        ({"titleId": other_title}, "NOT_FOUND", ["input", "titleId"]),
        ({"remark": "x" * 129}, "INVALID", ["input", "remark"]),
        ({"remark": "发票🧾"}, "UNPRINTABLE_CHARACTERS", ["input", "remark"]),
    ]
    for change, code, field in refusals:
        # when it applies with one thing wrong
        payload = await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, **change}}, customer)
        # then it is told what, and nothing is saved
        assert payload["invoiceApplication"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [(code, field)], change
    assert await saved_applications(api) == (0, 0)
    mismatch = await mutate(
        api, APPLY_FOR_INVOICE, {"input": {**values, "confirmedAmount": "1.00"}}, customer
    )
    assert "100.00" in mismatch["userErrors"][0]["message"]

    # and a month already applied for, or a reused key with other input, is refused too
    first = await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, "idempotencyKey": "k-1"}}, customer)
    again = await mutate(api, APPLY_FOR_INVOICE, {"input": {**values, "idempotencyKey": "k-1"}}, customer)
    assert again["invoiceApplication"]["id"] == first["invoiceApplication"]["id"]
    taken = await mutate(api, APPLY_FOR_INVOICE, {"input": values}, customer)
    assert [(e["code"], e["field"]) for e in taken["userErrors"]] == [
        ("MONTH_ALREADY_INVOICED", ["input", "months", "0"])
    ]
    reused = await mutate(
        api,
        APPLY_FOR_INVOICE,
        {"input": {**values, "months": ["2024-02"], "idempotencyKey": "k-1"}},
        customer,
    )
    assert user_error_codes(reused) == ["IDEMPOTENCY_KEY_REUSED"]
    assert await saved_applications(api) == (1, 1)
