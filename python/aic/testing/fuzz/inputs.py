"""Bad and unusual inputs to a compiled model, through the JIT (``aic.compile``) and through a
library (``CompiledModel.save`` + ``aic.load``).

Each mutation turns the valid inputs (a dict, graph input order) into a call. *Layout*
mutations (non-contiguous, Fortran order, negative strides, read-only, NaN/inf values) must
give the same answer as the contiguous copy run through onnxruntime; every other mutation
(dtype, shape, rank, names, counts, non-arrays) must raise ``aic.InputError``.
"""

from __future__ import annotations

import os
import random
import tempfile

import numpy as np

from aic.testing.fuzz.cases import close, first_line, reference


def _strided(a):
    big = np.repeat(a, 2, axis=-1) if a.ndim else a
    return big[..., ::2] if a.ndim else a


def _reversed(a):
    if not a.ndim:
        return a
    return np.ascontiguousarray(a[::-1])[::-1]


def _readonly(a):
    a = a.copy()
    a.setflags(write=False)
    return a


def _nan_inf(a):
    a = a.copy()
    if a.size and np.issubdtype(a.dtype, np.floating):
        a.flat[0], a.flat[-1] = np.nan, np.inf
    return a


LAYOUTS = {"strided": _strided, "fortran": np.asfortranarray, "reversed": _reversed,
           "readonly": _readonly, "nan_inf": _nan_inf}
BAD = ["dtype", "extra_dim", "drop_dim", "grow_dim", "zero_dim", "unknown_name", "missing",
       "extra_positional", "none", "scalar", "string", "object"]


def _bad_call(kind: str, inputs: dict, rng: random.Random):
    """(args, kwargs) of a call that must raise InputError."""
    names = list(inputs)
    name = rng.choice(names)
    a = inputs[name]
    new = dict(inputs)
    replace = {
        "dtype": lambda: a.astype(rng.choice([np.float64, np.float16, np.int32, np.bool_])),
        "extra_dim": lambda: a[None],
        "drop_dim": lambda: a.reshape(-1)[: max(1, a.size // 2)] if a.ndim > 1 else a.sum(),
        "grow_dim": lambda: np.concatenate([a, a[:1]]) if a.ndim else a[None],
        "zero_dim": lambda: a[:0] if a.ndim else a[None][:0],
        "none": lambda: None,
        "scalar": lambda: 1.5,
        "string": lambda: "not an array",
        "object": lambda: np.array([object()] * max(1, a.size)).reshape(a.shape),
    }
    if kind in replace:
        new[name] = replace[kind]()
        return (), new
    if kind == "unknown_name":
        new["no_such_input"] = new.pop(name)
        return (), new
    if kind == "missing":
        new.pop(name)
        return (), new
    return (*inputs.values(), inputs[name]), {}  # extra_positional


def run_input_case(model, path_for_reference: str, inputs: dict, mutation: str, seed: int,
                   stage) -> tuple[str, str]:
    import aic

    rng = random.Random(seed)
    stage("run")
    if mutation in LAYOUTS:
        try:
            outputs = model(**{n: LAYOUTS[mutation](a) for n, a in inputs.items()})
        except aic.AicError as e:
            return "escaped", f"a valid {mutation} input was refused: {first_line(e)}"
        want = reference(path_for_reference,
                         {n: np.ascontiguousarray(LAYOUTS[mutation](a)) for n, a in inputs.items()},
                         stage)
        if want is None:
            return "unchecked", ""
        ok = all(close(g, w) for g, w in zip(outputs, want))
        return ("ok", "") if ok else ("wrong", f"{mutation} input: answer differs")
    args, kwargs = _bad_call(mutation, inputs, rng)
    try:
        model(*args, **kwargs)
    except aic.InputError as e:
        return "error", first_line(e)
    return "wrong", f"{mutation}: accepted without an InputError"


class Models:
    """Seed models compiled once per worker, as a JIT model and as a loaded library."""

    def __init__(self):
        self._cache = {}
        self._tmp = tempfile.mkdtemp(prefix="aic-fuzz-")

    def get(self, seed_name: str, via: str):
        import onnx

        import aic
        from aic import runner
        from aic.testing.fuzz.seeds import SEEDS

        if seed_name not in self._cache:
            path = os.path.join(self._tmp, f"{seed_name}.onnx")
            onnx.save(SEEDS[seed_name](), path)
            jit = aic.compile(path, threads=1)
            library = aic.load(jit.save(os.path.join(self._tmp, f"{seed_name}.so")))
            self._cache[seed_name] = (path, {"jit": jit, "so": library},
                                      runner.make_inputs(jit, {}))
        path, models, inputs = self._cache[seed_name]
        return models[via], path, inputs
