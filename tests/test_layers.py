"""The architecture holds: layers point down, no import cycles, private names
stay private, and nothing below the UI imports Textual."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "trailtui"


def test_the_layers_contract_holds_over_every_module() -> None:
    """pyproject.toml's [tool.importlinter] contracts: every top-level module
    has its layer (exhaustive), arrows only point down, only the UI imports
    Textual, and inside the UI the app sits over screens over widgets."""
    command = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(command), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that import each other."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph.get(node, ()):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def import_graph() -> dict[str, set[str]]:
    graph = grimp.build_graph("trailtui", cache_dir=None)
    return {m: set(graph.find_modules_directly_imported_by(m)) for m in graph.modules}


def test_no_module_imports_itself_through_others() -> None:
    # A package importing its own submodules (an __init__ re-exporting) is not a cycle.
    graph = {
        module: {o for o in imported if not o.startswith(module + ".")}
        for module, imported in import_graph().items()
    }
    assert strongly_connected(graph) == []


def test_the_cycle_check_can_fail() -> None:
    assert strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def private_uses(path: Path, modules: set[str]) -> list[str]:
    """`from trailtui.x import _name` and `x._name` on a trailtui module, in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> trailtui module it stands for
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("trailtui"):
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(
                        f"{path.name}:{node.lineno}: from {node.module} import {alias.name}"
                    )
                full = f"{node.module}.{alias.name}"
                if full in modules:
                    aliases[alias.asname or alias.name] = full
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("trailtui") and alias.asname:
                    aliases[alias.asname] = alias.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{path.name}:{node.lineno}: {aliases[node.value.id]}.{node.attr}")
    return found


def all_modules() -> set[str]:
    return set(import_graph())


def test_no_module_uses_another_modules_private_names() -> None:
    modules = all_modules()
    files = sorted(PACKAGE.rglob("*.py")) + sorted((ROOT / "tests").rglob("*.py"))
    found = [use for path in files for use in private_uses(path, modules)]
    assert found == []


def test_the_private_name_check_can_fail(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from trailtui.safety import _is_safe, clean_text\n"
        "from trailtui import safety as s\n"
        "s._UNSAFE_CHARS\n"
        "s.__name__\n",
        encoding="utf-8",
    )
    found = private_uses(sample, {"trailtui.safety"})
    assert found == [
        "sample.py:1: from trailtui.safety import _is_safe",
        "sample.py:3: trailtui.safety._UNSAFE_CHARS",
    ]


def test_core_modules_never_load_textual() -> None:
    """At run time too: importing every module outside the UI (the contract
    reads the source) leaves Textual unloaded."""
    # (__main__ runs the app when imported: it is the command, not a module to load.)
    core = sorted(
        m for m in all_modules() if not m.startswith("trailtui.ui") and m != "trailtui.__main__"
    )
    code = (
        "import importlib, sys\n"
        f"for name in {core!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "", f"textual imported by the core: {result.stdout}"


def test_the_ui_does_import_textual() -> None:
    """The check above can fail: importing the UI does load Textual."""
    code = "import sys, trailtui.ui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"
