"""GraphiQL that works with no internet: its scripts and styles are served from this package.

The assets under `static/graphiql/` are the npm builds of react and react-dom 18.2.0, graphiql
3.8.3 and @graphiql/plugin-explorer 1.0.2 (the versions Strawberry's own page loads from a CDN),
unchanged; their licenses are in `static/graphiql/licenses/`. They are served at
/static/graphiql/ without a token; the page references nothing else.

Every /graphql request needs a token, so the page fetches the schema itself, with the token in
the Headers editor: on load and 500 ms after the headers last change, only when they are JSON
with a real token, and without ever writing a refusal into the results pane. GraphiQL gets that
schema as a prop and so never introspects on its own (with the placeholder token it would show
a 401 in the results pane, and "Error fetching schema" in Docs until a manual re-fetch).
"""

import html
from pathlib import Path

from starlette.requests import Request
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

ASSETS = Path(__file__).parent.parent / "static" / "graphiql"
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
      const PLACEHOLDER_TOKEN = "<token>";
      const EDIT_PAUSE_MS = 500;
      const { createElement: h, createContext, useCallback, useContext, useEffect, useRef, useState } = React;
      const { buildClientSchema, getIntrospectionQuery } = GraphiQL.GraphQL;
      const fetcher = GraphiQL.createFetcher({ url: window.location.href.split("?")[0] });
      const explorer = GraphiQLPluginExplorer.explorerPlugin();

      // The headers as an object when they are JSON with a real token (not the placeholder), else null.
      function headersWithToken(text) {
        let headers;
        try {
          headers = JSON.parse(text);
        } catch {
          return null;
        }
        if (headers === null || typeof headers !== "object" || Array.isArray(headers)) return null;
        const name = Object.keys(headers).find((key) => key.toLowerCase() === "authorization");
        const value = String(name === undefined ? "" : headers[name]).trim();
        const token = value.slice("bearer ".length).trim();
        const usable = value.toLowerCase().startsWith("bearer ") && token && token !== PLACEHOLDER_TOKEN;
        return usable ? headers : null;
      }

      // The schema as these headers see it; null when the server refuses them (a wrong token).
      async function fetchSchema(headers) {
        const query = getIntrospectionQuery({ inputValueDeprecation: true });
        try {
          const result = await fetcher({ query, operationName: "IntrospectionQuery" }, { headers });
          return result && result.data && result.data.__schema ? buildClientSchema(result.data) : null;
        } catch {
          return null; // the server is unreachable: running a query shows that
        }
      }

      // GraphiQL's own re-fetch (its sidebar button, Shift-Ctrl-R) does nothing once given a schema.
      function onRefetchRequest(refetch) {
        const onClick = (event) => {
          if (event.target.closest('[aria-label="Re-fetch GraphQL schema"]')) refetch();
        };
        const onKey = (event) => {
          if (event.ctrlKey && event.key === "R") refetch();
        };
        document.addEventListener("click", onClick);
        window.addEventListener("keydown", onKey);
        return () => {
          document.removeEventListener("click", onClick);
          window.removeEventListener("keydown", onKey);
        };
      }

      // (text, delayMs) => void: how the Headers editor's text reaches the page.
      const HeadersChanged = createContext(() => {});

      // Rendered inside GraphiQL (a toolbar component sees its context): reports the Headers text
      // when the editor appears (it may hold a token persisted by an earlier visit) and on every
      // change, whether typed, pasted or brought by switching tabs.
      function HeadersWatcher() {
        const headersChanged = useContext(HeadersChanged);
        const { headerEditor } = GraphiQL.React.useEditorContext({ nonNull: true });
        useEffect(() => {
          if (!headerEditor) return undefined;
          const onChange = () => headersChanged(headerEditor.getValue(), EDIT_PAUSE_MS);
          headersChanged(headerEditor.getValue(), 0);
          headerEditor.on("change", onChange);
          return () => headerEditor.off("change", onChange);
        }, [headerEditor, headersChanged]);
        return null;
      }

      // GraphiQL with a schema this page fetches using the Headers' token. The schema prop is
      // never undefined, so GraphiQL never introspects by itself: without a token that request
      // gets a 401, which GraphiQL would show in the results pane and as "Error fetching schema".
      function Page() {
        const [schema, setSchema] = useState(null);
        const latest = useRef({ headers: "", timer: 0, request: 0 });
        const refetch = useCallback(async () => {
          const current = latest.current;
          const headers = headersWithToken(current.headers);
          if (headers === null) return;
          const request = ++current.request;
          const fetched = await fetchSchema(headers);
          if (fetched !== null && request === current.request) setSchema(fetched);
        }, []);
        const headersChanged = useCallback(
          (text, delayMs) => {
            latest.current.headers = text;
            clearTimeout(latest.current.timer);
            latest.current.timer = setTimeout(refetch, delayMs);
          },
          [refetch],
        );
        useEffect(() => onRefetchRequest(refetch), [refetch]);
        return h(
          HeadersChanged.Provider,
          { value: headersChanged },
          h(GraphiQL, {
            fetcher: fetcher,
            schema: schema,
            plugins: [explorer],
            defaultQuery: DEFAULT_QUERY,
            defaultHeaders: DEFAULT_HEADERS,
            defaultEditorToolsVisibility: "headers",
            isHeadersEditorEnabled: true,
            shouldPersistHeaders: true,
            toolbar: { additionalComponent: HeadersWatcher },
          }),
        );
      }

      ReactDOM.createRoot(document.getElementById("graphiql")).render(h(Page));
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
