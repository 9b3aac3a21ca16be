"""invoice_graph: the GraphQL backend of Invoice Management."""

__version__ = "0.1.0"
