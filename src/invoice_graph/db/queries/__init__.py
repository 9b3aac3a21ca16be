"""Queries, one module per area; each function takes the connection to run on."""
