"""Every kernel of the test models assembles with ``ptxas -v`` for sm_80 and sm_90, and the
report (read here) shows no register spills and at most 48 KiB of static shared memory."""

import re

import onnx
import pytest
from aic.compiler.cuda_backend import chip_of, find_ptxas, ptxas_report
from aic.compiler.emit import emit_artifact
from cuda_models import build

pytestmark = pytest.mark.skipif(find_ptxas() is None,
                                reason="needs ptxas (pip install nvidia-cuda-nvcc)")

MODELS = ["resnet_cnn", "mobilenet_block", "bert_1layer", "gpt2_1layer", "vit_1layer",
          "unet_depth2", "lstm_1layer"]


@pytest.mark.parametrize("arch", ["sm_80", "sm_90"])
@pytest.mark.parametrize("name", MODELS)
def test_every_kernel_assembles_without_spills(tmp_path, name, arch):
    path = tmp_path / f"{name}.onnx"
    onnx.save(build(name), str(path))
    out = tmp_path / f"{name}.ptx"
    emit_artifact(str(path), "ptx", str(out), target="cuda", gpu_arch=arch)
    ptx = out.read_text()
    chip = "sm_90a" if arch == "sm_90" else arch
    assert f".target {chip}" in ptx
    entries = re.findall(r"\.visible \.entry (\w+)\(", ptx)
    report = ptxas_report(ptx, chip_of(f"cuda-{arch.replace('_', '')}"))
    assert sorted(k.name for k in report) == sorted(entries) and entries
    for kernel in report:
        assert (kernel.spill_stores, kernel.spill_loads) == (0, 0), kernel
        assert kernel.shared_bytes <= 48 * 1024, kernel
