"""GET /documents/...: an issued invoice file by its signed, expiring link (SPEC section 9).

An expired, altered or unknown link is answered 403 with the same body, so a link reveals
nothing about which documents exist.
"""

from datetime import UTC, datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from invoice_graph.config import Settings
from invoice_graph.domain.links import document_path, is_valid
from invoice_graph.graphql.errors import RequestErrorCode
from invoice_graph.http.errors import error_response
from invoice_graph.services import Database
from invoice_graph.services.downloads import read_document_file

MAX_ID = 2**63 - 1


def refused_link(request: Request) -> Response:
    """403, the same for every expired, altered or unknown link (of a document or an export)."""
    return error_response(
        RequestErrorCode.FORBIDDEN,
        "This download link is expired or not valid: ask for the file again to get a new link.",
        request_id=request.headers.get("x-request-id"),
    )


def download_route(database: Database, settings: Settings) -> Route:
    """The route serving documents by their signed links."""

    async def download(request: Request) -> Response:
        params = request.path_params
        account, document, name = params["account_id"], params["document_id"], params["file_name"]
        if not (0 < account <= MAX_ID and 0 < document <= MAX_ID):
            return refused_link(request)
        path = document_path(account, document, name)
        signed = is_valid(
            settings.download_link_key(),
            path=path,
            expires=request.query_params.get("expires"),
            signature=request.query_params.get("signature"),
            now=datetime.now(UTC),
        )
        if not signed:
            return refused_link(request)
        found = await read_document_file(database, account_id=account, document_id=document)
        if found is None or found.file_name != name:
            return refused_link(request)
        disposition = f"attachment; filename*=UTF-8''{quote(found.file_name)}"
        return Response(
            found.content,
            media_type=found.content_type,
            headers={"Content-Disposition": disposition, "Cache-Control": "private, no-store"},
        )

    return Route("/documents/{account_id:int}/{document_id:int}/{file_name:str}", download, methods=["GET"])
