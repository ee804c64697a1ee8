"""Dependencies point one way (docs/architecture.md, "Layers").

Every module of the ``aic`` package (``python/aic``, ``dialects/``, ``passes/``, ``tools/``)
belongs to one layer; an import -- at the top of a module or inside a function -- may only
name a module of the same or a lower layer. Inside a layer, module imports form no cycle.
``from P import N`` counts as an import of ``P.N`` when that is a module, else of ``P``; a
package's ``__init__`` importing its own children is part of that package.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "python" / "aic"

# Lowest first. A module belongs to the layer of its longest matching prefix; the package
# itself (``aic/__init__.py``: lazy ``aic.compile``/``load``/``import_onnx``) is the top.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("mlir shim", ("aic.mlir_api", "aic.errors", "aic.timing", "aic.progress")),
    ("ir building", ("aic.dsl", "aic.diagnostics", "aic.verify", "aic.targets")),
    ("dialects", ("aic.dialects", "aic.rewriting")),
    ("pass framework", ("aic.pass_base", "aic.pipeline", "aic.context", "aic.plugins")),
    ("passes", ("aic.passes",)),
    ("compiler", ("aic.compiler", "aic.frontend")),
    ("runtime", ("aic.runtime",)),
    ("api", ("aic.api", "aic.runner", "aic.testing")),
    ("tools", ("aic.tools", "aic.driver", "aic")),
]

# Deliberate exceptions: (importer, imported) -> why.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def module_files() -> dict[str, Path]:
    files = {}
    paths = [Path(folder) / name
             for folder, _, names in os.walk(ROOT, followlinks=True)  # dialects/, passes/, tools/
             for name in names if name.endswith(".py")]
    for path in sorted(paths):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        files[".".join(["aic", *parts])] = path
    return files


def imports_of(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` that ``name`` imports anywhere in its file."""
    is_package = path.name == "__init__.py"
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                prefix = ".".join(base + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            for alias in node.names:
                child = f"{prefix}.{alias.name}"
                found.add(child if child in known else prefix)
    out = set()
    for target in found:
        while target and target not in known:
            target = target.rpartition(".")[0]
        if target and target != name and not target.startswith(name + ".") \
                and not name.startswith(target + "."):
            out.add(target)
    return out


def layer_of(module: str) -> int:
    best, length = None, -1
    for index, (_, prefixes) in enumerate(LAYERS):
        for prefix in prefixes:
            inside = module == prefix or (prefix != "aic" and module.startswith(prefix + "."))
            if inside and len(prefix) > length:
                best, length = index, len(prefix)
    assert best is not None, f"module {module} is in no layer: add it to LAYERS"
    return best


def graph() -> dict[str, set[str]]:
    files = module_files()
    return {name: imports_of(name, path, set(files)) for name, path in files.items()}


def test_every_module_has_a_layer():
    modules = graph()
    assert {"aic.dialects.graph", "aic.passes.verify", "aic.tools.opt"} <= set(modules)
    for module in modules:
        layer_of(module)


def test_imports_point_down():
    upward = []
    for module, deps in sorted(graph().items()):
        for dep in sorted(deps):
            if layer_of(dep) > layer_of(module) and (module, dep) not in EXCEPTIONS:
                upward.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {dep} "
                              f"({LAYERS[layer_of(dep)][0]})")
    assert not upward, "imports that point up:\n" + "\n".join(upward)


def test_no_import_cycles():
    edges = graph()
    cycles = [sorted(c) for c in _strongly_connected(edges) if len(c) > 1]
    assert not cycles, "import cycles:\n" + "\n".join(", ".join(c) for c in cycles)


def _strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                out.append(component)
    return out
