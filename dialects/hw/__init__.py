"""The ``hw`` dialect: targets (placeholder until declared)."""
