"""GET /graphql serves the GraphiQL page without a token."""

from tests.graphql.conftest import Api


async def test_the_graphiql_page_loads_without_a_token(api: Api) -> None:
    response = await api.client.get("/graphql", headers={"Accept": "text/html"})
    assert response.status_code == 200
    assert "graphiql" in response.text.lower()
