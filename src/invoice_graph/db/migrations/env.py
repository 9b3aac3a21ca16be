"""Alembic environment: migrations run on a connection handed over by invoice_graph.db.migrate."""

from alembic import context

from invoice_graph.db.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations with `invoice-graph migrate`, which supplies the connection")
context.configure(connection=connection, target_metadata=metadata, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
