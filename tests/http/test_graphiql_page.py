"""The GraphiQL page loads everything from this server (the browser test runs it for real)."""

import re

from tests.graphql.conftest import Api

_ASSET = re.compile(r'(?:src|href)="([^"]+)"')


async def test_graphiql_page_and_its_assets_come_from_this_server_without_a_token(api: Api) -> None:
    # when a browser opens /graphql
    page = await api.client.get("/graphql", headers={"Accept": "text/html"})

    # then the page names no other host, and every script and style it names is served here
    assert page.status_code == 200
    assert "://" not in page.text
    assets = [url for url in _ASSET.findall(page.text) if not url.startswith("data:")]
    assert len(assets) == 6
    for url in assets:
        response = await api.client.get(url)
        assert response.status_code == 200, url
        assert len(response.content) > 500, url


async def test_graphiql_page_keeps_the_headers_editor_for_the_token(api: Api) -> None:
    page = (await api.client.get("/graphql", headers={"Accept": "text/html"})).text

    assert "isHeadersEditorEnabled: true" in page
    assert "shouldPersistHeaders: true" in page
    assert "Authorization" in page
