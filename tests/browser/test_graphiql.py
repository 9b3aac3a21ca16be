"""GraphiQL in a real browser, on a real server, with no internet: no error, Docs and a query with a token."""

import asyncio
import json
import threading
from collections.abc import Iterator

import pytest
import uvicorn

from invoice_graph.app import create_app
from invoice_graph.config import Settings
from invoice_graph.db.engine import Database
from invoice_graph.domain.viewer import Role
from invoice_graph.services.tokens import create_token
from tests.browser.cdp import Page, chromium_or_skip, open_page
from tests.network import free_port

QUERY = "{ viewer { role } }"


@pytest.fixture
def chromium() -> str:
    """Chromium's path, checked before anything is started for it."""
    return chromium_or_skip()


@pytest.fixture
def server_url(migrated_url: str) -> Iterator[str]:
    """invoice_graph under uvicorn on a free loopback port, in a thread with its own event loop."""
    port = free_port()
    database = Database.connect(migrated_url, pool_size=2)
    config = uvicorn.Config(
        create_app(Settings(environment="test"), database), host="127.0.0.1", port=port, log_config=None
    )
    server = uvicorn.Server(config)

    async def serve() -> None:
        try:
            await server.serve()
        finally:
            await database.dispose()

    thread = threading.Thread(target=asyncio.run, args=(serve(),), daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            pytest.fail("the server did not start")
        threading.Event().wait(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def _type_into(page: Page, editor: str, text: str) -> None:
    """Focus a CodeMirror editor, select all of it and type `text` as a user would."""
    page.evaluate(f"(() => {{ const cm = {editor}.CodeMirror; cm.focus(); cm.execCommand('selectAll'); }})()")
    page.send("Input.insertText", text=text)


def _open_graphiql(page: Page, url: str) -> None:
    """Navigate to GraphiQL and wait until this (not a previous) page's editors are there."""
    page.evaluate("window.earlierPage = true")
    page.send("Page.navigate", url=url)
    page.wait_for(f"window.earlierPage === undefined && {QUERY_EDITOR} !== null && {HEADERS_EDITOR} !== null")


def _docs_root_type(page: Page, name: str) -> str:
    """Open the Docs explorer, follow the root type `name` and return what Docs then shows."""
    page.evaluate(f"{DOCS_BUTTON}.click()")
    link = f"[...document.querySelectorAll('.graphiql-doc-explorer a')].find(a => a.textContent === '{name}')"
    page.wait_for(f"{link} !== undefined", seconds=5)
    page.evaluate(f"{link}.click()")
    shown: str = page.wait_for(
        f"{DOCS}.querySelector('.graphiql-doc-explorer-title').innerText === '{name}' && {DOCS}.innerText"
    )
    return shown


HEADERS_EDITOR = "document.querySelector('[aria-label=Headers] .graphiql-editor:not(.hidden) .CodeMirror')"
QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror')"
RESPONSE = "document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"
DOCS_BUTTON = "document.querySelector('[aria-label=\"Show Documentation Explorer\"]')"
REFETCH_BUTTON = "document.querySelector('[aria-label=\"Re-fetch GraphQL schema\"]')"
DOCS = "document.querySelector('.graphiql-doc-explorer')"
REQUESTS = "performance.getEntriesByType('resource').filter(entry => entry.initiatorType === 'fetch').length"
TAB_STATE = "(localStorage.getItem('graphiql:tabState') || '')"
# Longer than the page's 500 ms pause after an edit, and than any request to this machine takes.
SETTLE_SECONDS = 1.5


async def test_graphiql_runs_a_query_with_a_token_and_no_internet(
    chromium: str, database: Database, server_url: str
) -> None:
    # given Chromium, a finance token and the server
    token = (await create_token(database, role=Role.FINANCE)).secret

    with open_page(chromium) as page:
        # when GraphiQL is opened in a browser that can reach nothing but this machine
        page.send("Page.enable")
        _open_graphiql(page, f"{server_url}/graphql")  # the Headers tab is open from the start

        # then, with only the placeholder token, nothing is asked of the server and no error is shown
        await asyncio.sleep(SETTLE_SECONDS)
        assert page.evaluate(RESPONSE) == ""
        assert page.evaluate(REQUESTS) == 0

        # when the token is pasted into the Headers editor and Docs is opened, with no re-fetch
        _type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))

        # then Docs shows the schema: the Query root and its `viewer` field
        docs = _docs_root_type(page, "Query")
        assert "viewer" in docs
        assert "Error fetching schema" not in docs
        assert page.evaluate(RESPONSE) == ""

        # and GraphiQL's re-fetch button fetches the schema again
        fetched = page.evaluate(REQUESTS)
        page.evaluate(f"{REFETCH_BUTTON}.click()")
        page.wait_for(f"{REQUESTS} > {fetched}", seconds=5)

        # when a query is typed into the editor and run
        _type_into(page, QUERY_EDITOR, QUERY)
        page.evaluate("document.querySelector('.graphiql-execute-button').click()")

        # then the result shows the viewer's role
        shown = page.wait_for(f"{RESPONSE}.includes('FINANCE') && {RESPONSE}")
        assert json.loads(shown)["data"] == {"viewer": {"role": "FINANCE"}}

        # and everything the page loaded came from this server
        loaded = page.evaluate("performance.getEntriesByType('resource').map(entry => entry.name)")
        assert loaded, "the page loaded no scripts or styles"
        assert all(url.startswith(server_url) for url in loaded), loaded
        assert any(url.endswith("/static/graphiql/graphiql.min.js") for url in loaded)


async def test_graphiql_loads_the_schema_with_a_token_kept_from_an_earlier_visit(
    chromium: str, database: Database, server_url: str
) -> None:
    # given a browser where a token was pasted into GraphiQL on an earlier visit
    token = (await create_token(database, role=Role.FINANCE)).secret
    with open_page(chromium) as page:
        _open_graphiql(page, f"{server_url}/graphql")
        _type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
        page.wait_for(f"{TAB_STATE}.includes({json.dumps(token)})")  # GraphiQL keeps headers

        # when GraphiQL is opened again
        _open_graphiql(page, f"{server_url}/graphql")

        # then the token is back, Docs shows the schema without any typing, and no error is shown
        assert token in page.evaluate(f"{HEADERS_EDITOR}.CodeMirror.getValue()")
        assert "viewer" in _docs_root_type(page, "Query")
        await asyncio.sleep(SETTLE_SECONDS)
        assert page.evaluate(RESPONSE) == ""
