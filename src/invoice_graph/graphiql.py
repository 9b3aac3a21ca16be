"""GraphiQL that works with no internet: its scripts and styles are served from this package.

The assets under `static/graphiql/` are the npm builds of react and react-dom 18.2.0, graphiql
3.8.3 and @graphiql/plugin-explorer 1.0.2 (the versions Strawberry's own page loads from a CDN),
unchanged; their licenses are in `static/graphiql/licenses/`. They are served at
/static/graphiql/ without a token; the page references nothing else.
"""

import html
from pathlib import Path

from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).parent / "static" / "graphiql"
MOUNT_PATH = "/static/graphiql"

_PAGE = """<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>invoice_graph GraphiQL</title>
    <link rel="icon" href="data:," />
    <style>
      body { height: 100%; margin: 0; width: 100%; overflow: hidden; }
      #graphiql { height: 100vh; display: flex; }
    </style>
    <link rel="stylesheet" href="{assets}/graphiql.min.css" />
    <link rel="stylesheet" href="{assets}/plugin-explorer.css" />
    <script src="{assets}/react.production.min.js"></script>
    <script src="{assets}/react-dom.production.min.js"></script>
  </head>
  <body>
    <div id="graphiql">Loading GraphiQL...</div>
    <script src="{assets}/graphiql.min.js"></script>
    <script src="{assets}/plugin-explorer.umd.js"></script>
    <script>
      const DEFAULT_QUERY = `# Paste your token into the Headers tab below:
#   {"Authorization": "Bearer <token>"}
# then run this with Ctrl-Enter (or the play button).
{
  viewer {
    role
  }
}
`;
      const DEFAULT_HEADERS = '{\\n  "Authorization": "Bearer <token>"\\n}';
      const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
      const explorer = GraphiQLPluginExplorer.explorerPlugin();
      const root = ReactDOM.createRoot(document.getElementById("graphiql"));
      root.render(
        React.createElement(GraphiQL, {
          fetcher: fetcher,
          plugins: [explorer],
          defaultQuery: DEFAULT_QUERY,
          defaultHeaders: DEFAULT_HEADERS,
          defaultEditorToolsVisibility: "headers",
          isHeadersEditorEnabled: true,
          shouldPersistHeaders: true,
          inputValueDeprecation: true,
        }),
      );
    </script>
  </body>
</html>
"""


def graphiql_page(request: Request) -> str:
    """The GraphiQL page, referring to the packaged assets under the app's root path."""
    assets = html.escape(f"{request.scope.get('root_path', '')}{MOUNT_PATH}", quote=True)
    return _PAGE.replace("{assets}", assets)


def graphiql_assets() -> Mount:
    """The route serving GraphiQL's scripts, styles and licenses (no token needed)."""
    return Mount(MOUNT_PATH, app=StaticFiles(directory=ASSETS), name="graphiql-assets")
