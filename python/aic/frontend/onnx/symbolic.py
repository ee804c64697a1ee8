"""Shapes computed from dynamic dims, at import time: ``Sym`` and symbolic arrays.

Exporters compute shapes inside the graph: ``Shape(x) -> Gather -> Unsqueeze -> Concat ->
Reshape``. With static input shapes those subgraphs fold to constants; with dynamic dims
(``batch``, ``seq``) ``Shape`` gives a *symbolic array*: a numpy array of dtype ``object``
holding ints and ``Sym`` polynomials over the dims' ONNX names (``batch*seq``, ``seq - 1``).
The shape ops that exporters use on such arrays (``SHAPE_OPS``) are evaluated on them here, so
the subgraph still folds; the consumer (Reshape, Expand, Slice...) reads the result types that
ONNX's symbolic inference gives, and where a value must become data at run time the import
stops with ``UnsupportedError`` naming the node.

May import: numpy, onnx, aic.errors.
"""

from __future__ import annotations

import numpy as np

SHAPE_OPS = {"Gather", "Unsqueeze", "Squeeze", "Concat", "Slice", "Cast", "Add", "Sub", "Mul",
             "Div", "Identity", "Reshape", "Flatten", "ReduceProd", "Neg"}
"""Ops evaluated on symbolic arrays (their other inputs constant)."""


class NotSymbolic(ValueError):
    """An operation on a symbolic dim that has no symbolic answer (``batch < 3``)."""


class Sym:
    """A polynomial with int coefficients over named dims: ``{monomial: coefficient}``, a
    monomial being a sorted tuple of names (``()`` is the constant term)."""

    __slots__ = ("terms",)

    def __init__(self, terms: dict):
        self.terms = {m: c for m, c in terms.items() if c}

    @staticmethod
    def dim(name: str) -> "Sym":
        return Sym({(name,): 1})

    @staticmethod
    def of(x) -> "Sym | int":
        if isinstance(x, Sym):
            return x.simplified()
        return int(x)

    def simplified(self) -> "Sym | int":
        if not self.terms:
            return 0
        if list(self.terms) == [()]:
            return self.terms[()]
        return self

    def __add__(self, other):
        terms = dict(self.terms)
        for m, c in _terms(other).items():
            terms[m] = terms.get(m, 0) + c
        return Sym(terms).simplified()

    __radd__ = __add__

    def __neg__(self):
        return Sym({m: -c for m, c in self.terms.items()})

    def __sub__(self, other):
        return self + (-Sym(_terms(other)))

    def __rsub__(self, other):
        return Sym(_terms(other)) - self

    def __mul__(self, other):
        terms: dict = {}
        for m1, c1 in self.terms.items():
            for m2, c2 in _terms(other).items():
                m = tuple(sorted(m1 + m2))
                terms[m] = terms.get(m, 0) + c1 * c2
        return Sym(terms).simplified()

    __rmul__ = __mul__

    def __floordiv__(self, other):
        if isinstance(other, Sym) and other == self:
            return 1
        if isinstance(other, Sym) and len(other.terms) == 1:
            return self._divide(*next(iter(other.terms.items())))
        other = _int(other)
        if other and all(c % other == 0 for c in self.terms.values()):
            return Sym({m: c // other for m, c in self.terms.items()}).simplified()
        raise NotSymbolic(f"{self} // {other}")

    def _divide(self, monomial: tuple, coefficient: int):
        """Exact division by one term, else NotSymbolic."""
        terms = {}
        for m, c in self.terms.items():
            rest = list(m)
            for name in monomial:
                if name not in rest:
                    raise NotSymbolic(f"{self} // {Sym({monomial: coefficient})}")
                rest.remove(name)
            if c % coefficient:
                raise NotSymbolic(f"{self} // {Sym({monomial: coefficient})}")
            terms[tuple(rest)] = c // coefficient
        return Sym(terms).simplified()

    def __rfloordiv__(self, other):
        return Sym(_terms(other)) // self if _terms(other) else 0

    def __eq__(self, other) -> bool:
        return _terms(other) == self.terms if isinstance(other, (Sym, int, np.integer)) else False

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.terms.items())))

    # A dim is a positive size: it is never negative (not ``shapes.DYN``) and never 1 for
    # broadcasting; any other order question has no symbolic answer.
    def __lt__(self, other):
        if isinstance(other, (int, np.integer)) and other <= 0:
            return False
        raise NotSymbolic(f"{self} < {other}")

    def __le__(self, other):
        if isinstance(other, (int, np.integer)) and other < 0:
            return False
        raise NotSymbolic(f"{self} <= {other}")

    def __gt__(self, other):
        if isinstance(other, (int, np.integer)) and other <= 0:
            return True
        raise NotSymbolic(f"{self} > {other}")

    def __ge__(self, other):
        if isinstance(other, (int, np.integer)) and other <= 1:
            return True
        raise NotSymbolic(f"{self} >= {other}")

    def __bool__(self) -> bool:
        return True  # a dim name stands for a positive size

    def __int__(self):
        raise NotSymbolic(f"needs the value of {self}")

    __index__ = __int__

    def __repr__(self) -> str:
        parts = []
        for m, c in sorted(self.terms.items()):
            name = "*".join(m)
            parts.append(str(c) if not m else name if c == 1 else f"{c}*{name}")
        return " + ".join(parts)

    def name(self) -> str:
        """A product of named dims (``batch``, ``batch*seq``, ``2*seq``) as text, else ``""``
        (the form ``aic.dims`` records and the lowering reads back)."""
        if len(self.terms) != 1:
            return ""
        (m, c), = self.terms.items()
        return "*".join(([str(c)] if c != 1 else []) + list(m))

    @staticmethod
    def parse(text: str) -> "Sym | None":
        """The inverse of ``name``; None for ``""``."""
        if not text:
            return None
        out = Sym({(): 1})
        for part in text.split("*"):
            out = out * (int(part) if part.isdigit() else Sym.dim(part))
        return out


