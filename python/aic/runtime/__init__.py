"""Running compiled code: the in-process JIT (``jit``) and the compiled-model API."""
