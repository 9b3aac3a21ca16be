"""Query.node: another customer's objects do not exist, malformed IDs are BAD_USER_INPUT."""

import base64
from pathlib import Path

import pytest

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.graphql.conftest import Api
from tests.graphql.documents import ACCOUNT_OBJECTS, NODES
from tests.graphql.helpers import error_codes, make_three_accounts, object_ids_of

NODE_WITH_TYPENAME = "query($id: ID!) { node(id: $id) { id __typename } }"

NODE = "query($id: ID!) { node(id: $id) { id } }"


async def test_another_customers_objects_do_not_exist_for_a_customer(api: Api, tmp_path: Path) -> None:
    await make_three_accounts(api, tmp_path)
    foreign = await object_ids_of(api, "B-1")
    token = await api.token(Role.CUSTOMER, account="A-1")
    assert (await api.query(ACCOUNT_OBJECTS, {"number": "B-1"}, token=token))["data"]["account"] is None
    for object_id in foreign:
        assert (await api.query(NODE_WITH_TYPENAME, {"id": object_id}, token=token))["data"]["node"] is None
    assert (await api.query(NODES, {"ids": foreign}, token=token))["data"]["nodes"] == [None, None, None]
    own = await object_ids_of(api, "A-1")
    assert [n["id"] for n in (await api.query(NODES, {"ids": own}, token=token))["data"]["nodes"]] == own


@pytest.mark.parametrize(
    "value", ["", "nonsense", "QWNjb3VudDp4", encode_id("Statement", 1, 1), "!!!", "TW9udGhseVN0YXRlbWVudDox"]
)
async def test_malformed_ids(api: Api, token: str, value: str) -> None:
    body = await api.query(NODE, {"id": value}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]


@pytest.mark.parametrize(
    "raw",
    ["Account:99999999999999999999999", "MonthlyStatement:1:9223372036854775808", "Account:0", "Account:²"],
)
async def test_ids_whose_numbers_no_row_can_have(api: Api, token: str, raw: str) -> None:
    body = await api.query(NODE, {"id": base64.urlsafe_b64encode(raw.encode()).decode()}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
