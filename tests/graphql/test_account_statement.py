"""Account.statement(month:)."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api
from tests.graphql.documents import LINES
from tests.graphql.helpers import error_codes


async def test_a_month_without_statement_is_null(api: Api, tmp_path: Path) -> None:
    await make_statements(api.database, tmp_path, [line()])
    token = await api.token(Role.CUSTOMER, account="A-1")
    body = await api.query(LINES, {"number": "A-1", "month": "2024-05"}, token=token)
    assert body["data"]["account"]["statement"] is None


async def test_malformed_literal_in_the_document(api: Api, token: str) -> None:
    body = await api.query('{ viewer { account { statement(month: "24-3") { id } } } }', token=token)
    assert error_codes(body) == ["BAD_USER_INPUT"]
