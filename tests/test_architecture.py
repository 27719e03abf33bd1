"""The package's structure: layers, no import cycle, no borrowed private names, old paths.

The layer contract lives in ``pyproject.toml`` (``[tool.importlinter]``) and is
checked with import-linter; cycles are found on grimp's import graph (the
graph import-linter itself uses), counting imports inside functions too.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "crmkit"


def _strongly_connected(graph) -> list[list[str]]:
    """Tarjan's algorithm over grimp's graph: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return groups


def test_no_import_cycle():
    grimp = pytest.importorskip("grimp")
    graph = grimp.build_graph("crmkit", include_external_packages=False)
    assert _strongly_connected(graph) == []


def test_the_cycle_finder_finds_a_cycle():
    class Graph:
        modules = {"a", "b", "c", "d"}
        edges = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}

        def find_modules_directly_imported_by(self, m):
            return self.edges.get(m, set())

    assert _strongly_connected(Graph()) == [["a", "b", "c"]]


def test_layers_point_one_way():
    pytest.importorskip("importlinter")
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run([str(exe), "--config", str(ROOT / "pyproject.toml")], cwd=ROOT,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(root: Path, dotted: str) -> bool:
    """A private *module* of a package (``from crmkit.demo import _text``) is not a borrowed name."""
    base = root.parent.joinpath(*dotted.split("."))
    return base.with_suffix(".py").exists() or (base / "__init__.py").exists()


def private_imports(root: Path = PACKAGE) -> list[str]:
    """``from crmkit.x import _name`` where ``_name`` belongs to another module than the importer."""
    found = []
    for path in sorted(root.rglob("*.py")):
        here = _module_name(path)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("crmkit") and node.level == 0:
                if node.module == here:
                    continue
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__") \
                            and not _is_module(root, f"{node.module}.{alias.name}"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {node.module}.{alias.name}")
            elif isinstance(node, ast.ImportFrom) and node.level:
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        found.append(f"{path.relative_to(ROOT)}:{node.lineno} imports .{node.module}.{alias.name}")
    return found


def test_no_module_borrows_another_modules_private_names():
    assert private_imports() == []


def test_the_private_import_check_sees_one(tmp_path):
    pkg = tmp_path / "crmkit"
    pkg.mkdir()
    (pkg / "a.py").write_text("from crmkit.b import _helper, public\n", encoding="utf-8")
    global ROOT
    old, ROOT = ROOT, tmp_path
    try:
        assert private_imports(pkg) == ["crmkit/a.py:1 imports crmkit.b._helper"]
    finally:
        ROOT = old


def _run(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-W", "always::DeprecationWarning", "-c", code], cwd=ROOT,
                          capture_output=True, text=True)


def test_old_flat_import_paths_still_work_with_a_deprecation_warning():
    proc = _run(
        "import crmkit.summary as old, crmkit.evaluation.summary as new; assert old is new\n"
        "from crmkit.tables import TABLES; from crmkit.contract.tables import TABLES as T2; assert TABLES is T2\n"
        "from crmkit.ingest_sql import ingest_large\n"
        "import crmkit; assert crmkit.runner is crmkit.reports.runner\n"
    )
    assert proc.returncode == 0, proc.stderr
    assert "crmkit.summary moved to crmkit.evaluation.summary" in proc.stderr
    assert "crmkit.tables moved to crmkit.contract.tables" in proc.stderr


def test_indicator_modules_are_public_at_the_root_without_a_warning():
    proc = _run(
        "import warnings; warnings.simplefilter('error', DeprecationWarning)\n"
        "from crmkit import value, satisfaction, scoring, clv\n"
        "import crmkit.indicators.value as v; assert value is v\n"
        "from crmkit.clv import BetaGeoFitter, summary_data_from_transaction_data\n"
        "from crmkit import Store, CRMData, Estimate\n"
    )
    assert proc.returncode == 0, proc.stderr
