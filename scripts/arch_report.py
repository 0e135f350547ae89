"""Prints the figures a change to the seams is judged by: lines per package, the longest web and
CLI handlers, lazy imports of our own modules, and the stage rule's violations.

Run: ``.venv/bin/python scripts/arch_report.py [SRC_ROOT]`` (default: this checkout's src/).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
import architecture  # noqa: E402  (the import graph lives beside the tests that enforce it)

def main() -> None:
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else architecture.SRC / architecture.ROOT
    lines: Counter[str] = Counter()
    for path in root.rglob("*.py"):
        rel = path.relative_to(root)
        lines[rel.parts[0] if len(rel.parts) > 1 else rel.name] += len(path.read_text(encoding="utf-8").splitlines())
    print("lines per package:")
    for name, count in lines.most_common():
        print(f"  {name:<20} {count:>6}")
    print(f"  {'total':<20} {sum(lines.values()):>6}")
    handlers = architecture.handler_lengths(root)
    print("longest handlers (body lines):")
    for length, name in handlers[:8]:
        print(f"  {length:>4}  {name}")
    print(f"handlers over 15 lines: {sum(1 for n, _ in handlers if n > 15)} of {len(handlers)}")
    if root == architecture.SRC / architecture.ROOT:
        edges = list(architecture.imports())
        lazy = sorted({(e.source, e.line) for e in edges if e.lazy})
        print(f"function-level imports of our own modules: {len(lazy)}")
        print(f"import loops: {architecture.cycles(edges)}")


if __name__ == "__main__":
    main()
