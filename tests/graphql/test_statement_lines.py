"""MonthlyStatement.lines."""

from pathlib import Path

from invoice_graph.domain.viewer import Role
from tests.factories import line, make_statements
from tests.graphql.conftest import Api
from tests.graphql.documents import LINES


async def test_lines_are_paged_in_billing_order(api: Api, tmp_path: Path) -> None:
    await make_statements(
        api.database,
        tmp_path,
        [line(line_id=f"L{day:02d}", billed_on=f"2024-03-{day:02d}") for day in (9, 3, 27, 14, 1)],
    )
    token = await api.token(Role.CUSTOMER, account="A-1")
    first = await api.query(LINES, {"number": "A-1", "month": "2024-03", "first": 2}, token=token)
    page = first["data"]["account"]["statement"]["lines"]
    assert page["totalCount"] == 5
    assert [e["node"]["lineId"] for e in page["edges"]] == ["L01", "L03"]
    rest = await api.query(
        LINES,
        {"number": "A-1", "month": "2024-03", "first": 10, "after": page["pageInfo"]["endCursor"]},
        token=token,
    )
    assert [e["node"]["lineId"] for e in rest["data"]["account"]["statement"]["lines"]["edges"]] == [
        "L09",
        "L14",
        "L27",
    ]
