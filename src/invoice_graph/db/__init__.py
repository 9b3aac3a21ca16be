"""Persistence: engine, tables, queries and migrations."""
