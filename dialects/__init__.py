"""aic's dialects: graph (model level), tiled (tile programs), hw (targets).

Each sub-package declares its dialect with ``aic.dsl``; ``python -m aic.dialects.generate``
rewrites the generated files (``<name>.irdl.mlir`` and the op section of each README).
"""
