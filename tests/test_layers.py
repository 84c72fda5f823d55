"""The import layering of the package, read from the source (every ``import`` statement, those
deferred into functions and under ``TYPE_CHECKING`` included):

- the edges (``cli``, ``api``, ``web`` and the ``http`` helpers they share) import capabilities;
  no capability or infrastructure module imports an edge;
- ``http`` imports no other edge; the console (``web``) never imports the API (``api``) and the
  API never imports the CLI;
- no import cycle between packages at module level, and none at all among the imports a module
  runs when it is imported.

Exceptions are listed below one by one with their reason; anything else fails.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import tripline

ROOT = Path(tripline.__file__).parent
EDGES = frozenset({"cli", "api", "web", "http"})

# (importing module, imported module): why this edge-to-edge import is allowed
ALLOWED_EDGE_IMPORTS: dict[tuple[str, str], str] = {
    ("tripline.api.app", "tripline.web.routes"): "create_app assembles the console's pages into the one app",
    ("tripline.cli.console", "tripline.api.serve"): "`tripline serve` starts the HTTP server",
    ("tripline.cli.console", "tripline.api.cases"): "`cases show` prints a case in the API's documented JSON shape",
}
# the re-exports kept at moved modules' old paths (other branches still import them)
SHIMS = frozenset({"tripline.api.deps", "tripline.api.errors"})


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in ROOT.rglob("*.py")}


def _resolve(name: str) -> str | None:
    """The module an imported dotted name lives in (``a.b.func`` -> ``a.b``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(module: str, *, at_import_time: bool) -> set[str]:
    """The tripline modules ``module`` imports (only those run on import when ``at_import_time``)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    nodes: list[ast.stmt] = []
    if at_import_time:
        stack = list(tree.body)
        while stack:  # module level, through try/with/if bodies but not TYPE_CHECKING or functions
            stmt = stack.pop()
            nodes.append(stmt)
            if isinstance(stmt, ast.If) and _is_type_checking(stmt):
                stack.extend(stmt.orelse)
            elif isinstance(stmt, ast.If | ast.Try | ast.With):
                for field in ("body", "orelse", "finalbody", "handlers"):
                    for child in getattr(stmt, field, []):
                        stack.extend(child.body if isinstance(child, ast.ExceptHandler) else [child])
    else:
        nodes = [n for n in ast.walk(tree) if isinstance(n, ast.stmt)]
    package = module if MODULES[module].name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in nodes:
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        for name in names:
            if name == "tripline" or name.startswith("tripline."):
                target = _resolve(name)
                if target is not None and target != module:
                    found.add(target)
    return found


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


GRAPH = {m: _imports(m, at_import_time=False) for m in MODULES}
IMPORT_TIME = {m: _imports(m, at_import_time=True) for m in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
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
    return found


def test_the_reader_sees_the_imports_it_should() -> None:
    # the parser itself, on imports we know are there (one module-level, one deferred)
    assert "tripline.runtime" in IMPORT_TIME["tripline.http.deps"]
    assert "tripline.screening.service" in GRAPH["tripline.runtime"]
    assert "tripline.screening.service" not in IMPORT_TIME["tripline.runtime"]
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_capabilities_never_import_an_edge() -> None:
    wrong = sorted(
        (m, t) for m, targets in GRAPH.items() if _layer(m) not in EDGES for t in targets if _layer(t) in EDGES
    )
    assert wrong == []


def test_edges_import_each_other_only_where_listed() -> None:
    forbidden = {"http": {"api", "web", "cli"}, "web": {"api", "cli"}, "api": {"cli", "web"}, "cli": {"web", "api"}}
    wrong = sorted(
        (m, t)
        for m, targets in GRAPH.items()
        if m not in SHIMS
        for t in targets
        if _layer(t) in forbidden.get(_layer(m), set()) and (m, t) not in ALLOWED_EDGE_IMPORTS
    )
    assert wrong == []
    # the exceptions are real (a removed one must leave the list)
    assert all(t in GRAPH[m] for m, t in ALLOWED_EDGE_IMPORTS)


def test_the_console_and_the_api_share_only_the_http_helpers() -> None:
    web_to_api = sorted((m, t) for m, ts in GRAPH.items() if _layer(m) == "web" for t in ts if _layer(t) == "api")
    assert web_to_api == []
    assert any(_layer(t) == "http" for m, ts in GRAPH.items() if _layer(m) == "web" for t in ts)


def test_no_module_imports_itself_back_when_imported() -> None:
    assert _cycles(IMPORT_TIME) == []


def test_no_import_cycle_crosses_a_package() -> None:
    # cycles through deferred imports inside one package (a registry and its members) are allowed
    crossing = [c for c in _cycles(GRAPH) if len({".".join(m.split(".")[:2]) for m in c}) > 1]
    assert crossing == []


def test_packages_form_no_cycle_beyond_the_listed_one() -> None:
    packages: dict[str, set[str]] = defaultdict(set)
    for m, targets in GRAPH.items():
        for t in targets:
            if _layer(m) and _layer(t) and _layer(m) != _layer(t):
                packages[_layer(m)].add(_layer(t))
    # spark/shipping.py ships and opens the screening index in Spark executors, and screening's
    # Spark job uses that helper; module by module there is no cycle (checked above)
    allowed = {frozenset({"screening", "spark"})}
    cycles = [c for c in _cycles(dict(packages)) if frozenset(c) not in allowed]
    assert cycles == []
