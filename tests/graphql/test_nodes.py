"""Query.nodes: a partner sees its customers' objects only; long lists are refused."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from invoice_graph.graphql.ids import encode_id
from tests.graphql.conftest import Api
from tests.graphql.documents import ACCOUNT_OBJECTS, NODES, TOTALS
from tests.graphql.helpers import error_codes, make_three_accounts, object_ids_of


async def test_a_partner_sees_its_customers_and_nothing_else(api: Api, tmp_path: Path) -> None:
    await make_three_accounts(api, tmp_path)
    token = await api.token(Role.PARTNER, partner="P-1")
    managed = await object_ids_of(api, "B-2")
    foreign = await object_ids_of(api, "A-1")
    nodes = (await api.query(NODES, {"ids": managed + foreign}, token=token))["data"]["nodes"]
    assert [n["id"] if n else None for n in nodes] == [*managed, None, None, None]
    assert (await api.query(ACCOUNT_OBJECTS, {"number": "A-1"}, token=token))["data"]["account"] is None


async def test_long_lists_are_refused_before_any_work(api: Api, token: str) -> None:
    ids = [encode_id("Account", n) for n in range(1, 102)]
    body = await api.query(NODES, {"ids": ids}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
    months = [f"{year}-{month:02d}" for year in range(2000, 2011) for month in range(1, 13)]
    body = await api.query(TOTALS, {"months": months}, token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