def _terms(x) -> dict:
    if isinstance(x, Sym):
        return x.terms
    return {(): _int(x)} if _int(x) else {}


def _int(x) -> int:
    if isinstance(x, (bool, np.bool_)):
        raise NotSymbolic("a boolean in a shape computation")
    return int(x)


def show(a: np.ndarray, limit: int = 8) -> str:
    """A short text of a (symbolic) array for messages."""
    items = [str(v) for v in a.flat]
    return "[" + ", ".join(items[:limit]) + (", ..." if len(items) > limit else "") + "]"


def is_symbolic(a) -> bool:
    return isinstance(a, np.ndarray) and a.dtype == object


def shape_array(dims: list) -> np.ndarray:
    """``Shape``'s result: ints and ``Sym`` (already built by the caller) as a symbolic array."""
    out = np.empty(len(dims), dtype=object)
    for i, d in enumerate(dims):
        out[i] = d
    return out if any(isinstance(d, Sym) for d in dims) else out.astype(np.int64)


def evaluate(op_type: str, inputs: list, attrs: dict) -> np.ndarray:
    """``op_type`` on ``inputs`` (numpy arrays, some symbolic); raises NotSymbolic."""
    x = inputs[0]
    if op_type in ("Identity", "Cast"):
        return x
    if op_type == "Neg":
        return _fix(-x)
    if op_type in ("Add", "Sub", "Mul"):
        fn = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply}[op_type]
        return _fix(fn(x.astype(object), inputs[1].astype(object)))
    if op_type == "Div":
        return _fix(np.frompyfunc(lambda a, b: a // b, 2, 1)(x.astype(object),
                                                             inputs[1].astype(object)))
    if op_type == "Gather":
        return _fix(np.take(x, inputs[1].astype(np.int64), axis=int(attrs.get("axis", 0))))
    if op_type in ("Unsqueeze", "Squeeze"):
        return _fix(_squeeze(op_type, x, inputs, attrs))
    if op_type == "Concat":
        return _fix(np.concatenate([a.astype(object) for a in inputs if a.size or a.ndim],
                                   axis=int(attrs["axis"])))
    if op_type == "Slice":
        return _fix(_slice(x, inputs, attrs))
    if op_type in ("Reshape", "Flatten"):
        if op_type == "Flatten" or any(isinstance(v, Sym) for v in inputs[1].flat):
            raise NotSymbolic(f"{op_type} of a symbolic array")
        return _fix(x.reshape([int(v) for v in inputs[1]]))
    if op_type == "ReduceProd":
        out = 1
        for v in x.flat:
            out = out * v
        return _fix(np.array(out, dtype=object))
    raise NotSymbolic(f"{op_type} on a symbolic array")


def _squeeze(op_type: str, x: np.ndarray, inputs: list, attrs: dict) -> np.ndarray:
    axes = [int(a) for a in (inputs[1] if len(inputs) > 1 else attrs.get("axes", []))]
    if op_type == "Squeeze":
        return np.squeeze(x, axis=tuple(axes)) if axes else np.squeeze(x)
    out = x
    rank = x.ndim + len(axes)
    for a in sorted(a + rank if a < 0 else a for a in axes):
        out = np.expand_dims(out, a)
    return out


def _slice(x: np.ndarray, inputs: list, attrs: dict) -> np.ndarray:
    def ints(i, default):
        if len(inputs) > i and inputs[i] is not None:
            return [int(v) for v in inputs[i]]
        return default
    starts, ends = ints(1, attrs.get("starts")), ints(2, attrs.get("ends"))
    axes = ints(3, attrs.get("axes", list(range(len(starts)))))
    steps = ints(4, [1] * len(starts))
    index = [slice(None)] * x.ndim
    for s, e, a, st in zip(starts, ends, axes, steps):
        index[a] = slice(s, e, st)
    return x[tuple(index)]


def _fix(a) -> np.ndarray:
    """Back to int64 where no symbol is left."""
    a = np.asarray(a, dtype=object)
    if any(isinstance(v, Sym) for v in a.flat):
        return a
    return a.astype(np.int64)
