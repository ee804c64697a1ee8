"""`pip install .` (not editable) gives a working aic.

A copy of the files the package is built from is installed with ``pip install --no-deps``
into a fresh ``venv --system-site-packages`` (the MLIR/LLVM wheels, numpy, onnx, lit come from
the running environment); then, with the source tree off ``PYTHONPATH``:

* the symlinked ``dialects/``, ``passes/``, ``tools/`` ship as real folders, with every
  module, IRDL file and README of the source tree;
* the ``aic.passes`` entry points and the console scripts are installed;
* lit's tool tests (``test/tools``) pass against the installed console scripts
  (``AIC_LIT_INSTALLED=1``, see ``test/lit.cfg.py``), and ``aic-compile --emit lib`` /
  ``aic-run --compare-onnxruntime`` work on a small model;
* none of that writes anything into the installed package.

The build runs without build isolation (offline: setuptools and wheel come from the
environment, see the ``test`` extra).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILT_FROM = ("pyproject.toml", "README.md", "python", "dialects", "passes", "tools")
PACKAGE_DATA = (".py", ".mlir", ".md")


def _copy_sources(dest: Path) -> None:
    dest.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in BUILT_FROM:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, dest / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(src, dest / name)


class Venv:
    def __init__(self, root: Path):
        self.root = root
        self.bin = root / "bin"
        self.python = self.bin / "python"
        self.env = {k: v for k, v in os.environ.items()
                    if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        self.env["PATH"] = f"{self.bin}{os.pathsep}{self.env['PATH']}"
        self.env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def run(self, *args, cwd: Path | None = None, timeout: int = 600) -> str:
        done = subprocess.run([str(a) for a in args], check=False, cwd=cwd, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        assert done.returncode == 0, f"{args}: exit {done.returncode}\n{done.stdout}\n{done.stderr}"
        return done.stdout

    def package_dir(self) -> Path:
        return Path(self.run(self.python, "-c", "import aic, os; print(os.path.dirname("
                             "os.path.realpath(aic.__file__)))").strip())


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Venv:
    tmp = tmp_path_factory.mktemp("install")
    _copy_sources(tmp / "src")
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", tmp / "venv"],
                   check=True, timeout=300)
    env = Venv(tmp / "venv")
    env.run(env.python, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
            "--no-index", tmp / "src")
    return env


def _listing(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
            for p in sorted(root.rglob("*"))}


def _package_files(root: Path) -> set[str]:
    """Modules and data files under ``root``, following the symlinked folders."""
    found = set()
    for folder, dirs, files in os.walk(root, followlinks=True):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        found |= {os.path.relpath(os.path.join(folder, f), root) for f in files
                  if f.endswith(PACKAGE_DATA)}
    return found


def test_the_installed_package_is_a_copy_with_every_module_and_data_file(venv):
    installed = venv.package_dir()
    assert venv.root in installed.parents, f"aic imported from {installed}, not the venv"
    for folder in ("dialects", "passes", "tools"):
        assert (installed / folder).is_dir() and not (installed / folder).is_symlink()
    for dialect in ("graph", "tiled", "hw"):
        assert (installed / "dialects" / dialect / f"{dialect}.irdl.mlir").is_file()
        assert (installed / "dialects" / dialect / "README.md").is_file()
    assert _package_files(installed) == _package_files(REPO / "python" / "aic")


def test_entry_points_and_console_scripts_are_installed(venv):
    groups = venv.run(venv.python, "-c", "from importlib.metadata import entry_points\n"
                      "for e in entry_points(group='aic.passes'): print(e.name, e.value)")
    assert "passes aic.passes" in groups and "stage-pipelines aic.compiler.stages" in groups
    for tool in ("opt", "compile", "run"):
        assert (venv.bin / f"aic-{tool}").is_file()
    assert "aic-graph-simplify" in venv.run(venv.bin / "aic-opt", "--list-passes")


def _tiny_model(path: Path) -> None:
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper, save

    w = numpy_helper.from_array(np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6), "w")
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Relu", ["h"], ["y"])]
    graph = helper.make_graph(nodes, "tiny", [helper.make_tensor_value_info(
        "x", TensorProto.FLOAT, [2, 4])], [helper.make_tensor_value_info(
            "y", TensorProto.FLOAT, [2, 6])], [w])
    save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_tools_work_from_the_install_and_write_nothing_into_it(venv, tmp_path):
    installed = venv.package_dir()
    before = _listing(installed)
    lit = ("-c", "import lit.main; lit.main.main()")
    venv.env["AIC_LIT_INSTALLED"] = "1"
    try:
        out = venv.run(venv.python, *lit, "-s", REPO / "test" / "tools", timeout=1500)
    finally:
        del venv.env["AIC_LIT_INSTALLED"]
    assert "Passed:" in out and "Failed" not in out
    _tiny_model(tmp_path / "tiny.onnx")
    venv.run(venv.bin / "aic-compile", "tiny.onnx", "--emit", "lib", "-o", "tiny.so",
             cwd=tmp_path)
    assert (tmp_path / "tiny.so").is_file() and (tmp_path / "tiny.h").is_file()
    out = venv.run(venv.bin / "aic-run", "tiny.onnx", "--compare-onnxruntime", cwd=tmp_path)
    assert "vs onnxruntime y: max abs error" in out
    assert _listing(installed) == before, "running the tools wrote into the installed package"
