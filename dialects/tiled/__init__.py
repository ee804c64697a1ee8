"""The ``tiled`` dialect: tile programs (placeholder until declared)."""
