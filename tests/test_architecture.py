"""The seams DESIGN.md draws, checked on the source: stages import only earlier stages, no import
loops, no private name crosses a module boundary, lazy imports of our own modules are few and
say why, and nothing treats the project's own modules as optional."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from architecture import STAGE_OF, cycles, handler_lengths, imports, modules, stage

TESTS = Path(__file__).resolve().parent
EDGES = list(imports())
#: Lazy imports of our own modules allowed in all: each must carry a comment saying why.
MAX_LAZY = 8
MAX_MODULE_LINES = 600
#: A web or CLI handler parses arguments, calls one library function and renders.
MAX_HANDLER_LINES = 15


def test_every_room_is_a_known_stage():
    rooms = {stage(m) for m in modules()}
    unknown = sorted(rooms - set(STAGE_OF))
    assert not unknown, f"add these packages to architecture.STAGES in data-flow order: {unknown}"


def test_no_stage_imports_a_later_one():
    bad = [
        f"{e.source}:{e.line} imports {e.target} ({stage(e.target)} comes after {stage(e.source)})"
        for e in EDGES
        if stage(e.source) != stage(e.target) and STAGE_OF.get(stage(e.target), 99) > STAGE_OF.get(stage(e.source), -1)
    ]
    assert not bad, "\n".join(bad)


def test_no_import_loops():
    assert cycles(EDGES) == []


def test_no_private_name_crosses_a_module():
    bad = [
        f"{e.source}:{e.line} takes {name} from {e.target}"
        for e in EDGES
        for name in e.names
        if name.startswith("_") and not name.startswith("__") and e.target != e.source
    ]
    assert not bad, "\n".join(bad)


def test_lazy_imports_of_our_modules_are_few_and_explained():
    lazy = [e for e in EDGES if e.lazy]
    unexplained = [f"{e.source}:{e.line} {e.target}" for e in lazy if not e.commented]
    assert not unexplained, "a function-level import needs a comment saying why:\n" + "\n".join(unexplained)
    assert len({(e.source, e.line) for e in lazy}) <= MAX_LAZY, "\n".join(f"{e.source}:{e.line}" for e in lazy)


def test_no_probe_treats_our_modules_as_optional():
    probes = []
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Try):
                continue
            catches_import_error = any(
                isinstance(h.type, ast.Name) and h.type.id in {"ImportError", "ModuleNotFoundError"} for h in node.handlers
            )
            ours = [
                n for n in ast.walk(ast.Module(body=node.body, type_ignores=[]))
                if isinstance(n, ast.ImportFrom) and (n.level > 0 or (n.module or "").startswith("dramalens"))
            ]
            if catches_import_error and ours:
                probes.append(f"{module}:{node.lineno}")
    pattern = re.compile(r"importorskip\(\s*[\"']dramalens|find_spec\(\s*[\"']dramalens|not written yet")
    for path in TESTS.glob("*.py"):
        if path.name == Path(__file__).name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                probes.append(f"{path.name}:{number}")
    assert not probes, "\n".join(probes)


@pytest.mark.parametrize("module", sorted(modules()))
def test_modules_stay_small(module):
    lines = len(modules()[module].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{module} has {lines} lines: split it by concept"


def test_handlers_are_thin():
    handlers = handler_lengths()
    assert handlers, "no handler found: the detection in architecture.handler_lengths is broken"
    long = [f"{name}: {n} lines" for n, name in handlers if n > MAX_HANDLER_LINES]
    assert not long, "move the logic into a library function:\n" + "\n".join(long)
