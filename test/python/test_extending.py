"""Extending a compile from Python: plugins, passes around stages, MLIR input at any level."""

from pathlib import Path

import numpy as np
import pytest

import aic
from aic.testing import models

INPUTS = Path(__file__).resolve().parents[1] / "tools" / "Inputs"


@pytest.fixture(scope="module")
def x():
    return np.random.default_rng(0).standard_normal((4, 64)).astype(np.float32)


@pytest.fixture(scope="module")
def reference(x):
    (out,) = aic.compile(models.mlp())(x)
    return out


def test_plugin_pass_runs_inside_compile(tmp_path, x, reference):
    model = aic.compile(models.mlp(), plugins=[str(INPUTS / "count_plugin.py")],
                        passes={"after:graph": ["aic-test-count-graph-ops"]},
                        dump_dir=str(tmp_path))
    graph_dump = (tmp_path / "01-graph.mlir").read_text()
    assert "test.graph_ops = " in graph_dump
    assert "test.graph_ops" not in (tmp_path / "00-import.mlir").read_text()
    np.testing.assert_allclose(model(x)[0], reference, rtol=1e-6, atol=1e-7)


def test_load_plugin_returns_the_module_once():
    first = aic.load_plugin(str(INPUTS / "count_plugin.py"))
    again = aic.load_plugin(str(INPUTS / "count_plugin.py"))
    assert first is again
    assert first.CountGraphOps.NAME == "aic-test-count-graph-ops"


def test_bad_hook_is_an_aic_error():
    with pytest.raises(aic.AicError, match="bad pass hook 'around:graph'"):
        aic.compile(models.mlp(), passes={"around:graph": ["cse"]})


@pytest.mark.parametrize("level", ["graph", "linalg", "tiled", "hw", "vector", "llvm"])
def test_compile_continues_from_any_level(tmp_path, level, x, reference):
    from aic.compiler.emit import emit

    onnx_path = tmp_path / "mlp.onnx"
    onnx_path.write_bytes(models.mlp().SerializeToString())
    saved = emit(str(onnx_path), level, str(tmp_path / f"mlp.{level}.mlir"), keep_weights=True)
    model = aic.compile(saved)
    assert model.input_names == ["x"] and model.output_names == ["probs"]
    np.testing.assert_allclose(model(x)[0], reference, rtol=1e-5, atol=1e-6)



def test_pass_manager_recipe_needs_no_location_from_the_caller():
    # docs/writing-a-pass.md: build_pass_manager(...).run(m.operation) on an untouched imported
    # module, with no `with ir.Context/ir.Location` around it: the framework sets the default
    # location while each aic pass runs, so a pass may build ops without `loc=`.
    from aic.mlir_api import arith, ir
    from aic.pass_base import Pass, register_pass
    from aic.pipeline import build_pass_manager

    @register_pass
    class BuildWithoutLocation(Pass):
        """Insert an unused i32 constant at the top of every function, without a location."""

        NAME = "aic-test-build-without-location"

        def run(self, op):
            for fn in op.regions[0].blocks[0].operations:
                block = fn.regions[0].blocks[0]
                with ir.InsertionPoint.at_block_begin(block):
                    arith.ConstantOp(ir.IntegerType.get_signless(32), 7)

    module = aic.import_onnx(models.mlp())
    assert ir.Location.current is None and ir.Context.current is None
    build_pass_manager("aic-verify", module.context).run(module.operation)
    build_pass_manager("aic-test-build-without-location,aic-verify",
                       module.context).run(module.operation)
    assert "arith.constant 7 : i32" in str(module)
