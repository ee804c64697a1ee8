"""The CUDA mapping run on the CPU (``emulate=True``) matches onnxruntime on small ResNet-,
MobileNet-, BERT-, GPT-2-, ViT-, UNet- and LSTM-style models.

The emulated program is the `gpu` level itself: the same tiling, grid, threads per block,
shared-memory tile buffers and barrier phases as the PTX, with block and thread loops made
sequential (one barrier phase after another). A wrong index, a missing barrier or a bad tile
order gives wrong numbers here.

Tolerance: rtol 1e-4, atol 1e-5 -- the kernels of this path accumulate in f32 with FMAs (no
tensor cores). TF32 tensor-core kernels (the mma path, 10-bit mantissa inputs) need about
rtol 1e-2 / atol 1e-3 on these sizes; their tests state it where they run.
"""

import aic
import numpy as np
import pytest
from aic.runner import onnxruntime_session, random_input
from cuda_models import MAKERS, build

RTOL, ATOL = 1e-4, 1e-5


def _feed(compiled, seed=0) -> dict:
    rng = np.random.default_rng(seed)
    return {t.name: random_input(t.shape, t.dtype, rng) for t in compiled.inputs}


@pytest.mark.parametrize("name", list(MAKERS))
def test_emulated_cuda_model_matches_onnxruntime(name):
    model = build(name)
    compiled = aic.compile(model, target="cuda", emulate=True)
    assert compiled.target == "cuda-sm80"
    feed = _feed(compiled)
    got = compiled(**feed)
    session = onnxruntime_session(model.SerializeToString())
    want = session.run([o.name for o in session.get_outputs()], feed)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=RTOL, atol=ATOL)


def test_emulation_runs_the_sm90_mapping_too():
    model = build("transformer_encoder")
    compiled = aic.compile(model, target="cuda", gpu_arch="sm_90", emulate=True)
    assert compiled.target == "cuda-sm90"
    feed = _feed(compiled, seed=1)
    (got,) = compiled(**feed)
    session = onnxruntime_session(model.SerializeToString())
    (want,) = session.run(None, feed)
    np.testing.assert_allclose(got, want, rtol=RTOL, atol=ATOL)


def test_without_a_gpu_running_cuda_is_one_clear_error():
    from aic.runtime.cuda import driver_problem

    if driver_problem() is None:
        pytest.skip("this machine has a CUDA GPU: the no-GPU error cannot happen here")
    with pytest.raises(aic.AicError, match=r"cannot run on a CUDA GPU: .*emulate=True"):
        aic.compile(build("transformer_encoder"), target="cuda")


def test_unknown_gpu_arch_and_cpu_only_flags_are_errors():
    with pytest.raises(aic.AicError, match="unknown --gpu-arch 'sm_70'"):
        aic.compile(build("transformer_encoder"), target="cuda", gpu_arch="sm_70", emulate=True)
    with pytest.raises(aic.AicError, match="apply to --target cuda"):
        aic.compile(build("transformer_encoder"), target="cpu", emulate=True)
