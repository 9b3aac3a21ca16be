"""schema.graphql is the schema the code serves."""

from pathlib import Path

from invoice_graph.graphql.export import schema_sdl

SCHEMA_FILE = Path(__file__).parents[2] / "schema.graphql"


def test_schema_graphql_matches_the_code() -> None:
    # when this fails, run: python -m invoice_graph.graphql.export
    assert SCHEMA_FILE.read_text(encoding="utf-8") == schema_sdl()
