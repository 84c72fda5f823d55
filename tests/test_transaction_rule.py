"""The one transaction rule, checked on the source of ``tripline/`` (``ast``, nothing imported):

- a store (``*/store.py``, ``*/repository.py``) works in the caller's ``Session``: it never opens
  a transaction or a session and never builds a ``Database``;
- an edge (``tripline/cli``, ``tripline/api``, ``tripline/web``, ``tripline/http``) calls the
  services and opens no transaction or session itself (building the process's one
  ``Database`` in the app factory or the CLI context is allowed: that is not a transaction);
- no code holding a transaction does network I/O: the exchange records the outbound message,
  commits, and only then calls the partner (a network call is found through the package's
  call graph, so a helper that posts, called inside ``with db.transaction()``, is caught).

Each checker is also run on a small known-bad source, so a checker that finds nothing because
it is broken fails too.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "tripline"
EDGES = ("cli", "api", "web", "http")
STORE_FILES = ("store.py", "repository.py")
# db.transaction(), db.session(), engine.begin(): each starts a unit of work on the database
OPENERS = frozenset({"transaction", "session", "begin"})
# calls that leave the process over the network: a transport's or HTTP client's verbs, sockets
NETWORK_METHODS = frozenset({"post", "put", "patch", "stream", "urlopen", "create_connection"})
NETWORK_MODULES = frozenset({"httpx", "requests", "socket"})


@dataclass(frozen=True)
class Finding:
    path: str
    line: int
    what: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.what}"


def _modules(root: Path = PACKAGE) -> Iterator[tuple[str, ast.Module]]:
    return iter(_parsed_package(root))


@functools.cache
def _parsed_package(root: Path) -> tuple[tuple[str, ast.Module], ...]:
    out = []
    for path in sorted(root.rglob("*.py")):
        rel = path.relative_to(root.parent).as_posix()
        out.append((rel, ast.parse(path.read_text(encoding="utf-8"), filename=rel)))
    return tuple(out)


def _call_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None


def _root_name(node: ast.expr) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Call, ast.Subscript)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _is_database_built(call: ast.Call) -> bool:
    """``Database(...)``, ``Database.from_settings(...)``, ``Database.from_url(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "Database"
    return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "Database"


def _opens(call: ast.Call) -> bool:
    """A call that opens a transaction or session: ``X.transaction()``, ``X.session()``,
    ``X.begin()`` on a database or engine, or a bare ``Session(...)``."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in OPENERS:
        return True
    return isinstance(func, ast.Name) and func.id in {"Session", "sessionmaker"}


def store_findings(modules: Iterator[tuple[str, ast.Module]]) -> list[Finding]:
    out = []
    for rel, tree in modules:
        if Path(rel).name not in STORE_FILES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _opens(node):
                out.append(Finding(rel, node.lineno, f"a store opens a transaction: .{_call_name(node)}()"))
            if isinstance(node, ast.Call) and _is_database_built(node):
                out.append(Finding(rel, node.lineno, "a store builds a Database"))
    return sorted(out, key=lambda f: (f.path, f.line))


def edge_findings(modules: Iterator[tuple[str, ast.Module]]) -> list[Finding]:
    out = []
    for rel, tree in modules:
        parts = Path(rel).parts
        if len(parts) < 3 or parts[1] not in EDGES:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _opens(node):
                out.append(Finding(rel, node.lineno, f"an edge opens a transaction: .{_call_name(node)}()"))
    return sorted(out, key=lambda f: (f.path, f.line))


def _is_network_primitive(call: ast.Call) -> bool:
    """``x.post(...)``, ``client.stream(...)``, ``urlopen(...)``, ``httpx.anything(...)``."""
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in NETWORK_METHODS:
        return True
    if isinstance(func, ast.Name) and func.id in {"urlopen", "create_connection"}:
        return True
    return _root_name(func) in NETWORK_MODULES


def _module_name(rel: str) -> str:
    return rel.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


class _Resolver:
    """Resolves a call to the qualified name of a package function where the source says which:
    ``f()`` (defined in the module or imported from one), ``module.f()`` (an imported module),
    ``self.m()`` / ``cls.m()`` (a method of the enclosing class)."""

    def __init__(self, rel: str, tree: ast.Module) -> None:
        self.module = _module_name(rel)
        self.names: dict[str, str] = {}  # local name -> qualified name
        for node in ast.walk(tree):  # imports anywhere (the package imports lazily inside functions)
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.names[node.name] = f"{self.module}.{node.name}"

    def resolve(self, call: ast.Call, cls: str | None) -> str | None:
        func = call.func
        if isinstance(func, ast.Name):
            return self.names.get(func.id)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            owner = func.value.id
            if owner in ("self", "cls") and cls is not None:
                return f"{self.module}.{cls}.{func.attr}"
            if owner in self.names:
                return f"{self.names[owner]}.{func.attr}"
        return None


def _defs(tree: ast.Module) -> Iterator[tuple[str | None, ast.FunctionDef | ast.AsyncFunctionDef]]:
    """(enclosing class, function) for every function and method of a module, nested ones too."""

    def visit(node: ast.AST, cls: str | None) -> Iterator[tuple[str | None, ast.FunctionDef | ast.AsyncFunctionDef]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield cls, child
                yield from visit(child, cls)
            else:
                yield from visit(child, cls)

    yield from visit(tree, None)


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """Calls made by ``node``'s own code (not by the functions and classes defined inside it)."""
    stack = list(ast.iter_child_nodes(node))
    while stack:
        child = stack.pop()
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            continue
        if isinstance(child, ast.Call):
            yield child
        stack.extend(ast.iter_child_nodes(child))


def _body_calls(fn: ast.FunctionDef | ast.AsyncFunctionDef) -> Iterator[ast.Call]:
    for stmt in fn.body:
        if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield from _calls(stmt)


def networking_functions(trees: list[tuple[str, ast.Module]]) -> set[str]:
    """Qualified names of the package's functions that do network I/O, directly or through the
    package functions they call."""
    edges: dict[str, set[str]] = {}
    networking: set[str] = set()
    for rel, tree in trees:
        resolver = _Resolver(rel, tree)
        for cls, fn in _defs(tree):
            qual = f"{resolver.module}.{cls}.{fn.name}" if cls else f"{resolver.module}.{fn.name}"
            callees = edges.setdefault(qual, set())
            for call in _body_calls(fn):  # not its decorators: ``@router.post`` is no network call
                if _is_network_primitive(call):
                    networking.add(qual)
                target = resolver.resolve(call, cls)
                if target:
                    callees.add(target)
                elif isinstance(call.func, ast.Attribute):
                    callees.add("." + call.func.attr)
    changed = True
    while changed:
        changed = False
        methods = _method_names(networking)
        for name, callees in edges.items():
            if name not in networking and (callees & networking or callees & methods):
                networking.add(name)
                changed = True
    return networking


def _method_names(networking: set[str]) -> set[str]:
    """``.m`` for each networking method ``pkg.mod.Class.m``: a call ``node.m()`` on an object
    the source does not name the class of counts as that method (over-approximation)."""
    return {
        "." + q.rsplit(".", 1)[1]
        for q in networking
        if q.rsplit(".", 2)[-2][:1].isupper() and not q.endswith("__")  # not __init__ via super()
    }


def _transaction_blocks(fn: ast.AST) -> Iterator[ast.With]:
    for node in ast.walk(fn):
        if isinstance(node, ast.With) and any(
            isinstance(item.context_expr, ast.Call)
            and isinstance(item.context_expr.func, ast.Attribute)
            and item.context_expr.func.attr == "transaction"
            for item in node.items
        ):
            yield node


def network_in_transaction_findings(trees: list[tuple[str, ast.Module]]) -> list[Finding]:
    networking = networking_functions(trees)
    methods = _method_names(networking)
    out = []
    for rel, tree in trees:
        resolver = _Resolver(rel, tree)
        for cls, fn in _defs(tree):
            for block in _transaction_blocks(fn):
                for stmt in block.body:
                    for call in _calls(stmt):
                        target = resolver.resolve(call, cls)
                        if target is None and isinstance(call.func, ast.Attribute) and "." + call.func.attr in methods:
                            target = "." + call.func.attr
                        if _is_network_primitive(call) or target in networking or target in methods:
                            what = target or _call_name(call)
                            out.append(Finding(rel, call.lineno, f"network I/O inside a transaction: {what}()"))
    return sorted(set(out), key=lambda f: (f.path, f.line))


# --- the package ------------------------------------------------------------------------------


def test_stores_take_a_session_and_never_open_a_transaction() -> None:
    found = store_findings(_modules())
    assert not found, "\n".join(map(str, found))


def test_edges_open_no_transaction() -> None:
    found = edge_findings(_modules())
    assert not found, "\n".join(map(str, found))


def test_no_network_io_inside_a_transaction() -> None:
    found = network_in_transaction_findings(list(_modules()))
    assert not found, "\n".join(map(str, found))


def test_exchange_delivery_is_known_to_do_network_io() -> None:
    """The call graph sees the exchange's delivery as network I/O, so the rule above covers it."""
    networking = networking_functions(list(_modules()))
    assert {
        "tripline.exchange.service.Node._deliver_one",
        "tripline.exchange.service.Node.deliver_pending",
        "tripline.exchange.service.Node.send",
        "tripline.exchange.consent.request_consent",  # through node.send(): a method by its name
        "tripline.lists.update.fetch",
        "tripline.lists.update.update_lists",
    } <= networking


# --- the checkers find what they look for -------------------------------------------------------

BAD_STORE = """
from tripline.store.db import Database

def save(db, row):
    with db.transaction() as session:
        session.add(row)

def open_own(settings):
    return Database.from_settings(settings)
"""

BAD_EDGE = """
def route(db):
    with db.transaction() as session:
        return session.scalar(1)

def page(node):
    with node.db.session() as session:
        return session.get(1, 2)
"""

# the shape the exchange had before it was fixed: the partner is called inside the transaction,
# through a helper, so only the call graph can see it
BAD_DELIVERY = """
class Node:
    def _send(self, endpoint, envelope):
        return self.transport.post(endpoint, envelope)

    def deliver(self, message_id):
        with self.db.transaction() as session:
            msg = session.get(Message, message_id)
            status, body = self._send(msg.endpoint, msg.envelope)
            msg.status = status
"""

GOOD_DELIVERY = """
class Node:
    def _send(self, endpoint, envelope):
        return self.transport.post(endpoint, envelope)

    def deliver(self, message_id):
        with self.db.transaction() as session:
            msg = session.get(Message, message_id)
            endpoint, envelope = msg.endpoint, msg.envelope
        status, body = self._send(endpoint, envelope)
        with self.db.transaction() as session:
            session.get(Message, message_id).status = status
"""


def _parsed(rel: str, source: str) -> list[tuple[str, ast.Module]]:
    return [(rel, ast.parse(source))]


def test_the_store_checker_finds_a_transaction_and_a_database() -> None:
    found = store_findings(iter(_parsed("tripline/things/store.py", BAD_STORE)))
    assert [(f.line, f.what.split(":")[0]) for f in found] == [
        (5, "a store opens a transaction"),
        (9, "a store builds a Database"),
    ]
    assert store_findings(iter(_parsed("tripline/things/service.py", BAD_STORE))) == []  # services may


def test_the_edge_checker_finds_transactions_and_sessions() -> None:
    found = edge_findings(iter(_parsed("tripline/web/page.py", BAD_EDGE)))
    assert [f.line for f in found] == [3, 7]
    assert edge_findings(iter(_parsed("tripline/lists/service.py", BAD_EDGE))) == []


@pytest.mark.parametrize(("source", "lines"), [(BAD_DELIVERY, [9]), (GOOD_DELIVERY, [])])
def test_the_network_checker_follows_helpers(source: str, lines: list[int]) -> None:
    found = network_in_transaction_findings(_parsed("tripline/exchange/service.py", source))
    assert [f.line for f in found] == lines
