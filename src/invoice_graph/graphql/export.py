"""Write the schema as SDL: `python -m invoice_graph.graphql.export [PATH]` (default schema.graphql)."""

import sys
from pathlib import Path

from invoice_graph.graphql.schema import schema


def schema_sdl() -> str:
    """The schema in SDL, as committed in schema.graphql."""
    return schema.as_str() + "\n"


def main() -> None:
    """Write the SDL to the path given, or to schema.graphql."""
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "schema.graphql")
    target.write_text(schema_sdl(), encoding="utf-8")


if __name__ == "__main__":
    main()
