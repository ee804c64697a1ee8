"""``SpecializingModel``: a model whose shapes depend on the values of some of its inputs.

A Reshape's shape, Slice starts, Reduce axes, TopK's k, Resize sizes... may be graph inputs.
aic compiles static shapes, so ``aic.compile`` returns this model when the importer reports
such inputs (``ValueNeededError``): it compiles on the first call with those inputs frozen to
the values given (constants, which fold), and keeps one compiled variant per distinct value
set, like a tracing JIT. A call is guarded by its values: other values compile (or find)
another variant. The cache is bounded (``max_variants``, least recently used dropped);
``variant_count`` says how many it holds. A variant's compile may find more such inputs
(a value computed from another); they join ``value_inputs`` and the compile is retried.

It cannot be saved as one library: the caller fixes the values ahead of time instead
(``aic.compile(constants=...)``, ``aic-compile --input-value NAME=...``).
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Callable

import numpy as np

from aic.errors import InputError, ValueNeededError
from aic.runtime.model import CompiledModel

MAX_VARIANTS = 8


class SpecializingModel(CompiledModel):
    """``compile_variant(constants) -> CompiledModel`` compiles the model with the graph
    inputs in ``constants`` frozen; ``inputs`` are all the runtime inputs (``TensorInfo``)."""

    def __init__(self, compile_variant: Callable[[dict], CompiledModel], inputs,
                 value_inputs, target: str = "cpu", max_variants: int = MAX_VARIANTS):
        super().__init__(self._call_variant, inputs, [], target=target)
        self._compile_variant = compile_variant
        self.value_inputs = [t.name for t in self.inputs if t.name in set(value_inputs)]
        self.max_variants = max(1, max_variants)
        self.variants: OrderedDict[str, CompiledModel] = OrderedDict()
        self.compiles = 0  # variants compiled so far (a dropped one compiled again counts twice)

    @property
    def variant_count(self) -> int:
        return len(self.variants)

    def _key(self, by_name: dict[str, np.ndarray]) -> str:
        h = hashlib.sha256()
        for name in self.value_inputs:
            v = by_name[name]
            h.update(f"{name}:{v.dtype.str}:{v.shape};".encode())
            h.update(v.tobytes())
        return h.hexdigest()

    def variant(self, by_name: dict[str, np.ndarray]) -> CompiledModel:
        """The variant for these input values: cached, else compiled (and cached)."""
        key = self._key(by_name)
        if key in self.variants:
            self.variants.move_to_end(key)
            return self.variants[key]
        while True:
            frozen = {n: by_name[n] for n in self.value_inputs}
            try:
                compiled = self._compile_variant(frozen)
                break
            except ValueNeededError as e:
                more = [n for n in e.inputs if n not in self.value_inputs]
                if not more:
                    raise
                wanted = set(self.value_inputs) | set(more)
                self.value_inputs = [t.name for t in self.inputs if t.name in wanted]
                key = self._key(by_name)
        self.compiles += 1
        self.variants[key] = compiled
        while len(self.variants) > self.max_variants:
            self.variants.popitem(last=False)
        self.outputs = list(compiled.outputs)
        self.threads = compiled.threads
        return compiled

    def _call_variant(self, arrays: list[np.ndarray]) -> list[np.ndarray]:
        # (checked arrays: numpy's ascontiguousarray makes a 0-d array 1-d; only a 0-d input
        # needs its shape back, and dynamic dims keep the array's own)
        by_name = {t.name: a.reshape(()) if not t.shape else a
                   for t, a in zip(self.inputs, arrays)}
        compiled = self.variant(by_name)
        return compiled(*[a for n, a in by_name.items() if n not in set(self.value_inputs)])

    @property
    def profiler(self):
        last = next(reversed(self.variants.values()), None)
        return last.profiler if last is not None else None

    @profiler.setter
    def profiler(self, value) -> None:  # CompiledModel.__init__ sets None
        pass

    @property
    def llvm_module_text(self) -> str | None:
        return None

    def save(self, path: str) -> str:
        listed = ", ".join(f"'{n}'" for n in self.value_inputs)
        raise InputError(f"this model specialises on the values of input(s) {listed} (they "
                         "decide shapes): one library cannot hold every variant; fix them "
                         "with aic.compile(constants={...}) or aic-compile --input-value "
                         f"{self.value_inputs[0]}=...")
