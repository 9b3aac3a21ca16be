"""Reading an issued file for its signed download link (the link is the authorization)."""

from invoice_graph.db.engine import Database
from invoice_graph.db.queries import documents
from invoice_graph.domain.records import DocumentFile


async def read_document_file(database: Database, *, account_id: int, document_id: int) -> DocumentFile | None:
    """The file a verified download link names, if it exists."""
    async with database.read() as connection:
        return await documents.get_document_file(
            connection=connection, account_id=account_id, document_id=document_id
        )
