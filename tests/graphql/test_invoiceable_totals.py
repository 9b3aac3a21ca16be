"""Account.invoiceableTotals."""

from tests.graphql.conftest import Api
from tests.graphql.documents import TOTALS


async def test_invoiceable_totals_of_chosen_months(api: Api, token: str) -> None:
    body = await api.query(TOTALS, {"months": ["2024-03", "2024-04"]}, token=token)
    assert body["data"]["viewer"]["account"]["invoiceableTotals"]["total"]["amount"] == "100.00"
    body = await api.query(TOTALS, {"months": ["2024-04"]}, token=token)
    assert body["data"]["viewer"]["account"]["invoiceableTotals"]["total"]["amount"] == "0.00"
