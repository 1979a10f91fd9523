"""No import cycle among feedback360's own modules (service, reports, surveys).

A cycle ties two layers together that should depend one way only (pages and the API on
services, services never on HTTP or on jobs, reports and surveys on nothing of service),
and makes what a module sees depend on which of the two was imported first. Every import
counts: at module level, inside a function (a lazy import only postpones the cycle to its
first call) and under `if TYPE_CHECKING:`.

A module's own packages are not edges: Python runs `service/__init__.py` before any
`service.x`, but that is true of every submodule, and a package that imports its own
submodules (as `service.web` does) is not a cycle.
"""

from __future__ import annotations

import ast
from collections import deque
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("service", "reports", "surveys")


def module_files(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module's dotted name and file: `service/web/__init__.py` is `service.web`."""
    modules = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            modules[".".join(parts)] = path
    return modules


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> dict[str, int]:
    """The modules of `modules` that this one imports, each with the line of its first import."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # `from . import x` in a.b.c is a.b; each further dot climbs one package.
                parent = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                base = ".".join([*parent, *([node.module] if node.module else [])])
            # `from x import y` imports the module x.y when there is one, else a name of x.
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target in modules and target != name:
                found[target] = min(found.get(target, node.lineno), node.lineno)
    return found


def import_graph(root: Path, packages: tuple[str, ...]) -> dict[str, dict[str, int]]:
    modules = module_files(root, packages)
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def strongly_connected(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Tarjan's algorithm: the groups of modules that all reach each other (size > 1)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

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
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(groups)


def shortest_cycle(graph: dict[str, dict[str, int]], start: str, group: list[str]) -> list[str]:
    """The shortest path from `start` back to itself inside its group."""
    came_from: dict[str, str] = {}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        for target in sorted(graph[node]):
            if target not in group:
                continue
            if target == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [start, *reversed(path[:-1]), start]
            if target not in came_from:
                came_from[target] = node
                queue.append(target)
    raise AssertionError(f"{start} is in a cycle but no path leads back to it")


def describe_cycles(graph: dict[str, dict[str, int]]) -> list[str]:
    """One paragraph per group of modules that import each other: the shortest loop through
    each of them, then every import inside the group with its line (the ones to cut)."""
    paragraphs = []
    for group in strongly_connected(graph):
        loops = []
        for module in group:
            loop = shortest_cycle(graph, module, group)[:-1]
            first = loop.index(min(loop))  # the same loop found from another member
            loop = [*loop[first:], *loop[:first], loop[first]]
            if loop not in loops:
                loops.append(loop)
        lines = [" -> ".join(loop) for loop in loops]
        lines += [
            f"    {importer} imports {imported} (line {line})"
            for importer in group
            for imported, line in sorted(graph[importer].items())
            if imported in group
        ]
        paragraphs.append("\n".join(lines))
    return paragraphs


def test_no_module_imports_one_that_imports_it_back():
    cycles = describe_cycles(import_graph(ROOT, PACKAGES))
    assert cycles == [], "import cycles:\n" + "\n".join(cycles)


def test_every_kind_of_import_is_an_edge(tmp_path):
    """The graph sees imports inside functions, relative ones and submodules named by
    `from package import module`; a package importing its own submodule is no cycle."""
    files = {
        "app/__init__.py": "from app import commands\n",
        "app/commands.py": "def main():\n    from app.core import build\n",
        "app/core/__init__.py": "from .factory import build\n",
        "app/core/factory.py": "from .. import commands\n",
        "app/lone/__init__.py": "from app.lone import leaf\n",
        "app/lone/leaf.py": "import os\n",
    }
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)

    graph = import_graph(tmp_path, ("app",))

    assert graph == {
        "app": {"app.commands": 1},
        "app.commands": {"app.core": 2},
        "app.core": {"app.core.factory": 1},
        "app.core.factory": {"app.commands": 1},
        "app.lone": {"app.lone.leaf": 1},
        "app.lone.leaf": {},
    }
    assert describe_cycles(graph) == [
        "app.commands -> app.core -> app.core.factory -> app.commands\n"
        "    app.commands imports app.core (line 2)\n"
        "    app.core imports app.core.factory (line 1)\n"
        "    app.core.factory imports app.commands (line 1)"
    ]
