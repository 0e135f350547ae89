"""The project's import graph, read with ``ast`` (nothing is imported), for the architecture
tests and for ``scripts/arch_report.py``.

A module is named by its dotted path under ``src/``; an import is kept with the line it sits on
and whether it runs at module level or inside a function (a lazy import).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
ROOT = "dramalens"

#: The data flow, earliest first (DESIGN.md): a module may import its own package, any
#: earlier stage, and nothing later. Infrastructure shared by every stage comes first.
STAGES: tuple[tuple[str, ...], ...] = (
    ("errors",),
    ("settings", "serial", "text", "db", "cluster", "i18n"),
    ("model",),
    ("parsing",),
    ("writers", "conformance"),
    ("analysis",),
    ("report", "synth"),
    ("catalog",),
    ("adaptation",),
    ("triage",),
    ("audience",),
    ("web",),
    ("demo",),
    ("cli", "__main__", "__init__"),
)
STAGE_OF = {name: rank for rank, names in enumerate(STAGES) for name in names}


@dataclass(frozen=True, slots=True)
class Import:
    source: str  # the importing module
    target: str  # the imported dramalens module (resolved, dotted)
    names: tuple[str, ...]  # names taken from it with ``from … import``
    line: int
    lazy: bool  # inside a function or method
    commented: bool  # a comment on the same line or the line above says why


def modules() -> dict[str, Path]:
    """Dotted module name → file, for every module of the package."""
    out: dict[str, Path] = {}
    for path in sorted((SRC / ROOT).rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if "migrations" in parts:
            continue  # Alembic's env/version files run inside a migration, not in the package
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def stage(module: str) -> str:
    """The top-level room of a module: ``dramalens.parsing.fountain.parser`` → ``parsing``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def _lazy_nodes(tree: ast.Module) -> set[int]:
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(n) for n in ast.walk(node) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return inside


def imports() -> Iterator[Import]:
    """Every import of a dramalens module by a dramalens module."""
    known = modules()
    for module, path in known.items():
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        tree = ast.parse(text)
        lazy = _lazy_nodes(tree)
        is_package = path.name == "__init__.py"
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                pairs = [(alias.name, ()) for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(module, is_package, node.level, node.module)
                # ``from . import x`` may name a submodule rather than an attribute.
                pairs = [(f"{base}.{a.name}", ()) if f"{base}.{a.name}" in known else (base, (a.name,)) for a in node.names]
            else:
                continue
            here = lines[node.lineno - 1]
            above = lines[node.lineno - 2] if node.lineno > 1 else ""
            commented = "#" in here or above.strip().startswith("#")
            for target, names in pairs:
                if target == ROOT or target.startswith(ROOT + "."):
                    yield Import(module, target, names, node.lineno, id(node) in lazy, commented)


def cycles(edges: list[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module in the import graph. Lazy imports
    count: a loop hidden inside a function is still two concepts that need each other."""
    graph: dict[str, set[str]] = {}
    for edge in edges:
        if edge.target != edge.source:
            graph.setdefault(edge.source, set()).add(edge.target)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:  # Tarjan's algorithm
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in graph.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


HANDLER_DECORATORS = ("get", "post", "put", "patch", "delete", "command", "callback", "api_route")


def _is_registration(node: ast.expr) -> bool:
    call = node.func if isinstance(node, ast.Call) else node
    return isinstance(call, ast.Attribute) and call.attr in HANDLER_DECORATORS


def handler_lengths(root: Path | None = None) -> list[tuple[int, str]]:
    """(body lines without the docstring, "path:function") for every web route and CLI command
    under ``root``, longest first: decorated (``@router.get``, ``@app.command``) or registered
    by call (``app.command("adapt")(adapt_command)``)."""
    root = root or SRC / ROOT
    out = []
    for path in sorted(root.rglob("*.py")):
        if not {"web", "cli"} & set(path.relative_to(root).parts):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        registered = {
            node.args[0].id for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Call) and _is_registration(node.func)
            and node.args and isinstance(node.args[0], ast.Name)
        }
        for node in ast.walk(tree):
            if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            if node.name in registered or any(_is_registration(d) for d in node.decorator_list):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                length = (body[-1].end_lineno or 0) - body[0].lineno + 1 if body else 0
                out.append((length, f"{path.relative_to(root)}:{node.name}"))
    return sorted(out, reverse=True)
