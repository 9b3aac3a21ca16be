"""GET /exports/...: a finished export's CSV by its signed, expiring link (SPEC section 13).

As for documents (http/downloads.py), an expired, altered or unknown link, or one to an export
that has not succeeded, is answered 403 with the same body. The file is streamed chunk by chunk
as the job stored it, so a download of any size holds one chunk in memory.
"""

from datetime import UTC, datetime
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from invoice_graph.config import Settings
from invoice_graph.domain.links import is_valid
from invoice_graph.http.downloads import MAX_ID, refused_link
from invoice_graph.services import Database
from invoice_graph.services.exports import export_path, read_export_file


def export_download_route(database: Database, settings: Settings) -> Route:
    """The route serving export files by their signed links."""

    async def download(request: Request) -> Response:
        export_id, name = request.path_params["export_id"], request.path_params["file_name"]
        if not 0 < export_id <= MAX_ID:
            return refused_link(request)
        signed = is_valid(
            settings.download_link_key(),
            path=export_path(export_id, name),
            expires=request.query_params.get("expires"),
            signature=request.query_params.get("signature"),
            now=datetime.now(UTC),
        )
        if not signed:
            return refused_link(request)
        found = await read_export_file(database, export_id=export_id, file_name=name)
        if found is None:
            return refused_link(request)
        return StreamingResponse(
            found.chunks,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.file_name)}",
                "Content-Length": str(found.size_bytes),
                "Cache-Control": "private, no-store",
                "ETag": f'"{found.sha256}"',
            },
        )

    return Route("/exports/{export_id:int}/{file_name:str}", download, methods=["GET"])
