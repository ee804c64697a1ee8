"""lit configuration for aic's FileCheck tests.

Tools: ``aic-opt``/``aic-compile``/``aic-run``/``aic-bisect`` run as ``python -m aic.tools.<x>`` with the
Python that runs lit; ``FileCheck``, ``not`` and ``mlir-opt`` come from the pinned LLVM/MLIR
wheels (located through the installed packages). Features: ``mlir-opt`` (the wheel's mlir-opt
exists), ``cuda`` (an NVIDIA GPU answers ``nvidia-smi``), ``ptxas``.

``AIC_LIT_INSTALLED=1`` tests an installed aic instead of this checkout: the tools are the
console scripts next to the Python that runs lit (``<venv>/bin/aic-opt``), and the source
tree is not put on ``PYTHONPATH`` (the configuration fails if aic would still be imported
from it). ``test/packaging/test_pip_install.py`` uses it.
"""

import os
import shutil
import subprocess
import sys

import lit.formats

import aic
from aic.compiler.native import buffer_cache_library
from aic.compiler.openmp import libomp_path
from aic.mlir_api import runtime_library, tool_path

config.name = "aic"
config.test_format = lit.formats.ShTest(execute_external=False)
config.suffixes = [".mlir", ".test"]
config.excludes = ["Inputs", "lit.cfg.py", "README.md"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.test_source_root, "Output")

python = sys.executable
source_python = os.path.realpath(os.path.join(config.test_source_root, "..", "python"))
installed = os.environ.get("AIC_LIT_INSTALLED") == "1"
if installed and os.path.realpath(aic.__file__).startswith(source_python + os.sep):
    lit_config.fatal(f"AIC_LIT_INSTALLED=1 but aic is imported from the source tree "
                     f"({aic.__file__}); unset PYTHONPATH")
for tool in ("opt", "compile", "run", "bisect"):
    script = os.path.join(os.path.dirname(python), f"aic-{tool}")
    if installed and not os.path.isfile(script):
        lit_config.fatal(f"AIC_LIT_INSTALLED=1 but there is no console script {script}")
    command = script if installed else f"{python} -m aic.tools.{tool}"
    config.substitutions.append((rf"\baic-{tool}\b", command))
config.substitutions.append(("%python", python))
config.substitutions.append(("%examples", os.path.join(config.test_source_root, "..", "examples")))
config.substitutions.append(("%tutorial", os.path.join(config.test_source_root, "..", "docs",
                                                       "tutorial")))

for lib in ("mlir_c_runner_utils", "mlir_runner_utils"):
    config.substitutions.append((f"%{lib}", runtime_library(lib)))
# the OpenMP runtime that multi-core kernels call (aic's JIT and libraries load it too)
config.substitutions.append(("%libomp", libomp_path()))
# aic's buffer cache: the allocation functions lowered CPU code calls (aic.compiler.native)
config.substitutions.append(("%aic_buffers", buffer_cache_library()))

for name in ("FileCheck", "not", "mlir-opt", "mlir-runner", "llc"):
    try:
        path = tool_path(name)
    except FileNotFoundError:
        continue
    config.substitutions.append((rf"(?<![\w/-]){name}\b", path))
    if name == "mlir-opt":
        config.available_features.add("mlir-opt")


def _has_gpu() -> bool:
    smi = shutil.which("nvidia-smi")
    if not smi:
        return False
    try:
        return subprocess.run([smi, "-L"], capture_output=True, timeout=20).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


if _has_gpu():
    config.available_features.add("cuda")
if shutil.which("ptxas"):
    config.available_features.add("ptxas")

config.environment["PYTHONPATH"] = os.pathsep.join(
    p for p in [None if installed else source_python, os.environ.get("PYTHONPATH", "")] if p)
# Tools run in-process (no crash-guard child); test/tools/crash-guard.test turns it back on.
config.environment["AIC_UNGUARDED"] = "1"
# The compile cache: a fresh folder per lit run, never the user's (tests about the cache
# point AIC_CACHE_DIR at their own %t folder).
_cache = os.path.join(config.test_exec_root, "aic-cache")
shutil.rmtree(_cache, ignore_errors=True)
config.environment["AIC_CACHE_DIR"] = _cache
for var in ("HOME", "TMPDIR", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
    if var in os.environ:
        config.environment[var] = os.environ[var]
