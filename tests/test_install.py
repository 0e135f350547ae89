"""Reproducible installs: the lock files cover pyproject.toml, the extras stay optional.

The lock files are made by ``bash scripts/lock.sh``; a dependency added to pyproject.toml
without re-locking fails here, before a clean clone would install without it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from dramalens.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _locked(name: str) -> dict[str, str]:
    """Package → version of a lock file (each version line; markers may split one package)."""
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {canonicalize_name(m.group(1)): m.group(2) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^ ;\\\n]+)", text, re.M)}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements} - {"dramalens"}


@pytest.mark.parametrize("lock, groups", [("run.lock", ()), ("test.lock", ("test", "dask"))])
def test_lock_covers_pyproject(lock, groups):
    wanted = _names(PROJECT["dependencies"])
    for group in groups:
        wanted |= _names(PROJECT["optional-dependencies"][group])
    locked = _locked(lock)
    assert sorted(wanted - set(locked)) == [], "run: bash scripts/lock.sh"
    for spec in PROJECT["dependencies"] + [r for g in groups for r in PROJECT["optional-dependencies"][g]]:
        req = Requirement(spec)
        assert req.specifier.contains(locked[canonicalize_name(req.name)], prereleases=True), f"{spec}: run bash scripts/lock.sh"


def test_every_hash_pinned():
    for lock in ("run.lock", "test.lock"):
        blocks = re.split(r"\n(?=[A-Za-z])", (ROOT / "requirements" / lock).read_text(encoding="utf-8"))
        assert all("--hash=sha256:" in b for b in blocks if "==" in b.split("\n")[0]), lock


def test_core_dependencies_are_imported_and_heavy_ones_are_extras():
    core = _names(PROJECT["dependencies"])
    assert not core & {"duckdb", "dask", "distributed", "psycopg2-binary", "torch"}
    source = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "dramalens").rglob("*.py"))
    # The module each core distribution is imported as (FastAPI imports jinja2 and python-multipart
    # for us: templates and form parsing).
    modules = {"python-docx": "docx", "argon2-cffi": "argon2", "opencc": "opencc", "pyyaml": "yaml",
               "charset-normalizer": "charset_normalizer", "vadersentiment": "vaderSentiment",
               "jinja2": "Jinja2Templates", "python-multipart": "Form("}
    for name in core:
        needle = modules.get(name, name.replace("-", "_"))
        assert needle in source, f"{name} is a core dependency but nothing in src/ uses it"
    ml = PROJECT["optional-dependencies"]["ml"]
    assert not any("==" in r for r in ml if r.startswith("torch")), "the ml extra points at the CPU index, not a pin"


def test_dask_missing_is_one_clear_config_error(monkeypatch):
    from dramalens.cluster import dask_client

    monkeypatch.setitem(sys.modules, "dask.distributed", None)  # as if the extra were not installed
    with pytest.raises(ConfigError, match=r"Dask is not installed.*pip install 'dramalens\[dask\]'"):
        with dask_client("local", processes=False):
            pass


def test_every_module_level_import_comes_from_a_core_dependency():
    """A third-party module imported at module level (so on every run) must be installed by the
    run lock: `adapt --draft` once imported httpx2 from the test extra, and the README's first
    command then died on import. Lazy imports (inside a function) are the extras' way in."""
    import ast
    from importlib.metadata import packages_distributions

    dists = packages_distributions()
    core = _names(PROJECT["dependencies"])
    stdlib = set(sys.stdlib_module_names)
    missing = set()
    for path in (ROOT / "src" / "dramalens").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # Alembic's env/version files import only inside a migration run
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:  # module level only; `if TYPE_CHECKING:` blocks are not run
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top in ("dramalens", "__future__"):
                    continue
                providers = {canonicalize_name(d) for d in dists.get(top, [top])}
                # A core dependency's own dependencies are installed with it (starlette with fastapi...).
                if not providers & core and not providers & _installed_with(core):
                    missing.add(f"{path.relative_to(ROOT)}: {top} ({', '.join(sorted(providers))})")
    assert not missing, "add to [project].dependencies (and run bash scripts/lock.sh), or import lazily:\n" + "\n".join(sorted(missing))


def _installed_with(core: set[str]) -> set[str]:
    """Every distribution the core dependencies pull in, by their declared requirements."""
    from importlib.metadata import PackageNotFoundError, requires

    seen: set[str] = set()
    todo = list(core)
    while todo:
        name = todo.pop()
        try:
            reqs = requires(name) or []
        except PackageNotFoundError:
            continue
        for spec in reqs:
            req = Requirement(spec)
            dep = canonicalize_name(req.name)
            if req.marker is not None and "extra" in str(req.marker):
                continue
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    return seen


def test_every_test_import_comes_from_the_test_lock():
    """A third-party module a test imports must be installed by the test lock (what CI installs):
    a test once imported plain httpx, present in a developer's venv from an older lock, and CI's
    clean clone stopped at collection. Modules of the repository itself (test helpers, the
    benchmarks) and optional imports guarded by importorskip are not dependencies."""
    import ast
    from importlib.metadata import packages_distributions

    locked = {canonicalize_name(m.group(1)) for m in re.finditer(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements" / "test.lock").read_text(encoding="utf-8"), re.M)}
    local = {p.stem for folder in ("tests", "benchmarks", "tests/fixtures_src") for p in (ROOT / folder).glob("*.py")}
    dists = packages_distributions()
    stdlib = set(sys.stdlib_module_names)
    missing = set()
    for path in (ROOT / "tests").rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        skipped = set(re.findall(r"importorskip\(\s*[\"']([\w.]+)", source))
        for node in ast.walk(ast.parse(source)):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module] if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module else [])
            for name in names:
                top = name.split(".")[0]
                if top in stdlib or top in local or top in ("dramalens", "__future__") or name in skipped or top in skipped:
                    continue
                if not {canonicalize_name(d) for d in dists.get(top, [top])} & locked:
                    missing.add(f"{path.relative_to(ROOT)}: {top}")
    assert not missing, "not in requirements/test.lock (add it to the test extra and run bash scripts/lock.sh):\n" + "\n".join(sorted(missing))
