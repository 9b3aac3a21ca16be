"""GraphiQL in a real browser, on a real server, with no internet: paste a token, run a query."""

import asyncio
import json
import socket
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

QUERY = "{ viewer { role } }"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def chromium() -> str:
    """Chromium's path, checked before anything is started for it."""
    return chromium_or_skip()


@pytest.fixture
def server_url(migrated_url: str) -> Iterator[str]:
    """invoice_graph under uvicorn on a free loopback port, in a thread with its own event loop."""
    port = _free_port()
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


HEADERS_EDITOR = "document.querySelector('[aria-label=Headers] .graphiql-editor:not(.hidden) .CodeMirror')"
QUERY_EDITOR = "document.querySelector('.graphiql-query-editor .CodeMirror')"
RESPONSE = "document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()"


async def test_graphiql_runs_a_query_with_a_token_and_no_internet(
    chromium: str, database: Database, server_url: str
) -> None:
    # given Chromium, a finance token and the server
    token = (await create_token(database, role=Role.FINANCE)).secret

    with open_page(chromium) as page:
        # when GraphiQL is opened in a browser that can reach nothing but this machine
        page.send("Page.enable")
        page.send("Page.navigate", url=f"{server_url}/graphql")
        page.wait_for(f"{QUERY_EDITOR} !== null")

        # and the token goes into the Headers editor, a query into the editor, and it is run
        page.wait_for(f"{HEADERS_EDITOR} !== null")  # the Headers tab is open from the start
        _type_into(page, HEADERS_EDITOR, json.dumps({"Authorization": f"Bearer {token}"}))
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
