"""STYLE.md's layering, checked on the source: who imports whom, and no import cycles."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "invoice_graph"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> Iterator[str]:
    """Every module imported at run time (anywhere in the file; `if TYPE_CHECKING:` blocks excepted)."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            continue
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            # `from invoice_graph.db import tables` imports the module invoice_graph.db.tables
            yield from (f"{node.module}.{alias.name}" for alias in node.names)
        yield from _imports(node)


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {
        name: {imported for imported in _imports(ast.parse(path.read_text())) if imported in modules} - {name}
        for name, path in modules.items()
    }


GRAPH = _graph()


def _importers_of(prefix: str, layer: str) -> list[str]:
    return sorted(
        f"{module} imports {imported}"
        for module, imported_modules in GRAPH.items()
        if module.startswith(layer)
        for imported in imported_modules
        if imported == prefix or imported.startswith(prefix + ".")
    )


@pytest.mark.parametrize(
    ("layer", "forbidden"),
    [
        ("invoice_graph.graphql", "invoice_graph.db"),
        ("invoice_graph.domain", "invoice_graph.db"),
        ("invoice_graph.domain", "invoice_graph.services"),
        ("invoice_graph.domain", "invoice_graph.graphql"),
        ("invoice_graph.db", "invoice_graph.services"),
        ("invoice_graph.db", "invoice_graph.graphql"),
        ("invoice_graph.services", "invoice_graph.graphql"),
        ("invoice_graph.services", "invoice_graph.http"),
        # Jobs sit beside GraphQL, above services: a change queues its job through db/queries/jobs.
        ("invoice_graph.jobs", "invoice_graph.graphql"),
        ("invoice_graph.graphql", "invoice_graph.jobs"),
        ("invoice_graph.services", "invoice_graph.jobs"),
        ("invoice_graph.db", "invoice_graph.jobs"),
        ("invoice_graph.domain", "invoice_graph.jobs"),
    ],
)
def test_a_layer_does_not_import_the_ones_above_or_beside_it(layer: str, forbidden: str) -> None:
    assert _importers_of(forbidden, layer) == []


def test_the_domain_imports_no_database_or_graphql_library() -> None:
    offending = sorted(
        f"{_module_name(path)} imports {imported}"
        for path in (PACKAGE / "domain").rglob("*.py")
        for imported in _imports(ast.parse(path.read_text()))
        if imported.split(".")[0] in {"sqlalchemy", "sqlmodel", "strawberry", "asyncpg", "starlette"}
    )
    assert offending == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other() -> None:
    # Package __init__ modules are left out: importing a submodule runs its package first.
    graph = {
        module: {imported for imported in imports if not (PACKAGE / imported.replace(".", "/")[14:]).is_dir()}
        for module, imports in GRAPH.items()
    }
    assert _cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
