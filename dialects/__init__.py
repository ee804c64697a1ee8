"""aic's dialects: graph (model level), tiled (tile programs), hw (targets).

Each sub-package declares its dialect with ``aic.dsl``; ``python -m aic.dialects.generate``
rewrites the generated files (``<name>.irdl.mlir`` and the op section of each README).
"""

BUILTIN = ("graph", "tiled", "hw")


def builtin_dialects() -> None:
    """Import aic's own dialects so they are declared (idempotent)."""
    import aic.dialects.graph  # noqa: F401
    import aic.dialects.hw  # noqa: F401
    import aic.dialects.tiled  # noqa: F401
