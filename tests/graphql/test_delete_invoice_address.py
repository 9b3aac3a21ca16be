"""deleteInvoiceAddress."""

import pytest

from invoice_graph.graphql.ids import encode_id
from tests.graphql.conftest import Api
from tests.graphql.documents import DELETE_INVOICE_ADDRESS, UPDATE_INVOICE_ADDRESS
from tests.graphql.helpers import error_codes


@pytest.mark.parametrize("value", ["nonsense", encode_id("InvoiceTitle", 1, 1)])
async def test_a_malformed_address_id_is_bad_user_input(api: Api, customer: str, value: str) -> None:
    assert error_codes(await api.query(DELETE_INVOICE_ADDRESS, {"id": value}, token=customer)) == [
        "BAD_USER_INPUT"
    ]
    body = await api.query(UPDATE_INVOICE_ADDRESS, {"input": {"id": value, "city": "X"}}, token=customer)
    assert error_codes(body) == ["BAD_USER_INPUT"]
